import pytest

from ipgar import roles
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    roles.PROGRAMME_TEAM: "registreer meldingen",
    roles.DIRECTOR: "Uw caseload",
    roles.PTO_R_MEMBER: "Het PTO-R besluit",
    roles.PARTNER: "netto kwartaalmonitor",
    roles.INTERVENTION_PARTNER: "interventiepartner",
    roles.PRIVACY_OFFICER: "toegangslog",
    roles.ADMINISTRATOR: "beheer",
}


@pytest.mark.parametrize("role", list(roles.ROLES))
def test_each_role_has_its_own_home_page(client, role):
    client.force_login(UserFactory(role=role))
    html = client.get("/").content.decode()
    assert EXPECTED[role].lower() in html.lower()


def test_a_user_without_role_is_told_so(client):
    client.force_login(UserFactory())
    assert "geen rol" in client.get("/").content.decode()
