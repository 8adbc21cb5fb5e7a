"""Admin for users, roles, organisations and the logs.

An administrator (not a superuser) manages users within limits: the roles it may
grant exclude the programme team, the administrator and the privacy officer; superuser status,
staff status and single permissions are not on its form; accounts that hold any of those are
read-only to it (no password reset, no edit); roles (groups) it reads but does not edit. Every
change of a role or right is written to the role-change log with who and why.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, Permission
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import roles
from .admin_base import ReferenceListAdmin
from .enrolment import issue_links_action
from .models import AccessLogEntry, Organisation, RoleChangeLogEntry, User

PERMISSION_ACTIONS = {
    "add": _("May add %(model)s"),
    "change": _("May change %(model)s"),
    "delete": _("May delete %(model)s"),
    "view": _("May view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """A permission in the request's language: the stored name is English (Django writes it)."""
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    action, _sep, model_name = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        text = PERMISSION_ACTIONS[action] % {"model": model._meta.verbose_name}
    else:
        text = dict(model._meta.permissions).get(permission.codename, permission.name)
    app = capfirst(model._meta.app_config.verbose_name)
    return f"{app} | {capfirst(text)}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return capfirst(roles.role_label(obj.name))


def _permission_codes(permissions) -> list[str]:
    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)


class ReasonMixin:
    """A form that asks why when it changes a role or a right, and says what changed."""

    reason_required_message = _("Give the reason for this change of role or rights.")

    def role_changes(self) -> dict:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        self.changes = self.role_changes() if not self.errors else {}
        if self.changes and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", self.reason_required_message)
        return cleaned


REASON_FIELD = {
    "label": _("reason for the change of role or rights"),
    "help_text": _("Required when roles, rights or the account's status change; written to the role-change log."),
    "required": False,
}


class IpgarUserChangeForm(ReasonMixin, UserChangeForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), **REASON_FIELD)

    def role_changes(self) -> dict:
        changes = {}
        user = self.instance
        if "groups" in self.cleaned_data:
            before = set(user.groups.values_list("name", flat=True)) if user.pk else set()
            after = {group.name for group in self.cleaned_data["groups"]}
            if after - before:
                changes["roles_added"] = sorted(after - before)
            if before - after:
                changes["roles_removed"] = sorted(before - after)
        if "user_permissions" in self.cleaned_data:
            before = set(_permission_codes(user.user_permissions.select_related("content_type"))) if user.pk else set()
            after = set(_permission_codes(self.cleaned_data["user_permissions"]))
            if after - before:
                changes["permissions_added"] = sorted(after - before)
            if before - after:
                changes["permissions_removed"] = sorted(before - after)
        for flag in ("is_superuser", "is_staff", "is_active"):
            if flag in self.cleaned_data and self.cleaned_data[flag] != self.initial.get(flag):
                changes[flag] = [bool(self.initial.get(flag)), self.cleaned_data[flag]]
        return changes


def holds_more_than_the_administrator_may_grant(user: User) -> bool:
    """Superuser or staff, single permissions, or any group but the roles an administrator grants."""
    grantable = set(roles.ROLES) - roles.SUPERUSER_ONLY
    return (
        user.is_superuser
        or user.is_staff
        or user.groups.exclude(name__in=grantable).exists()
        or user.user_permissions.exists()
    )


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(name, capfirst(label)) for name, label in roles.ROLES.items()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(groups__name=self.value())
        return queryset


