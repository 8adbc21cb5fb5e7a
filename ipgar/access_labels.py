"""The access log in words for the person who reviews it.

"Identiteit van R-2020-003 ingezien" instead of `cases.caseidentity 8 (identity)`; roles by
their Dutch names. The log stores codes and ids (append-only, no personal data); these
functions only describe what is stored. Codes of refused reads (which store only the id the
user asked for) are looked up in one query per page: `case_codes`.
"""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from . import roles
from .models import AccessLogEntry

Action = AccessLogEntry.Action
Outcome = AccessLogEntry.Outcome

CASE = "cases.case"

# What was read: (record type, section) -> phrase with %(code)s; "*" matches any section.
WHAT = {
    (CASE, ""): pgettext_lazy("access log", "case %(code)s"),
    (CASE, "identity"): pgettext_lazy("access log", "identity of %(code)s"),
    (CASE, "history"): pgettext_lazy("access log", "history of %(code)s"),
    (CASE, "identity_history"): pgettext_lazy("access log", "history of %(code)s with the identity's changes"),
    (CASE, "change"): pgettext_lazy("access log", "changing case %(code)s"),
    (CASE, "status"): pgettext_lazy("access log", "status change of %(code)s"),
    (CASE, "intervention"): pgettext_lazy("access log", "an intervention of %(code)s"),
    (CASE, "plan"): pgettext_lazy("access log", "the plan of %(code)s"),
    (CASE, "need_to_know"): pgettext_lazy("access log", "need-to-know view of %(code)s"),
    (CASE, "registrations"): pgettext_lazy("access log", "covenant registrations of %(code)s"),
    (CASE, "subject_access"): pgettext_lazy("access log", "GDPR access export about %(code)s"),
    (CASE, "pto_r_summary"): pgettext_lazy("access log", "PTO-R summary of %(code)s"),
    (CASE, "assign"): pgettext_lazy("access log", "assignment of %(code)s"),
    (CASE, "review"): pgettext_lazy("access log", "caseload review of %(code)s"),
    (CASE, "legal_hold_set"): pgettext_lazy("access log", "legal hold on %(code)s set"),
    (CASE, "legal_hold_lift"): pgettext_lazy("access log", "legal hold on %(code)s lifted"),
    (CASE, "access_log_person"): pgettext_lazy("access log", "access log of %(code)s"),
    (CASE, "readers"): pgettext_lazy("access log", "readers of %(code)s"),
    (CASE, "grants"): pgettext_lazy("access log", "access grants of %(code)s"),
    (CASE, "partner_progress"): pgettext_lazy("access log", "partner progress of %(code)s"),
    (CASE, "life_domains"): pgettext_lazy("access log", "life domains of %(code)s"),
    (CASE, "caseload_review"): pgettext_lazy("access log", "%(code)s in a caseload review"),
    (CASE, "meeting"): pgettext_lazy("access log", "%(code)s on a meeting page"),
    ("cases.caseidentity", "subject_access"): pgettext_lazy("access log", "GDPR access search"),
    ("cases.caseidentity", "identity_lookup"): pgettext_lazy("access log", "case search by name or BSN"),
    ("meetings.meeting", "pdf"): pgettext_lazy("access log", "minutes (PDF) of meeting %(code)s"),
    ("meetings.meeting", "docx"): pgettext_lazy("access log", "minutes (Word) of meeting %(code)s"),
    ("meetings.meeting", "woo"): pgettext_lazy("access log", "Woo publication of meeting %(code)s"),
    ("meetings.meeting", "woo_preview"): pgettext_lazy("access log", "Woo preview of meeting %(code)s"),
    ("ipgar.rolechangelogentry", "*"): pgettext_lazy("access log", "role change log"),
    ("ipgar.accesslogentry", "*"): pgettext_lazy("access log", "access log"),
    ("ipgar.retentionlogentry", "*"): pgettext_lazy("access log", "retention log"),
    ("cases.legalhold", "*"): pgettext_lazy("access log", "retention and legal holds"),
    ("pool.director", "*"): pgettext_lazy("access log", "director %(code)s"),
    ("pool", "*"): pgettext_lazy("access log", "director pool"),
    ("meetings.meeting", "*"): pgettext_lazy("access log", "meeting %(code)s"),
}
# Lists: the record id names which list.
LISTS = {
    (CASE, "list"): pgettext_lazy("access log", "case list"),
    (CASE, "caseload"): pgettext_lazy("access log", "own caseload"),
    (CASE, "new"): pgettext_lazy("access log", "registering a report"),
}
# Reads through the admin: section "admin:<model>" or "admin:<model>:history".
IN_ADMIN = pgettext_lazy("access log", "%(record)s of %(code)s in the administration")
HISTORY_IN_ADMIN = pgettext_lazy("access log", "history of %(record)s of %(code)s in the administration")
ROW_IN_ADMIN = pgettext_lazy("access log", "%(record)s %(code)s in the administration")
ROW_HISTORY_IN_ADMIN = pgettext_lazy("access log", "history of %(record)s %(code)s in the administration")
LIST_IN_ADMIN = pgettext_lazy("access log", "list of %(records)s in the administration")
DONE = {
    Action.VIEW: pgettext_lazy("access log", "%(what)s viewed"),
    Action.LIST: pgettext_lazy("access log", "%(what)s viewed"),
    Action.SEARCH: pgettext_lazy("access log", "%(what)s searched"),
    Action.EXPORT: pgettext_lazy("access log", "%(what)s exported"),
    Action.DOWNLOAD: pgettext_lazy("access log", "%(what)s downloaded"),
    Action.PRINT: pgettext_lazy("access log", "%(what)s printed"),
}
REFUSED = {
    Outcome.DENIED: pgettext_lazy("access log", "Refused: %(what)s"),
    Outcome.NOT_POSSIBLE: pgettext_lazy("access log", "Not possible: %(what)s"),
}


