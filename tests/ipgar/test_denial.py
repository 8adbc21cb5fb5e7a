"""One middleware turns a PermissionDenied from any view or service into a logged 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import include, path

from ipgar.models import AccessLogEntry
from ipgar.urls import urlpatterns as project_urlpatterns
from tests.ipgar.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _refusing_view(request, pk):
    raise PermissionDenied


def _fine_view(request, pk):
    return HttpResponse("ok")


urlpatterns = [
    path(
        "things/",
        include(
            (
                [
                    path("<int:pk>/refused/", _refusing_view, name="refused"),
                    path("<int:pk>/fine/", _fine_view, name="fine"),
                ],
                "things",
            )
        ),
    ),
    *project_urlpatterns,  # the 404 page links home
]


@pytest.mark.parametrize("debug", [False, True])
def test_a_denial_anywhere_answers_404_and_is_logged(client, settings, debug):
    settings.DEBUG = debug
    user = UserFactory(role="director")
    client.force_login(user)
    response = client.get("/things/42/refused/")
    assert response.status_code == 404
    entry = AccessLogEntry.objects.get(user=user)
    assert (entry.outcome, entry.record_type, entry.record_id, entry.path) == (
        "denied",
        "things.refused",
        "42",
        "/things/42/refused/",
    )
    assert client.get("/things/42/fine/").status_code == 200
    assert AccessLogEntry.objects.filter(user=user).count() == 1
