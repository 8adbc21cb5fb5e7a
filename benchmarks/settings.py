"""Benchmark settings: production-like (DEBUG off, 2FA on), plus a minimal reference view."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# make bench without DATABASE_URL measures on the embedded server (benchmarks/run.py).
os.environ.setdefault("IPGAR_EMBEDDED_POSTGRES", "true")

from ipgar.settings.base import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # noqa: F405
# Plain HTTP on loopback; everything else stays as in production.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
