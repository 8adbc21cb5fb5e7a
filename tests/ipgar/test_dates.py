"""One date style: '29 nov. 2026' in tables, '29 november 2026' in text."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from ipgar import dates


@pytest.mark.parametrize(
    ("value", "short", "long"),
    [
        (dt.date(2026, 11, 29), "29 nov. 2026", "29 november 2026"),
        (dt.date(2020, 3, 3), "3 mrt. 2020", "3 maart 2020"),
        (dt.date(2026, 5, 1), "1 mei 2026", "1 mei 2026"),
    ],
)
def test_dutch_short_and_long_dates(value, short, long):
    with translation.override("nl"):
        assert dates.short_date(value) == short
        assert dates.long_date(value) == long


def test_filters_are_built_in_and_empty_for_no_date():
    template = Template("{{ d|short_date }}|{{ d|long_date }}|{{ none|short_date|default:'–' }}")
    with translation.override("nl"):
        assert template.render(Context({"d": dt.date(2026, 11, 29), "none": None})) == "29 nov. 2026|29 november 2026|–"


def test_datetime_is_shown_in_amsterdam_time():
    moment = dt.datetime(2026, 11, 29, 13, 5, tzinfo=dt.UTC)
    with translation.override("nl"):
        assert dates.short_datetime(moment) == "29 nov. 2026 14:05"


def test_english_short_date():
    with translation.override("en"):
        assert dates.short_date(dt.date(2026, 11, 29)) == "29 Nov 2026"


def test_no_template_formats_dates_itself():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in [*root.glob("*/templates/**/*.html"), *root.glob("templates/**/*.html")]:
        text = path.read_text()
        for fmt in ('|date:"d-m-Y', '|date:"j F Y', '|date:"D j F', '|date:"l j F'):
            if fmt in text:
                offenders.append(f"{path.relative_to(root)}: {fmt}")
    assert offenders == []
