"""Finding personal details in the texts of minutes before a Woo release.

Three layers, every finding with its Woo ground:

1. Known names and details from the system itself (certain, redacted): users who are not
   public officials, the directory's contacts, and the identity of every case on the agenda,
   in an action or decision, or whose code is written anywhere in the texts (first and last
   name, BSN, date of birth, address, postcode).
2. Patterns (certain, redacted): BSN, phone numbers, e-mail addresses, case codes, postcodes,
   street addresses and dates of birth ("geboren op ...").
3. Deduce (rule-based Dutch de-identification with Dutch name lists, offline; see README):
   a person it finds that is not a known name, an organisation or a public official is
   *flagged*: redacted by default, and the release is refused until the secretary judged it.

Public officials (User.is_public_official) stay named: their names are protected before the
other layers run, so "Willem Haverkamp" is never cut into "Willem" + a redacted surname.
"""

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass
from itertools import chain

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from . import grounds

logger = logging.getLogger(__name__)

BSN = "5.1.1.e"
PRIVACY = grounds.PRIVACY

KIND_NAME = _("name of a person")
KIND_BSN = _("BSN")
KIND_PHONE = _("phone number")
KIND_EMAIL = _("e-mail address")
KIND_CASE = _("case code")
KIND_ADDRESS = _("address")
KIND_BIRTH = _("date of birth")
KIND_UNSURE = _("possibly a name (check)")

PATTERNS = [
    (KIND_EMAIL, PRIVACY, re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (KIND_CASE, PRIVACY, re.compile(r"\b[A-Z]{1,3}-\d{4}-\d{2,6}\b")),
    (KIND_BSN, BSN, re.compile(r"(?<![\d.-])(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}\.\d{3}\.\d{3})(?![\d-])")),
    (
        KIND_PHONE,
        PRIVACY,
        re.compile(r"(?<![\w+])(?:\+31[\s-]?(?:\(0\)[\s-]?)?|0031[\s-]?|0)\d(?:[\s-]?\d){8}(?!\d)"),
    ),
    (KIND_ADDRESS, PRIVACY, re.compile(r"\b\d{4}\s?[A-Z]{2}\b")),
    (
        KIND_ADDRESS,
        PRIVACY,
        re.compile(
            r"\b[A-Z][\w'’-]*(?:straat|weg|laan|plein|gracht|kade|dijk|singel|dreef|hof|pad|steeg|park|"
            r"plantsoen|baan|markt|erf|wal|kwartier|burgwal|dam)\s+\d{1,5}(?:\s?[a-zA-Z])?(?:[-/]\d{1,4})?\b"
        ),
    ),
]
DATE = r"(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}\s+[a-z]+\.?\s+\d{4})"
BIRTH = re.compile(r"(?:geboren|geb\.|geboortedatum|geb\.datum|born)\s*(?:op|on)?\s*:?\s*(" + DATE + ")", re.I)


@dataclass
class Finding:
    start: int
    end: int
    text: str
    kind: str
    ground: str
    flagged: bool = False


def _name_forms(first: str, last: str) -> set[str]:
    first, last = (first or "").strip(), (last or "").strip()
    forms = {f"{first} {last}".strip(), last, first}
    if last:
        # "van Dijk" is written "Van Dijk" at the start of a sentence; the bare surname "Dijk" too.
        forms |= {last[0].upper() + last[1:], last.split()[-1]}
    return {f for f in forms if len(f) >= 3}


def _date_forms(day: dt.date | None) -> set[str]:
    if day is None:
        return set()
    return {
        day.strftime("%d-%m-%Y"),
        f"{day.day}-{day.month}-{day.year}",
        day.strftime("%d/%m/%Y"),
        day.isoformat(),
        formats.date_format(day, "j F Y"),
    }


def _alternation(words) -> re.Pattern | None:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"(?<![\w])(" + "|".join(map(re.escape, ordered)) + r")(?![\w])")


_users_cache: dict = {}


def _users_version() -> int | None:
    """The users' names' version, kept by the database (ipgar migration 0011); None when its
    row is missing (a test flush), and then nothing is cached."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM ipgar_users_version WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class _UserPatterns:
    """The users' part of the detector, compiled: the same for every meeting until a user changes."""

    names: re.Pattern | None  # names to redact
    officials: re.Pattern | None  # official full names to keep
    emails: re.Pattern | None


def _user_patterns() -> _UserPatterns:
    """The users' names (to redact), officials' full names (to keep) and e-mail addresses as
    compiled patterns, built once per version of the users table (some five thousand users at
    national scale; escaping, sorting and joining their ten thousand name forms cost more than
    the rest of a Woo preview); exact, so a new or renamed person counts from the next build on."""
    from ipgar.models import User

    # The version first, then the users: a change committed in between costs one more build,
    # never a stale one.
    version = _users_version()
    cached = _users_cache.get(version) if version is not None else None
    if cached is None:
        names, officials, emails = set(), set(), set()
        for first, last, official, email in User.objects.values_list(
            "first_name", "last_name", "is_public_official", "email"
        ):
            (officials if official else names).update(_name_forms(first, last))
            if email:
                emails.add(email)
        # Only a full official name is protected: a non-official namesake's surname stays redacted.
        cached = _UserPatterns(
            names=_alternation(names),
            officials=_alternation(f for f in officials if " " in f),
            emails=_alternation(emails),
        )
        _users_cache.clear()
        if version is not None:
            _users_cache[version] = cached
    return cached


