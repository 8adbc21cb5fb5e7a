"""Periodic work of the monitor (docs/decisions.md D11). Thin: the services do the work and are idempotent."""

import datetime as dt
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import services
from .quarters import previous_quarter

logger = logging.getLogger(__name__)

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 600,  # well under the broker's visibility timeout (1 hour)
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def build_previous_quarter(year: int | None = None, quarter: int | None = None) -> list[int]:
    """Gross and net of a quarter (default: the one that just ended); a rerun changes nothing."""
    if year is None or quarter is None:
        year, quarter = previous_quarter(timezone.localdate())
    snapshots = services.snapshot_build(year=year, quarter=quarter)
    logger.info("quarterly monitor %s Q%s: snapshots %s", year, quarter, [s.pk for s in snapshots])
    return [s.pk for s in snapshots]


@shared_task(**RETRY)
def send_daily_alerts(on: str | None = None) -> dict[str, int]:
    """The daily alert digests of `on` (ISO date, default today); once per person per day."""
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return services.alert_digests_send(on=day)
