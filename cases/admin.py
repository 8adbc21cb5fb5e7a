"""Admin for the case models. Case content only through Case.objects.visible_to (an
administrator sees cases only with a grant); reference data is archived, not deleted, when in use."""

from django.contrib import admin, messages
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Area,
    Case,
    CaseIdentity,
    Contact,
    Escalation,
    Ideology,
    Intervention,
    InterventionType,
    LifeDomain,
    LifeDomainScore,
    NetworkLink,
    OutflowReason,
    PlanGoal,
    ReportSource,
    RiskCategory,
)


class ReferenceDataAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "order", "archived")
    list_filter = ("archived",)
    search_fields = ("name", "name_en", "code")
    actions = ["archive", "restore"]

    @admin.action(description=_("Archive the selected entries"))
    def archive(self, request, queryset):
        queryset.update(archived=True)

    @admin.action(description=_("Restore the selected entries"))
    def restore(self, request, queryset):
        queryset.update(archived=False)

    def get_deleted_objects(self, objs, request):
        # Entries in use are not refused here: delete_model archives them instead.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            in_use = _("in use: will be archived instead of deleted")
            return [f"{obj} ({in_use})" for obj in objs], {}, set(), []
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        try:
            super().delete_model(request, obj)
        except ProtectedError:
            # In use: old records keep their meaning, so archive instead (issue 3).
            obj.archived = True
            obj.save(update_fields=["archived"])
            messages.warning(request, _("“%(name)s” is in use and was archived instead of deleted.") % {"name": obj})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


for model in (RiskCategory, Ideology, LifeDomain, ReportSource, OutflowReason):
    admin.site.register(model, ReferenceDataAdmin)


@admin.register(Area)
class AreaAdmin(ReferenceDataAdmin):
    list_display = ("name", "region", "code", "order", "archived")
    list_filter = ("region", "archived")


@admin.register(InterventionType)
class InterventionTypeAdmin(ReferenceDataAdmin):
    list_display = ("name", "default_partner", "code", "order", "archived")


class VisibleCasesMixin:
    """Rows of cases the admin user may see (FIELD-NOTES 5: the changelist filters)."""

    case_path = "case"

    def get_queryset(self, request):
        visible = Case.objects.visible_to(request.user)
        return super().get_queryset(request).filter(**{f"{self.case_path}__in": visible})


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "status", "reported_on", "area", "director", "is_detained", "is_abroad")
    list_filter = ("status", "is_detained", "is_abroad", "area__region")
    search_fields = ("code",)
    readonly_fields = ("code", "status", "director", "included_on", "closed_on", "outflow_reason", "version")
    exclude = ("information_picture",)

    def get_queryset(self, request):
        # An administrator sees case content only with a grant (DESIGN §5).
        return Case.objects.visible_to(request.user).select_related("area", "director__user")

    def has_add_permission(self, request):
        return False  # reports are registered through cases:new (code generation, identity)

    def has_delete_permission(self, request, obj=None):
        return False  # retention removes cases, never a click


@admin.register(CaseIdentity)
class CaseIdentityAdmin(VisibleCasesMixin, SimpleHistoryAdmin):
    list_display = ("case",)
    search_fields = ("case__code",)

    def get_queryset(self, request):
        from . import permissions

        qs = super().get_queryset(request).select_related("case")
        allowed = [identity.pk for identity in qs if permissions.can_view_identity(request.user, identity.case)]
        return qs.filter(pk__in=allowed)


@admin.register(Contact)
class ContactAdmin(VisibleCasesMixin, SimpleHistoryAdmin):
    list_display = ("case", "date", "kind", "by")
    list_filter = ("kind",)
    search_fields = ("case__code",)


@admin.register(Intervention)
class InterventionAdmin(VisibleCasesMixin, SimpleHistoryAdmin):
    list_display = ("case", "type", "partner", "status", "started_on", "ended_on")
    list_filter = ("status", "type", "partner")
    search_fields = ("case__code",)


@admin.register(LifeDomainScore)
class LifeDomainScoreAdmin(VisibleCasesMixin, SimpleHistoryAdmin):
    list_display = ("case", "domain", "score", "scored_on")
    list_filter = ("domain",)
    search_fields = ("case__code",)


@admin.register(PlanGoal)
class PlanGoalAdmin(VisibleCasesMixin, SimpleHistoryAdmin):
    list_display = ("case", "domain", "status")
    search_fields = ("case__code",)


@admin.register(NetworkLink)
class NetworkLinkAdmin(VisibleCasesMixin, admin.ModelAdmin):
    list_display = ("case", "other", "kind")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(other__in=Case.objects.visible_to(request.user))


@admin.register(Escalation)
class EscalationAdmin(VisibleCasesMixin, admin.ModelAdmin):
    list_display = ("case", "body", "request", "requested_on", "handled_at")
    list_filter = ("body", "request")
