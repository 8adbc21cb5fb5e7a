import pytest
from django.urls import reverse

from ipgar import roles
from ipgar.context_processors import NAVIGATION
from tests.cases.factories import DirectorFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "label", "allowed"), NAVIGATION)
def test_every_navigation_entry_resolves(name, label, allowed):
    assert reverse(name)


@pytest.mark.parametrize("role", list(roles.ROLES))
def test_every_navigation_link_of_a_role_opens_for_that_role(client, role):
    """A role is never shown a link that answers 404 for it."""
    # A director's pages need their pool record, as every real director has.
    user = DirectorFactory().user if role == roles.DIRECTOR else UserFactory(role=role)
    client.force_login(user)
    html_links = [name for name, _label, allowed in NAVIGATION if role in allowed]
    for name in html_links:
        if name == "admin:index":
            continue  # the admin needs is_staff, which the administrator role's accounts get
        response = client.get(reverse(name))
        assert response.status_code == 200, (role, name, response.status_code)
