import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ipgar import demo, roles
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_requests_are_redirected_to_login(client):
    for path in ["/", "/audit/access-log/", "/admin/", "/accounts/2fa/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login/" in response["Location"], path


def test_login_page_is_dutch(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Inloggen · iPGA-R</title>" in html
    assert 'lang="nl"' in html


def test_login_logout_and_session_renewal(client):
    UserFactory(username="sanne", role=roles.DIRECTOR)
    client.get(reverse("login"))
    before = client.cookies.get("sessionid")
    response = client.post(reverse("login"), {"username": "sanne", "password": "ipgar-demo"})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after
    assert client.get("/").status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_pages_for_logged_in_users_are_not_cached(client):
    client.force_login(UserFactory(role=roles.PROGRAMME_TEAM))
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]


def test_idle_session_expiry_is_configured(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 60 * 60


def test_demo_accounts_refused_outside_demo_mode(client, settings):
    demo.seed()
    settings.DEMO_MODE = False
    response = client.post(reverse("login"), {"username": "pt", "password": "ipgar-demo"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    settings.DEMO_MODE = True
    response = client.post(reverse("login"), {"username": "pt", "password": "ipgar-demo"})
    assert response.status_code == 302


def test_demo_seed_is_idempotent():
    demo.seed()
    first = {(u.username, u.password) for u in demo.User.objects.all()}
    demo.seed()
    assert {(u.username, u.password) for u in demo.User.objects.all()} == first
    assert Group.objects.get(name=roles.PROGRAMME_TEAM).user_set.filter(username="pt").exists()


def test_login_is_throttled_after_repeated_failures(client, settings):
    UserFactory(username="target", role=roles.DIRECTOR)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "target", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(reverse("login"), {"username": "target", "password": "ipgar-demo"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_two_factor_is_required_when_configured(client, settings):
    settings.OTP_REQUIRED = True
    user = UserFactory(username="verified", role=roles.PROGRAMME_TEAM)
    client.post(reverse("login"), {"username": "verified", "password": "ipgar-demo"})
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    # First visit sets up a device: the page shows a QR code and the key.
    page = client.get(reverse("two_factor"))
    assert "QR" in page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    wrong = client.post(reverse("two_factor"), {"token": "000000"})
    assert wrong.status_code == 200
    assert "niet geldig" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down retries after a failure
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(reverse("two_factor"), {"token": token, "next": "/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_two_factor_is_optional_in_demo_mode(client, settings):
    settings.OTP_REQUIRED = False
    client.force_login(UserFactory(role=roles.DIRECTOR))
    assert client.get("/").status_code == 200
