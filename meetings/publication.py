"""The Woo publication of a meeting's minutes (docs/meetings.md, docs/decisions.md D14-22).

Built from the secretary's full view of the minutes. Every text (item titles and
descriptions, entries, decisions, actions, the forward agenda, attendance remarks, the
adoption note and amendments) goes through the detector (meetings.redaction) and the
secretary's own marks (WooMark): what is found is withheld with its ground; what the
detector is unsure of is withheld too and *flagged* until the secretary judged it. Case items
and closed-part items are withheld whole on their ground, unless the secretary publishes a
closed item in part. Attendance is by organisation. Every replacement is a row of the
redaction log; every agenda item a row of the inventory.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import grounds, selectors
from .models import WooMark
from .redaction import Detector, Finding
from .selectors import MeetingView

T = WooMark.Target


@dataclass
class Segment:
    text: str
    ground: str = ""
    flagged: bool = False


@dataclass
class LogRow:
    where: str
    kind: str
    ground: str
    by: str
    flagged: bool = False


@dataclass
class Flag:
    """A finding the detector is unsure of: the secretary withholds it or keeps it public."""

    target: str
    target_id: int
    start: int
    end: int
    text: str
    where: str

    @property
    def key(self) -> str:
        return f"{self.target}:{self.target_id}:{self.start}:{self.end}"


@dataclass
class InventoryRow:
    number: int
    date: object
    description: str
    judgement: str
    grounds: list
    remarks: str = ""


@dataclass
class PubEntry:
    who: list
    kind: str
    segments: list


@dataclass
class PubItem:
    number: int
    section: str
    title: list
    withheld: str = ""
    closed_part: bool = False
    description: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    decisions: list = field(default_factory=list)  # [(number, segments)]


@dataclass
class Publication:
    view: MeetingView
    present: list
    absent: list
    guests: list
    items: list
    actions: list
    forward: list
    inventory: list
    log: list
    flags: list = field(default_factory=list)
    adoption: list = field(default_factory=list)
    amendments: list = field(default_factory=list)


def withheld_ground(item) -> str:
    """The ground a case item, or a closed-part item not published in part, is withheld on."""
    if item is None:
        return ""
    if item.case_id:
        return item.woo_ground or grounds.DEFAULT_CASE_GROUND
    if item.is_closed_part and not item.woo_partial:
        return item.woo_ground or grounds.DEFAULT_CLOSED_GROUND
    return ""


def texts_of(view: MeetingView) -> list[tuple[str, int, str, str]]:
    """Every redactable text of the minutes: (target, id, text, where)."""
    out = []
    for item_view in view.items:
        item = item_view.item
        where = _("item %(number)s") % {"number": item_view.number}
        out.append((T.ITEM_TITLE, item.pk, item.title, where))
        out.append((T.ITEM_DESCRIPTION, item.pk, item.description, where))
        out += [(T.ENTRY, e.pk, e.text, where) for e in item_view.entries]
        out += [(T.DECISION, d.pk, d.text, where) for d in item_view.decisions]
    for action in view.actions:
        out.append((T.ACTION_SUBJECT, action.pk, action.subject, _("action list")))
        out.append((T.ACTION_DESCRIPTION, action.pk, action.description, _("action list")))
    out += [(T.FORWARD_TOPIC, f.pk or 0, f.topic, _("forward agenda")) for f in view.forward]
    out += [(T.ATTENDANCE, i.pk, i.comment, _("attendance")) for i in view.invitations if i.comment]
    if view.minutes.adoption_changes:
        out.append((T.ADOPTION, view.minutes.pk, view.minutes.adoption_changes, _("adoption")))
    out += [(T.AMENDMENT, a.pk, a.text, _("amendments")) for a in view.amendments]
    return out


def marks_of(meeting, *, marks_read: list | None = None) -> dict:
    """The secretary's marks per (target, id), the older entry redactions included.
    `marks_read`: the meeting's WooMarks with their author, when the caller has read them."""
    if marks_read is None:
        marks_read = selectors.woo_marks(meeting)
    marks: dict = {}
    for mark in marks_read:
        marks.setdefault((mark.target, mark.target_id), []).append(mark)
    for old in selectors.old_redactions(meeting):
        marks.setdefault((T.ENTRY, old.entry_id), []).append(
            WooMark(
                target=T.ENTRY,
                target_id=old.entry_id,
                start=old.start,
                end=old.end,
                passage=old.entry.text[old.start : old.end],
                ground=old.ground,
                by=old.by,
            )
        )
    return marks


