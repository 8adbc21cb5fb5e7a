"""The Celery round trip through Redis and a real worker process (docs/decisions.md D11)."""

import pytest

from ipgar.tasks import ping


def test_tasks_run_eagerly_without_redis(settings):
    assert ping.delay("x").get(timeout=5) == "pong:x"


@pytest.mark.worker
def test_a_task_round_trips_through_redis_and_a_worker(celery_worker_process):
    result = celery_worker_process.app.send_task("ipgar.tasks.ping", args=["round-trip"])
    assert result.get(timeout=60) == "pong:round-trip"
