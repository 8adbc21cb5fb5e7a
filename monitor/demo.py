"""Demo monitors: gross and net of the last eight full quarters, computed from the demo history."""

from django.utils import timezone

from ipgar.models import User

from . import services
from .quarters import previous_quarter

QUARTERS = 8


def seed(*, stdout=None) -> None:
    """Build what is missing (snapshot_build is idempotent), so a second run changes nothing."""
    maker = User.objects.filter(username="pt").first()
    last = previous_quarter(timezone.localdate())
    for quarter in last.last(QUARTERS):  # oldest first: each net release is audited against the earlier ones
        services.snapshot_build(year=quarter.year, quarter=quarter.quarter, by=maker)
    if stdout is not None:
        stdout.write(f"monitor: snapshots for {last.back(QUARTERS - 1).label} – {last.label}")