class _Redactor:
    def __init__(self, view: MeetingView, *, internal: bool, detector: Detector | None, marks: list | None = None):
        self.view = view
        self.internal = internal
        self.log: list = []
        self.flags: list = []
        self.marks = marks_of(view.meeting, marks_read=marks)
        case_ids = {i.item.case_id for i in view.items if i.item.case_id}
        case_ids |= {d.case_id for i in view.items for d in i.decisions if d.case_id}
        case_ids |= {a.agenda_item.case_id for a in view.actions if a.agenda_item_id and a.agenda_item.case_id}
        self.detector = detector or Detector(case_ids=case_ids, texts=[t[2] for t in texts_of(view)])

    def by(self, user) -> str:
        if self.internal or (user is not None and user.is_public_official):
            return str(user)
        return _("secretary")

    def text(self, target: str, target_id: int, value: str, *, where: str) -> list:
        if not value:
            return []
        marks = self.marks.get((target, target_id), [])
        keep = [m for m in marks if m.decision == WooMark.Decision.KEEP]
        spans = []
        for mark in marks:
            if mark.decision == WooMark.Decision.WITHHOLD and mark.end <= len(value):
                spans.append(Finding(mark.start, mark.end, value[mark.start : mark.end], "mark", mark.ground))
                self.log.append(
                    LogRow(where, _("marked passage"), mark.ground, self.by(mark.by), grounds.is_flagged(mark.ground))
                )
        for finding in self.detector.find(value):
            if any(k.start < finding.end and finding.start < k.end for k in keep):
                continue  # the secretary judged this passage public
            if any(s.start < finding.end and finding.start < s.end for s in spans):
                continue  # already withheld by the secretary's mark
            spans.append(finding)
            by = _("automatic: to be checked") if finding.flagged else _("automatic")
            self.log.append(LogRow(where, str(finding.kind), finding.ground, by, finding.flagged))
            if finding.flagged:
                self.flags.append(Flag(target, target_id, finding.start, finding.end, finding.text, where))
        segments, cursor = [], 0
        for span in sorted(spans, key=lambda s: (s.start, -s.end)):
            if span.start < cursor:
                continue
            if span.start > cursor:
                segments.append(Segment(value[cursor : span.start]))
            segments.append(Segment(value[span.start : span.end], span.ground, getattr(span, "flagged", False)))
            cursor = span.end
        if cursor < len(value):
            segments.append(Segment(value[cursor:]))
        return segments

    def person(self, user, *, where: str) -> list:
        if user is None:
            return []
        if user.is_public_official:
            return [Segment(str(user))]
        self.log.append(LogRow(where, _("name of a person"), grounds.PRIVACY, _("automatic: not a public official")))
        return [Segment(str(user), grounds.PRIVACY)]


def _by_organisation(redactor: _Redactor, invitations, where: str) -> list:
    """Attendance as docs/domain.md source S0 writes it: organisations; a person without one is withheld
    unless a public official."""
    groups, seen = [], set()
    for invitation in invitations:
        if invitation.organisation_id:
            name = invitation.organisation.name
            if name not in seen:
                seen.add(name)
                groups.append([Segment(name)])
        else:
            groups.append(redactor.person(invitation.user, where=where))
        if invitation.comment:
            groups[-1] = [
                *groups[-1],
                Segment(" – "),
                *redactor.text(T.ATTENDANCE, invitation.pk, invitation.comment, where=where),
            ]
    return groups


def _withheld_kind(item) -> str:
    return _("case item") if item.case_id else _("closed part")


def _withheld_item(redactor: _Redactor, item_view, ground: str, *, where: str) -> PubItem:
    """A case item, or a closed-part item not published in part: only that it was discussed."""
    item = item_view.item
    kind = _withheld_kind(item)
    by = redactor.by(redactor.view.meeting.secretary) if item.woo_ground else _("automatic: default ground")
    redactor.log.append(LogRow(where, kind, ground, by, grounds.is_flagged(ground)))
    return PubItem(item_view.number, item.section, [Segment(kind, ground)], withheld=ground)


def _entry(redactor: _Redactor, entry, *, where: str) -> PubEntry:
    who = redactor.person(entry.person, where=where) if entry.person_id else []
    if entry.organisation_id:
        label = entry.organisation.name
        who = [*who, Segment(f" ({label})" if who else label)]
    return PubEntry(who, entry.kind, redactor.text(T.ENTRY, entry.pk, entry.text, where=where))


