"""Monitor pages and exports: who may read what (200/404), generating, query counts, exports."""

import datetime as dt
import io
import re

import openpyxl
import pikepdf
import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from ipgar import roles
from ipgar.models import AccessLogEntry
from monitor import presentation, services
from monitor.models import MonitorSnapshot
from tests.ipgar.factories import UserFactory

from . import dataset
from .factories import DirectorFactory, ProgrammeUserFactory
from .pdftext import pdf_text

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 1)
GROSS_READERS = {roles.PROGRAMME_TEAM, roles.PTO_R_MEMBER}
NET_READERS = GROSS_READERS | {roles.PARTNER, roles.DIRECTOR}
ALL_ROLES = [*roles.ROLES, None]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2025, 11, 1, 10, 0), tick=False):
        yield


@pytest.fixture
def built():
    data = dataset.build()
    services.snapshot_build(year=2025, quarter=2, by=ProgrammeUserFactory(first_name="Femke", last_name="Maker"))
    return data


def _user(role):
    if role == roles.DIRECTOR:
        return DirectorFactory().user
    return UserFactory(role=role) if role else UserFactory()


PAGES = ["detail", "export_pdf", "export_xlsx"]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_index_access(client, built, role):
    client.force_login(_user(role))
    response = client.get(reverse("monitor:index"))
    assert response.status_code == (200 if role in NET_READERS else 404)
    if response.status_code == 200:
        body = response.content.decode()
        assert ("/monitor/2025/q2/gross/" in body) == (role in GROSS_READERS)
        assert "/monitor/2025/q2/net/" in body
    else:
        assert AccessLogEntry.objects.filter(outcome="denied", record_type="monitor.monitorsnapshot").exists()


@pytest.mark.parametrize("variant", ["gross", "net"])
@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_page_access(client, built, role, url_name, variant):
    client.force_login(_user(role))
    readers = GROSS_READERS if variant == "gross" else NET_READERS
    response = client.get(reverse(f"monitor:{url_name}", args=[2025, 2, variant]))
    assert response.status_code == (200 if role in readers else 404)
    if role not in readers:
        assert AccessLogEntry.objects.filter(outcome="denied", record_id=f"2025-Q2-{variant}").exists()
    elif url_name != "detail":
        assert AccessLogEntry.objects.filter(action="export", record_type="monitor.monitorsnapshot").count() == 1


def test_missing_quarter_is_404(client, built):
    client.force_login(ProgrammeUserFactory())
    assert client.get(reverse("monitor:detail", args=[2024, 1, "gross"])).status_code == 404
    assert client.get("/monitor/2025/q2/other/").status_code == 404


def test_gross_page_shows_figures_maker_and_charts(client, built):
    client.force_login(ProgrammeUserFactory())
    body = client.get(reverse("monitor:detail", args=[2025, 2, "gross"])).content.decode()
    assert "Femke Maker" in body
    assert 'data-chart="chart-trend-trend"' in body and 'id="chart-trend-trend"' in body
    assert "T-G" in body  # the pending case, per case in the gross monitor only
    assert "Bas Beek" in body  # a director row
    assert "<script>" not in body.replace('<script id="', "")  # json_script only, no inline code


def test_gross_monitor_cites_the_programmes_own_reference_figures(client, built):
    """A reader knows the programme, not the documents it was built from (docs/monitor.md)."""
    client.force_login(ProgrammeUserFactory())
    body = client.get(reverse("monitor:detail", args=[2025, 2, "gross"])).content.decode()
    assert "op geen enkel leefgebied problemen (het programma verwacht 15-20%)." in body
    assert "de eigen cijfers van het programma bij zijn start: gemiddeld 8 weken, 1 tot 32)." in body
    gross = MonitorSnapshot.objects.get(variant="gross").figures
    with translation.override("en"):
        texts = " ".join(s.text for s in presentation.sections(gross, variant="gross"))
    assert "had no problems on any life domain (the programme expects 15-20%)." in texts
    assert "the programme's own figures at its start: on average 8 weeks, 1 to 32)." in texts
    assert "seed" not in body.lower() and "seed" not in texts.lower()


def test_net_page_has_no_director_or_case_rows_and_hides_small_counts(client, built):
    client.force_login(UserFactory(role=roles.PARTNER))
    body = client.get(reverse("monitor:detail", args=[2025, 2, "net"])).content.decode()
    assert "T-G" not in body and "Bas Beek" not in body and "Anna Aal" not in body
    assert "&lt; 5" not in body and "niet getoond (a)" in body
    assert body.count('id="note-a"') == 1  # each kind of hidden figure explained once


def test_director_sees_own_caseload_on_the_net_monitor(client, built):
    d2 = built["d2"]
    client.force_login(d2.user)
    body = client.get(reverse("monitor:detail", args=[2025, 2, "net"])).content.decode()
    assert 'id="section-own"' in body
    own = next(
        r for r in MonitorSnapshot.objects.get(variant="gross").figures["directors"] if r["director_id"] == d2.pk
    )
    assert own["over_capacity"] is True
    assert "Anna Aal" not in body  # not another director's row


