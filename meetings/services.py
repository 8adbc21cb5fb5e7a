"""Writes on meetings, minutes, actions and the Woo publication.

Views, admin, the demo and tests call these. Adopted minutes are locked: every service that
changes what the minutes record refuses with a ValidationError; a later correction is a
recorded amendment (minutes_amend).
"""

import datetime as dt

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import permissions as case_permissions
from cases import services as case_services
from cases.models import CaseAccessGrant
from ipgar import date_window, roles
from ipgar.dates import long_date
from pool import services as pool_services

from . import grounds, permissions
from .models import (
    ActionItem,
    AgendaItem,
    Decision,
    ForwardAgendaItem,
    Invitation,
    Meeting,
    MeetingBody,
    MeetingGroupObjectPermission,
    MeetingUserObjectPermission,
    MinuteEntry,
    Minutes,
    MinutesAmendment,
    Redaction,
    WooMark,
    WooPublication,
    WooRelease,
)

CLOSING_ORDER = 1000  # "Any other business and closing" stays last whatever is added


def check_date(value: dt.date | None, *, field: str = "date") -> None:
    """Refuse a date outside 1900 .. today + 5 years with a field error: the shared
    window of ipgar.date_window, so dates never overflow in arithmetic, the calendar or exports."""
    date_window.check_dates(**{field: value})


def _require_planner(by) -> None:
    if not permissions.can_plan_meetings(by):
        raise PermissionDenied


def _require_secretary(by, meeting: Meeting) -> None:
    """Whoever holds guardian's take_minutes on the meeting (docs/access.md, "Taking minutes")."""
    if not permissions.can_take_minutes(by, meeting):
        raise PermissionDenied


def _require_editable(meeting: Meeting) -> None:
    """Adopted minutes are locked (docs/meetings.md): corrections go through minutes_amend."""
    if Minutes.objects.filter(meeting=meeting, status=Minutes.Status.ADOPTED).exists():
        raise ValidationError(
            _("The minutes of this meeting have been adopted and are locked; record an amendment instead."),
            code="locked",
        )


# --- bodies and planning -------------------------------------------------------------------


@transaction.atomic
def body_update(*, body: MeetingBody, name: str, rhythm_weeks: int | None, members, member_organisations, by):
    """Change a body's name, rhythm, member people and organisations (programme team)."""
    _require_planner(by)
    body.name = name
    body.rhythm_weeks = rhythm_weeks
    body.full_clean()
    body.save()
    body.members.set(members)
    body.member_organisations.set(member_organisations)
    return body


def next_dates(*, body: MeetingBody, count: int, after: dt.date) -> list[dt.date]:
    """The next `count` dates in the body's rhythm, counted from its last meeting (or `after`)."""
    if not body.rhythm_weeks:
        return []
    last = body.meetings.filter(date__gte=after).aggregate(last=Max("date"))["last"]
    step = dt.timedelta(weeks=body.rhythm_weeks)
    start = last + step if last else after
    return [start + step * n for n in range(count)]


@transaction.atomic
def meeting_plan_from_rhythm(*, body: MeetingBody, count: int, after: dt.date, by) -> list[Meeting]:
    """Create the next meetings of a body from its rhythm (team every 4 weeks, intervision every 8)."""
    _require_planner(by)
    if not body.rhythm_weeks:
        raise ValidationError(_("This body has no rhythm; plan its meetings one by one."), code="no_rhythm")
    if not 1 <= count <= 26:
        raise ValidationError(_("Plan between 1 and 26 meetings at a time."), code="count")
    check_date(after, field="after")
    template = body.meetings.order_by("-date").first()
    return [
        meeting_create(
            body=body,
            date=day,
            start_time=template.start_time if template else None,
            place=template.place if template else "",
            chair=template.chair if template else None,
            secretary=template.secretary if template else by,
            has_closed_part=False,
            by=by,
        )
        for day in next_dates(body=body, count=count, after=after)
    ]


