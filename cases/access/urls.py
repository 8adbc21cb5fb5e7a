from django.urls import path

from . import views as access_views

app_name = "access"

urlpatterns = [
    path("partner/", access_views.partner_list, name="partner_list"),
    path("partner/<int:case_id>/", access_views.partner_detail, name="partner_detail"),
    path("partner/<int:case_id>/progress/", access_views.partner_progress, name="partner_progress"),
    path("cases/<int:case_id>/registrations/", access_views.registration_list, name="registration_list"),
    path("cases/<int:case_id>/registrations/new/", access_views.registration_create, name="registration_create"),
    path("registrations/<int:pk>/end/", access_views.registration_end, name="registration_end"),
    path("readers/", access_views.readers_lookup, name="readers_lookup"),
    path("cases/<int:case_id>/readers/", access_views.case_readers, name="case_readers"),
    path("cases/<int:case_id>/grants/new/", access_views.explicit_grant_create, name="explicit_grant_create"),
    path("grants/<int:pk>/end/", access_views.explicit_grant_end, name="explicit_grant_end"),
    path("subject-access/", access_views.subject_access, name="subject_access"),
]
