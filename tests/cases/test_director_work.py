"""A director's daily work: attempts do not clear the no-contact alert, the whole ZRM in
one form, real contact dates and readable life domains, over-capacity warning, own pool page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Contact, LifeDomain, LifeDomainScore
from tests.cases.factories import CaseFactory, ContactFactory, DirectorFactory, LifeDomainScoreFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def case():
    return CaseFactory(
        active=True, reported_on=TODAY() - dt.timedelta(days=400), included_on=TODAY() - dt.timedelta(days=300)
    )


def test_an_attempt_is_recorded_and_counted_but_does_not_clear_the_no_contact_alert(client, case):
    ContactFactory(case=case, date=dt.date(2020, 3, 3), kind=Contact.Kind.PHONE)
    client.force_login(case.director.user)
    response = client.post(
        reverse("cases:contact_new", args=[case.pk]), {"date": TODAY().isoformat(), "kind": "attempt"}
    )
    assert response.status_code == 302
    assert Contact.objects.filter(case=case, kind="attempt").count() == 1
    annotated = Case.objects.with_alerts().get(pk=case.pk)
    assert annotated.alert_no_contact
    assert annotated.last_contact_on == dt.date(2020, 3, 3)
    html = client.get(reverse("cases:caseload")).content.decode()
    assert "3 mrt. 2020<br>1 poging zonder contact sindsdien" in html
    # A real contact does clear it.
    client.post(reverse("cases:contact_new", args=[case.pk]), {"date": TODAY().isoformat(), "kind": "phone"})
    assert not Case.objects.with_alerts().get(pk=case.pk).alert_no_contact


def test_caseload_shows_the_contact_date_not_a_day_count(client, case):
    ContactFactory(case=case, date=dt.date(2020, 3, 3), kind=Contact.Kind.FACE_TO_FACE)
    client.force_login(case.director.user)
    html = client.get(reverse("cases:caseload")).content.decode()
    assert "3 mrt. 2020" in html
    assert f"{(TODAY() - dt.date(2020, 3, 3)).days}" not in html


def test_all_life_domains_scored_in_one_form(client, case):
    housing = LifeDomain.objects.get(code="housing")
    domains = list(LifeDomain.objects.in_use())
    LifeDomainScoreFactory(case=case, domain=housing, score=2, scored_on=dt.date(2026, 1, 5))
    client.force_login(case.director.user)
    url = reverse("cases:zrm", args=[case.pk])
    html = client.get(url).content.decode()
    assert '<span class="ipgar-score--acute">2 (acuut)</span> · 5 jan. 2026' in html
    never = ", ".join(str(d) for d in domains if d != housing)
    assert f"Nooit gescoord: {never}" in html
    data = {"scored_on": TODAY().isoformat(), f"domain_{domains[0].pk}": "1", f"domain_{domains[1].pk}": "4"}
    response = client.post(url, data, follow=True)
    assert LifeDomainScore.objects.filter(case=case, scored_on=TODAY()).count() == 2
    assert f"2 leefgebieden van {case.code} gescoord." in response.content.decode()


def test_zrm_form_without_any_score_is_a_form_error(client, case):
    client.force_login(case.director.user)
    response = client.post(reverse("cases:zrm", args=[case.pk]), {"scored_on": TODAY().isoformat()})
    assert response.status_code == 200
    assert "Geef voor minstens één leefgebied een score." in response.content.decode()
    assert not LifeDomainScore.objects.filter(case=case).exists()


def test_zrm_form_is_404_for_another_director(client, case):
    client.force_login(DirectorFactory().user)
    assert client.get(reverse("cases:zrm", args=[case.pk])).status_code == 404


def test_home_warns_a_director_over_capacity(client):
    director = DirectorFactory(fte=Decimal("0.5"))
    for _ in range(7):
        CaseFactory(active=True, director=director)
    client.force_login(director.user)
    html = client.get("/").content.decode()
    assert "7</span> / 6" in html
    assert "Boven capaciteit: 7 casussen terwijl uw maximum 6 is." in html


def test_a_director_opens_her_own_pool_page_but_not_anothers(client):
    director = DirectorFactory()
    client.force_login(director.user)
    response = client.get(reverse("pool:director", args=[director.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("pool:mine")
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("pool:director", args=[DirectorFactory().pk])).status_code == 404
