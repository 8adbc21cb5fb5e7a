from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AccessLogEntry, Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("iPGA-R"), {"fields": ("organisation", "function_title", "phone", "is_public_official", "is_demo")}),
    )
    list_display = ("username", "first_name", "last_name", "organisation", "is_active")
    list_filter = ("groups", "organisation", "is_active")
    list_select_related = ("organisation",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "archived")
    list_filter = ("kind", "archived")
    search_fields = ("name", "code")

    def has_delete_permission(self, request, obj=None):
        # Reference data is archived, not deleted (DESIGN §3).
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, in the database as well as here."""

    list_display = ("at", "username", "role", "record_type", "record_label", "action", "outcome")
    list_filter = ("action", "outcome", "role")
    search_fields = ("username", "record_label", "record_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
