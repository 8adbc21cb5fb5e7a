import logging

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)


@shared_task
def ping(value: str) -> str:
    """A task with no side effects: proves that the broker and a worker answer."""
    return f"pong:{value}"


def enqueue_on_commit(task, **kwargs) -> None:
    """Queue `task` once the current transaction commits.

    What was written is committed by then, so nothing that happens here may fail the request:
    an unreachable broker, or (without one, tasks running in-process) a task that failed
    after its retries, is logged by Django (robust on_commit) instead of answering 500.
    """

    def enqueue():
        if not task.app.conf.task_always_eager:
            task.apply_async(kwargs=kwargs)
            return
        # No broker: run it here, with as many attempts as a worker would make (at once:
        # there is no one to come back later). Celery's own eager retry stops at the first
        # failure when eager tasks propagate their errors, as ours do.
        retry_on = tuple(getattr(task, "autoretry_for", ()))
        attempts = 1 + ((task.max_retries or 0) if retry_on else 0)
        for attempt in range(1, attempts + 1):
            try:
                task(**kwargs)
                return
            except retry_on as error:
                if attempt == attempts:
                    logger.error("%s failed after %d attempts: %r", task.name, attempts, error)

    enqueue.__qualname__ = f"enqueue({task.name})"
    transaction.on_commit(enqueue, robust=True)


@shared_task
def access_log_partitions() -> dict:
    """Daily: create the access log's coming months, and drop whole months past retention.

    Runs as the runtime role through the owner's SECURITY DEFINER functions (ipgar.0009): it
    cannot drop a month younger than five years, whatever IPGAR_ACCESS_LOG_RETENTION_YEARS says.
    Idempotent.
    """
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT ipgar_access_log_ensure_partitions(%s)", [settings.IPGAR_ACCESS_LOG_MONTHS_AHEAD])
        created = cursor.fetchone()[0]
        cursor.execute("SELECT ipgar_access_log_drop_partitions(%s)", [settings.IPGAR_ACCESS_LOG_RETENTION_YEARS])
        dropped = cursor.fetchone()[0]
    logger.info("access log partitions: %s created, %s dropped", created, dropped)
    return {"created": created, "dropped": dropped}
