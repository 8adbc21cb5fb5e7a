from django.urls import path

from . import audit_views, retention_views, role_log_views

app_name = "ipgar"

urlpatterns = [
    path("access-log/", audit_views.access_log, name="access_log"),
    path("access-log.csv", audit_views.access_log_csv, name="access_log_csv"),
    path("access-log/person/", audit_views.access_log_person, name="access_log_person"),
    path("access-log/signals/", audit_views.access_log_signals, name="access_log_signals"),
    path("access-log/review/", audit_views.access_log_review, name="access_log_review"),
    path("retention/", retention_views.retention_overview, name="retention"),
    path("retention/lift/", retention_views.legal_hold_lift, name="legal_hold_lift"),
    path("retention/log/", retention_views.retention_log, name="retention_log"),
    path("role-changes/", role_log_views.role_change_log, name="role_change_log"),
]