def test_programme_team_generates_and_regenerates(client, built):
    user = ProgrammeUserFactory()
    client.force_login(user)
    refused = client.post(reverse("monitor:index"), {"year": 2025, "quarter": 2})
    assert refused.status_code == 200 and refused.context["form"].errors  # no reason given
    response = client.post(reverse("monitor:index"), {"year": 2025, "quarter": 2, "reason": "Late registrations"})
    assert response.status_code == 302
    newest = MonitorSnapshot.objects.filter(year=2025, quarter=2, variant="gross").order_by("-version").first()
    assert newest.version == 2 and newest.created_by == user
    assert MonitorSnapshot.objects.filter(year=2025, quarter=2).count() == 4
    page = client.get(response["Location"]).content.decode()
    assert "Versie 2 van 2" in page or "Version 2 of 2" in page
    assert "Late registrations" in page
    old = client.get(reverse("monitor:version", args=[2025, 2, "gross", 1]))
    assert old.status_code == 200 and old.context["snapshot"].version == 1


def test_generating_a_running_quarter_is_a_form_error(client, built):
    client.force_login(ProgrammeUserFactory())
    response = client.post(reverse("monitor:index"), {"year": 2025, "quarter": 4})
    assert response.status_code == 200
    assert MonitorSnapshot.objects.filter(year=2025, quarter=4).count() == 0
    assert response.context["form"].errors
    bad = client.post(reverse("monitor:index"), {"year": "abc", "quarter": 9})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_others_cannot_generate(client, built):
    client.force_login(UserFactory(role=roles.PTO_R_MEMBER))
    assert client.post(reverse("monitor:index"), {"year": 2025, "quarter": 1}).status_code == 404
    assert MonitorSnapshot.objects.filter(year=2025, quarter=1).count() == 0


def test_pdf_export_is_tagged_and_holds_the_figures(client, built):
    client.force_login(ProgrammeUserFactory())
    response = client.get(reverse("monitor:export_pdf", args=[2025, 2, "gross"]))
    assert response["Content-Type"] == "application/pdf"
    pdf = pikepdf.open(io.BytesIO(response.content))
    assert "/StructTreeRoot" in pdf.Root and "/Lang" in pdf.Root and "/MarkInfo" in pdf.Root
    gross = MonitorSnapshot.objects.get(variant="gross").figures
    text = pdf_text(pdf)
    assert "Kwartaalmonitor 2025 Q2" in text or "Quarterly monitor 2025 Q2" in text
    assert "T-G" in text  # a pending case of the gross monitor
    assert f"{gross['pending']['cases'][0]['value']}" in text
    assert "Bas Beek" in text


