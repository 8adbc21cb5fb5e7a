"""The directory of attention officers and district project leaders: directors and the programme team."""

import pytest
from django.urls import reverse

from ipgar import roles
from pool.models import Contact
from tests.ipgar.factories import UserFactory

from .factories import ContactFactory, DirectorFactory, ProgrammeUserFactory, organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts():
    return [
        ContactFactory(name="Rob Verbeek", organisation=organisation("politie")),
        ContactFactory(name="Joost Kramer", organisation=organisation("ggd")),
        ContactFactory(
            name="Bas Koning", organisation=organisation("stadsdeel-west"), role=Contact.Role.DISTRICT_PROJECT_LEADER
        ),
    ]


def names(response):
    return [c.name for c in response.context["contacts"]]


@pytest.mark.parametrize("query", ["kramer", "GGD", "Joost"])
def test_directors_search_by_name_and_organisation(client, contacts, query):
    client.force_login(DirectorFactory().user)
    assert names(client.get(reverse("pool:directory"), {"q": query})) == ["Joost Kramer"]


def test_search_by_role_in_dutch(client, contacts):
    client.force_login(ProgrammeUserFactory())
    assert names(client.get(reverse("pool:directory"), {"q": "gebiedsprojectleider"})) == ["Bas Koning"]
    assert len(names(client.get(reverse("pool:directory")))) == 3


@pytest.mark.parametrize("role", [roles.INTERVENTION_PARTNER, roles.PTO_R_MEMBER, roles.PRIVACY_OFFICER])
def test_other_roles_get_404(client, contacts, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("pool:directory")).status_code == 404


def test_navigation_links_to_the_directory_for_directors(client):
    client.force_login(DirectorFactory().user)
    assert reverse("pool:directory") in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("n", [1, 20])
def test_directory_runs_a_constant_number_of_queries(client, django_assert_num_queries, n):
    ContactFactory.create_batch(n)
    client.force_login(ProgrammeUserFactory())
    with django_assert_num_queries(7):
        response = client.get(reverse("pool:directory"))
    assert len(names(response)) == n
