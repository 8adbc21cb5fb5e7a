"""The environment of a child process under production settings (the settings and deployment tests)."""

import os

from django.conf import settings

HOST = "ipgar.amsterdam.nl"


def production_env(**extra) -> dict:
    """This process's environment without its Django and IPGAR settings, as production: no debug,
    a real-looking secret, one allowed host, this run's database; `extra` on top."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IPGAR_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="ipgar.settings.base",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-real-secret-key-for-the-deploy-check-0123456789-ABCDEFGHIJ",
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=os.environ.get("DATABASE_URL") or settings.DATABASE_URL,
    )
    env.update(extra)
    return env
