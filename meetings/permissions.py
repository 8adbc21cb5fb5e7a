"""Who may read and keep which meetings (docs/access.md, docs/meetings.md). One place; tested as a matrix.

Reading a meeting: the programme team always; otherwise an invitation to the meeting, or
membership of the body when the body is one the user's role takes part in (directors: team
meeting, ITAT-R(+), IVG-R, intervision; PTO-R members: PTO-R; partners: directors' meeting
and steering group). Closed parts: the programme team and those admitted on their
invitation. Case items: only who may see the case (cases.permissions.can_view).

Invitations (pen test): an invitation lets someone read a meeting only when one of
their roles may attend that body's kind (ATTENDS_BY_ROLE). The invitation service refuses the
others with a form error, so an intervention partner, privacy officer or administrator is
never invited: docs/access.md gives them no meetings. A district project leader who joins a team
meeting is recorded by organisation. People without any role (attendees recorded by name who
never log in) may be recorded; their invitation grants nothing.

Taking minutes (keeping a meeting's agenda, attendance, minutes, actions and Woo release):
guardian's per-object permission `meetings.take_minutes` on the meeting, held by the
meeting's secretary and by the programme team's group, written only by meetings.services;
`can_take_minutes` asks it. Planning meetings and keeping bodies is the programme team's role.
"""

import functools
from types import SimpleNamespace

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.expressions import RawSQL

from cases import permissions as case_permissions
from ipgar import roles

from .models import (
    AgendaItem,
    Invitation,
    Meeting,
    MeetingBody,
    MeetingGroupObjectPermission,
    MeetingUserObjectPermission,
)

K = MeetingBody.Kind

BODY_KINDS_BY_ROLE = {
    roles.DIRECTOR: {K.TEAM, K.ITAT_R, K.ITAT_R_PLUS, K.IVG_R, K.INTERVISION},
    roles.PTO_R_MEMBER: {K.PTO_R},
    roles.PARTNER: {K.DIRECTORS, K.STEERING_GROUP},
}


# Who may be invited to (and so read) a meeting of which kind: the reading kinds above, plus
# the PTO-R for directors, who present their cases there as guests (docs/domain.md source S0).
ATTENDS_BY_ROLE = {
    roles.PROGRAMME_TEAM: set(K.values),
    roles.DIRECTOR: {*BODY_KINDS_BY_ROLE[roles.DIRECTOR], K.PTO_R},
    roles.PTO_R_MEMBER: set(BODY_KINDS_BY_ROLE[roles.PTO_R_MEMBER]),
    roles.PARTNER: set(BODY_KINDS_BY_ROLE[roles.PARTNER]),
}


def attend_kinds(user) -> set[str]:
    """Body kinds whose meetings this user may be invited to."""
    kinds: set[str] = set()
    for role in roles.role_names(user):
        kinds |= ATTENDS_BY_ROLE.get(role, set())
    return kinds


def may_be_invited(user, body_kind: str) -> bool:
    """A person with no role is only recorded (they never read); a role must allow the kind."""
    return not roles.role_names(user) or body_kind in attend_kinds(user)


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def member_kinds(user) -> set[str]:
    """Body kinds whose membership lets this user read the body's meetings."""
    kinds: set[str] = set()
    for role in roles.role_names(user):
        kinds |= BODY_KINDS_BY_ROLE.get(role, set())
    return kinds


def meeting_condition(user) -> Q:
    """A filter on Meeting for the meetings this user may read (used by the selectors)."""
    if not _authenticated(user):
        return Q(pk__in=[])
    if roles.is_programme_team(user):
        return Q()
    invited = Exists(Invitation.objects.filter(meeting=OuterRef("pk"), user=user))
    member = Exists(MeetingBody.members.through.objects.filter(meetingbody_id=OuterRef("body_id"), user_id=user.pk))
    return (Q(invited) & Q(body__kind__in=attend_kinds(user))) | (Q(member) & Q(body__kind__in=member_kinds(user)))


def can_use_meetings(user) -> bool:
    """The meetings pages are for the roles that take part in bodies, and for invited guests."""
    if not _authenticated(user):
        return False
    if roles.is_programme_team(user) or member_kinds(user):
        return True
    return Invitation.objects.filter(user=user, meeting__body__kind__in=attend_kinds(user)).exists()


def can_view_meeting(user, meeting: Meeting) -> bool:
    if not _authenticated(user):
        return False
    return Meeting.objects.filter(meeting_condition(user), pk=meeting.pk).exists()


