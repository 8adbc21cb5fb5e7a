"""Admin: case rows only through visible_to; reference data in use is not deleted."""

import pytest
from django.urls import reverse

from cases.models import Ideology
from ipgar import roles
from tests.cases.factories import CaseFactory, ProgrammeUserFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return UserFactory(role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True)


def test_administrator_without_a_grant_sees_no_case_content(client, admin_user):
    case = CaseFactory(active=True)
    client.force_login(admin_user)
    for name in (
        "admin:cases_case_changelist",
        "admin:cases_contact_changelist",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert case.code not in response.content.decode()
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 404


def test_programme_team_admin_sees_cases(client):
    user = ProgrammeUserFactory(is_staff=True, is_superuser=True)
    case = CaseFactory(active=True)
    client.force_login(user)
    assert case.code in client.get(reverse("admin:cases_case_changelist")).content.decode()


def test_reference_data_in_use_is_not_deleted(client, admin_user):
    case = CaseFactory()
    unused = Ideology.objects.create(code="unused", name="Ongebruikt")
    client.force_login(admin_user)
    client.post(reverse("admin:cases_ideology_delete", args=[case.ideology.pk]), {"post": "yes"})
    client.post(reverse("admin:cases_ideology_delete", args=[unused.pk]), {"post": "yes"})
    case.ideology.refresh_from_db()  # still there; archiving is the administrator's choice
    assert not case.ideology.archived
    assert not Ideology.objects.filter(pk=unused.pk).exists()
