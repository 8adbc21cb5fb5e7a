"""Periodic work on cases (docs/decisions.md D11): thin tasks around services, idempotent and safe to retry."""

from celery import shared_task
from django.db import OperationalError

from . import permissions, retention


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def expire_grants() -> int:
    """Hourly: end grants past their end, queue the end of those ending within the hour."""
    return permissions.expire_grants()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def end_grant(grant_id: int) -> bool:
    """At a grant's end time (queued by the grant or the hourly sweep): remove its permissions."""
    return permissions.end_grant(pk=grant_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def apply_retention() -> list[str]:
    """Nightly: anonymise cases closed longer than IPGAR_RETENTION_YEARS; returns their codes."""
    return [entry.case_code for entry in retention.retention_apply()]
