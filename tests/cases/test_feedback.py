"""Every save confirms what happened and offers the next step; a double submit saves once."""

import re

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Contact
from tests.cases.factories import CaseFactory, ProgrammeUserFactory

pytestmark = pytest.mark.django_db

REPORT = {
    "reported_on": "2026-01-05",
    "report_source": 1,
    "area": 1,
    "report_summary": "Melding",
    "first_name": "Jan",
    "last_name": "Voorbeeld",
    "bsn": "111222333",
}


def _live_region(html: str) -> str:
    match = re.search(r'<div class="ipgar-messages" role="status" aria-live="polite">(.*?)</div></div>\n', html, re.S)
    assert match, "no live region on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_registering_confirms_with_the_code_and_the_next_step(client):
    client.force_login(ProgrammeUserFactory())
    token = re.search(r'name="_submission" value="([0-9a-f]{32})"', client.get(reverse("cases:new")).content.decode())
    assert token, "the register form carries a one-time submission token"
    response = client.post(reverse("cases:new"), {**REPORT, "_submission": token.group(1)}, follow=True)
    assert _live_region(response.content.decode()) == "Melding R-2026-001 geregistreerd. Volgende stap: duiding."


def test_a_status_change_confirms_and_names_the_next_step(client):
    client.force_login(ProgrammeUserFactory())
    case = CaseFactory()
    response = client.post(
        reverse("cases:status", args=[case.pk]), {"to": "assessment", "reason": "Duiding"}, follow=True
    )
    assert _live_region(response.content.decode()) == (
        f"De status van {case.code} is nu “duiding”. Volgende stap: IVG-R-advies of een preventief gesprek."
    )


def test_a_double_submit_registers_one_report_and_sends_both_to_it(client):
    client.force_login(ProgrammeUserFactory())
    data = {**REPORT, "_submission": "a" * 32}
    first = client.post(reverse("cases:new"), data)
    second = client.post(reverse("cases:new"), data)
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("cases:detail", args=[case.pk])
    # The claim is in the cache every gunicorn worker shares (tests/ipgar/test_shared_cache.py).
    user = first.wsgi_request.user
    assert caches["shared"].get(f"submission:{user.pk}:{'a' * 32}") == first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert "Dit formulier was al verstuurd; het is één keer opgeslagen." in _live_region(page)


def test_a_double_submitted_contact_is_recorded_once(client):
    case = CaseFactory(active=True)
    client.force_login(case.director.user)
    data = {"date": timezone.localdate().isoformat(), "kind": "phone", "note": "", "_submission": "b" * 32}
    url = reverse("cases:contact_new", args=[case.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Contact.objects.filter(case=case).count() == 1


def test_a_form_with_errors_can_be_sent_again_with_the_same_token(client):
    client.force_login(ProgrammeUserFactory())
    data = {**REPORT, "bsn": "123456789", "_submission": "c" * 32}
    assert client.post(reverse("cases:new"), data).status_code == 200
    assert client.post(reverse("cases:new"), {**data, "bsn": "111222333"}).status_code == 302
    assert Case.objects.count() == 1


def test_programme_team_assigns_and_changes_status_from_the_case_page(client):
    client.force_login(ProgrammeUserFactory())
    advised = CaseFactory(advised=True)
    html = client.get(reverse("cases:detail", args=[advised.pk])).content.decode()
    assert f'href="{reverse("pool:assign", args=[advised.pk])}"' in html
    assert ">Regisseur toewijzen</a>" in html
    reported = CaseFactory()
    html = client.get(reverse("cases:detail", args=[reported.pk])).content.decode()
    assert f'href="{reverse("cases:status", args=[reported.pk])}"' in html
    assert reverse("pool:assign", args=[reported.pk]) not in html


def test_a_director_sees_no_assign_action(client):
    case = CaseFactory(active=True)
    client.force_login(case.director.user)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("pool:assign", args=[case.pk]) not in html
