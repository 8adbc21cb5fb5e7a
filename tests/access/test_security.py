"""Security requirements that hold across the application (ASVS 3, 4, 7, 8, 14)."""

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.models import Case, CaseIdentity
from ipgar import roles
from ipgar.models import User
from tests.access.factories import register_partner
from tests.cases.factories import CaseFactory, ProgrammeUserFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_case_pages_carry_security_headers_and_no_store(client):
    case = CaseFactory(active=True)
    client.force_login(case.director.user)
    registration = register_partner(case=case)
    for url in (
        reverse("access:registration_list", kwargs={"case_id": case.pk}),
        reverse("access:registration_create", kwargs={"case_id": case.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
    client.force_login(registration.person)
    response = client.get(reverse("access:partner_detail", kwargs={"case_id": case.pk}))
    assert "no-store" in response["Cache-Control"]


def test_downloads_with_case_data_are_not_stored(client):
    case = CaseFactory(active=True)
    client.force_login(ProgrammeUserFactory())
    response = client.post(reverse("access:subject_access"), {"bsn": case.identity.bsn, "format": "json"})
    # A real export of a real case: the download itself, not the search form, is not stored.
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="avg-inzage-')
    assert case.code in response.content.decode() and case.identity.bsn in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    response = client.get(reverse("pool:caseload_csv"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert case.director.user.last_name in b"".join(response.streaming_content).decode("utf-8-sig")
    client.force_login(UserFactory(role=roles.PRIVACY_OFFICER))
    assert "no-store" in client.get(reverse("ipgar:access_log_csv"))["Cache-Control"]


def test_forms_need_a_csrf_token():
    case = CaseFactory(active=True)
    registration = register_partner(case=case)
    client = Client(enforce_csrf_checks=True)
    client.force_login(case.director.user)
    response = client.post(reverse("access:registration_end", kwargs={"pk": registration.pk}))
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.revoked_at is None
    page = client.get(reverse("access:registration_list", kwargs={"case_id": case.pk})).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_templates_have_no_inline_scripts_or_styles():
    # CSP forbids them; a page that relies on one breaks silently in the browser. PDF
    # templates are rendered by WeasyPrint on the server, never by a browser.
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts or "var" in template.parts or "pdf" in template.name:
            continue
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\sstyle=", r"<style\b", r"\son[a-z]+=\""):
            if re.search(pattern, text):
                offenders.append(f"{template.relative_to(ROOT)}: {pattern}")
    assert not offenders, offenders


def test_urls_carry_no_personal_data():
    # Only numeric ids and fixed words in paths: no name, BSN or date of birth can end up in a URL.
    allowed = {"int", "variant", "enrolmenttoken"}  # the last: 256 random bits (ipgar.enrolment)

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.pattern.converters

    bad = [
        route
        for route, converters in walk(get_resolver().url_patterns)
        if not route.startswith("admin/")
        and any(type(c).__name__.lower().removesuffix("converter") not in allowed for c in converters.values())
    ]
    assert not bad, bad


def test_two_factor_lockout_csrf_short_sessions_and_a_quiet_sql_log_are_on(settings):
    assert "ipgar.middleware.RequireTwoFactorMiddleware" in settings.MIDDLEWARE
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 3600
    assert settings.SESSION_COOKIE_HTTPONLY
    # SQL with parameters (names, BSNs) is never logged, whatever the root level.
    assert settings.LOGGING["loggers"]["django.db.backends"]["level"] in {"WARNING", "ERROR"}


def test_no_personal_data_in_the_application_log(caplog):
    """Requests over the demo data, log captured at DEBUG: no demo person's name or BSN in it."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    identities = list(CaseIdentity.objects.exclude(last_name=""))
    assert identities
    secrets = set()
    for identity in identities:
        secrets.update({identity.last_name, identity.bsn, f"{identity.first_name} {identity.last_name}"})
    secrets.discard("")
    cases = list(Case.objects.order_by("pk")[:6])
    requests = []
    for username in ["pt", "r-oov-1", "r-oov-2", "sd-west", "fg", "ptor-politie", "do-partner", "admin"]:
        for case in cases:
            requests += [
                (username, "get", reverse("cases:detail", kwargs={"pk": case.pk}), None),
                (username, "get", reverse("cases:identity", kwargs={"pk": case.pk}), None),
                (username, "get", reverse("access:partner_detail", kwargs={"case_id": case.pk}), None),
            ]
        requests += [
            (username, "get", reverse("home"), None),
            (username, "get", reverse("access:partner_list"), None),
            (username, "get", reverse("ipgar:access_log"), {"record": cases[0].code}),
        ]
    identity = identities[0]
    requests += [
        ("pt", "post", reverse("access:subject_access"), {"bsn": identity.bsn}),
        ("pt", "post", reverse("access:subject_access"), {"bsn": identity.bsn, "format": "json"}),
        ("pt", "post", reverse("access:subject_access"), {"last_name": identity.last_name, "date_of_birth": "x"}),
    ]
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.DEBUG):
        for username, method, url, data in requests:
            client.force_login(User.objects.get(username=username))
            getattr(client, method)(url, data or {})
    captured = caplog.text
    assert "Not Found" in captured, "the capture saw the application's own log lines"
    leaked = sorted(secret for secret in secrets if secret in captured)
    assert not leaked, f"personal data in the application log: {leaked[:5]}"
    assert settings.DEMO_MODE