@transaction.atomic
def meeting_create(
    *,
    body: MeetingBody,
    date: dt.date,
    by,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    place: str = "",
    chair=None,
    secretary=None,
    has_closed_part: bool = False,
) -> Meeting:
    """Create a meeting with its standard agenda: opening, adoption of the previous minutes,
    the body's open actions, and closing; members are invited."""
    _require_planner(by)
    check_date(date)
    meeting = Meeting(
        body=body,
        date=date,
        start_time=start_time,
        end_time=end_time,
        place=place,
        chair=chair,
        secretary=secretary or by,
        has_closed_part=has_closed_part,
    )
    meeting.full_clean()
    meeting.save()
    # The minutes exist from the start: reading a meeting never creates them.
    Minutes.objects.create(meeting=meeting)
    take_minutes_grant(meetings=[meeting])
    Invitation.objects.bulk_create(
        [
            Invitation(meeting=meeting, user=user, organisation_id=user.organisation_id)
            for user in body.members.all()
            if permissions.may_be_invited(user, body.kind)
        ]
    )
    items = [AgendaItem(meeting=meeting, order=1, title=_("Opening, agenda and announcements"))]
    previous = body.meetings.filter(date__lt=date).exclude(pk=meeting.pk).order_by("-date", "-id").first()
    if previous is not None and not Minutes.objects.filter(meeting=previous, status=Minutes.Status.ADOPTED).exists():
        items.append(
            AgendaItem(
                meeting=meeting,
                order=2,
                kind=AgendaItem.Kind.PREVIOUS_MINUTES,
                refers_to_meeting=previous,
                title=_("Adoption of the draft minutes of %(date)s") % {"date": long_date(previous.date)},
            )
        )
    if open_actions_for(body=body, on=date).exists():
        items.append(AgendaItem(meeting=meeting, order=3, kind=AgendaItem.Kind.ACTIONS, title=_("Action list")))
    items.append(AgendaItem(meeting=meeting, order=CLOSING_ORDER, title=_("Any other business and closing")))
    AgendaItem.objects.bulk_create(items)
    return meeting


