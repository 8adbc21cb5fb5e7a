"""The full demo reproduces the memo of 26 May 2020 (docs/domain.md, source S4) after the police handover."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from cases.models import DirectorAssignment
from pool import selectors
from pool.models import Absence, CaseloadReview, Contact, Instruction, ThreeWayConversation

pytestmark = pytest.mark.django_db

MEMO = {
    # username: (organisation, FTE, maximum, cases after the handover)
    "r-oov-1": ("oov", "1.0", 12, 10),
    "r-oov-2": ("oov", "1.0", 12, 11),
    "r-oov-3": ("oov", "0.5", 6, 5),
    "r-amstelland": ("amstelveen", "1.0", 12, 3),
    "r-om": ("om", "0.5", 6, 7),
    "r-rn": ("rn", "0.5", 6, 7),
    "r-wpi": ("wpi", "1.0", 12, 5),
    "r-ggd": ("ggd", "0.5", 6, 2),
}


def test_seed_demo_gives_the_memo_caseloads_and_is_idempotent(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    pool = {d.user.username: d for d in selectors.pool_overview()}
    assert set(pool) == set(MEMO)
    for username, (organisation, fte, maximum, cases) in MEMO.items():
        director = pool[username]
        assert (director.organisation.code, director.fte, director.max_cases, director.active_cases) == (
            organisation,
            Decimal(fte),
            maximum,
            cases,
        ), username
    assert {u for u, d in pool.items() if d.over_capacity} == {"r-om", "r-rn"}
    assert pool["r-oov-3"].seconded_from.code == "jbra"
    assert {a.region for a in pool["r-amstelland"].restricted_to_areas.all()} == {"amstelland"}

    handed = DirectorAssignment.objects.filter(
        ended_on=dt.date(2020, 6, 1), director__user__username__startswith="r-politie"
    )
    assert handed.count() == 7
    received = DirectorAssignment.objects.filter(started_on=dt.date(2020, 6, 1), case__in=handed.values("case"))
    assert sorted(received.values_list("director__user__username", flat=True)) == [
        "r-oov-1",
        "r-oov-1",
        "r-oov-2",
        "r-oov-2",
        "r-wpi",
        "r-wpi",
        "r-wpi",
    ]
    assert Absence.objects.filter(substitutions__isnull=False).distinct().count() == 2
    assert CaseloadReview.objects.values("director").distinct().count() == 8
    assert Instruction.objects.filter(done_on__isnull=True).exists()
    assert ThreeWayConversation.objects.count() == 8
    assert 15 <= Contact.objects.count() <= 20

    counts = (Absence.objects.count(), CaseloadReview.objects.count(), Contact.objects.count())
    call_command("seed_demo")
    assert (Absence.objects.count(), CaseloadReview.objects.count(), Contact.objects.count()) == counts
    assert selectors.pool_overview().get(user__username="r-wpi").active_cases == 5
