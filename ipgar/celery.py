"""The Celery application; settings come from Django under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipgar.settings.base")

app = Celery("ipgar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
