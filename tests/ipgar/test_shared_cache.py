"""What gunicorn's workers must share: submission tokens and the programme's home figures.

Production runs three gunicorn workers (Dockerfile). A per-process cache let a double click
whose two POSTs reached two workers save twice, and a save in one worker left the others
showing stale home figures.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.ipgar.production import production_env

ROOT = Path(__file__).resolve().parents[2]
CLAIM = """
import django, sys
django.setup()
from django.core.cache import caches
print(caches["shared"].add(sys.argv[1], "", 30))
"""


def _claim_in_a_new_process(key: str, redis_url: str) -> str:
    env = production_env(REDIS_URL=redis_url)
    done = subprocess.run(
        [sys.executable, "-c", CLAIM, key], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.worker
def test_two_processes_cannot_both_claim_one_submission_token():
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the shared-cache test runs in CI against the machine's Redis")
    key = f"submission:test:{uuid.uuid4().hex}"
    assert _claim_in_a_new_process(key, redis_url) == "True"
    assert _claim_in_a_new_process(key, redis_url) == "False"  # the second worker sees the first's claim


def test_tests_keep_the_shared_cache_in_process(settings):
    # Test runs share one Redis; a token claimed by an earlier run must not answer this one.
    assert settings.CACHES["shared"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
