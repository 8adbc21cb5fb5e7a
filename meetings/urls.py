from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("export.csv", views.meeting_list_csv, name="list_csv"),
    path("new/", views.meeting_create, name="create"),
    path("calendar.ics", views.calendar, name="calendar"),
    path("bodies/", views.body_list, name="bodies"),
    path("bodies/<int:pk>/", views.body_detail, name="body"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/secretary/", views.secretary_change, name="secretary"),
    path("<int:pk>/items/new/", views.agenda_item_add, name="item_add"),
    path("<int:pk>/attendance/", views.invitation_add, name="attendance"),
    path("<int:pk>/entries/new/", views.entry_add, name="entry_add"),
    path("<int:pk>/decisions/new/", views.decision_add, name="decision_add"),
    path("<int:pk>/actions/new/", views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_pk>/done/", views.action_done, name="action_done"),
    path("<int:pk>/forward/new/", views.forward_add, name="forward_add"),
    path("<int:pk>/circulate/", views.circulate, name="circulate"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
    path("<int:pk>/amendments/new/", views.amend, name="amend"),
    path("<int:pk>/cases/<int:case_pk>/", views.case_summary, name="case_summary"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("<int:pk>/minutes.docx", views.minutes_docx, name="minutes_docx"),
    path("<int:pk>/woo/", views.woo_preview, name="woo"),
    path("<int:pk>/woo.pdf", views.woo_pdf, name="woo_pdf"),
    path("<int:pk>/woo/<int:publication_pk>/review/", views.woo_review, name="woo_review"),
    path("<int:pk>/woo/v<int:version>.pdf", views.woo_pdf, name="woo_release_pdf"),
    path("<int:pk>/woo/v<int:version>.xml", views.woo_xml, name="woo_release_xml"),
]
