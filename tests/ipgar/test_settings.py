import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.ipgar.production import production_env

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_seed_demo_refuses_outside_demo_mode():
    result = _manage("seed_demo", env=production_env())
    assert result.returncode != 0
    assert "DJANGO_DEBUG=true" in result.stderr


def test_migrations_are_committed():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or settings.DATABASE_URL,
    }
    result = _manage("makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_security_settings_in_production():
    # Module-level values: production mode turns on every transport protection.
    env = production_env()
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS>0,"
        " s.OTP_REQUIRED, s.DEMO_MODE, s.PASSWORD_HASHERS[0].endswith('Argon2PasswordHasher'))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "False", "True"], result.stderr
