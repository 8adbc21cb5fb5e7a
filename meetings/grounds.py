"""Woo redaction grounds (docs/decisions.md D14): fixed codes, never free text.

The seeds use 5.1.2.e, 5.1.2.d, 5.1.2.h, 5.1.2.i and 5.1.1.c; docs/domain.md source S0 also shows "4.1.4",
which is not a ground of the Woo: it is kept so such minutes can be rebuilt, but every use
is flagged for a human to check.
"""

from django.utils.translation import gettext_lazy as _

GROUNDS = {
    "5.1.1.a": _("unity of the Crown"),
    "5.1.1.b": _("security of the State"),
    "5.1.1.c": _("confidential company and manufacturing data"),
    "5.1.1.d": _("special categories of personal data and criminal personal data"),
    "5.1.1.e": _("identification numbers such as the BSN"),
    "5.1.2.a": _("international relations"),
    "5.1.2.b": _("economic or financial interests of the state"),
    "5.1.2.c": _("investigation and prosecution of criminal offences"),
    "5.1.2.d": _("inspection, control and supervision by public bodies"),
    "5.1.2.e": _("respect for personal privacy"),
    "5.1.2.f": _("competition-sensitive business data"),
    "5.1.2.g": _("protection of the environment"),
    "5.1.2.h": _("security of persons and companies and prevention of sabotage"),
    "5.1.2.i": _("proper functioning of the state and public bodies"),
    "5.1.4": _("shortening one's time (information that would only be available later)"),
    "5.1.5": _("disproportionate harm"),
    "5.2": _("personal policy opinions in internal consultation"),
    "4.1.4": _("not a Woo ground (seen in a seed): to be checked by a human"),
}

# Codes kept only for fidelity to old publications; a human must look at each use.
FLAGGED = frozenset({"4.1.4"})

PRIVACY = "5.1.2.e"  # names of persons who are not public officials
DEFAULT_CASE_GROUND = "5.1.2.e"  # a case item is about one person
DEFAULT_CLOSED_GROUND = "5.1.2.i"  # the closed part protects the body's own deliberation


def choices(*, blank: str | None = None) -> list[tuple[str, str]]:
    options = [(code, f"{code} – {meaning}") for code, meaning in GROUNDS.items()]
    return [("", blank), *options] if blank is not None else options


def is_valid(code: str) -> bool:
    return code in GROUNDS


def is_flagged(code: str) -> bool:
    return code in FLAGGED
