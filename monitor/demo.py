"""Demo monitors: gross and net of the last eight full quarters, computed from the demo history."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cases.models import LifeDomainScore, PlanGoal
from ipgar.models import User

from . import services
from .quarters import previous_quarter

QUARTERS = 8


def _date_demo_plan_goals() -> int:
    """Date each demo plan goal on the day its domain was first scored, not on the day the demo ran.

    `cases.services.plan_goal_set` stamps a goal with today's date, so the demo history (dated
    2019-2026) had every goal "set" on the day `seed_demo` ran, after every quarter the monitor
    shows, and registration completeness read 0.0 % everywhere (issue 14). The goals were set
    with the scores in the demo story; this puts them back on that day. Demo data only.
    """
    first_score = (
        LifeDomainScore.objects.filter(case=OuterRef("case"), domain=OuterRef("domain"))
        .order_by("scored_on")
        .values("scored_on")[:1]
    )
    return PlanGoal.objects.filter(created_on__gt=Subquery(first_score)).update(created_on=Subquery(first_score))


def seed(*, stdout=None) -> None:
    """Build what is missing (snapshot_build is idempotent), so a second run changes nothing."""
    _date_demo_plan_goals()
    maker = User.objects.filter(username="pt").first()
    last = previous_quarter(timezone.localdate())
    for quarter in last.last(QUARTERS):  # oldest first: each net release is audited against the earlier ones
        services.snapshot_build(year=quarter.year, quarter=quarter.quarter, by=maker)
    if stdout is not None:
        stdout.write(f"monitor: snapshots for {last.back(QUARTERS - 1).label} – {last.label}")
