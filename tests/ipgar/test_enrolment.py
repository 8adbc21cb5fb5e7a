"""Setting up TOTP outside demo mode: only through a one-time link an administrator issues."""

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipgar import enrolment, roles
from ipgar.models import EnrolmentLink
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_2fa(settings):
    settings.DEMO_MODE = False
    settings.OTP_REQUIRED = True
    return settings


def _login(client, username):
    response = client.post(reverse("login"), {"username": username, "password": "ipgar-demo"})
    assert response.status_code == 302
    return response


def _token(device) -> str:
    device.refresh_from_db()
    device.throttle_reset()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _confirm(client, user):
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(reverse("two_factor"), {"token": _token(device), "next": "/"})


def test_the_password_alone_does_not_set_up_a_second_factor(client, production_2fa):
    UserFactory(username="nieuw", role=roles.DIRECTOR)
    _login(client, "nieuw")
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200
    assert next(t.name for t in page.templates) == "registration/enrolment_needed.html"
    assert "QR" not in page.content.decode()
    assert not TOTPDevice.objects.exists()
    # Posting a code does not set anything up either.
    refused = client.post(reverse("two_factor"), {"token": "123456"})
    assert next(t.name for t in refused.templates) == "registration/enrolment_needed.html"
    assert not TOTPDevice.objects.exists()
    assert client.get("/cases/")["Location"].startswith(reverse("two_factor"))


def test_a_link_from_the_administrator_sets_up_the_device_once(client, production_2fa):
    admin = UserFactory(username="beheer", role=roles.ADMINISTRATOR)
    user = UserFactory(username="nieuw", role=roles.DIRECTOR)
    token = enrolment.link_issue(user=user, by=admin)
    # Stored hashed, never the token itself.
    link = EnrolmentLink.objects.get(user=user)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.issued_by == admin
    assert link.expires_at - link.issued_at == dt.timedelta(hours=72)

    # The link behind the login: anonymous visitors go to the login page first.
    path = reverse("enrol", args=[token])
    assert client.get(path)["Location"] == f"{reverse('login')}?next={path}"
    _login(client, "nieuw")
    assert client.get(path)["Location"] == reverse("two_factor")
    page = client.get(reverse("two_factor"))
    assert "QR" in page.content.decode()
    response = _confirm(client, user)
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    link.refresh_from_db()
    assert link.used_at is not None
    assert client.get("/").status_code == 200

    # Used up: with the device removed (lost phone), the old link does not work again.
    TOTPDevice.objects.filter(user=user).delete()
    client.logout()
    _login(client, "nieuw")
    refused = client.get(path)
    assert refused.status_code == 404
    assert next(t.name for t in refused.templates) == "registration/enrolment_invalid.html"
    assert next(t.name for t in client.get(reverse("two_factor")).templates) == "registration/enrolment_needed.html"


def test_a_link_works_only_for_its_own_user(client, production_2fa):
    owner = UserFactory(username="eigenaar", role=roles.DIRECTOR)
    UserFactory(username="ander", role=roles.DIRECTOR)
    token = enrolment.link_issue(user=owner, by=None)
    _login(client, "ander")
    assert client.get(reverse("enrol", args=[token])).status_code == 404
    assert next(t.name for t in client.get(reverse("two_factor")).templates) == "registration/enrolment_needed.html"
    assert EnrolmentLink.objects.get().used_at is None


def test_a_link_expires(client, production_2fa):
    user = UserFactory(username="nieuw", role=roles.DIRECTOR)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        token = enrolment.link_issue(user=user, by=None)
        clock.shift(dt.timedelta(hours=72))
        _login(client, "nieuw")
        assert client.get(reverse("enrol", args=[token])).status_code == 404


def test_a_link_expiring_after_it_was_opened_cannot_confirm(client, production_2fa):
    production_2fa.SESSION_COOKIE_AGE = 24 * 60 * 60  # the session outlives the link here
    user = UserFactory(username="nieuw", role=roles.DIRECTOR)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        token = enrolment.link_issue(user=user, by=None, hours=1)
        _login(client, "nieuw")
        client.get(reverse("enrol", args=[token]))
        assert "QR" in client.get(reverse("two_factor")).content.decode()
        clock.shift(dt.timedelta(hours=1))
        response = _confirm(client, user)
        assert next(t.name for t in response.templates) == "registration/enrolment_needed.html"
        assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_new_link_withdraws_the_older_one(client, production_2fa):
    user = UserFactory(username="nieuw", role=roles.DIRECTOR)
    old = enrolment.link_issue(user=user, by=None)
    new = enrolment.link_issue(user=user, by=None)
    _login(client, "nieuw")
    assert client.get(reverse("enrol", args=[old])).status_code == 404
    assert client.get(reverse("enrol", args=[new])).status_code == 302


def test_a_secret_shown_before_the_link_is_worthless(client, settings):
    # Under the old flow (or in demo mode) a device may wait unconfirmed; whoever saw its
    # secret must not be able to confirm it once the real user opens a link.
    settings.DEMO_MODE = False
    settings.OTP_REQUIRED = True
    user = UserFactory(username="nieuw", role=roles.DIRECTOR)
    stale = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    token = enrolment.link_issue(user=user, by=None)
    _login(client, "nieuw")
    client.get(reverse("enrol", args=[token]))
    assert not TOTPDevice.objects.filter(pk=stale.pk).exists()
    client.get(reverse("two_factor"))
    fresh = TOTPDevice.objects.get(user=user)
    assert fresh.key != stale.key


def test_the_administrator_issues_a_link_from_the_user_admin(client):
    admin = UserFactory(username="beheer", role=roles.ADMINISTRATOR, is_staff=True)
    user = UserFactory(username="nieuw", role=roles.DIRECTOR)
    colleague = UserFactory(username="pt-lid", role=roles.PROGRAMME_TEAM)
    client.force_login(admin)
    response = client.post(
        reverse("admin:ipgar_user_changelist"),
        {"action": "issue_links_action", "_selected_action": [user.pk, colleague.pk]},
        follow=True,
    )
    assert response.status_code == 200
    texts = [str(m) for m in get_messages(response.wsgi_request)] or [str(m) for m in response.context["messages"]]
    link = EnrolmentLink.objects.get()
    assert link.user == user
    assert link.issued_by == admin
    issued = next(t for t in texts if t.startswith("nieuw:"))
    token = issued.rsplit("/accounts/2fa/enrol/", 1)[1].rstrip("/")
    assert hashlib.sha256(token.encode()).hexdigest() == link.token_hash
    # A programme-team account is beyond the administrator: no link for it.
    assert any(t.startswith("pt-lid:") for t in texts)
    assert not EnrolmentLink.objects.filter(user=colleague).exists()


def test_the_management_command_prints_a_working_link(client, production_2fa):
    user = UserFactory(username="eerste-beheerder", role=roles.ADMINISTRATOR)
    out = io.StringIO()
    call_command("issue_enrolment_link", "eerste-beheerder", "--base-url", "https://ipgar.example.nl", stdout=out)
    url = out.getvalue().strip()
    assert url.startswith("https://ipgar.example.nl/accounts/2fa/enrol/")
    _login(client, "eerste-beheerder")
    assert client.get(url.removeprefix("https://ipgar.example.nl")).status_code == 302
    assert "QR" in client.get(reverse("two_factor")).content.decode()
    assert _confirm(client, user).status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
