"""Test settings: only overrides of base (speed); the rules stay the same."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from .base import *  # noqa: F403

# Argon2 is deliberately slow; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
AXES_ENABLED = True

# Unit tests run task bodies in-process; tests/ipgar/test_celery.py starts a real worker
# against REDIS_URL for the round trip.
CELERY_TASK_ALWAYS_EAGER = True
TEST_REDIS_URL = REDIS_URL  # noqa: F405
# Test runs share the machine's Redis: a token claimed by an earlier run must not answer this
# one. tests/ipgar/test_shared_cache.py checks the Redis cache across two processes.
CACHES = {**CACHES, "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"}}  # noqa: F405
