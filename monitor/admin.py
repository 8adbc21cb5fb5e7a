"""Monitor records in the admin: read-only. Snapshots are frozen; only services write them."""

from django.contrib import admin

from .models import AlertDigest, MonitorSnapshot


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonitorSnapshot)
class MonitorSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["year", "quarter", "variant", "version", "created_at", "created_by"]
    list_filter = ["variant", "year"]
    list_select_related = ["created_by"]
    # The figures are case data in aggregate: read them on the monitor pages, not here.
    exclude = ["figures"]


@admin.register(AlertDigest)
class AlertDigestAdmin(ReadOnlyAdmin):
    list_display = ["on", "recipient", "items", "sent_at"]
    list_filter = ["on"]
    list_select_related = ["recipient"]
