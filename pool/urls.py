from django.urls import path

from . import views

app_name = "pool"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("caseload.csv", views.caseload_csv, name="caseload_csv"),
    path("mine/", views.my_figures, name="mine"),
    path("directory/", views.directory, name="directory"),
    path("directors/new/", views.director_form, name="director_new"),
    path("directors/<int:pk>/", views.director_detail, name="director"),
    path("directors/<int:pk>/edit/", views.director_form, name="director_edit"),
    path("directors/<int:pk>/handover/", views.handover, name="handover"),
    path("directors/<int:pk>/absences/new/", views.absence_new, name="absence_new"),
    path("directors/<int:pk>/reviews/new/", views.review_new, name="review_new"),
    path("directors/<int:pk>/three-way/new/", views.three_way_new, name="three_way_new"),
    path("instructions/<int:pk>/done/", views.instruction_done, name="instruction_done"),
    path("assign/", views.assign_list, name="assign_list"),
    path("assign/<int:case_pk>/", views.assign, name="assign"),
]
