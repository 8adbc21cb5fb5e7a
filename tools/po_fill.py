"""Fill Dutch translations into a .po file from a JSON map {msgid: msgstr}, then report gaps.

Usage: .venv/bin/python tools/po_fill.py <app>/locale/nl/LC_MESSAGES/django.po <translations.json>
Fuzzy entries are cleared; entries not in the map are listed so nothing stays English by accident.
"""

import json
import sys

import polib


def main(po_path: str, json_path: str | None = None) -> int:
    catalogue = polib.pofile(po_path, wrapwidth=0)
    mapping = {}
    if json_path:
        with open(json_path, encoding="utf-8") as source:
            mapping = json.load(source)
    for entry in catalogue:
        if entry.msgid in mapping:
            if entry.msgid_plural:
                value = mapping[entry.msgid]
                entry.msgstr_plural = {0: value[0], 1: value[1]} if isinstance(value, list) else {0: value, 1: value}
            else:
                entry.msgstr = mapping[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    catalogue.save(po_path)
    missing = [e.msgid for e in catalogue if not e.translated() and not e.obsolete]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
