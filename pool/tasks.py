"""Background work of the pool: notices by e-mail, sent with retries off the request."""

import smtplib

from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=8,
)
def notify_new_director(*, director_id: int, case_ids: list[int]) -> int:
    """E-mail a director their new cases; an unreachable mail server is retried with backoff
    (30 s doubling to an hour, about four hours in all), never the request's problem."""
    return services.notify_new_director(director_id=director_id, case_ids=case_ids)
