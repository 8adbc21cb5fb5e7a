"""Meeting bodies in the admin: name, rhythm, member organisations and people.

Meetings, minutes and decisions are kept on the meeting pages (meetings.services and their
rules), not here. Membership lets someone read a body's meetings only when their role takes
part in that kind of body (meetings.permissions), so the administrator gains nothing by it.
"""

from django.contrib import admin
from django.db.models import Count

from .models import MeetingBody


@admin.register(MeetingBody)
class MeetingBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "rhythm_weeks", "member_count")
    search_fields = ("name",)
    filter_horizontal = ("member_organisations", "members")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members", distinct=True))

    @admin.display(description=MeetingBody._meta.get_field("members").verbose_name, ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    def get_readonly_fields(self, request, obj=None):
        # The kind decides who may read the body's meetings; it is fixed once the body exists.
        return ("kind",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # meetings keep their body; a body is never deleted
