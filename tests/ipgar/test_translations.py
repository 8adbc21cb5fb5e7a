"""Dutch is the default language: every catalogue is complete and compiled."""

import gettext
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [*sorted(ROOT.glob("*/locale/nl/LC_MESSAGES/django.po")), ROOT / "locale/nl/LC_MESSAGES/django.po"]


def test_every_app_has_a_dutch_catalogue():
    apps = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"cases", "pool", "meetings", "monitor", "locale"} <= apps


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(po_path):
    catalogue = polib.pofile(str(po_path))
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    assert not missing, f"untranslated in {po_path}: {missing[:10]}"
    with open(po_path.with_suffix(".mo"), "rb") as compiled:
        messages = gettext.GNUTranslations(compiled)._catalog
    for entry in catalogue.translated_entries():
        key = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            key = (key, 0)
        assert key in messages, f"{po_path.with_suffix('.mo')} is older than its .po: {entry.msgid!r}"