def case_codes(entries) -> dict[str, str]:
    """{case id: code} for the case entries of a page that carry no code of their own (refusals), in
    one query; none when every entry has its label (`_record_name` prefers the label)."""
    ids = {e.record_id for e in entries if e.record_type == CASE and not e.record_label and e.record_id.isdigit()}
    if not ids:
        return {}
    model = apps.get_model("cases", "Case")
    return {str(pk): code for pk, code in model.objects.filter(pk__in=[int(i) for i in ids]).values_list("pk", "code")}


def _record_name(entry, codes: dict[str, str]) -> str:
    code = entry.record_label or codes.get(entry.record_id, "")
    if not code and entry.record_id not in ("", "*"):
        code = entry.record_id
    return code


def _admin_model(model_name: str):
    for app_label in ("cases", "pool"):
        try:
            return apps.get_model(app_label, model_name)
        except LookupError:
            continue
    return None


def _what_in_admin(entry, codes: dict[str, str]) -> str:
    model_name, _sep, part = entry.section.removeprefix("admin:").partition(":")
    model = _admin_model(model_name)
    record = str(model._meta.verbose_name) if model else model_name
    if entry.record_id == "list":
        records = str(model._meta.verbose_name_plural) if model else model_name
        return str(LIST_IN_ADMIN) % {"records": records}
    # Allowed reads name the case (record type cases.case); a refusal names the row asked for.
    own_row = entry.record_type != CASE or model_name == "case"
    if part == "history":
        phrase = ROW_HISTORY_IN_ADMIN if own_row else HISTORY_IN_ADMIN
    else:
        phrase = ROW_IN_ADMIN if own_row else IN_ADMIN
    code = _record_name(entry, codes if entry.record_type == CASE else {})  # codes are keyed by case id
    return str(phrase) % {"record": record, "code": code}


def _what(entry, codes: dict[str, str]) -> str:
    if entry.section.startswith("admin:"):
        return _what_in_admin(entry, codes)
    listed = LISTS.get((entry.record_type, entry.record_id))
    if listed is not None:
        return str(listed)
    phrase = WHAT.get((entry.record_type, entry.section)) or WHAT.get((entry.record_type, "*"))
    code = _record_name(entry, codes)
    if phrase is None:
        try:
            name = str(apps.get_model(entry.record_type)._meta.verbose_name)
        except (LookupError, ValueError):
            name = entry.record_type
        extra = f" ({entry.section})" if entry.section else ""
        return f"{name} {code}".strip() + extra
    return (str(phrase) % {"code": code}).replace("  ", " ").strip()


def describe(entry, codes: dict[str, str] | None = None) -> str:
    """One sentence: "Identiteit van R-2020-003 ingezien", "Geweigerd: casus R-2020-007"."""
    what = _what(entry, codes or {})
    if entry.outcome in REFUSED:
        return str(REFUSED[entry.outcome]) % {"what": what}
    sentence = str(DONE.get(entry.action, DONE[Action.VIEW])) % {"what": what}
    return sentence[:1].upper() + sentence[1:]


def role_label(role: str) -> str:
    label = roles.ROLES.get(role)
    return str(label) if label is not None else (role or _("no role"))


def annotate(entries) -> list:
    """The entries with `.label` and `.role_label` set; one query for all their case codes."""
    entries = list(entries)
    codes = case_codes(entries)
    for entry in entries:
        entry.label = describe(entry, codes)
        entry.role_label = role_label(entry.role)
    return entries
