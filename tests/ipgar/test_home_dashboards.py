"""The role home pages show live figures, in a constant number of queries."""

import pytest

from ipgar import access_log, roles
from tests.cases.factories import CaseFactory, DirectorFactory, ProgrammeUserFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("n", [1, 12])
def test_programme_team_home_counts_alerts_and_statuses(client, django_assert_max_num_queries, n):
    # Active cases included long ago without any contact: each has a no-contact alert.
    CaseFactory.create_batch(n, active=True)
    CaseFactory(assessment=True)
    client.force_login(ProgrammeUserFactory())
    with django_assert_max_num_queries(16):
        html = client.get("/").content.decode()
    assert f"{n} casus" in html  # "n casus(sen) zonder contact"
    assert "Casussen per status" in html


@pytest.mark.parametrize("n", [1, 12])
def test_director_home_shows_own_caseload_against_capacity(client, django_assert_max_num_queries, n):
    director = DirectorFactory()
    CaseFactory.create_batch(n, active=True, director=director)
    CaseFactory(active=True)  # someone else's
    client.force_login(director.user)
    with django_assert_max_num_queries(14):
        html = client.get("/").content.decode()
    assert f'<span class="ipgar-figure">{n}</span> / {director.capacity}' in html


def test_privacy_officer_home_counts_refused_requests(client, rf):
    intruder = UserFactory(role=roles.DIRECTOR)
    request = rf.get("/cases/1/")
    request.user = intruder
    access_log.denied(request, record_type="cases.case", record_id=1)
    client.force_login(UserFactory(role=roles.PRIVACY_OFFICER))
    assert "1 geweigerd verzoek" in client.get("/").content.decode()
