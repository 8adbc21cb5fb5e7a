"""Settings for the embedded-broker test of a busy worker: beat queues a task that takes minutes."""

import time

from celery import shared_task

from ipgar.settings.base import *  # noqa: F403


@shared_task(name="tests.busy")
def busy() -> None:
    time.sleep(600)  # as a task stuck on a database that `make stop-db` took away


CELERY_BEAT_SCHEDULE = {"busy-every-second": {"task": "tests.busy", "schedule": 1.0}}
