"""Settings for the embedded-broker test: the demo's settings plus a beat entry every second."""

from ipgar.settings.base import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,  # noqa: F405
    "ping-every-second": {"task": "ipgar.tasks.ping", "schedule": 1.0, "args": ("beat",)},
}