def _published_item(redactor: _Redactor, item_view, *, where: str) -> PubItem:
    item = item_view.item
    pub = PubItem(
        item_view.number,
        item.section,
        redactor.text(T.ITEM_TITLE, item.pk, item.title, where=where),
        closed_part=item.is_closed_part,
        description=redactor.text(T.ITEM_DESCRIPTION, item.pk, item.description, where=where),
    )
    pub.entries = [_entry(redactor, entry, where=where) for entry in item_view.entries]
    pub.decisions = [(d.number, redactor.text(T.DECISION, d.pk, d.text, where=where)) for d in item_view.decisions]
    return pub


def _inventory_row(item_view, pub: PubItem, rows: list[LogRow], *, date) -> InventoryRow:
    """The item's row of the inventory, judged by the redactions logged while publishing it."""
    used = sorted({row.ground for row in rows})
    if pub.withheld:
        judgement, description = _("not public"), _withheld_kind(item_view.item)
    else:
        judgement = _("partly public") if used else _("public")
        description = "".join(s.ground or s.text for s in pub.title)
    remarks = _("ground 4.1.4 is not a Woo ground: to be checked") if any(map(grounds.is_flagged, used)) else ""
    return InventoryRow(item_view.number, date, description, judgement, used, remarks)


def _items(redactor: _Redactor, view: MeetingView) -> tuple[list[PubItem], list[InventoryRow]]:
    items, inventory = [], []
    for item_view in view.items:
        where = _("item %(number)s") % {"number": item_view.number}
        before = len(redactor.log)
        ground = withheld_ground(item_view.item)
        if ground:
            pub = _withheld_item(redactor, item_view, ground, where=where)
        else:
            pub = _published_item(redactor, item_view, where=where)
        items.append(pub)
        inventory.append(_inventory_row(item_view, pub, redactor.log[before:], date=view.meeting.date))
    return items, inventory


def _action(redactor: _Redactor, action) -> dict:
    where = _("action list")
    # Judged by its own item, whichever meeting it was agreed at (pen test).
    ground = withheld_ground(action.agenda_item)
    if ground:
        redactor.log.append(LogRow(where, _("action on a withheld item"), ground, _("automatic")))
        return {"action": action, "subject": [Segment("", ground)], "text": [], "owner": []}
    return {
        "action": action,
        "subject": redactor.text(T.ACTION_SUBJECT, action.pk, action.subject, where=where),
        "text": redactor.text(T.ACTION_DESCRIPTION, action.pk, action.description, where=where),
        "owner": redactor.person(action.owner, where=where),
    }


def build(
    view: MeetingView, *, internal: bool = False, detector: Detector | None = None, marks: list | None = None
) -> Publication:
    """The publication of this (secretary's) view of the minutes; `internal` names who redacted.
    Parts are redacted in the order they are printed, so the log reads in that order too.
    `marks`: the meeting's WooMarks (with `by`) when the caller has read them for its own use."""
    redactor = _Redactor(view, internal=internal, detector=detector, marks=marks)
    attendance = selectors.attendance_groups(view.invitations)
    present, absent, guests = (
        _by_organisation(redactor, attendance[group], _("attendance")) for group in ("present", "absent", "guests")
    )
    items, inventory = _items(redactor, view)
    actions = [_action(redactor, action) for action in view.actions]
    forward = [
        {"item": f, "topic": redactor.text(T.FORWARD_TOPIC, f.pk or 0, f.topic, where=_("forward agenda"))}
        for f in view.forward
    ]
    adoption = []
    if view.minutes.adoption_changes:
        adoption = redactor.text(T.ADOPTION, view.minutes.pk, view.minutes.adoption_changes, where=_("adoption"))
    amendments = [
        {"amendment": a, "text": redactor.text(T.AMENDMENT, a.pk, a.text, where=_("amendments"))}
        for a in view.amendments
    ]
    return Publication(
        view,
        present,
        absent,
        guests,
        items,
        actions,
        forward,
        inventory,
        redactor.log,
        redactor.flags,
        adoption,
        amendments,
    )


def plain_text(publication: Publication) -> str:
    """All visible text of the publication, for checks that no name slipped through."""
    chunks = []

    def add(segments):
        chunks.append("".join(s.ground or s.text for s in segments))

    for group in (publication.present, publication.absent, publication.guests):
        for segments in group:
            add(segments)
    for item in publication.items:
        add(item.title)
        add(item.description)
        for entry in item.entries:
            add(entry.who)
            add(entry.segments)
        for _number, decision in item.decisions:
            add(decision)
    for action in publication.actions:
        add(action["subject"])
        add(action["text"])
        add(action["owner"])
    for forward in publication.forward:
        add(forward["topic"])
    add(publication.adoption)
    for amendment in publication.amendments:
        add(amendment["text"])
    return "\n".join(chunks)