def can_plan_meetings(user) -> bool:
    """Plan meetings and keep the bodies: the programme team (not a question about one meeting)."""
    return _authenticated(user) and roles.is_programme_team(user)


TAKE_MINUTES = "take_minutes"


def take_minutes_condition(user, meeting_ref: str = "pk"):
    """SQL condition on a meeting reference: `user` holds guardian's `meetings.take_minutes` on
    the meeting, in person (the secretary) or through a group (the programme team's role).

    The one source for "may take the minutes of this meeting" (docs/access.md, "Taking
    minutes"): the rows are written and removed only by meetings.services when a meeting is
    made or its secretary changes; `can_take_minutes` and the meeting page ask this.
    """
    user_row = MeetingUserObjectPermission.objects.filter(
        user_id=user.pk,
        content_object=OuterRef(meeting_ref),
        permission__codename=TAKE_MINUTES,
        permission__content_type__app_label="meetings",
    )
    group_row = MeetingGroupObjectPermission.objects.filter(
        group__user=user.pk,
        content_object=OuterRef(meeting_ref),
        permission__codename=TAKE_MINUTES,
        permission__content_type__app_label="meetings",
    )
    return Exists(user_row) | Exists(group_row)


# A stand-in user id compiled into the condition's SQL once, then swapped for the real one.
_TEMPLATE_USER_ID = -7_340_021


@functools.cache
def _take_minutes_template() -> tuple[str, list]:
    """take_minutes_condition on the meeting `"meetings_meeting"."id"`, as SQL compiled by the
    ORM once per process, with its parameters (a stand-in for the user)."""
    condition = ExpressionWrapper(
        take_minutes_condition(SimpleNamespace(pk=_TEMPLATE_USER_ID)), output_field=BooleanField()
    )
    sql, params = Meeting.objects.annotate(takes=condition).values("takes").query.sql_with_params()
    return sql[len("SELECT ") : sql.rindex(' AS "takes" FROM "meetings_meeting"')], list(params)


def take_minutes_sql(user) -> RawSQL:
    """take_minutes_condition for `user` on the meeting of the enclosing query: selectors.meeting_get
    reads the answer with the meeting (building the two Exists per request cost more than the query)."""
    sql, template_params = _take_minutes_template()
    params = [user.pk if p == _TEMPLATE_USER_ID else p for p in template_params]
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 - ORM-compiled, values as parameters


def can_take_minutes(user, meeting: Meeting | None) -> bool:
    """May keep this meeting's agenda, attendance, minutes, actions and Woo release: answered by
    the meeting's own query when selectors.meeting_get read it for this user (in this request),
    otherwise one query; never remembered longer, so a change of secretary counts at once."""
    if not _authenticated(user) or meeting is None or meeting.pk is None:
        return False
    if getattr(meeting, "take_minutes_user_id", None) == user.pk:
        return meeting.user_takes_minutes
    return Meeting.objects.filter(take_minutes_condition(user), pk=meeting.pk).exists()


def is_admitted_to_closed_part(user, meeting: Meeting, invitation: Invitation | None = None) -> bool:
    if not _authenticated(user):
        return False
    if roles.is_programme_team(user):
        return True
    if invitation is None:
        invitation = Invitation.objects.filter(meeting=meeting, user=user).first()
    return bool(invitation and invitation.admitted_to_closed_part)


def can_view_case_item(user, item: AgendaItem) -> bool:
    """One-object question; the meeting page asks it for all items at once through the selector."""
    if item.case_id is None:
        return True
    return case_permissions.can_view(user, item.case)


def can_view_case_summary(user, meeting: Meeting, case) -> bool:
    """PTO-R summary: a PTO-R member invited to (or member of) this PTO-R meeting's body,
    and the case is on its agenda; the programme team too."""
    if not _authenticated(user) or meeting.body.kind != K.PTO_R:
        return False
    closed_flags = list(AgendaItem.objects.filter(meeting=meeting, case=case).values_list("is_closed_part", flat=True))
    if not closed_flags:
        return False
    if roles.is_programme_team(user):
        return True
    if not roles.is_pto_r_member(user) or not can_view_meeting(user, meeting):
        return False
    # A case discussed only in the closed part is summarised only for those admitted to it.
    return not all(closed_flags) or is_admitted_to_closed_part(user, meeting)
