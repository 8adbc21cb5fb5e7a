import pytest
from django.urls import reverse

from ipgar import roles
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_dutch_by_default_and_english_on_request(client):
    client.force_login(UserFactory(role=roles.DIRECTOR))
    assert "Uitloggen" in client.get("/").content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "Log out" in html
    assert 'lang="en"' in html


def test_browser_language_is_honoured_without_url_prefix(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>Log in · iPGA-R</title>" in html
    assert reverse("login") == "/accounts/login/"


def test_language_switch_works_on_the_login_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Log in" in client.get(reverse("login")).content.decode()
