"""Admin building blocks shared by the apps' admin modules."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin


class NoRevertHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's pages, read-only: a version can be read, never posted back as a "revert".

    A revert would write the model around the services and their rules.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)


def uses_of(obj) -> list[tuple[type, int]]:
    """Which records refer to `obj` (foreign keys and many-to-many), as (model, count) pairs.

    History tables are left out: an old version naming an entry does not keep it in use.
    """
    uses = []
    for relation in obj._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        model = relation.related_model
        # Auto-created many-to-many tables are counted through their relation; history is not use.
        if model._meta.auto_created or model.__name__.startswith("Historical"):
            continue
        count = model._base_manager.filter(**{relation.field.name: obj}).count()
        if count:
            uses.append((model, count))
    return uses


class ReferenceListAdmin(admin.ModelAdmin):
    """A reference list: archived and restored, deleted only when nothing refers to the entry.

    Old records keep their meaning, so an entry in use is never deleted (docs/domain.md): the delete
    page says so, with counts but without naming the records (they may be case data).
    """

    actions = ["archive", "restore"]

    @admin.action(description=_("Archive the selected entries"))
    def archive(self, request, queryset):
        count = queryset.update(archived=True)
        self.message_user(
            request, ngettext("%(count)d entry archived.", "%(count)d entries archived.", count) % {"count": count}
        )

    @admin.action(description=_("Restore the selected entries"))
    def restore(self, request, queryset):
        count = queryset.update(archived=False)
        self.message_user(
            request, ngettext("%(count)d entry restored.", "%(count)d entries restored.", count) % {"count": count}
        )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        in_use = []
        for obj in objs:
            uses = uses_of(obj)
            if uses:
                summary = ", ".join(f"{count} × {model._meta.verbose_name_plural}" for model, count in uses)
                in_use.append(
                    _("“%(name)s” is in use (%(uses)s) and cannot be deleted; archive it instead.")
                    % {"name": obj, "uses": summary}
                )
        if in_use:
            # Django then shows "cannot delete" and refuses the POST; no record is named.
            return [], {}, set(), in_use
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        if uses_of(obj):  # in use since the confirmation page: refuse, never cascade
            self.message_user(request, _("“%(name)s” is in use and was not deleted.") % {"name": obj}, messages.ERROR)
            return
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
