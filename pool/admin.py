"""Admin for the pool. Writes with consequences for access go through pool.services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

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
class DirectorAdmin(SimpleHistoryAdmin):
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
    model = Substitution
    fields = ("substitute", "cases")
    readonly_fields = fields
    extra = 0
    can_delete = False

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
    model = CaseloadReviewItem
    fields = ("case", "progress", "content", "registration")
    raw_id_fields = ("case",)
    extra = 0


class InstructionInline(admin.TabularInline):
    model = Instruction
    fields = ("case", "text", "due_on", "done_on", "done_by")
    raw_id_fields = ("case",)
    extra = 0


@admin.register(CaseloadReview)
class CaseloadReviewAdmin(admin.ModelAdmin):
    list_display = ("director", "held_on", "held_by")
    list_filter = ("director",)
    date_hierarchy = "held_on"
    inlines = [ReviewItemInline, InstructionInline]


@admin.register(Instruction)
class InstructionAdmin(admin.ModelAdmin):
    list_display = ("text", "review", "case", "due_on", "done_on")
    list_filter = (("done_on", admin.EmptyFieldListFilter),)
    raw_id_fields = ("case", "review")


@admin.register(ThreeWayConversation)
class ThreeWayConversationAdmin(admin.ModelAdmin):
    list_display = ("director", "held_on", "line_manager_name", "oov_participant")
    list_filter = ("director",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "role", "email", "phone")
    list_filter = ("role", "organisation")
    search_fields = ("name", "remarks", "email", "organisation__name")
