"""Finds English left in a Dutch page: every English source string of the catalogues
that has a different Dutch translation, found verbatim in the page's visible text, is a leak;
so are Django's "---------" and English month names."""

import re
from functools import cache
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
ENGLISH_MONTHS = re.compile(
    r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|\((January|February|March|April|June|July|August|September|October|November|December)\)"
)


@cache
def english_strings() -> tuple[str, ...]:
    found = set()
    paths = [*ROOT.glob("*/locale/nl/LC_MESSAGES/django.po"), ROOT / "locale/nl/LC_MESSAGES/django.po"]
    for path in paths:
        for entry in polib.pofile(str(path)):
            text = entry.msgid
            if entry.obsolete or "%" in text or "{" in text or entry.msgstr == text:
                continue
            # Whole phrases only: two words or more and long enough not to be a Dutch word too.
            if len(text) >= 14 and " " in text:
                found.add(text)
    return tuple(sorted(found, key=len, reverse=True))


def untranslated(text: str) -> list[str]:
    leaks = [phrase for phrase in english_strings() if phrase in text]
    if "---------" in text:
        leaks.append("---------")
    leaks += [match.group(0) for match in ENGLISH_MONTHS.finditer(text)]
    return leaks


def assert_dutch(page) -> None:
    text = page.evaluate(
        "() => document.body.innerText + ' ' + [...document.querySelectorAll('option')].map(o => o.text).join(' ')"
    )
    leaks = untranslated(text)
    assert not leaks, f"English on the Dutch page {page.url}: {leaks[:10]}"
