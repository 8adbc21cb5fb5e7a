"""Time to prepare the Woo preview of a 20-item meeting (issue 13; BENCHMARKS.md, "Woo preview").

Each of the 20 items has three minute entries, a decision and an action, with names, a BSN,
phone numbers and case codes to find; the page runs the whole detector (known names, patterns,
Deduce) over every text. The numbers go to BENCHMARKS.md; the test guards against a gross
regression only (the shared 2-core machine is too noisy for a tight bound).
"""

import datetime as dt
import statistics
import time

import pytest
from django.urls import reverse

from meetings import publication, selectors, services
from meetings.models import MeetingBody
from meetings.redaction import _deduce

from .factories import CaseFactory, ProgrammeUserFactory, meeting

pytestmark = pytest.mark.django_db


def test_woo_preview_of_a_twenty_item_meeting(client, capsys):
    pt = ProgrammeUserFactory()
    m = meeting(kind=MeetingBody.Kind.PTO_R, date=dt.date(2020, 3, 9), by=pt)
    for n in range(20):
        case = CaseFactory(active=True) if n % 4 == 0 else None
        item = services.agenda_item_add(
            meeting=m, title="" if case else f"Punt {n} over de aanpak", case=case, is_closed_part=n % 5 == 1, by=pt
        )
        for k in range(3):
            services.entry_add(
                agenda_item=item,
                kind="note",
                text=f"Jan de Vries (regel {k}) belt 06-1234567{k}; zie casus R-2020-0{n:02d} en BSN 12345678{k}. "
                "De regisseur licht de voortgang toe en de leden stellen vragen over de interventies.",
                by=pt,
            )
        services.decision_create(meeting=m, agenda_item=item, text=f"Besluit {n}: Karin Smit stelt een A4 op.", by=pt)
        services.action_create(
            meeting=m, agenda_item=item, subject=f"Actie {n}", description="Pieter Bakker plant een overleg.", by=pt
        )
    started = time.perf_counter()
    _deduce()
    load = time.perf_counter() - started
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        publication.build(selectors.meeting_view(user=pt, meeting=m), internal=True)
        builds.append(time.perf_counter() - started)
    client.force_login(pt)
    pages = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get(reverse("meetings:woo", args=[m.pk]))
        pages.append(time.perf_counter() - started)
        assert response.status_code == 200
    with capsys.disabled():
        print(
            f"\nWoo preview, 20 items: Deduce load {load:.2f} s; build median {statistics.median(builds):.2f} s "
            f"({', '.join(f'{b:.2f}' for b in builds)}); page median {statistics.median(pages):.2f} s "
            f"({', '.join(f'{p:.2f}' for p in pages)})"
        )
    assert statistics.median(pages) < 30