def take_minutes_grant(*, meetings: list[Meeting]) -> None:
    """Guardian's take_minutes on new meetings for their secretary and for the programme
    team's group (who took minutes by role before; a member added to or removed from the
    group gains or loses it on every meeting at once). meeting_create calls it; so do the
    tests' factories and the benchmark's generator, which save meeting rows themselves."""
    if not meetings:
        return
    programme_team = Group.objects.get(name=roles.PROGRAMME_TEAM)
    permission = Permission.objects.get(content_type__app_label="meetings", codename=permissions.TAKE_MINUTES)
    MeetingGroupObjectPermission.objects.bulk_create(
        [MeetingGroupObjectPermission(group=programme_team, permission=permission, content_object=m) for m in meetings],
        ignore_conflicts=True,
    )
    MeetingUserObjectPermission.objects.bulk_create(
        [
            MeetingUserObjectPermission(user_id=m.secretary_id, permission=permission, content_object=m)
            for m in meetings
            if m.secretary_id is not None
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def meeting_secretary_set(*, meeting: Meeting, secretary, by) -> Meeting:
    """Name another secretary (programme team): the new one takes the minutes from now on, the
    former one no longer (unless the programme team's group gives it to them)."""
    _require_planner(by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    former_id = meeting.secretary_id
    new_id = secretary.pk if secretary is not None else None
    if former_id == new_id:
        return meeting
    meeting.secretary = secretary
    meeting.full_clean()
    meeting.save(update_fields=["secretary"])
    MeetingUserObjectPermission.objects.filter(
        content_object=meeting, user_id=former_id, permission__codename=permissions.TAKE_MINUTES
    ).delete()
    take_minutes_grant(meetings=[meeting])
    return meeting


def open_actions_for(*, body: MeetingBody, on: dt.date):
    """Actions agreed before `on` and not done before it: they are on that meeting's list."""
    from django.db.models import Q

    return ActionItem.objects.filter(body=body, meeting__date__lt=on).filter(
        Q(done_on__isnull=True) | Q(done_on__gte=on)
    )


# --- agenda and attendance ----------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    by,
    section: str = AgendaItem.Section.GENERAL,
    is_closed_part: bool = False,
    case=None,
    description: str = "",
) -> AgendaItem:
    """Add an item to the agenda, before the closing item; a case item goes in the cases section."""
    _require_secretary(by, meeting)
    _require_editable(meeting)
    if case is not None:
        section = AgendaItem.Section.CASES
        if not title:
            title = case.code
    if is_closed_part and not meeting.has_closed_part:
        meeting.has_closed_part = True
        meeting.save(update_fields=["has_closed_part"])
    last = meeting.agenda_items.filter(order__lt=CLOSING_ORDER).aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem(
        meeting=meeting,
        title=title,
        section=section,
        is_closed_part=is_closed_part,
        case=case,
        description=description,
        order=last + 1,
    )
    item.full_clean()
    item.save()
    if case is not None:
        _give_agenda_access(meeting=meeting, by=by)
    return item


def _access_source(meeting: Meeting) -> str:
    return f"meeting:{meeting.pk}"


def _give_agenda_access(*, meeting: Meeting, by) -> None:
    """A director invited to a meeting reads the cases on its agenda (closed-part items only
    when admitted to the closed part) from the invitation until the minutes are adopted
    (docs/access.md). Idempotent: called after every invitation and every case item."""
    items = list(meeting.agenda_items.filter(case__isnull=False).select_related("case"))
    if not items:
        return
    reason = _("Invited to %(body)s of %(date)s") % {
        "body": meeting.body.name,
        "date": meeting.date.strftime("%d-%m-%Y"),
    }
    for invitation in meeting.invitations.filter(user__isnull=False).select_related("user"):
        if not roles.is_director(invitation.user) or not invitation.user.is_active:
            continue
        for item in items:
            if item.is_closed_part and not invitation.admitted_to_closed_part:
                continue
            case_permissions.grant_for_source(
                user=invitation.user,
                case=item.case,
                kind=CaseAccessGrant.Kind.MEETING,
                reason=reason,
                by=by,
                source=_access_source(meeting),
            )


@transaction.atomic
def invitation_save(
    *,
    meeting: Meeting,
    by,
    user=None,
    organisation=None,
    attendance: str = Invitation.Attendance.INVITED,
    admitted_to_closed_part: bool = False,
    comment: str = "",
) -> Invitation:
    """Invite someone, or record how an invited person or organisation attended."""
    _require_secretary(by, meeting)
    _require_editable(meeting)
    if user is None and organisation is None:
        raise ValidationError(_("Choose a person or an organisation."), code="nobody")
    if user is not None and not permissions.may_be_invited(user, meeting.body.kind):
        role = roles.ROLES.get(roles.primary_role(user), "")
        raise ValidationError(
            {
                "user": _(
                    "Someone with the role %(role)s cannot be invited to a meeting of this body; "
                    "record their organisation instead."
                )
                % {"role": role}
            },
            code="role_may_not_attend",
        )
    if user is not None:
        invitation = Invitation.objects.filter(meeting=meeting, user=user).first() or Invitation(
            meeting=meeting, user=user
        )
        invitation.organisation = organisation or user.organisation
    else:
        invitation = Invitation.objects.filter(meeting=meeting, user__isnull=True, organisation=organisation).first()
        invitation = invitation or Invitation(meeting=meeting, organisation=organisation)
    invitation.attendance = attendance
    invitation.admitted_to_closed_part = admitted_to_closed_part
    invitation.comment = comment
    invitation.full_clean()
    invitation.save()
    _give_agenda_access(meeting=meeting, by=by)
    return invitation


# --- minutes content -----------------------------------------------------------------------


@transaction.atomic
def entry_add(*, agenda_item: AgendaItem, kind: str, text: str, by, organisation=None, person=None) -> MinuteEntry:
    """Record an announcement, a statement (attributed to an organisation or a person) or a note."""
    _require_secretary(by, agenda_item.meeting)
    _require_editable(agenda_item.meeting)
    if kind == MinuteEntry.Kind.STATEMENT and organisation is None and person is None:
        raise ValidationError(_("A statement is attributed to an organisation or a person."), code="unattributed")
    last = agenda_item.entries.aggregate(last=Max("order"))["last"] or 0
    entry = MinuteEntry(
        agenda_item=agenda_item,
        kind=kind,
        text=text.strip(),
        organisation=organisation,
        person=person,
        order=last + 1,
        created_by=by,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def decision_create(
    *,
    meeting: Meeting,
    text: str,
    by,
    agenda_item: AgendaItem | None = None,
    kind: str = Decision.Kind.GENERAL,
    case=None,
    director=None,
    outflow_reason=None,
    confirm_over_capacity: bool = False,
) -> Decision:
    """Record a numbered decision (BESLUIT); a PTO-R decision about a case carries the case's
    transition through cases.services.case_apply_decision, which refuses invalid ones."""
    _require_secretary(by, meeting)
    _require_editable(meeting)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("This item is not on this meeting's agenda."), code="other_meeting")
    if case is None and agenda_item is not None:
        case = agenda_item.case
    if kind != Decision.Kind.GENERAL:
        if meeting.body.kind != MeetingBody.Kind.PTO_R:
            raise ValidationError(_("Only the PTO-R decides on cases."), code="not_pto_r")
        if case is None:
            raise ValidationError(_("Choose the case this decision is about."), code="no_case")
    if kind == Decision.Kind.INCLUSION and case is not None:
        # An advised case already given to a director goes to that director unless the PTO-R
        # names another; the pool's rules (area, capacity) apply to the inclusion.
        case = type(case).objects.select_related("director__user").get(pk=case.pk)
        director = director or case.director
        if director is not None:
            pool_services.inclusion_check(
                case=case,
                director=director,
                on=meeting.date,
                confirm_over_capacity=confirm_over_capacity,
                reason=text,
            )
    # Row lock on the meeting: two secretaries never hand out the same number.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    number = (meeting.decisions.aggregate(last=Max("number"))["last"] or 0) + 1
    decision = Decision(
        meeting=meeting,
        agenda_item=agenda_item,
        number=number,
        kind=kind,
        text=text.strip(),
        case=case,
        director=director,
        outflow_reason=outflow_reason,
        created_by=by,
    )
    decision.full_clean()
    decision.save()
    _renumber_decisions(meeting)
    decision.refresh_from_db(fields=["number"])
    if kind != Decision.Kind.GENERAL:
        case_services.case_apply_decision(decision=decision, by=by)
        decision.refresh_from_db()
    return decision


@transaction.atomic
def decision_file_under(*, decision: Decision, agenda_item: AgendaItem, by) -> Decision:
    """File a decision recorded without an item under an item of its meeting (about its case);
    the numbers follow the agenda order again."""
    meeting = decision.meeting
    _require_secretary(by, meeting)
    _require_editable(meeting)
    if agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("This item is not on this meeting's agenda."), code="other_meeting")
    if agenda_item.case_id is not None and agenda_item.case_id != decision.case_id:
        raise ValidationError(_("This item is about another case."), code="other_case")
    Decision.objects.filter(pk=decision.pk).update(agenda_item=agenda_item)
    _renumber_decisions(meeting)
    decision.refresh_from_db()
    return decision


def _renumber_decisions(meeting: Meeting) -> None:
    """Decisions are numbered in agenda order, those without an item last; only
    while the minutes are open (adopted minutes are locked, so their numbers never move)."""
    ordered = list(
        Decision.objects.filter(meeting=meeting)
        .order_by(F("agenda_item__order").asc(nulls_last=True), "agenda_item_id", "number", "id")
        .values_list("pk", "number")
    )
    wanted = {pk: n for n, (pk, _number) in enumerate(ordered, start=1)}
    moved = {pk: n for pk, n in wanted.items() if dict(ordered)[pk] != n}
    if not moved:
        return
    # Two steps so the unique (meeting, number) never clashes halfway.
    Decision.objects.filter(pk__in=moved).update(number=F("number") + 10000)
    for pk, number in moved.items():
        Decision.objects.filter(pk=pk).update(number=number)


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, before: AgendaItem | None, by) -> AgendaItem:
    """Put an item just before another (or last before the closing item); decisions follow."""
    meeting = item.meeting
    _require_secretary(by, meeting)
    _require_editable(meeting)
    items = [i for i in meeting.agenda_items.order_by("order", "id") if i.pk != item.pk]
    items = [i for i in items if i.order < CLOSING_ORDER]
    position = next((n for n, i in enumerate(items) if before is not None and i.pk == before.pk), len(items))
    items.insert(position, item)
    for n, agenda_item in enumerate(items, start=1):
        if agenda_item.order != n:
            AgendaItem.objects.filter(pk=agenda_item.pk).update(order=n)
    _renumber_decisions(meeting)
    item.refresh_from_db()
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by) -> None:
    """Take an empty item off the agenda (nothing minuted, decided or agreed under it)."""
    _require_secretary(by, item.meeting)
    _require_editable(item.meeting)
    if item.entries.exists() or item.decisions.exists() or ActionItem.objects.filter(agenda_item=item).exists():
        raise ValidationError(_("Only an item with nothing minuted under it can be taken off."), code="not_empty")
    item.delete()