def test_xlsx_export_holds_real_numbers_per_section(client, built):
    client.force_login(ProgrammeUserFactory())
    response = client.get(reverse("monitor:export_xlsx", args=[2025, 2, "gross"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    gross = MonitorSnapshot.objects.get(variant="gross").figures
    assert len(book.sheetnames) >= 10
    status_sheet = book[book.sheetnames[0]]
    values = {row[0]: row[1] for row in status_sheet.iter_rows(values_only=True) if len(row) > 1}
    assert values["totaal"] == gross["status"]["caseload"] and isinstance(values["totaal"], int)
    assert values["in regie"] == gross["status"]["active"]
    trend = book[book.sheetnames[-2]]  # the last section; "About" follows
    quarters = [row[0] for row in trend.iter_rows(values_only=True) if row[0] and str(row[0]).startswith("20")]
    assert quarters[:8] == [row["label"] for row in gross["trend"]]


def test_xlsx_net_export_writes_hidden_counts_as_text(client, built):
    client.force_login(UserFactory(role=roles.PARTNER))
    response = client.get(reverse("monitor:export_xlsx", args=[2025, 2, "net"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert "< 5" not in cells and "niet getoond (a)" in cells
    assert 6 in cells  # the caseload total (6) is shown as a number


@pytest.mark.parametrize("extra", [0, 9])
def test_query_counts_are_constant(client, django_assert_max_num_queries, extra):
    user = ProgrammeUserFactory()
    for year in range(2015, 2015 + 1 + extra):
        services.snapshot_build(year=year, quarter=1, by=user)
    client.force_login(user)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("monitor:index")).status_code == 200
    # The first view reads the figures to build the cached sections (one query more); later
    # views read no figures at all (issue 17).
    with django_assert_max_num_queries(11):
        assert client.get(reverse("monitor:detail", args=[2015, 1, "gross"])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("monitor:detail", args=[2015, 1, "gross"])).status_code == 200


def test_a_net_release_that_fails_its_audit_is_held_back_and_the_programme_team_sees_why(client):
    """Q1's net monitor showed everything (as an old release might have); Q2 repeats Q1 in its
    trend, so its hidden cells of Q1 are out already: Q2's net release is not released."""
    dataset.build()
    services.snapshot_build(year=2025, quarter=1, by=ProgrammeUserFactory())
    q1_gross = MonitorSnapshot.objects.get(year=2025, quarter=1, variant="gross").figures
    from monitor import disclosure

    leaky = MonitorSnapshot.objects.get(year=2025, quarter=1, variant="net")
    leaky.figures = {**leaky.figures, "published": disclosure.cells(q1_gross)}
    leaky.save()
    services.snapshot_build(year=2025, quarter=2, by=ProgrammeUserFactory())
    held = MonitorSnapshot.objects.get(year=2025, quarter=2, variant="net")
    assert held.released is False and held.audit["passed"] is False
    failing = {f["key"] for f in held.audit["failures"]}
    # Only quarters the leaky Q1 release covered (its trend: 2023 Q2 - 2025 Q1) fail.
    assert "2025Q1.status.aftercare" in failing and all(key[:6] <= "2025Q1" for key in failing)

    partner = UserFactory(role=roles.PARTNER)
    client.force_login(partner)
    assert client.get(reverse("monitor:detail", args=[2025, 2, "net"])).status_code == 404
    assert "/monitor/2025/q2/net/" not in client.get(reverse("monitor:index")).content.decode()

    client.force_login(ProgrammeUserFactory())
    page = client.get(reverse("monitor:detail", args=[2025, 2, "net"])).content.decode()
    assert "Niet vrijgegeven: de onthullingscontrole is niet geslaagd" in page
    assert "2025 Q1 · casussen per status · aftercare" in page


def test_a_version_frozen_in_schema_1_stays_readable(client, built):
    """Schema 1 snapshots (hidden counts as {"lt": 5}, no phases, no life-domain flag) render."""
    from monitor.disclosure import is_hidden

    gross = MonitorSnapshot.objects.get(variant="gross")
    net = MonitorSnapshot.objects.get(variant="net")

    def old(value):
        if isinstance(value, dict):
            return {"lt": 5} if is_hidden(value) else {k: old(v) for k, v in value.items()}
        return [old(v) for v in value] if isinstance(value, list) else value

    old_net = {k: old(v) for k, v in net.figures.items() if k != "published"} | {"schema": 1}
    old_gross = {k: v for k, v in gross.figures.items() if k not in ("phases", "without_problems")} | {"schema": 1}
    MonitorSnapshot.objects.filter(pk=net.pk).update(figures=old_net)
    MonitorSnapshot.objects.filter(pk=gross.pk).update(figures=old_gross)
    client.force_login(ProgrammeUserFactory())
    page = client.get(reverse("monitor:detail", args=[2025, 2, "net"])).content.decode()
    assert "niet getoond (a)" in page and "&lt; 5" not in page
    assert client.get(reverse("monitor:detail", args=[2025, 2, "gross"])).status_code == 200
    assert client.get(reverse("monitor:export_xlsx", args=[2025, 2, "net"])).status_code == 200


def test_versions_say_what_changed_and_why(client, built):
    from .factories import ContactFactory

    ContactFactory(case=built["cases"][1], date=dt.date(2025, 6, 29))  # a late registration
    services.snapshot_generate(year=2025, quarter=2, by=ProgrammeUserFactory(), reason="Contact laat geregistreerd")
    client.force_login(ProgrammeUserFactory())
    page = client.get(reverse("monitor:detail", args=[2025, 2, "gross"])).content.decode()
    assert "Contact laat geregistreerd" in page
    assert "alerts.no_contact: 1 → 0" in page
    assert 'href="/monitor/2025/q2/gross/v1/"' in page
    first = client.get(reverse("monitor:version", args=[2025, 2, "gross", 1]))
    assert first.context["snapshot"].figures["alerts"]["no_contact"] == 1


def test_the_page_reads_no_figures_once_its_sections_are_cached(client, built):
    """The figures grow with the data (a row per director and per pending report): once the
    sections are cached, a page view reads neither them nor any version's (issue 17)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.snapshot_generate(year=2025, quarter=2, by=ProgrammeUserFactory(), reason="Nogmaals")
    client.force_login(ProgrammeUserFactory())
    url = reverse("monitor:detail", args=[2025, 2, "gross"])
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url).content.decode()
    assert _varying(again) == _varying(first)
    assert not [q["sql"] for q in captured if "figures" in q["sql"]]
    assert "2025-04-01" in again and "2025-06-30" in again  # the period, from the quarter
    assert "Nogmaals" in again and 'href="/monitor/2025/q2/gross/v1/"' in again


def _varying(page: str) -> str:
    """The page without what differs per request (the CSRF token, the CSP nonce)."""
    return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"', "", page)
