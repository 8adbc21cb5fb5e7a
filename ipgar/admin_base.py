"""Admin building blocks shared by the apps' admin modules."""

from django.http import HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin


class NoRevertHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's pages, read-only: a version can be read, never posted back as a "revert".

    A revert would write the model around the services and their rules (pen test 19).
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)
