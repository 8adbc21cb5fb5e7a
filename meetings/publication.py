"""The Woo publication of a meeting's minutes (DESIGN §6, FIELD-NOTES 21-22).

Built from the secretary's full view of the minutes: names of persons who are not public
officials become 5.1.2.e, case items and closed-part items are replaced by the ground the
secretary chose (or the default), marked passages by their ground. Every replacement is a
row of the redaction log; every agenda item a row of the inventory.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ipgar.models import User

from . import grounds
from .models import Invitation
from .selectors import MeetingView


@dataclass
class Segment:
    text: str
    ground: str = ""


@dataclass
class LogRow:
    where: str
    kind: str
    ground: str
    by: str
    flagged: bool = False


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
    entries: list = field(default_factory=list)
    decisions: list = field(default_factory=list)


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


_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Names:
    """Names of persons who are not public officials, indexed by their first word."""

    by_first_word: dict
    other: tuple  # names that do not start with a word character


_names_cache: dict = {}


def _names_fingerprint() -> str:
    """A digest of every non-public person's name, computed by the database (one query)."""
    from django.contrib.postgres.aggregates import StringAgg
    from django.db.models import TextField, Value
    from django.db.models.functions import MD5, Coalesce, Concat

    return User.objects.filter(is_public_official=False).aggregate(
        digest=MD5(
            Coalesce(
                StringAgg(
                    Concat("first_name", Value("\x1f"), "last_name", output_field=TextField()),
                    delimiter="\x1e",
                    ordering="id",
                    output_field=TextField(),
                ),
                Value(""),
                output_field=TextField(),
            ),
            output_field=TextField(),
        )
    )["digest"]


def _names() -> _Names:
    """The names to redact. Built once per state of the users table: reading some five
    thousand users and compiling one pattern of all their names was most of the Woo
    pages' time at national scale (issue 17). The digest is exact, so a new or renamed
    person is redacted from the next request on."""
    digest = _names_fingerprint()
    names = _names_cache.get(digest)
    if names is None:
        found = set()
        for first, last in User.objects.filter(is_public_official=False).values_list("first_name", "last_name"):
            full = f"{first} {last}".strip()
            for name in (full, last.strip(), first.strip()):
                if len(name) >= 3:
                    found.add(name)
        by_first_word, other = {}, []
        for name in found:
            word = _WORD.match(name)
            if word:
                by_first_word.setdefault(word.group(0), []).append(name)
            else:
                other.append(name)
        names = _Names(by_first_word, tuple(other))
        _names_cache.clear()
        _names_cache[digest] = names
    return names


class _Redactor:
    """Replaces every non-public person's name in free text, logging each replacement."""

    def __init__(self, log: list, *, internal: bool):
        self.log = log
        self.internal = internal
        self.names = _names()

    def _pattern(self, value: str):
        """`\\b(name|…)\\b` over the names that can occur in `value`, longest first, so "Sanne
        Bakker" goes as one piece before "Bakker". A name matched at a word boundary starts
        with a word of the text, so only names whose first word is in the text are tried."""
        candidates = set(self.names.other)
        for word in set(_WORD.findall(value)):
            candidates.update(self.names.by_first_word.get(word, ()))
        if not candidates:
            return None
        ordered = sorted(candidates, key=lambda name: (-len(name), name))
        return re.compile(r"\b(" + "|".join(map(re.escape, ordered)) + r")\b")

    def text(self, value: str, *, where: str) -> list:
        if not value:
            return []
        pattern = self._pattern(value)
        if pattern is None:
            return [Segment(value)]
        segments, last = [], 0
        for match in pattern.finditer(value):
            if match.start() > last:
                segments.append(Segment(value[last : match.start()]))
            segments.append(Segment(match.group(0), grounds.PRIVACY))
            self.log.append(
                LogRow(where, _("name of a person"), grounds.PRIVACY, _("automatic: not a public official"))
            )
            last = match.end()
        if last < len(value):
            segments.append(Segment(value[last:]))
        return segments

    def person(self, user, *, where: str) -> list:
        if user is None:
            return []
        if user.is_public_official:
            return [Segment(str(user))]
        self.log.append(LogRow(where, _("name of a person"), grounds.PRIVACY, _("automatic: not a public official")))
        return [Segment(str(user), grounds.PRIVACY)]

    def by(self, user) -> str:
        if self.internal or (user is not None and user.is_public_official):
            return str(user)
        return _("secretary")


def _attendee(redactor: _Redactor, invitation, where: str) -> list:
    parts = redactor.person(invitation.user, where=where)
    if invitation.organisation_id:
        label = invitation.organisation.name
        parts = [*parts, Segment(f" ({label})" if parts else label)]
    return parts


