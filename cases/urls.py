from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.csv", views.case_list_csv, name="list_csv"),
    path("caseload/", views.caseload, name="caseload"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/history/", views.case_history, name="history"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/identity/", views.case_identity, name="identity"),
    path("<int:pk>/information-picture/", views.case_information_picture, name="information_picture"),
    path("<int:pk>/status/", views.case_status, name="status"),
    path("<int:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("<int:pk>/interventions/new/", views.intervention_new, name="intervention_new"),
    path("<int:pk>/interventions/<int:intervention_pk>/", views.intervention_edit, name="intervention_edit"),
    path("<int:pk>/scores/new/", views.score_new, name="score_new"),
    path("<int:pk>/scores/", views.zrm, name="zrm"),
    path("<int:pk>/plan/new/", views.plan_goal_new, name="plan_goal_new"),
    path("<int:pk>/plan/<int:goal_pk>/", views.plan_goal_edit, name="plan_goal_edit"),
    path("<int:pk>/links/new/", views.link_new, name="link_new"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
]
