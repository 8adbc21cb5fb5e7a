from django.urls import path

from . import audit_views

app_name = "ipgar"

urlpatterns = [
    path("access-log/", audit_views.access_log, name="access_log"),
    path("access-log.csv", audit_views.access_log_csv, name="access_log_csv"),
]