@transaction.atomic
def agenda_item_retitle(*, item: AgendaItem, title: str, by) -> AgendaItem:
    _require_secretary(by, item.meeting)
    _require_editable(item.meeting)
    item.title = title
    item.full_clean()
    item.save(update_fields=["title"])
    return item


@transaction.atomic
def action_create(
    *,
    meeting: Meeting,
    subject: str,
    description: str,
    by,
    owner=None,
    deadline: dt.date | None = None,
    deadline_text: str = "",
    agenda_item: AgendaItem | None = None,
) -> ActionItem:
    """A new action on the body's list, agreed at this meeting."""
    _require_secretary(by, meeting)
    _require_editable(meeting)
    check_date(deadline, field="deadline")
    if deadline is not None and deadline < meeting.date:
        raise ValidationError({"deadline": _("The deadline lies before the meeting.")}, code="deadline")
    action = ActionItem(
        body=meeting.body,
        meeting=meeting,
        agenda_item=agenda_item,
        subject=subject,
        description=description,
        owner=owner,
        deadline=deadline,
        deadline_text=deadline_text,
        created_by=by,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_complete(*, action: ActionItem, meeting: Meeting, by) -> ActionItem:
    """Mark an action done at a meeting of its body; from the next meeting on it leaves the list."""
    _require_secretary(by, meeting)
    _require_editable(meeting)
    if action.body_id != meeting.body_id or action.meeting.date > meeting.date:
        raise ValidationError(_("This action is not on this meeting's list."), code="other_body")
    if action.done_on is not None:
        raise ValidationError(_("This action is already done."), code="done")
    action.done_on = meeting.date
    action.done_at_meeting = meeting
    action.save(update_fields=["done_on", "done_at_meeting"])
    return action


@transaction.atomic
def forward_item_create(
    *,
    body: MeetingBody,
    topic: str,
    by,
    target_date: dt.date | None = None,
    target_meeting: Meeting | None = None,
    target_text: str = "",
    still_to_plan: bool = False,
) -> ForwardAgendaItem:
    """Put a topic on the body's forward agenda, with a target date, meeting or 'still to plan'.
    Aimed at a meeting: whoever takes its minutes; otherwise the programme team."""
    if target_meeting is None:
        _require_planner(by)
    else:
        _require_secretary(by, target_meeting)
    if target_meeting is not None and target_meeting.body_id != body.pk:
        raise ValidationError({"target_meeting": _("Choose a meeting of this body.")}, code="other_body")
    check_date(target_date, field="target_date")
    if target_date is None and target_meeting is None and not target_text and not still_to_plan:
        raise ValidationError(_("Give a target date or meeting, or mark it as still to be planned."), code="when")
    item = ForwardAgendaItem(
        body=body,
        topic=topic,
        target_date=target_date or (target_meeting.date if target_meeting else None),
        target_meeting=target_meeting,
        target_text=target_text,
        still_to_plan=still_to_plan,
        created_by=by,
    )
    item.full_clean()
    item.save()
    return item


# --- minutes workflow ---------------------------------------------------------------------------


@transaction.atomic
def minutes_circulate(*, minutes: Minutes, by) -> Minutes:
    """Send the draft round the members: draft → circulated."""
    _require_secretary(by, minutes.meeting)
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.status != Minutes.Status.DRAFT:
        raise ValidationError(_("Only draft minutes can be circulated."), code="not_draft")
    minutes.status = Minutes.Status.CIRCULATED
    minutes.circulated_at = timezone.now()
    minutes._history_user = by
    minutes.save()
    return minutes


@transaction.atomic
def minutes_adopt(*, minutes: Minutes, at_meeting: Meeting, by, changes: str = "", decision_text: str = "") -> Minutes:
    """Adopt circulated minutes at a later meeting of the same body, noting textual changes;
    records the numbered decision on that meeting's adoption item. The minutes are locked after."""
    _require_secretary(by, at_meeting)
    minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    meeting = minutes.meeting
    if minutes.status == Minutes.Status.ADOPTED:
        raise ValidationError(_("These minutes have already been adopted."), code="adopted")
    if minutes.status != Minutes.Status.CIRCULATED:
        raise ValidationError(_("Circulate the draft minutes before adopting them."), code="not_circulated")
    if at_meeting.body_id != meeting.body_id or at_meeting.date <= meeting.date:
        raise ValidationError(_("Minutes are adopted at a later meeting of the same body."), code="wrong_meeting")
    item = at_meeting.agenda_items.filter(kind=AgendaItem.Kind.PREVIOUS_MINUTES, refers_to_meeting=meeting).first()
    if item is None:
        item = agenda_item_add(
            meeting=at_meeting,
            title=_("Adoption of the draft minutes of %(date)s") % {"date": long_date(meeting.date)},
            by=by,
        )
        item.kind, item.refers_to_meeting = AgendaItem.Kind.PREVIOUS_MINUTES, meeting
        item.save(update_fields=["kind", "refers_to_meeting"])
    text = _("The minutes of %(body)s of %(date)s are adopted") % {
        "body": meeting.body.name,
        "date": long_date(meeting.date),
    }
    text += _(", with the following textual changes: %(changes)s") % {"changes": changes.strip()} if changes else "."
    decision_create(meeting=at_meeting, agenda_item=item, text=decision_text.strip() or text, by=by)
    # Frozen with the minutes: the action list and forward agenda as they stand now.
    from .selectors import freeze

    minutes.frozen_actions, minutes.frozen_forward = freeze(minutes)
    minutes.status = Minutes.Status.ADOPTED
    minutes.adopted_at = timezone.now()
    minutes.adopted_at_meeting = at_meeting
    minutes.adoption_changes = changes.strip()
    minutes.adopted_by = by
    minutes._history_user = by
    minutes.save()
    # The invited directors' reading of the agenda's cases ends with the adoption.
    case_permissions.end_source_grants(source=_access_source(meeting), by=by)
    return minutes


@transaction.atomic
def minutes_amend(*, minutes: Minutes, text: str, reason: str, by, agenda_item: AgendaItem | None = None):
    """Record a correction to adopted minutes; the adopted text itself stays as it was."""
    _require_secretary(by, minutes.meeting)
    minutes = Minutes.objects.get(pk=minutes.pk)  # the caller's copy may predate the adoption
    if minutes.status != Minutes.Status.ADOPTED:
        raise ValidationError(_("Minutes that are not adopted are corrected directly."), code="not_adopted")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")}, code="reason")
    if agenda_item is not None and agenda_item.meeting_id != minutes.meeting_id:
        raise ValidationError(_("This item is not on this meeting's agenda."), code="other_meeting")
    amendment = MinutesAmendment(minutes=minutes, agenda_item=agenda_item, text=text, reason=reason, by=by)
    amendment.full_clean()
    amendment.save()
    return amendment


# --- Woo publication ----------------------------------------------------------------------------


def _require_ground(code: str) -> None:
    if not grounds.is_valid(code):
        raise ValidationError({"ground": ValidationError(_("Choose one of the Woo grounds."), code="ground")})


@transaction.atomic
def agenda_item_set_ground(*, item: AgendaItem, ground: str, by) -> AgendaItem:
    """The ground that replaces a case item or closed-part item in the Woo publication."""
    _require_secretary(by, item.meeting)
    if ground:
        _require_ground(ground)
    item.woo_ground = ground
    item.save(update_fields=["woo_ground"])
    return item


@transaction.atomic
def redaction_mark(*, entry: MinuteEntry, passage: str, ground: str, by, occurrence: int = 1) -> Redaction:
    """Mark a passage of a minute entry to be withheld in the Woo publication on a ground."""
    _require_secretary(by, entry.agenda_item.meeting)
    _require_ground(ground)
    if not passage:
        raise ValidationError({"passage": _("Copy the passage to withhold from the text.")}, code="empty")
    start = -1
    for _n in range(max(occurrence, 1)):
        start = entry.text.find(passage, start + 1)
        if start < 0:
            raise ValidationError({"passage": _("This passage does not occur in the text.")}, code="not_found")
    redaction = Redaction(entry=entry, start=start, end=start + len(passage), ground=ground, by=by)
    redaction.full_clean()
    redaction.save()
    return redaction


# --- Woo release: marks on any text, four eyes, immutable versions --------------------

MAX_PASSAGE = 1000  # a passage to black out, not a whole text: withhold the item instead


def _field_error(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# The texts a Woo mark can point at: target -> (model, field, path from the row to its meeting
# or, for what is carried over between meetings, to its body).
_MEETING_TEXTS = {
    WooMark.Target.ENTRY: (MinuteEntry, "text", "agenda_item__meeting"),
    WooMark.Target.DECISION: (Decision, "text", "meeting"),
    WooMark.Target.ITEM_TITLE: (AgendaItem, "title", "meeting"),
    WooMark.Target.ITEM_DESCRIPTION: (AgendaItem, "description", "meeting"),
    WooMark.Target.ATTENDANCE: (Invitation, "comment", "meeting"),
    WooMark.Target.AMENDMENT: (MinutesAmendment, "text", "minutes__meeting"),
    WooMark.Target.ADOPTION: (Minutes, "adoption_changes", "meeting"),
}
_BODY_TEXTS = {
    WooMark.Target.ACTION_SUBJECT: (ActionItem, "subject", "body_id"),
    WooMark.Target.ACTION_DESCRIPTION: (ActionItem, "description", "body_id"),
    WooMark.Target.FORWARD_TOPIC: (ForwardAgendaItem, "topic", "body_id"),
}


def woo_text(*, meeting: Meeting, target: str, target_id: int) -> str:
    """The current text a mark points at; ValidationError when it is not of this meeting."""
    row = None
    if target in _MEETING_TEXTS:
        model, field, to_meeting = _MEETING_TEXTS[target]
        row = model.objects.filter(pk=target_id, **{to_meeting: meeting}).values_list(field, flat=True).first()
    elif target in _BODY_TEXTS:
        model, field, to_body = _BODY_TEXTS[target]
        row = model.objects.filter(pk=target_id, **{to_body: meeting.body_id}).values_list(field, flat=True).first()
    if row is None:
        raise _field_error("target", _("Choose a text of these minutes."), "unknown_text")
    return row


def _check_mark(*, passage: str, ground: str, decision: str) -> None:
    """A mark withholds a passage on a chosen ground, or keeps it public without one."""
    if decision not in WooMark.Decision.values:
        raise _field_error("decision", _("Choose to withhold or to keep public."), "decision")
    if decision == WooMark.Decision.WITHHOLD:
        if not ground:
            raise _field_error("ground", _("Choose the ground for withholding this passage."), "no_ground")
        _require_ground(ground)
    elif ground:
        raise _field_error("ground", _("A passage kept public has no ground."), "ground_on_keep")
    if not passage or not passage.strip():
        raise _field_error("passage", _("Copy the passage to withhold from the text."), "empty")
    if len(passage) > MAX_PASSAGE:
        raise _field_error(
            "passage",
            _("A passage is at most %(max)d characters; withhold the whole item instead.") % {"max": MAX_PASSAGE},
            "too_long",
        )


def _passage_start(text: str, passage: str, occurrence: int) -> int:
    """Where the passage's `occurrence`-th occurrence starts in the text (the first for 0 or less)."""
    start = -1
    for _n in range(max(occurrence, 1)):
        start = text.find(passage, start + 1)
        if start < 0:
            raise _field_error("passage", _("This passage does not occur in the text."), "not_found")
    return start


@transaction.atomic
def woo_mark(
    *,
    meeting: Meeting,
    target: str,
    target_id: int,
    passage: str,
    by,
    ground: str = "",
    decision: str = WooMark.Decision.WITHHOLD,
    occurrence: int = 1,
) -> WooMark:
    """Withhold a passage of any text of the minutes on a ground the secretary chooses (no
    default), or keep a flagged passage public. Refuses empty, over-long and overlapping
    passages and grounds not on the list, each as a field error."""
    _require_secretary(by, meeting)
    _check_mark(passage=passage, ground=ground, decision=decision)
    text = woo_text(meeting=meeting, target=target, target_id=target_id)
    start = _passage_start(text, passage, occurrence)
    end = start + len(passage)
    overlapping = WooMark.objects.filter(
        meeting=meeting, target=target, target_id=target_id, start__lt=end, end__gt=start
    ).first()
    if overlapping is not None:
        raise _field_error(
            "passage",
            _("This passage overlaps one already judged: “%(passage)s”.") % {"passage": overlapping.passage},
            "overlap",
        )
    mark = WooMark(
        meeting=meeting,
        target=target,
        target_id=target_id,
        start=start,
        end=end,
        passage=passage,
        ground=ground,
        decision=decision,
        by=by,
    )
    mark.full_clean()
    mark.save()
    _withdraw_preparations(meeting)
    return mark


@transaction.atomic
def woo_mark_remove(*, mark: WooMark, by) -> None:
    _require_secretary(by, mark.meeting)
    mark.delete()
    _withdraw_preparations(mark.meeting)


@transaction.atomic
def agenda_item_publish_in_part(*, item: AgendaItem, partial: bool, by) -> AgendaItem:
    """Publish a closed-part item with passages withheld instead of withholding all of it."""
    _require_secretary(by, item.meeting)
    if partial and not item.is_closed_part:
        raise _field_error("agenda_item", _("Only a closed-part item is withheld whole."), "not_closed")
    item.woo_partial = partial
    item.save(update_fields=["woo_partial"])
    _withdraw_preparations(item.meeting)
    return item


def _withdraw_preparations(meeting: Meeting) -> None:
    """A change of what is withheld makes a prepared, unapproved publication stale."""
    WooPublication.objects.filter(meeting=meeting, status=WooPublication.Status.PREPARED).update(
        status=WooPublication.Status.SUPERSEDED
    )


def _sha256(*parts: bytes) -> str:
    import hashlib

    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()


def can_approve_woo(user) -> bool:
    """The programme team's Woo coordinator: programme team with the approval permission."""
    return bool(
        getattr(user, "is_authenticated", False)
        and roles.is_programme_team(user)
        and user.has_perm("meetings.approve_woo_release")
    )


def woo_prepare(*, meeting: Meeting, by, reason: str = "", render=None) -> WooPublication:
    """The secretary prepares a release: the redacted PDF and its DiWoo XML are rendered and
    kept for the coordinator. Refused while the minutes are not adopted, while the detector has
    unresolved flags, and (for a corrected version) without a reason. A failed render leaves
    nothing behind."""
    from . import diwoo, exports, publication, selectors

    _require_secretary(by, meeting)
    meeting = Meeting.objects.select_related("body", "minutes", "secretary").get(pk=meeting.pk)
    minutes = meeting.minutes
    if minutes.status != Minutes.Status.ADOPTED:
        raise ValidationError(_("Only adopted minutes are published."), code="not_adopted")
    released = WooRelease.objects.filter(meeting=meeting).exists()
    if released and not reason.strip():
        raise _field_error("reason", _("Give the reason for the corrected version."), "reason")
    view = selectors.meeting_view(user=by, meeting=meeting)
    pub = publication.build(view)
    if pub.flags:
        raise ValidationError(
            _("%(count)d passages were flagged by the detector: withhold them or keep them public first.")
            % {"count": len(pub.flags)},
            code="flags",
        )
    html = exports.woo_html(pub)
    pdf = (render or exports.render_pdf)(html)  # raises on a failed render: nothing is saved
    xml = diwoo.metadata_xml(title=exports.woo_title(view), created=meeting.date, adopted_at=minutes.adopted_at)
    with transaction.atomic():
        _withdraw_preparations(meeting)
        return WooPublication.objects.create(
            meeting=meeting,
            reason=reason.strip(),
            html=html,
            pdf=pdf,
            xml=xml,
            sha256=_sha256(pdf, xml),
            prepared_by=by,
        )


@transaction.atomic
def woo_approve(*, publication: WooPublication, by) -> WooRelease:
    """The Woo coordinator approves a prepared publication (not their own): it becomes the next
    immutable version, with its PDF, DiWoo XML, their SHA-256, the approver and the time."""
    publication = WooPublication.objects.select_for_update().get(pk=publication.pk)
    if not can_approve_woo(by):
        raise PermissionDenied
    if publication.prepared_by_id == by.pk:
        raise ValidationError(_("A second person approves: you prepared this publication."), code="four_eyes")
    if publication.status != WooPublication.Status.PREPARED:
        raise ValidationError(_("This publication is no longer awaiting approval."), code="not_prepared")
    meeting = publication.meeting
    version = (WooRelease.objects.filter(meeting=meeting).aggregate(last=Max("version"))["last"] or 0) + 1
    pdf, xml = bytes(publication.pdf), bytes(publication.xml)
    if _sha256(pdf, xml) != publication.sha256:
        raise ValidationError(_("The prepared files changed after preparation; prepare again."), code="tampered")
    now = timezone.now()
    release = WooRelease.objects.create(
        meeting=meeting,
        version=version,
        publication=publication,
        pdf=pdf,
        xml=xml,
        pdf_sha256=_sha256(pdf),
        xml_sha256=_sha256(xml),
        sha256=publication.sha256,
        reason=publication.reason,
        prepared_by=publication.prepared_by,
        approved_by=by,
        approved_at=now,
    )
    publication.status = WooPublication.Status.APPROVED
    publication.reviewed_by, publication.reviewed_at = by, now
    publication.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return release


@transaction.atomic
def woo_reject(*, publication: WooPublication, by, note: str) -> WooPublication:
    """The coordinator sends a prepared publication back with a note."""
    if not can_approve_woo(by):
        raise PermissionDenied
    if not note.strip():
        raise _field_error("note", _("Say what has to change."), "note")
    if publication.status != WooPublication.Status.PREPARED:
        raise ValidationError(_("This publication is no longer awaiting approval."), code="not_prepared")
    publication.status = WooPublication.Status.REJECTED
    publication.reviewed_by, publication.reviewed_at, publication.review_note = by, timezone.now(), note.strip()
    publication.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return publication
