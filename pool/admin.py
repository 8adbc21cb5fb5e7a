"""Admin for the pool. Writes with consequences for access go through pool.services."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.admin import CaseDataAdmin
from cases.models import Case
from ipgar import access_log
from ipgar.admin_base import NoRevertHistoryAdmin

from . import services
from .models import (
    Absence,
    CaseloadReview,
    CaseloadReviewItem,
    Contact,
    Director,
    Instruction,
    Substitution,
    ThreeWayConversation,
)


@admin.register(Director)
class DirectorAdmin(NoRevertHistoryAdmin):
    list_display = ("user", "organisation", "fte", "capacity", "seconded_from", "active_from", "active_until")
    list_filter = ("organisation",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)
    filter_horizontal = ("restricted_to_areas",)
    readonly_fields = ("capacity",)

    @admin.display(description=_("capacity"))
    def capacity(self, obj):
        return obj.capacity

    def save_model(self, request, obj, form, change):
        # Through the services: FTE range, period and history user are checked the same way.
        fields = {name: form.cleaned_data[name] for name in services.DIRECTOR_FIELDS if name in form.cleaned_data}
        if change:
            services.director_update(director=obj, by=request.user, **fields)
        else:
            created = services.director_create(user=form.cleaned_data["user"], by=request.user, **fields)
            obj.pk = created.pk


class SubstitutionInline(admin.TabularInline):
    """Who substitutes; how many cases, not which (the codes are read on the pool page, by need-to-know)."""

    model = Substitution
    fields = ("substitute", "case_count")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("cases"))
    def case_count(self, obj):
        count = obj.cases.count()
        return count if count else _("all cases of the absent director")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    """Read-only: an absence gives substitutes access, so it is registered on the pool page;
    deleting one here withdraws it and ends its substitutes' access (pool.services.absence_cancel)."""

    list_display = ("director", "kind", "starts_on", "ends_on", "registered_by")
    list_filter = ("kind",)
    date_hierarchy = "starts_on"
    inlines = [SubstitutionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.absence_cancel(absence=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for absence in queryset:
            services.absence_cancel(absence=absence, by=request.user)


class ReviewItemInline(admin.TabularInline):
    """The cases discussed: only those the reader may see, read-only (written on the pool page)."""

    model = CaseloadReviewItem
    fields = ("case", "progress", "content", "registration")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        visible = Case.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(case__in=visible).select_related("case")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InstructionInline(ReviewItemInline):
    model = Instruction
    fields = ("case", "text", "due_on", "done_on", "done_by")
    readonly_fields = fields

    def get_queryset(self, request):
        visible = Case.objects.visible_to(request.user).values("pk")
        queryset = super(ReviewItemInline, self).get_queryset(request)
        return queryset.filter(Q(case__isnull=True) | Q(case__in=visible)).select_related("case")


@admin.register(CaseloadReview)
class CaseloadReviewAdmin(admin.ModelAdmin):
    """Reviews are recorded on the pool page (pool.services.review_record); here they are read."""

    list_display = ("director", "held_on", "held_by")
    list_filter = ("director",)
    date_hierarchy = "held_on"
    inlines = [ReviewItemInline, InstructionInline]

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        review = self.get_object(request, unquote(object_id))
        if review is not None:
            # Each case discussed that the reader is shown is a read of case data.
            visible = Case.objects.visible_to(request.user).values("pk")
            for item in review.items.filter(case__in=visible).select_related("case"):
                access_log.record(
                    request,
                    record_type="cases.case",
                    record_id=item.case_id,
                    label=item.case.code,
                    section="admin:caseloadreview",
                )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Instruction)
class InstructionAdmin(CaseDataAdmin):
    """Instructions of caseload reviews; those about a case only when the reader may see it."""

    list_display = ("text", "review", "case", "due_on", "done_on")
    list_filter = (("done_on", admin.EmptyFieldListFilter),)
    list_select_related = ("review__director__user", "case")

    def get_queryset(self, request):
        visible = Case.objects.visible_to(request.user).values("pk")
        queryset = super(CaseDataAdmin, self).get_queryset(request)
        return queryset.filter(Q(case__isnull=True) | Q(case__in=visible))

    def log_read(self, request, obj, *section):
        if obj.case_id is not None:
            super().log_read(request, obj, *section)


@admin.register(ThreeWayConversation)
class ThreeWayConversationAdmin(admin.ModelAdmin):
    list_display = ("director", "held_on", "line_manager_name", "oov_participant")
    list_filter = ("director",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "role", "email", "phone")
    list_filter = ("role", "organisation")
    search_fields = ("name", "remarks", "email", "organisation__name")