def log_role_change(request, form, *, subject=None, subject_role=""):
    changes = getattr(form, "changes", None)
    if not changes:
        return
    RoleChangeLogEntry.objects.create(
        actor=request.user,
        actor_username=request.user.get_username(),
        subject=subject,
        subject_username=subject.get_username() if subject else "",
        subject_role=subject_role,
        changes=changes,
        reason=form.cleaned_data["reason"].strip(),
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = IpgarUserChangeForm
    list_display = ("username", "first_name", "last_name", "organisation", "role_list", "is_active")
    list_filter = (RoleListFilter, "organisation", "is_active")
    list_select_related = ("organisation",)
    actions = [issue_links_action]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        return ", ".join(roles.role_label(group.name) for group in obj.groups.all())

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            rights = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")
        else:
            rights = ("is_active", "groups")
        return (
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("iPGA-R"), {"fields": ("organisation", "function_title", "phone", "is_public_official", "is_demo")}),
            (_("Roles and rights"), {"fields": (*rights, "reason")}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            queryset = Group.objects.filter(name__in=roles.ROLES)
            if not request.user.is_superuser:
                queryset = queryset.exclude(name__in=roles.SUPERUSER_ONLY)
            kwargs["queryset"] = queryset.order_by("name")
            kwargs["form_class"] = RoleChoiceField
            kwargs.setdefault("label", _("roles"))
            kwargs.setdefault("help_text", _("The user's roles decide what they may see and do."))
            if not request.user.is_superuser:
                kwargs["help_text"] = _(
                    "Only a superuser grants the programme team, administrator or privacy officer role."
                )
        if db_field.name == "user_permissions":
            kwargs["queryset"] = Permission.objects.select_related("content_type")
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and holds_more_than_the_administrator_may_grant(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and holds_more_than_the_administrator_may_grant(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        log_role_change(request, form, subject=form.instance)


class RoleForm(ReasonMixin, forms.ModelForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), **REASON_FIELD)

    class Meta:
        model = Group
        fields = ("name", "permissions")

    def role_changes(self) -> dict:
        changes = {}
        group = self.instance
        before = set(_permission_codes(group.permissions.select_related("content_type"))) if group.pk else set()
        after = set(_permission_codes(self.cleaned_data.get("permissions", [])))
        if after - before:
            changes["permissions_added"] = sorted(after - before)
        if before - after:
            changes["permissions_removed"] = sorted(before - after)
        if group.pk and self.cleaned_data.get("name") != self.initial.get("name"):
            changes["name"] = [self.initial.get("name"), self.cleaned_data.get("name")]
        return changes


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(DjangoGroupAdmin):
    """Roles: read by the administrator, edited only by a superuser (docs/access.md)."""

    form = RoleForm
    list_display = ("role_name",)

    @admin.display(description=_("role"))
    def role_name(self, obj):
        return capfirst(roles.role_label(obj.name))

    @admin.display(description=_("rights"))
    def permission_list(self, obj):
        labels = sorted(permission_label(p) for p in obj.permissions.select_related("content_type"))
        return format_html_join("", "<div>{}</div>", ((label,) for label in labels)) or gettext("none")

    def get_list_display(self, request):
        # The technical name is what the code asks for; only a superuser needs to see it.
        return ("role_name", "name") if request.user.is_superuser else ("role_name",)

    def get_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ("name", "permissions", "reason")
        return ("role_name", "permission_list")

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return ("role_name", "permission_list")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions":
            kwargs["queryset"] = Permission.objects.select_related("content_type")
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        log_role_change(request, form, subject_role=form.instance.name)


@admin.register(RoleChangeLogEntry)
class RoleChangeLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, in the database as well as here."""

    list_display = ("at", "actor_username", "subject_text", "change_text", "reason")
    search_fields = ("actor_username", "subject_username", "subject_role", "reason")
    fields = ("at", "actor_username", "subject_text", "change_text", "reason")
    readonly_fields = fields

    @admin.display(description=_("user or role"))
    def subject_text(self, obj):
        return obj.subject_username or capfirst(roles.role_label(obj.subject_role))

    @admin.display(description=_("what changed"))
    def change_text(self, obj):
        from .role_log_views import describe

        return format_html_join("", "<div>{}</div>", ((line,) for line in describe(obj.changes)))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReferenceListAdmin):
    """Organisations: archived, not deleted, when anything refers to them (docs/domain.md)."""

    list_display = ("name", "code", "kind", "archived")
    list_filter = ("kind", "archived")
    search_fields = ("name", "code")


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