def _withheld_ground(item) -> str:
    """The ground a case item or closed-part item is withheld on ("" when it is public)."""
    if item is None or not (item.case_id or item.is_closed_part):
        return ""
    return item.woo_ground or (grounds.DEFAULT_CASE_GROUND if item.case_id else grounds.DEFAULT_CLOSED_GROUND)


def build(view: MeetingView, *, internal: bool = False) -> Publication:
    """The publication of this (secretary's) view of the minutes; `internal` names who redacted."""
    log: list = []
    redactor = _Redactor(log, internal=internal)
    A = Invitation.Attendance
    present, absent, guests = [], [], []
    for invitation in view.invitations:
        where = _("attendance")
        if invitation.attendance == A.PRESENT:
            present.append(_attendee(redactor, invitation, where))
        elif invitation.attendance in (A.ABSENT, A.COMMENTS_BY_EMAIL):
            absent.append(_attendee(redactor, invitation, where))
        elif invitation.attendance == A.GUEST:
            guests.append(_attendee(redactor, invitation, where))
    items, inventory, withheld_items = [], [], {}
    date = view.meeting.date
    for item_view in view.items:
        item = item_view.item
        where = _("item %(number)s") % {"number": item_view.number}
        before = len(log)
        withheld = ""
        if item.case_id or item.is_closed_part:
            withheld = item.woo_ground or (
                grounds.DEFAULT_CASE_GROUND if item.case_id else grounds.DEFAULT_CLOSED_GROUND
            )
            kind = _("case item") if item.case_id else _("closed part")
            by = redactor.by(view.meeting.secretary) if item.woo_ground else _("automatic: default ground")
            log.append(LogRow(where, kind, withheld, by, grounds.is_flagged(withheld)))
            withheld_items[item.pk] = withheld
            pub = PubItem(item_view.number, item.section, [Segment(kind, withheld)], withheld=withheld)
        else:
            pub = PubItem(item_view.number, item.section, redactor.text(item.title, where=where))
            for entry in item_view.entries:
                segments = []
                cursor = 0
                for redaction in sorted(entry.redactions.all(), key=lambda r: r.start):
                    if redaction.start < cursor:
                        continue  # overlapping marks: the first one already covers it
                    segments += redactor.text(entry.text[cursor : redaction.start], where=where)
                    segments.append(Segment(entry.text[redaction.start : redaction.end], redaction.ground))
                    log.append(
                        LogRow(
                            where,
                            _("marked passage"),
                            redaction.ground,
                            redactor.by(redaction.by),
                            grounds.is_flagged(redaction.ground),
                        )
                    )
                    cursor = redaction.end
                segments += redactor.text(entry.text[cursor:], where=where)
                who = redactor.person(entry.person, where=where) if entry.person_id else []
                if entry.organisation_id and not who:
                    who = [Segment(entry.organisation.name)]
                pub.entries.append(PubEntry(who, entry.kind, segments))
            for decision in item_view.decisions:
                pub.decisions.append(redactor.text(decision.text, where=where))
        items.append(pub)
        used = sorted({row.ground for row in log[before:]})
        judgement = _("not public") if withheld else (_("partly public") if used else _("public"))
        remarks = _("ground 4.1.4 is not a Woo ground: to be checked") if any(map(grounds.is_flagged, used)) else ""
        description = item.title if not withheld else (_("case item") if item.case_id else _("closed part"))
        if not withheld:
            description = "".join(s.ground or s.text for s in pub.title)
        inventory.append(InventoryRow(item_view.number, date, description, judgement, used, remarks))
    actions = []
    for action in view.actions:
        where = _("action list")
        ground = withheld_items.get(action.agenda_item_id) or _withheld_ground(action.agenda_item)
        if ground:
            # Judged by its own item, whichever meeting it was agreed at (pen test, issue 19).
            log.append(LogRow(where, _("action on a withheld item"), ground, _("automatic")))
            actions.append({"action": action, "subject": [Segment("", ground)], "text": [], "owner": []})
            continue
        actions.append(
            {
                "action": action,
                "subject": redactor.text(action.subject, where=where),
                "text": redactor.text(action.description, where=where),
                "owner": redactor.person(action.owner, where=where),
            }
        )
    forward = [{"item": f, "topic": redactor.text(f.topic, where=_("forward agenda"))} for f in view.forward]
    return Publication(view, present, absent, guests, items, actions, forward, inventory, log)


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
        for entry in item.entries:
            add(entry.who)
            add(entry.segments)
        for decision in item.decisions:
            add(decision)
    for action in publication.actions:
        add(action["subject"])
        add(action["text"])
        add(action["owner"])
    return "\n".join(chunks)
