"""Login hardening: form limits, throttling behind the proxy, session renewal and lifetime."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipgar import roles
from ipgar.models import AccessLogEntry
from ipgar.proxy import client_address
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def _fail(client, username, *, address, via_proxy=False):
    extra = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address} if via_proxy else {"REMOTE_ADDR": address}
    return client.post(reverse("login"), {"username": username, "password": "wrong-password"}, **extra)


def _login(client, username, *, address, via_proxy=False):
    extra = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address} if via_proxy else {"REMOTE_ADDR": address}
    return client.post(reverse("login"), {"username": username, "password": "ipgar-demo"}, **extra)


# --- a username longer than the column is a form error, not a 500 -----------------------


def test_overlong_username_is_a_form_error_before_authentication(client):
    response = client.post(reverse("login"), {"username": "a" * 256, "password": "whatever-password"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "Zorg dat deze waarde niet meer dan 150 tekens bevat (het zijn er nu 256)."
    ]
    assert not AccessAttempt.objects.exists()


def test_overlong_username_on_the_admin_login_is_a_form_error(client):
    response = client.post("/admin/login/", {"username": "a" * 256, "password": "whatever-password"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not AccessAttempt.objects.exists()


# --- the client address: X-Forwarded-For only from a trusted proxy -----------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # No proxy configured for this address: the socket is the client, whatever it claims.
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),
        # From the proxy: the rightmost address the proxy appended.
        (PROXY, "198.51.100.7", "198.51.100.7"),
        # A client that writes its own X-Forwarded-For gets it prepended, not believed.
        (PROXY, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        # Two of our proxies in a row.
        (PROXY, "198.51.100.7, 10.0.0.3", "198.51.100.7"),
        # Garbage in the chain: stop at the last address we can vouch for.
        (PROXY, "198.51.100.7, not-an-address", PROXY),
        # From the proxy without the header.
        (PROXY, "", PROXY),
    ],
)
def test_client_address(settings, remote, forwarded, expected):
    settings.IPGAR_TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_one_attacker_behind_the_proxy_locks_out_only_itself(client, settings):
    settings.IPGAR_TRUSTED_PROXIES = ["10.0.0.0/24"]
    UserFactory(username="target", role=roles.DIRECTOR)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, "target", address="198.51.100.66", via_proxy=True)
    assert _login(client, "target", address="198.51.100.66", via_proxy=True).status_code == 429
    # The real user, through the same proxy from elsewhere, still logs in.
    assert _login(client, "target", address="192.0.2.10", via_proxy=True).status_code == 302
    assert AccessAttempt.objects.get(username="target").ip_address == "198.51.100.66"


def test_forwarded_for_from_a_client_does_not_escape_the_lock(client, settings):
    settings.IPGAR_TRUSTED_PROXIES = ["10.0.0.0/24"]
    UserFactory(username="target", role=roles.DIRECTOR)
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "target", "password": "wrong-password"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert _login(client, "target", address="203.0.113.9").status_code == 429


def test_many_addresses_lock_the_account_at_the_account_limit(client, settings):
    settings.IPGAR_TRUSTED_PROXIES = ["10.0.0.0/24"]
    UserFactory(username="target", role=roles.DIRECTOR)
    per_address = settings.AXES_FAILURE_LIMIT - 1  # never locked per address
    failures = 0
    address = 0
    while failures < settings.IPGAR_LOGIN_ACCOUNT_FAILURE_LIMIT - 1:
        address += 1
        for _ in range(min(per_address, settings.IPGAR_LOGIN_ACCOUNT_FAILURE_LIMIT - 1 - failures)):
            assert _fail(client, "target", address=f"198.51.100.{address}", via_proxy=True).status_code == 200
            failures += 1
    # 29 failures: the account is still open from a fresh address ...
    assert failures == 29
    assert _login(client, "target", address="192.0.2.10", via_proxy=True).status_code == 302
    client.logout()
    # ... the 30th failure locks it everywhere for the cool-off.
    assert _fail(client, "target", address="198.51.100.200", via_proxy=True).status_code == 429
    assert _login(client, "target", address="192.0.2.11", via_proxy=True).status_code == 429


def test_a_successful_login_does_not_forgive_an_attacker_elsewhere(client, settings):
    UserFactory(username="target", role=roles.DIRECTOR)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _fail(client, "target", address="198.51.100.66")
    assert _login(client, "target", address="192.0.2.10").status_code == 302
    client.logout()
    assert _fail(client, "target", address="198.51.100.66").status_code == 429


def test_access_log_records_the_client_behind_the_proxy(client, settings):
    settings.IPGAR_TRUSTED_PROXIES = ["10.0.0.0/24"]
    client.force_login(UserFactory(role=roles.PRIVACY_OFFICER))
    client.get("/audit/access-log/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    client.get("/audit/access-log/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert list(AccessLogEntry.objects.order_by("pk").values_list("client_address", flat=True)) == [
        "198.51.100.7",
        "203.0.113.9",
    ]


def test_forwarded_proto_is_believed_only_from_the_proxy(client, settings):
    settings.IPGAR_TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    spoofed = client.get(reverse("login"), REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https")
    assert spoofed.status_code == 301
    assert spoofed["Location"] == "https://testserver/accounts/login/"
    assert client.get(reverse("login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https").status_code == 200


# --- sessions ------------------------------------------------------------------------------


def _token(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_session_key_is_renewed_at_the_second_factor(client, settings):
    settings.OTP_REQUIRED = True
    user = UserFactory(username="verified", role=roles.PROGRAMME_TEAM)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.post(reverse("login"), {"username": "verified", "password": "ipgar-demo"})
    before = client.cookies["sessionid"].value
    response = client.post(reverse("two_factor"), {"token": _token(device), "next": "/"})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert client.get("/").status_code == 200
    # The key known before verification no longer opens anything.
    client.cookies["sessionid"] = before
    assert client.get("/").status_code == 302


def test_session_ends_after_the_absolute_lifetime_however_active(client, settings):
    settings.SESSION_COOKIE_AGE = 24 * 60 * 60  # the idle timeout cannot be what ends it here
    assert settings.IPGAR_SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        UserFactory(username="sanne", role=roles.DIRECTOR)
        assert _login(client, "sanne", address="192.0.2.10").status_code == 302
        for _ in range(23):  # active every half hour until 11:30 after login
            clock.shift(dt.timedelta(minutes=30))
            assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=29, seconds=59))
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(seconds=1))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/"
        assert "_auth_user_id" not in client.session
