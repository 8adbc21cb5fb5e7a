"""The case page's table rows built in Python (cases/templatetags/case_file.py) write what the
template loops they replaced wrote, byte for byte, values escaped: both rendered side by side."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import engines

from cases.selectors import case_file
from tests.cases.factories import (
    CaseFactory,
    InterventionFactory,
    LifeDomainScoreFactory,
    ProgrammeUserFactory,
    included_case,
)

pytestmark = pytest.mark.django_db

NASTY = "<b>Jan & 'Piet'</b> \"x\""

# The loops as cases/detail.html had them (before commit "Case page: table rows built in Python"),
# each with its {% empty %} row.
_BEFORE = (Path(__file__).parent / "case_page_loops_before.html").read_text()
OLD = dict(re.findall(r"\{# (\w+) #\}\n(.*?)\n(?=\{#|$)", _BEFORE, re.S))
NEW = {
    "transitions": "{% transition_rows file.transitions %}{% if not file.transitions %}EMPTY{% endif %}",
    "assignments": "{% assignment_rows file.assignments %}{% if not file.assignments %}EMPTY{% endif %}",
    "interventions": (
        "{% intervention_rows file.interventions case may_change %}{% if not file.interventions %}EMPTY{% endif %}"
    ),
    "latest_scores": "{% score_rows file.latest_scores %}{% if not file.latest_scores %}EMPTY{% endif %}",
}


def _render(source, context):
    return engines["django"].from_string("{% load i18n case_file %}" + source).render(context)


def _old(name, context):
    # The old loop's {% empty %} row, replaced by a marker as in NEW.
    source = OLD[name].lstrip()  # the indentation before the loop stays in the template
    source = source[: source.index("{% empty %}") + len("{% empty %}")] + "EMPTY{% endfor %}"
    return _render(source, context)


def _nasty_case():
    case = included_case()
    by = ProgrammeUserFactory(first_name="<i>Ann</i>", last_name="O'Neil & co")
    case.transitions.update(reason=NASTY, by=by)
    case.assignments.update(reason=NASTY)
    InterventionFactory(case=case, goal=NASTY, outcome=NASTY, partner=case.director.organisation)
    InterventionFactory(case=case, goal="", outcome="", started_on=None, ended_on=None)
    LifeDomainScoreFactory(case=case, score=1, note=NASTY, scored_on=dt.date(2026, 3, 1))
    return case


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("may_change", [True, False])
def test_the_rows_are_the_old_loops_output(may_change, language):
    from django.utils import translation

    case = _nasty_case()
    with translation.override(language):
        context = {"file": case_file(user=ProgrammeUserFactory(), case=case), "case": case, "may_change": may_change}
        for name in NEW:
            new = _render(NEW[name], context)
            assert new == _old(name, context), name
            assert "<b>" not in new and "<i>" not in new
    assert "&lt;b&gt;Jan &amp; &#x27;Piet&#x27;&lt;/b&gt;" in _render(NEW["transitions"], context)


def test_empty_tables_write_the_empty_row_as_before():
    case = CaseFactory()
    context = {"file": case_file(user=ProgrammeUserFactory(), case=case), "case": case, "may_change": True}
    for name in NEW:
        assert _render(NEW[name], context) == _old(name, context), name
