"""The role home pages show live figures, in a constant number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

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
def test_director_home_shows_own_caseload_against_capacity(client, django_assert_num_queries, n):
    director = DirectorFactory()
    CaseFactory.create_batch(n, active=True, director=director)
    CaseFactory(active=True)  # someone else's
    client.force_login(director.user)
    client.get("/")  # warm the session
    # The same at 1 and 12 cases. The director's capacity and review are one row of plain values
    # (before: the director, then the director with every pool figure, absences and areas).
    with django_assert_num_queries(9):
        html = client.get("/").content.decode()
    assert f'<span class="ipgar-figure">{n}</span> / {director.capacity}' in html


def test_director_home_names_the_caseload_review_due_and_overdue(client):
    """The pool's next review (three months after the last, or after joining) within two weeks, or overdue."""
    from pool.models import CaseloadReview

    today = timezone.localdate()
    soon = DirectorFactory(active_from=today - dt.timedelta(days=80))  # due in about ten days
    late = DirectorFactory(active_from=today - dt.timedelta(days=200))  # never reviewed: overdue
    client.force_login(soon.user)
    assert "Uw caseloadbespreking is gepland op" in client.get("/").content.decode()
    client.force_login(late.user)
    assert "Uw caseloadbespreking was gepland op" in client.get("/").content.decode()
    CaseloadReview.objects.create(director=late, held_on=today - dt.timedelta(days=10), held_by=late.user)
    assert "Uw caseloadbespreking" not in client.get("/").content.decode()


def test_privacy_officer_home_counts_refused_requests(client, rf):
    intruder = UserFactory(role=roles.DIRECTOR)
    request = rf.get("/cases/1/")
    request.user = intruder
    access_log.denied(request, record_type="cases.case", record_id=1)
    client.force_login(UserFactory(role=roles.PRIVACY_OFFICER))
    assert "1 geweigerd verzoek" in client.get("/").content.decode()
