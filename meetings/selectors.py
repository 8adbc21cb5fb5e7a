"""Permission-filtered reads of meetings and minutes. Views and exports share them.

A meeting page runs a fixed number of queries whatever the number of items: the case items
the reader may see are decided with one query over Case.objects.visible_to (the same rule
as cases.permissions.can_view), not one check per item.
"""

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from cases.models import Case, Escalation, Intervention
from ipgar import roles
from ipgar.compiled import STAND_IN_DAY, CompiledQuery
from ipgar.models import User

from . import permissions
from .models import (
    ActionItem,
    AgendaItem,
    Decision,
    ForwardAgendaItem,
    Invitation,
    Meeting,
    MeetingBody,
    MinuteEntry,
    Minutes,
    MinutesAmendment,
    Redaction,
    WooMark,
    WooPublication,
    WooRelease,
)


def _readable(*, user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(permissions.meeting_condition(user)).select_related("body", "minutes")


def meeting_list(*, user, body: MeetingBody | None = None) -> QuerySet[Meeting]:
    """Meetings the user may read, newest first, with body and minutes status.

    The number of items is a subquery, not a join with GROUP BY: PostgreSQL then counts the
    items of the page's 25 meetings only, and the page's count and the body filter's choices
    read the meetings alone (with the join, each grew with every item of every meeting)."""
    items = AgendaItem.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting").annotate(n=Count("pk"))
    qs = _readable(user=user).annotate(item_count=Coalesce(Subquery(items.values("n")), 0)).order_by("-date", "-id")
    return qs.filter(body=body) if body is not None else qs


def upcoming_first(meetings: QuerySet[Meeting], *, today: dt.date) -> QuerySet[Meeting]:
    """The list's usual order, so it can be paged: upcoming meetings soonest first, then earlier
    ones newest first."""
    upcoming = Q(date__gte=today)
    return meetings.order_by(
        models.Case(When(upcoming, then=Value(0)), default=Value(1)),
        models.Case(When(upcoming, then=F("date"))).asc(nulls_last=True),
        models.Case(When(upcoming, then=F("id"))).asc(nulls_last=True),
        "-date",
        "-id",
    )


_BIGINT = 2**63


def meeting_get(*, user, pk: int) -> Meeting | None:
    """The meeting, if the user may read it; whether the user takes its minutes is read with it
    (permissions.can_take_minutes then answers from it for this user). The programme team reads
    every meeting: for them the statement is compiled once per process (ipgar.compiled)."""
    if not getattr(user, "is_authenticated", False):
        return _readable(user=user).filter(pk=pk).first()
    if not -_BIGINT <= pk < _BIGINT:
        return None  # no such meeting (the caller logs the refusal); never an overflow
    if roles.is_programme_team(user):
        rows = _MEETING_FOR_PROGRAMME(meeting_id=pk, user_id=user.pk)
        meeting = rows[0] if rows else None
    else:
        qs = _readable(user=user).select_related("chair", "secretary").filter(pk=pk)
        meeting = qs.annotate(user_takes_minutes=permissions.take_minutes_sql(user)).first()
    if meeting is not None:
        meeting.take_minutes_user_id = user.pk
    return meeting


def my_meetings(*, user) -> QuerySet[Meeting]:
    """Meetings the user takes part in (invited, member of the body, chair or secretary): the calendar."""
    own = (
        Q(invitations__user=user)
        | Q(body__members=user, body__kind__in=permissions.member_kinds(user) or {""})
        | Q(secretary=user)
        | Q(chair=user)
    )
    if roles.is_programme_team(user):
        own |= Q(body__members=user)
    visible = meeting_list(user=user).values("pk")
    return Meeting.objects.filter(own, pk__in=visible).select_related("body").distinct().order_by("date")


def body_list(*, user) -> QuerySet[MeetingBody]:
    if not permissions.can_plan_meetings(user):
        return MeetingBody.objects.none()
    return MeetingBody.objects.annotate(
        member_count=Count("members", distinct=True), last_meeting=Max("meetings__date")
    ).order_by("name")


def actions_on(*, meeting: Meeting) -> QuerySet[ActionItem]:
    """The action list at a meeting: agreed up to this meeting and not done before it (carry-over)."""
    return (
        ActionItem.objects.filter(body_id=meeting.body_id, meeting__date__lte=meeting.date)
        .filter(Q(done_on__isnull=True) | Q(done_on__gte=meeting.date))
        .select_related("owner", "meeting", "agenda_item__case")
        .order_by("meeting__date", "id")
    )


def forward_agenda(*, body: MeetingBody, on: dt.date) -> QuerySet[ForwardAgendaItem]:
    """Planned topics of the body from this date on, and those still to be planned."""
    return (
        ForwardAgendaItem.objects.filter(body=body, done=False)
        .filter(Q(target_date__gte=on) | Q(target_date__isnull=True))
        .select_related("target_meeting__body")
        .order_by("still_to_plan", "target_date", "id")
    )


def freeze(minutes: Minutes) -> tuple[list, list]:
    """The action list and forward agenda of a meeting as they stand now: stored at adoption."""
    meeting = minutes.meeting
    actions = [
        {"id": a.pk, "done_on": a.done_on.isoformat() if a.done_on else None} for a in actions_on(meeting=meeting)
    ]
    forward = [
        {
            "id": f.pk,
            "topic": f.topic,
            "target_date": f.target_date.isoformat() if f.target_date else None,
            "target_text": f.target_text
            or (f"{f.target_meeting.body.name} {f.target_meeting.date:%d-%m-%Y}" if f.target_meeting_id else ""),
            "still_to_plan": f.still_to_plan,
        }
        for f in forward_agenda(body=meeting.body, on=meeting.date)
    ]
    return actions, forward


def frozen_forward(minutes: Minutes) -> list[ForwardAgendaItem]:
    """Unsaved forward-agenda rows rebuilt from the snapshot taken at adoption."""
    return [
        ForwardAgendaItem(
            pk=row["id"],
            body_id=minutes.meeting.body_id,
            topic=row["topic"],
            target_date=dt.date.fromisoformat(row["target_date"]) if row["target_date"] else None,
            target_text=row["target_text"],
            still_to_plan=row["still_to_plan"],
        )
        for row in minutes.frozen_forward or []
    ]


# The meeting page's reads, compiled by the ORM once per process and run with the meeting's
# values (ipgar.compiled): building these querysets cost more Python per request than the
# queries took. Each is the queryset the page read before, in the same order.
_MEETING, _BODY, _MINUTES = -7_340_031, -7_340_032, -7_340_033

_INVITATIONS = CompiledQuery(
    lambda meeting_id: (
        Invitation.objects.filter(meeting_id=meeting_id)
        .select_related("user", "organisation")
        .order_by("organisation__name")
    ),
    meeting_id=_MEETING,
)
# Ordered as the models' Meta, without its leading meeting (the same for every row here),
# which joined the meetings table only to sort by the meeting's date.
_AGENDA_ITEMS = CompiledQuery(
    lambda meeting_id: (
        AgendaItem.objects.filter(meeting_id=meeting_id)
        .select_related("case", "refers_to_meeting")
        .order_by("order", "id")
    ),
    meeting_id=_MEETING,
)
_ENTRIES = CompiledQuery(
    lambda meeting_id: (
        MinuteEntry.objects.filter(agenda_item__meeting_id=meeting_id)
        .select_related("organisation", "person")
        .order_by("agenda_item_id", "order", "id")
    ),
    meeting_id=_MEETING,
)
# The item decisions and the loose ones in one query: an item's decisions are those whose item
# is on this meeting's agenda.
_DECISIONS = CompiledQuery(
    lambda meeting_id: Decision.objects.filter(
        Q(meeting_id=meeting_id, agenda_item__isnull=True) | Q(agenda_item__meeting_id=meeting_id)
    ).select_related("case"),
    meeting_id=_MEETING,
)
_ACTIONS = CompiledQuery(
    lambda body_id, day: actions_on(meeting=Meeting(body_id=body_id, date=day)),
    body_id=_BODY,
    day=STAND_IN_DAY,
)
_FORWARD = CompiledQuery(
    lambda body_id, day: forward_agenda(body=MeetingBody(pk=body_id), on=day), body_id=_BODY, day=STAND_IN_DAY
)
_TO_ADOPT = CompiledQuery(
    lambda body_id, day: Minutes.objects.filter(
        meeting__body_id=body_id, meeting__date__lt=day, status=Minutes.Status.CIRCULATED
    ).select_related("meeting"),
    body_id=_BODY,
    day=STAND_IN_DAY,
)
_USER = -7_340_034
# meeting_condition is empty for the programme team: the meeting by its id, and guardian's answer.
_MEETING_FOR_PROGRAMME = CompiledQuery(
    lambda meeting_id, user_id: (
        Meeting.objects.filter(pk=meeting_id)
        .select_related("body", "minutes", "chair", "secretary")
        .annotate(user_takes_minutes=permissions.take_minutes_sql(SimpleNamespace(pk=user_id)))
    ),
    meeting_id=_MEETING,
    user_id=_USER,
)
_WOO_MARKS = CompiledQuery(
    lambda meeting_id: WooMark.objects.filter(meeting_id=meeting_id).select_related("by"), meeting_id=_MEETING
)
_OLD_REDACTIONS = CompiledQuery(
    lambda meeting_id: Redaction.objects.filter(entry__agenda_item__meeting_id=meeting_id).select_related(
        "by", "entry"
    ),
    meeting_id=_MEETING,
)
# Who prepared, reviewed and approved, and when: the stored documents are not read.
_WOO_PUBLICATIONS = CompiledQuery(
    lambda meeting_id: (
        WooPublication.objects.filter(meeting_id=meeting_id)
        .select_related("prepared_by", "reviewed_by")
        .defer("html", "pdf", "xml")
    ),
    meeting_id=_MEETING,
)
_WOO_RELEASES = CompiledQuery(
    lambda meeting_id: (
        WooRelease.objects.filter(meeting_id=meeting_id)
        .select_related("approved_by", "prepared_by")
        .defer("pdf", "xml")
    ),
    meeting_id=_MEETING,
)


def woo_marks(meeting: Meeting) -> list[WooMark]:
    """The secretary's marks on the meeting's texts, with who made them."""
    return _WOO_MARKS(meeting_id=meeting.pk)


def old_redactions(meeting: Meeting) -> list[Redaction]:
    """The older redactions of the meeting's entries, with their author and entry."""
    return _OLD_REDACTIONS(meeting_id=meeting.pk)


def woo_publications(meeting: Meeting) -> tuple[list[WooPublication], list[WooRelease]]:
    """The meeting's prepared publications and its releases (without their documents)."""
    return _WOO_PUBLICATIONS(meeting_id=meeting.pk), _WOO_RELEASES(meeting_id=meeting.pk)


_AMENDMENTS = CompiledQuery(
    lambda minutes_id: MinutesAmendment.objects.filter(minutes_id=minutes_id).select_related("agenda_item", "by"),
    minutes_id=_MINUTES,
)


@dataclass
class ItemView:
    """An agenda item as this reader may see it: in full, or only that it was discussed."""

    item: AgendaItem
    number: int
    hidden: str = ""  # "", "closed" or "case"
    summary_allowed: bool = False
    case_code: str = ""  # a PTO-R member reads the code and decisions of a case item (docs/access.md)
    entries: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    actions: list = field(default_factory=list)


@dataclass
class MeetingView:
    meeting: Meeting
    minutes: Minutes
    invitations: list
    sections: list  # [(section label, [ItemView])]
    items: list
    actions: list
    forward: list
    admitted: bool
    can_take_minutes: bool  # permissions.can_take_minutes: guardian's meetings.take_minutes
    to_adopt: list  # minutes of earlier meetings this meeting can adopt
    amendments: list
    loose_decisions: list = field(default_factory=list)  # recorded without an item (cases.demo, admin)
    cases_shown: dict = field(default_factory=dict)  # case pk -> case, every case this reader sees here


# How the minutes group attendance (docs/domain.md source S0): comments by e-mail count as
# absent, and are also listed on their own.
ATTENDANCE_GROUPS = {
    "present": (Invitation.Attendance.PRESENT,),
    "absent": (Invitation.Attendance.ABSENT, Invitation.Attendance.COMMENTS_BY_EMAIL),
    "guests": (Invitation.Attendance.GUEST,),
    "by_email": (Invitation.Attendance.COMMENTS_BY_EMAIL,),
}


def attendance_groups(invitations) -> dict[str, list[Invitation]]:
    """The invitations per group of ATTENDANCE_GROUPS, each in the given order."""
    return {group: [i for i in invitations if i.attendance in kinds] for group, kinds in ATTENDANCE_GROUPS.items()}


@dataclass(frozen=True)
class ActionView:
    """An action of the action list as these minutes show it. `done_on` is the state the
    minutes hold: today's, or for adopted minutes the state at adoption (Minutes.frozen_actions);
    the ActionItem itself is never changed to show it."""

    pk: int
    meeting: Meeting
    agenda_item: AgendaItem | None
    subject: str
    description: str
    owner: User | None
    deadline: dt.date | None
    deadline_text: str
    done_on: dt.date | None

    @classmethod
    def of(cls, action: ActionItem, *, done_on: dt.date | None) -> "ActionView":
        return cls(
            pk=action.pk,
            meeting=action.meeting,
            agenda_item=action.agenda_item,
            subject=action.subject,
            description=action.description,
            owner=action.owner,
            deadline=action.deadline,
            deadline_text=action.deadline_text,
            done_on=done_on,
        )

    @property
    def agenda_item_id(self) -> int | None:
        return self.agenda_item.pk if self.agenda_item is not None else None


def _action_hidden(action: ActionView, *, visible_cases: set, admitted_meetings: set) -> str:
    """Why an action is withheld from this reader ("closed", "case", or ""): judged by its own
    item and that item's meeting, not by the meeting it is carried over to."""
    item = action.agenda_item
    if item is None:
        return ""
    if item.is_closed_part and item.meeting_id not in admitted_meetings:
        return "closed"
    if item.case_id and item.case_id not in visible_cases:
        return "case"
    return ""


def _visible_actions(actions: list, *, visible_cases: set, admitted_meetings: set) -> list:
    return [
        a for a in actions if not _action_hidden(a, visible_cases=visible_cases, admitted_meetings=admitted_meetings)
    ]


def _agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The agenda items with their entries (who said it); nothing on these pages reads an
    entry's redactions (the Woo build reads them with their author, publication.marks_of)."""
    items = _AGENDA_ITEMS(meeting_id=meeting.pk)
    by_pk = {item.pk: item for item in items}
    entries: dict[int, list[MinuteEntry]] = {pk: [] for pk in by_pk}
    for entry in _ENTRIES(meeting_id=meeting.pk):
        entry.agenda_item = by_pk[entry.agenda_item_id]  # as a prefetch sets it
        entries[entry.agenda_item_id].append(entry)
    for item in items:
        item.minute_entries = entries[item.pk]
    return items


def _decisions(meeting: Meeting, items: list[AgendaItem]) -> tuple[dict[int, list[Decision]], list[Decision]]:
    """The decisions per item and those recorded without an item (cases.demo, admin), in one
    query: the same rows, in the same order, as a prefetch per item and a query of the loose ones."""
    item_ids = {item.pk for item in items}
    by_item: dict[int, list[Decision]] = {}
    loose = []
    for decision in _DECISIONS(meeting_id=meeting.pk):
        if decision.agenda_item_id in item_ids:
            by_item.setdefault(decision.agenda_item_id, []).append(decision)
        elif decision.agenda_item_id is None:
            loose.append(decision)
    return by_item, loose


def _is_frozen(minutes: Minutes) -> bool:
    """Adopted minutes show the action list and forward agenda as they stood at adoption."""
    return minutes.status == Minutes.Status.ADOPTED and minutes.frozen_actions is not None


def _actions(meeting: Meeting, minutes: Minutes) -> list[ActionView]:
    """Every action of this meeting's list, before any is withheld from the reader."""
    if not _is_frozen(minutes):
        return [ActionView.of(a, done_on=a.done_on) for a in _ACTIONS(body_id=meeting.body_id, day=meeting.date)]
    state = {row["id"]: row.get("done_on") for row in minutes.frozen_actions}
    rows = (
        ActionItem.objects.filter(pk__in=state)
        .select_related("owner", "meeting", "agenda_item__case")
        .order_by("meeting__date", "id")
    )
    return [ActionView.of(a, done_on=dt.date.fromisoformat(state[a.pk]) if state[a.pk] else None) for a in rows]


def _case_ids(items: list, decisions: dict, loose: list, actions: list) -> set[int]:
    """Every case this meeting's page mentions: items, decisions (loose ones too) and actions."""
    case_ids = {i.case_id for i in items if i.case_id}
    case_ids |= {d.case_id for d in loose if d.case_id}
    case_ids |= {a.agenda_item.case_id for a in actions if a.agenda_item_id and a.agenda_item.case_id}
    case_ids |= {d.case_id for item_decisions in decisions.values() for d in item_decisions if d.case_id}
    return case_ids


def _admitted_meetings(user, meeting: Meeting, actions: list, *, admitted: bool) -> set[int]:
    """The meetings whose closed part this reader was admitted to, among this one and those the
    carried-over actions were agreed at."""
    closed_meetings = {a.agenda_item.meeting_id for a in actions if a.agenda_item_id and a.agenda_item.is_closed_part}
    if roles.is_programme_team(user):
        return closed_meetings | {meeting.pk}
    admitted_meetings = set(
        Invitation.objects.filter(user=user, meeting_id__in=closed_meetings, admitted_to_closed_part=True).values_list(
            "meeting_id", flat=True
        )
    )
    if admitted:
        admitted_meetings.add(meeting.pk)
    return admitted_meetings


def _item_view(
    item: AgendaItem, number: int, *, decisions: list, admitted: bool, visible_cases: set, summary_ok: bool
) -> ItemView:
    if item.is_closed_part and not admitted:
        return ItemView(item=item, number=number, hidden="closed")
    if item.case_id and item.case_id not in visible_cases:
        if not summary_ok:
            return ItemView(item=item, number=number, hidden="case")
        return ItemView(
            item=item,
            number=number,
            hidden="case",
            summary_allowed=True,
            case_code=item.case.code,
            decisions=list(decisions),
        )
    shown = [d for d in decisions if not d.case_id or d.case_id in visible_cases]
    return ItemView(item=item, number=number, entries=list(item.minute_entries), decisions=shown)


def _cases_shown(views: list[ItemView], loose_shown: list) -> dict:
    """Case pk -> case for every case this reader sees on the page (written to the access log)."""
    cases_shown = {}
    for view in views:
        if view.case_code:
            cases_shown[view.item.case_id] = view.item.case
        if view.hidden:
            continue
        if view.item.case_id:
            cases_shown[view.item.case_id] = view.item.case
        for decision in view.decisions:
            if decision.case_id:
                cases_shown[decision.case_id] = decision.case
    cases_shown |= {d.case_id: d.case for d in loose_shown if d.case_id}
    return cases_shown


def _sections(views: list[ItemView]) -> list:
    """One order everywhere: the agenda's; a section heading wherever the section changes."""
    sections, labels = [], dict(AgendaItem.Section.choices)
    for view in views:
        if sections and sections[-1][0] == view.item.section:
            sections[-1][2].append(view)
        else:
            sections.append((view.item.section, labels[view.item.section], [view]))
    return sections


def _to_adopt(meeting: Meeting) -> list[Minutes]:
    """Circulated minutes of the body's earlier meetings: this meeting can adopt them."""
    return _TO_ADOPT(body_id=meeting.body_id, day=meeting.date)


def meeting_view(*, user, meeting: Meeting) -> MeetingView:
    """Everything the meeting page and the minutes exports show, filtered for this reader."""
    minutes = meeting.minutes  # every meeting gets its minutes from meetings.services.meeting_create
    invitations = _INVITATIONS(meeting_id=meeting.pk)
    own = next((i for i in invitations if i.user_id == user.pk), None)
    admitted = (
        permissions.is_admitted_to_closed_part(user, meeting, own) if own or roles.is_programme_team(user) else False
    )
    items = _agenda_items(meeting)
    decisions, loose = _decisions(meeting, items)
    actions = _actions(meeting, minutes)
    case_ids = _case_ids(items, decisions, loose, actions)
    visible_cases = set(Case.objects.visible_to(user).filter(pk__in=case_ids).order_by().values_list("pk", flat=True))
    admitted_meetings = _admitted_meetings(user, meeting, actions, admitted=admitted)
    summary_ok = (
        meeting.body.kind == MeetingBody.Kind.PTO_R
        and (roles.is_programme_team(user) or roles.is_pto_r_member(user))
        and bool(case_ids)
    )
    views = [
        _item_view(
            item,
            number,
            decisions=decisions.get(item.pk, []),
            admitted=admitted,
            visible_cases=visible_cases,
            summary_ok=summary_ok,
        )
        for number, item in enumerate(items, start=1)
    ]
    hidden_items = {view.item.pk for view in views if view.hidden}
    loose_shown = [d for d in loose if d.case_id is None or d.case_id in visible_cases or summary_ok]
    can_take_minutes = permissions.can_take_minutes(user, meeting)  # read with the meeting by meeting_get
    return MeetingView(
        meeting=meeting,
        minutes=minutes,
        invitations=invitations,
        sections=_sections(views),
        items=views,
        actions=_visible_actions(actions, visible_cases=visible_cases, admitted_meetings=admitted_meetings),
        forward=frozen_forward(minutes) if _is_frozen(minutes) else _FORWARD(body_id=meeting.body_id, day=meeting.date),
        admitted=admitted,
        can_take_minutes=can_take_minutes,
        to_adopt=_to_adopt(meeting) if can_take_minutes else [],
        amendments=[
            amendment
            for amendment in _AMENDMENTS(minutes_id=minutes.pk)
            if amendment.agenda_item_id not in hidden_items
        ],
        loose_decisions=loose_shown,
        cases_shown=_cases_shown(views, loose_shown),
    )


@dataclass
class CaseSummary:
    """The PTO-R summary of a case: never identity or information picture."""

    code: str
    status: str
    area: str
    risk_category: str
    ideology: str
    director: str
    question: str
    running_interventions: int
    last_contact: dt.date | None


def case_summary(*, user, meeting: Meeting, case_id: int) -> CaseSummary | None:
    case = (
        Case.objects.select_related("area", "risk_category", "ideology", "director__user")
        .annotate(
            running=Count("interventions", filter=Q(interventions__status=Intervention.Status.RUNNING), distinct=True),
            last_contact=Max("contacts__date"),
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None or not permissions.can_view_case_summary(user, meeting, case):
        return None
    as_of = _case_as_of(case, meeting)
    item = AgendaItem.objects.filter(meeting=meeting, case=case).exclude(description="").first()
    question = item.description if item else ""
    if not question:
        escalation = case.escalations.filter(body=Escalation.Body.PTO_R).order_by("-requested_on", "-id").first()
        question = escalation.question if escalation else ""
    if as_of is not None:
        return CaseSummary(code=case.code, question=question, **as_of)
    return CaseSummary(
        code=case.code,
        status=case.get_status_display(),
        area=str(case.area),
        risk_category=str(case.risk_category or ""),
        ideology=str(case.ideology or ""),
        director=str(case.director or ""),
        question=question,
        running_interventions=case.running,
        last_contact=case.last_contact,
    )


def _case_as_of(case, meeting: Meeting) -> dict | None:
    """The summary fields as they stood at the end of a past meeting's day, from the
    change history; None for a meeting today or later (then the case now is the case then)."""
    from django.utils import timezone

    from cases.models import Area, Contact, Ideology, RiskCategory
    from pool.models import Director

    if meeting.date >= timezone.localdate():
        return None
    moment = timezone.make_aware(dt.datetime.combine(meeting.date, dt.time.max))
    then = case.history.filter(history_date__lte=moment).order_by("-history_date").first()
    if then is None:
        return None
    running = (
        Intervention.objects.filter(case=case, started_on__lte=meeting.date)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=meeting.date))
        .exclude(status=Intervention.Status.PLANNED)
        .count()
    )
    last_contact = (
        Contact.objects.filter(case=case, date__lte=meeting.date)
        .exclude(kind=Contact.Kind.ATTEMPT)
        .aggregate(last=Max("date"))["last"]
    )

    def name(model, pk):
        return str(model.objects.filter(pk=pk).first() or "") if pk else ""

    return {
        "status": str(Case.Status(then.status).label),
        "area": name(Area, then.area_id),
        "risk_category": name(RiskCategory, then.risk_category_id),
        "ideology": name(Ideology, then.ideology_id),
        "director": name(Director, then.director_id),
        "running_interventions": running,
        "last_contact": last_contact,
    }
