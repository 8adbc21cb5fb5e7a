"""The meetings list is paged (issue 17): ten years of meetings cost what one page costs; upcoming
meetings soonest first, then earlier ones newest first, across the pages; accessible page links."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import MeetingBody
from tests.cases.factories import ProgrammeUserFactory
from tests.meetings.factories import meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def ten_months(db):
    """3 upcoming meetings (in 1, 2 and 3 weeks) and 24 earlier ones (1 to 24 weeks ago)."""
    pt = ProgrammeUserFactory()
    today = timezone.localdate()
    upcoming = [meeting(date=today + dt.timedelta(weeks=w), by=pt) for w in (1, 2, 3)]
    earlier = [meeting(date=today - dt.timedelta(weeks=w), by=pt) for w in range(1, 25)]
    return pt, upcoming, earlier


def test_the_first_page_has_upcoming_soonest_first_then_earlier_newest_first(client, ten_months):
    pt, upcoming, earlier = ten_months
    client.force_login(pt)
    first = client.get(reverse("meetings:list"))
    assert first.context["upcoming"] == upcoming
    assert first.context["past"] == earlier[:22]
    html = first.content.decode()
    assert "27 vergaderingen" in html
    assert 'href="?page=1" aria-current="page"><span class="ams-visually-hidden">Pagina </span>1</a>' in html
    assert "Pagina 1 van 2" in html
    second = client.get(reverse("meetings:list"), {"page": 2})
    assert second.context["upcoming"] == [] and second.context["past"] == earlier[22:]
    html = second.content.decode()
    assert "Komende vergaderingen" not in html  # no empty upcoming table on a later page
    assert 'rel="prev" href="?page=1">' in html


def test_pages_keep_the_filter_and_the_sort(client, ten_months):
    pt, upcoming, _earlier = ten_months
    client.force_login(pt)
    since = (timezone.localdate() - dt.timedelta(weeks=30)).isoformat()
    response = client.get(reverse("meetings:list"), {"date_from": since, "sort": "date", "page": 2})
    # Sorted by date (oldest first): the last two of the 27 are the two latest upcoming meetings.
    assert response.context["upcoming"] == upcoming[1:] and response.context["past"] == []
    assert f'href="?date_from={since}&amp;sort=date&amp;page=1"' in response.content.decode()


@pytest.mark.parametrize("n", [1, 30])
def test_the_paged_list_runs_the_same_queries_at_1_and_30_meetings(client, django_assert_num_queries, n):
    pt = ProgrammeUserFactory()
    for i in range(n):
        meeting(kind=MeetingBody.Kind.PTO_R, date=dt.date(2024, 1, 8) + dt.timedelta(weeks=2 * i), by=pt)
    client.force_login(pt)
    client.get(reverse("meetings:list"))  # warm the session
    # Session, user, groups, the body filter's choices, the count, the page (+ savepoints)
    with django_assert_num_queries(9):
        response = client.get(reverse("meetings:list"), {"date_from": "2024-01-01"})
    assert len(response.context["past"]) + len(response.context["upcoming"]) == min(n, 25)
