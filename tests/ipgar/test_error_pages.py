"""Error pages in the design system, in Dutch, saying what to do."""

import pytest
from django.test import Client

from ipgar import roles
from tests.cases.factories import CaseFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def director_client():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(role=roles.DIRECTOR))
    return client


@pytest.mark.parametrize("debug", [False, True], ids=["production", "demo"])
def test_a_case_someone_may_not_see_answers_the_dutch_404_page(director_client, settings, debug):
    settings.DEBUG = debug
    case = CaseFactory(active=True)  # another director's case
    response = director_client.get(f"/cases/{case.pk}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="ams-heading ams-heading--1">Niet gevonden of geen toegang</h1>' in html
    assert "vraag het programmateam" in html
    # It does not tell a missing case from a hidden one, and never shows the debug page.
    assert case.code not in html
    assert "Page not found" not in html and "Traceback" not in html
    assert 'class="ams-body"' in html


@pytest.mark.parametrize("debug", [False, True], ids=["production", "demo"])
def test_an_unknown_address_answers_the_same_404_page(director_client, settings, debug):
    settings.DEBUG = debug
    response = director_client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Niet gevonden of geen toegang" in html
    assert "Not Found" not in html and "Page not found" not in html


@pytest.mark.parametrize("debug", [False, True], ids=["production", "demo"])
def test_permission_denied_answers_the_dutch_403_page(rf, settings, debug):
    from django.core.exceptions import PermissionDenied

    from ipgar.middleware import DemoErrorPagesMiddleware

    settings.DEBUG = debug
    request = rf.get("/")
    request.user = UserFactory(role=roles.DIRECTOR)
    if debug:
        response = DemoErrorPagesMiddleware(lambda r: None).process_exception(request, PermissionDenied())
    else:
        from django.views.defaults import permission_denied

        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "U heeft geen toegang tot deze pagina of casus. Vraag het programmateam" in html


def test_server_error_page_is_dutch_and_needs_no_database(rf, settings):
    from django.views.defaults import server_error

    settings.DEBUG = False
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Er is iets misgegaan" in html
    assert "programmateam" in html
    assert 'lang="nl"' in html
