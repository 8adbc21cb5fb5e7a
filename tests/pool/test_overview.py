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


@pytest.mark.parametrize("n", [1, 30])
def test_overview_and_csv_run_a_constant_number_of_queries(client, django_assert_num_queries, n):
    for i in range(n):
        director = DirectorFactory(fte=Decimal("0.5"))
        caseload(director, 1 + i % 3)
    client.force_login(ProgrammeUserFactory())
    # session, user, groups, count, the page of directors (with their absences and areas), awaiting
    # cases, access log (+ savepoints): the same for 1 director or more than a page of them.
    with django_assert_num_queries(11):
        response = client.get(reverse("pool:overview"))
    assert response.status_code == 200
    assert len(response.context["directors"]) == min(n, 25)
    # session, user, groups, the log entry with its organisation (+ savepoints), the directors' values
    # (read while the file streams)
    with django_assert_num_queries(9):
        response = client.get(reverse("pool:caseload_csv"))
        body = rows(response)
    assert len(body) == n + 1


def _pool_of(n):
    """n directors named Lid 01 … Lid n, one case each."""
    directors = []
    for i in range(1, n + 1):
        director = DirectorFactory(user__first_name="Lid", user__last_name=f"{i:02d}", user__username=f"lid-{i:02d}")
        caseload(director, 1)
        directors.append(director)
    return directors


def test_overview_is_paged_with_accessible_page_links_and_the_csv_keeps_every_director(client):
    directors = _pool_of(27)
    client.force_login(ProgrammeUserFactory())
    first = client.get(reverse("pool:overview"))
    assert [d.username for d in first.context["directors"]] == [f"lid-{i:02d}" for i in range(1, 26)]
    html = first.content.decode()
    assert "27 regisseurs" in html
    assert '<nav class="ams-pagination" aria-label="Pagina\'s">' in html
    assert 'href="?page=1" aria-current="page"><span class="ams-visually-hidden">Pagina </span>1</a>' in html
    assert 'href="?page=2"><span class="ams-visually-hidden">Pagina </span>2</a>' in html
    assert 'rel="next" href="?page=2"><span class="ams-pagination__link-label">Volgende</span>' in html
    assert "Pagina 1 van 2" in html
    second = client.get(reverse("pool:overview"), {"page": 2})
    assert [d.username for d in second.context["directors"]] == ["lid-26", "lid-27"]
    assert 'href="?page=2" aria-current="page">' in second.content.decode()
    # The download is every director, not a page of them.
    usernames = [row[0] for row in rows(client.get(reverse("pool:caseload_csv")))[1:]]
    assert sorted(usernames) == sorted(d.user.username for d in directors)


def test_overview_pages_keep_the_sort_and_sort_links_start_at_the_first_page(client):
    _pool_of(27)
    client.force_login(ProgrammeUserFactory())
    response = client.get(reverse("pool:overview"), {"sort": "-director", "page": 2})
    assert [d.last_name for d in response.context["directors"]] == ["02", "01"]
    html = response.content.decode()
    assert 'href="?sort=-director&amp;page=1">' in html
    assert 'href="?sort=director">Regisseur</a>' in html


def test_a_pool_manager_finds_any_director_by_name_or_organisation(client):
    _pool_of(27)
    ggd = DirectorFactory(organisation=organisation("ggd"), user__first_name="Daan", user__last_name="Hendriks")
    client.force_login(ProgrammeUserFactory())
    by_name = client.get(reverse("pool:overview"), {"q": "hendriks"})
    assert [d.pk for d in by_name.context["directors"]] == [ggd.pk]
    assert "1 regisseur past bij “hendriks”" in by_name.content.decode()
    by_organisation = client.get(reverse("pool:overview"), {"q": organisation("ggd").name[:4]})
    assert ggd.pk in [d.pk for d in by_organisation.context["directors"]]
    # Every word must match; the last of 27 directors is found without paging.
    assert [d.username for d in client.get(reverse("pool:overview"), {"q": "lid 27"}).context["directors"]] == [
        "lid-27"
    ]
    nothing = client.get(reverse("pool:overview"), {"q": "niemand"})
    assert nothing.context["directors"] == [] and "Geen regisseur gevonden." in nothing.content.decode()


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


def test_overview_links_the_cases_awaiting_a_director_oldest_report_first(client):
    import datetime as dt

    from .factories import CaseFactory, area

    later = CaseFactory(advised=True, reported_on=dt.date(2026, 2, 1), area=area("centrum"))
    earlier = CaseFactory(advised=True, reported_on=dt.date(2026, 1, 1))
    client.force_login(ProgrammeUserFactory())
    html = client.get(reverse("pool:overview")).content.decode()
    first = f'<li><a class="ams-link" href="{reverse("pool:assign", args=[earlier.pk])}">{earlier.code} toewijzen ('
    second = (
        f'<li><a class="ams-link" href="{reverse("pool:assign", args=[later.pk])}">{later.code} toewijzen (Centrum)'
    )
    assert first in html and second in html
    assert html.index(first) < html.index(second)
