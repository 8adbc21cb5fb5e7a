"""Admin for the case models. Case content only through Case.objects.visible_to (an
administrator sees cases only with a grant), read-only and logged; the identity not at all.
Reference data is archived, not deleted, when in use."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseNotAllowed

from ipgar import access_log
from ipgar.admin_base import NoRevertHistoryAdmin, ReferenceListAdmin

from .models import (
    Area,
    Case,
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


class ReferenceDataAdmin(ReferenceListAdmin):
    """Add, rename (Dutch and English), order, archive and restore; delete only when unused."""

    list_display = ("name", "name_en", "code", "order", "archived")
    list_editable = ("order",)
    list_filter = ("archived",)
    search_fields = ("name", "name_en", "code")
    fields = ("name", "name_en", "code", "order", "archived")


for model in (RiskCategory, Ideology, LifeDomain, ReportSource, OutflowReason):
    admin.site.register(model, ReferenceDataAdmin)


@admin.register(Area)
class AreaAdmin(ReferenceDataAdmin):
    list_display = ("name", "name_en", "region", "code", "order", "archived")
    list_filter = ("region", "archived")
    fields = ("name", "name_en", "code", "region", "order", "archived")


@admin.register(InterventionType)
class InterventionTypeAdmin(ReferenceDataAdmin):
    list_display = ("name", "name_en", "default_partner", "code", "order", "archived")
    list_select_related = ("default_partner",)
    fields = ("name", "name_en", "code", "description", "default_partner", "order", "archived")


class CaseDataAdmin(admin.ModelAdmin):
    """Case records in the admin: need-to-know, read-only, every read logged.

    Rows come only from `Case.objects.visible_to(user)`, whatever model permissions a staff
    user holds; any object outside it answers 404 on every view (change, history, history
    version) and the refusal is logged. Case content is written on the case pages, through
    the services and their rules, never here.
    """

    case_path = "case"  # from this model to its case; "" for the case itself

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = Case.objects.visible_to(request.user).values("pk")
        if not self.case_path:
            return queryset.filter(pk__in=visible)
        return queryset.filter(**{f"{self.case_path}__in": visible})

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def case_of(self, obj) -> Case:
        for name in self.case_path.split("__") if self.case_path else ():
            obj = getattr(obj, name)
        return obj

    def _section(self, *parts: str) -> str:
        return ":".join(("admin", self.model._meta.model_name, *parts))

    def visible_object_or_404(self, request, object_id, *section):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            access_log.denied(
                request,
                record_type=self.model._meta.label_lower,
                record_id=str(unquote(object_id))[:60],
                section=self._section(*section),
            )
            raise Http404
        return obj

    def log_read(self, request, obj, *section):
        case = self.case_of(obj)
        access_log.record(
            request, record_type="cases.case", record_id=case.pk, label=case.code, section=self._section(*section)
        )

    def changelist_view(self, request, extra_context=None):
        access_log.record(
            request, record_type="cases.case", record_id="list", action=access_log.Action.LIST, section=self._section()
        )
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.visible_object_or_404(request, object_id)
        self.log_read(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.visible_object_or_404(request, object_id, "history")
        self.log_read(request, obj, "history")
        return super().history_view(request, object_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.visible_object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)


class CaseHistoryAdmin(CaseDataAdmin, NoRevertHistoryAdmin):
    """A case record with simple-history: its versions can be read, never reverted."""

    history_excluded_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        # The history form shows a version; every field is read-only, nothing is posted back.
        excluded = set(self.exclude or ())
        return [
            field.name
            for field in self.model._meta.fields
            if field.editable and not field.auto_created and field.name not in excluded
        ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.visible_object_or_404(request, object_id, "history")
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])  # no revert (NoRevertHistoryAdmin)
        history = self.model.history.filter(**{self.model._meta.pk.attname: obj.pk})
        if not str(version_id).isdigit() or not history.filter(history_id=version_id).exists():
            raise Http404
        self.log_read(request, obj, "history")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=self.history_excluded_fields, foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


@admin.register(Case)
class CaseAdmin(CaseHistoryAdmin):
    case_path = ""
    list_display = ("code", "status", "reported_on", "area", "director", "is_detained", "is_abroad")
    list_filter = ("status", "is_detained", "is_abroad", "area__region")
    list_select_related = ("area", "director__user")
    search_fields = ("code",)
    # The information picture has its own page with its own rules and log entry.
    exclude = ("information_picture",)
    history_excluded_fields = ("information_picture",)


# The identity (name, date of birth, BSN, address) is not in the admin at all: it is read on
# the case's identity page, by whom may, and every read is logged.


@admin.register(Contact)
class ContactAdmin(CaseHistoryAdmin):
    list_display = ("case", "date", "kind", "by")
    list_filter = ("kind",)
    list_select_related = ("case", "by")
    search_fields = ("case__code",)


@admin.register(Intervention)
class InterventionAdmin(CaseHistoryAdmin):
    list_display = ("case", "type", "partner", "status", "started_on", "ended_on")
    list_filter = ("status", "type", "partner")
    list_select_related = ("case", "type", "partner")
    search_fields = ("case__code",)


@admin.register(LifeDomainScore)
class LifeDomainScoreAdmin(CaseHistoryAdmin):
    list_display = ("case", "domain", "score", "scored_on")
    list_filter = ("domain",)
    list_select_related = ("case", "domain")
    search_fields = ("case__code",)


@admin.register(PlanGoal)
class PlanGoalAdmin(CaseHistoryAdmin):
    list_display = ("case", "domain", "status")
    list_select_related = ("case", "domain")
    search_fields = ("case__code",)


@admin.register(NetworkLink)
class NetworkLinkAdmin(CaseDataAdmin):
    list_display = ("case", "other", "kind")
    list_select_related = ("case", "other")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(other__in=Case.objects.visible_to(request.user).values("pk"))


@admin.register(Escalation)
class EscalationAdmin(CaseDataAdmin):
    list_display = ("case", "body", "request", "requested_on", "handled_at")
    list_filter = ("body", "request")
    list_select_related = ("case",)
