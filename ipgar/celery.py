"""The Celery application; settings come from Django under the CELERY_ namespace."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipgar.settings.base")

app = Celery("ipgar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Daily work the demo missed while it was not running: queued once when the embedded
# worker of `make run` is ready (beat then keeps the schedule). Tasks are idempotent.
CATCH_UP_ON_START = ("cases.tasks.expire_grants", "cases.tasks.apply_retention")


@worker_ready.connect
def catch_up(**kwargs):
    from django.conf import settings

    if getattr(settings, "IPGAR_BROKER_DIR", ""):
        for name in CATCH_UP_ON_START:
            app.send_task(name)