@functools.cache
def _deduce():
    """The Deduce pipeline, built once per process (the first build of its lookup structures
    after an install takes a minute or more; later loads read its cache)."""
    from deduce import Deduce

    return Deduce()


DEDUCE_FLAGGED = {"persoon", "patient"}
DEDUCE_CERTAIN = {"bsn": (KIND_BSN, BSN), "telefoonnummer": (KIND_PHONE, PRIVACY), "emailadres": (KIND_EMAIL, PRIVACY)}


class Detector:
    """Knows the names and details of one meeting's world; finds them in any text."""

    def __init__(self, *, case_ids=(), texts=(), use_deduce: bool = True):
        from cases.models import CaseIdentity
        from ipgar.models import Organisation
        from pool.models import Contact

        codes = set()
        for text in texts:
            codes |= set(PATTERNS[1][2].findall(text or ""))
        identities = CaseIdentity.objects.filter(Q(case_id__in=set(case_ids)) | Q(case__code__in=codes))
        users = _user_patterns()
        names, details, births = set(), set(), set()
        for contact in Contact.objects.only("name", "email", "phone").order_by():  # into sets: no order
            parts = contact.name.split()
            names |= _name_forms(
                parts[0] if len(parts) > 1 else "", " ".join(parts[1:]) if len(parts) > 1 else contact.name
            )
            details |= {v for v in (contact.email, contact.phone) if v}
        for identity in identities:
            names |= _name_forms(identity.first_name, identity.last_name)
            details |= {v for v in (identity.bsn, identity.address, identity.postcode) if v}
            births |= _date_forms(identity.date_of_birth)
        self.officials = users.officials
        # The users' patterns are compiled once (cached); the meeting's own names and details
        # (contacts, case identities) are few. Findings of both are merged (merge() below): where
        # a user's name and a case's name overlap, the wider span is withheld.
        self.names = [p for p in (users.names, _alternation(names)) if p]
        self.details = [p for p in (users.emails, _alternation(details)) if p]
        self.births = _alternation(births)
        organisations = Organisation.objects.values_list("name", "code")
        self.organisations = {value.lower() for pair in organisations for value in pair}
        self.use_deduce = use_deduce

    def find(self, text: str) -> list[Finding]:
        """Findings in `text`, not overlapping, in order; flagged ones are uncertain. Nothing is
        found inside a public official's name."""
        if not text:
            return []
        protected = [(m.start(), m.end()) for m in _matches(self.officials, text)]
        found = [
            Finding(start, end, text[start:end], kind, ground, flagged)
            for start, end, kind, ground, flagged in chain(self._known(text), _patterns(text), self._deduced(text))
            if not any(start < p_end and p_start < end for p_start, p_end in protected)
        ]
        return merge(found, text)

    def _known(self, text: str):
        """Layer 1: the names, details and dates of birth this system knows."""
        for m in chain.from_iterable(pattern.finditer(text) for pattern in self.names):
            yield m.start(), m.end(), KIND_NAME, PRIVACY, False
        for m in chain.from_iterable(pattern.finditer(text) for pattern in self.details):
            digits = m.group(0).isdigit()
            yield m.start(), m.end(), KIND_BSN if digits else KIND_ADDRESS, BSN if digits else PRIVACY, False
        for m in _matches(self.births, text):
            yield m.start(), m.end(), KIND_BIRTH, PRIVACY, False

    def _deduced(self, text: str):
        """Layer 3: what Deduce finds; a person or an address it is unsure of is flagged, an
        organisation's name is not a finding."""
        if not self.use_deduce:
            return
        for annotation in _deduce().deidentify(text).annotations:
            start, end, tag = annotation.start_char, annotation.end_char, annotation.tag
            if tag in DEDUCE_CERTAIN:
                yield start, end, *DEDUCE_CERTAIN[tag], False
            elif tag in DEDUCE_FLAGGED or (tag == "locatie" and any(c.isdigit() for c in annotation.text)):
                if annotation.text.strip().lower() in self.organisations:
                    continue
                yield start, end, KIND_UNSURE if tag != "locatie" else KIND_ADDRESS, PRIVACY, tag != "locatie"


def _matches(pattern: re.Pattern | None, text: str):
    return pattern.finditer(text) if pattern is not None else ()


def _patterns(text: str):
    """Layer 2: dates after "geboren" and the like, and the PATTERNS."""
    for m in BIRTH.finditer(text):
        yield m.start(1), m.end(1), KIND_BIRTH, PRIVACY, False
    for kind, ground, pattern in PATTERNS:
        for m in pattern.finditer(text):
            yield m.start(), m.end(), kind, ground, False


def merge(findings: list[Finding], text: str) -> list[Finding]:
    """Overlapping findings become one: the widest span, certain over flagged, the stricter ground."""
    result: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if result and finding.start < result[-1].end:
            last = result[-1]
            end = max(last.end, finding.end)
            ground = BSN if BSN in (last.ground, finding.ground) else last.ground
            kind = last.kind if not last.flagged else finding.kind
            flagged = last.flagged and finding.flagged
            result[-1] = Finding(last.start, end, text[last.start : end], kind, ground, flagged)
        else:
            result.append(finding)
    return result
