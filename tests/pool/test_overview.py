"""The pool overview and its CSV: programme team only, derived figures, constant queries."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from ipgar.models import AccessLogEntry
from pool import selectors

from .factories import DirectorFactory, ProgrammeUserFactory, caseload, organisation

pytestmark = pytest.mark.django_db


def rows(response):
    content = b"".join(response.streaming_content).decode()
    assert content.startswith("\ufeff")  # Dutch Excel reads UTF-8 with a byte-order mark
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))


def test_overview_shows_load_against_capacity_and_flags_over_capacity(client):
    om = DirectorFactory(fte=Decimal("0.5"), organisation=organisation("om"))
    caseload(om, 7)
    client.force_login(ProgrammeUserFactory())
    response = client.get(reverse("pool:overview"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "7 / 6" in html
    assert "boven capaciteit" in html


def test_csv_has_exactly_the_columns_and_derived_values(client):
    om = DirectorFactory(fte=Decimal("0.5"), organisation=organisation("om"))
    wpi = DirectorFactory(fte=Decimal("1.0"), organisation=organisation("wpi"))
    caseload(om, 7)
    caseload(wpi, 2)
    client.force_login(ProgrammeUserFactory())
    response = client.get(reverse("pool:caseload_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header, *body = rows(response)
    assert header == [
        "gebruikersnaam",
        "naam",
        "organisatie",
        "Fte",
        "capaciteit",
        "actieve casussen",
        "boven capaciteit",
    ]
    by_user = {row[0]: row for row in body}
    assert by_user[om.user.username] == [
        om.user.username,
        om.user.get_full_name(),
        om.organisation.name,
        "0,50",
        "6",
        "7",
        "ja",
    ]
    assert by_user[wpi.user.username][4:] == ["12", "2", "nee"]
    assert AccessLogEntry.objects.filter(section="caseload.csv", action="download").exists()


def test_a_director_may_not_download_the_pool_or_see_the_overview(client):
    director = DirectorFactory()
    client.force_login(director.user)
    assert client.get(reverse("pool:caseload_csv")).status_code == 404
    assert client.get(reverse("pool:overview")).status_code == 404
    assert AccessLogEntry.objects.filter(username=director.user.username, outcome="denied").count() == 2


def test_a_director_sees_their_own_figures(client):
    director = DirectorFactory(fte=Decimal("0.5"))
    caseload(director, 3)
    client.force_login(director.user)
    response = client.get(reverse("pool:mine"))
    assert response.status_code == 200
    assert "3 / 6" in response.content.decode()


def test_former_directors_without_cases_leave_the_overview():
    import datetime as dt

    former = DirectorFactory(former=True)
    current = DirectorFactory()
    shown = set(selectors.pool_overview(on=dt.date(2026, 1, 1)).values_list("pk", flat=True))
    assert current.pk in shown and former.pk not in shown


@pytest.mark.parametrize("n", [1, 12])
def test_overview_and_csv_run_a_constant_number_of_queries(client, django_assert_num_queries, n):
    for i in range(n):
        director = DirectorFactory(fte=Decimal("0.5"))
        caseload(director, 1 + i % 3)
    client.force_login(ProgrammeUserFactory())
    # session, user, groups, directors, absences, areas, awaiting cases, access log (+ savepoints)
    with django_assert_num_queries(12):
        response = client.get(reverse("pool:overview"))
    assert response.status_code == 200
    assert len(response.context["directors"]) == n
    # session, user, groups, directors, absences, areas, the log entry with its organisation (+ savepoints)
    with django_assert_num_queries(11):
        response = client.get(reverse("pool:caseload_csv"))
    assert len(rows(response)) == n + 1


def test_overview_rows_show_absences_restrictions_secondment_and_escape_names(client):
    """The rows are built in Python for speed (BENCHMARKS.md): the same content as the template gave."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.html import escape

    from pool.models import Absence

    from .factories import area

    today = timezone.localdate()
    programme = ProgrammeUserFactory()
    director = DirectorFactory(organisation=organisation("om"), seconded_from=organisation("wpi"))
    director.user.first_name, director.user.last_name = "<b>Ann", "O'Neil"
    director.user.save()
    director.restricted_to_areas.add(area("centrum"))
    Absence.objects.create(
        director=director,
        kind="illness",
        starts_on=today,
        ends_on=today + dt.timedelta(days=3),
        registered_by=programme,
    )
    Absence.objects.create(
        director=director,
        kind="leave",
        starts_on=today + dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=12),
        registered_by=programme,
    )
    client.force_login(programme)
    html = client.get(reverse("pool:overview")).content.decode()
    assert "&lt;b&gt;Ann O&#x27;Neil" in html
    assert f'href="{reverse("pool:director", args=[director.pk])}"' in html
    assert f"(gedetacheerd vanuit {escape(organisation('wpi').name)})" in html
    assert "alleen" in html
    assert "afwezig tot" in html and "(ziekte)" in html and "(verlof)" in html
    assert "; " in html


def test_csv_cells_cannot_run_as_formulas(client):
    # A penetration test found that a director's name starting with "=" ran as a formula in a spreadsheet.
    director = DirectorFactory(organisation=organisation("om"))
    director.user.first_name = '=HYPERLINK("http://evil.example","x")'
    director.user.last_name = "@SUM(A1)"
    director.user.save()
    client.force_login(ProgrammeUserFactory())
    _header, *body = rows(client.get(reverse("pool:caseload_csv")))
    by_user = {row[0]: row for row in body}
    assert by_user[director.user.username][1] == '\'=HYPERLINK("http://evil.example","x") @SUM(A1)'
