"""The access log written for the person who reviews it."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from ipgar import access_log, access_signals, roles
from ipgar.models import AccessLogEntry, AccessLogReview
from pool import services as pool_services
from pool.models import Absence
from tests.cases.factories import CaseFactory, DirectorFactory, ProgrammeUserFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def fg(client):
    user = UserFactory(username="fg-review", role=roles.PRIVACY_OFFICER)
    client.force_login(user)
    return user


def _read(user, case, *, section="", outcome="allowed", label=True):
    request = RequestFactory().get(f"/cases/{case.pk}/")
    request.user = user
    return access_log.record(
        request,
        record_type="cases.case",
        record_id=case.pk,
        label=case.code if label else "",
        section=section,
        outcome=outcome,
    )


def test_entries_read_as_sentences_with_dutch_role_names(client, fg):
    director = DirectorFactory()
    case = CaseFactory(code="R-2020-003", active=True, director=director)
    client.force_login(director.user)
    client.get(reverse("cases:detail", args=[case.pk]), {"identity": "show"})
    client.get(reverse("cases:history", args=[case.pk]))
    other = CaseFactory(code="R-2020-007")
    client.get(reverse("cases:detail", args=[other.pk]))  # refused: logged with the id only
    client.force_login(fg)
    response = client.get(reverse("ipgar:access_log"))
    html = response.content.decode()
    assert "Identiteit van R-2020-003 ingezien" in html
    assert "Geschiedenis van R-2020-003 ingezien" in html
    assert "Geweigerd: casus R-2020-007" in html
    assert "casusregisseur" in html
    for raw in ("cases.case", "cases.caseidentity", ">director<"):
        assert raw not in html


def test_the_reviewers_own_reads_are_hidden_unless_asked_for(client, fg):
    _read(UserFactory(username="regisseur-x", role=roles.DIRECTOR), CaseFactory())
    client.get(reverse("ipgar:access_log"))
    client.get(reverse("ipgar:access_log"))
    names = [e.username for e in client.get(reverse("ipgar:access_log")).context["page"]]
    assert names == ["regisseur-x"]
    names = [e.username for e in client.get(reverse("ipgar:access_log"), {"include_mine": "on"}).context["page"]]
    assert names.count("fg-review") == 3 and names[-1] == "regisseur-x"


def test_per_person_view_finds_every_read_by_code_or_bsn_and_logs_the_lookup(client, fg):
    case = CaseFactory(code="R-2020-011")
    second = CaseFactory(code="R-2023-004")
    second.identity.bsn = case.identity.bsn
    second.identity.save()
    reader = UserFactory(username="lezer", role=roles.PROGRAMME_TEAM)
    _read(reader, case, section="identity")
    _read(reader, second)
    _read(UserFactory(username="nieuwsgierig"), case, outcome="denied", label=False)
    _read(reader, CaseFactory(code="R-2020-012"))  # another person

    response = client.post(reverse("ipgar:access_log_person"), {"q": case.identity.bsn})
    assert response.status_code == 200
    labels = [e.label for e in response.context["entries"]]
    # The lookup itself is a read of this person's file, so it is the newest entry.
    assert labels == [
        "Toegangslog van R-2023-004 gezocht",
        "Toegangslog van R-2020-011 gezocht",
        "Geweigerd: casus R-2020-011",
        "Casus R-2023-004 ingezien",
        "Identiteit van R-2020-011 ingezien",
    ]
    lookups = AccessLogEntry.objects.filter(user=fg, section="access_log_person", action="search")
    assert sorted(lookups.values_list("record_label", flat=True)) == ["R-2020-011", "R-2023-004"]
    # The BSN typed is nowhere in the log.
    assert not AccessLogEntry.objects.filter(path__contains=case.identity.bsn).exists()
    assert not AccessLogEntry.objects.filter(record_id__contains=case.identity.bsn).exists()

    response = client.get(reverse("ipgar:access_log_person"), {"case": "r-2020-011"})
    assert [e.username for e in response.context["entries"]][-2:] == ["nieuwsgierig", "lezer"]
    response = client.post(reverse("ipgar:access_log_person"), {"q": "R-1999-999"})
    assert "Geen casus gevonden met deze casuscode of dit BSN." in response.content.decode()


def test_marking_a_period_and_a_signal_as_reviewed_with_a_note(client, fg):
    response = client.post(
        reverse("ipgar:access_log_review"),
        {"kind": "period", "date_from": "2026-10-01", "date_until": "2026-10-31", "note": "Steekproef oktober: niets"},
    )
    assert response.status_code == 302
    review = AccessLogReview.objects.get()
    assert (review.kind, review.date_from, review.date_until, review.reviewed_by) == (
        "period",
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 31),
        fg,
    )
    assert "Steekproef oktober: niets" in client.get(reverse("ipgar:access_log")).content.decode()
    response = client.post(reverse("ipgar:access_log_review"), {"kind": "period", "note": "zonder periode"})
    assert response.status_code == 200 and AccessLogReview.objects.count() == 1

    user = UserFactory(username="weigeraar", role=roles.DIRECTOR)
    for _ in range(5):
        _read(user, CaseFactory(), outcome="denied", label=False)
    signal = client.get(reverse("ipgar:access_log_signals")).context["signals"][0]
    response = client.post(
        reverse("ipgar:access_log_review"), {"kind": "signal", "signal": signal.key, "note": "Verkeerde link in mail"}
    )
    assert response.status_code == 302
    html = client.get(reverse("ipgar:access_log_signals")).content.decode()
    assert "Verkeerde link in mail" in html


def test_signals_many_denials_bulk_reads_and_reads_at_night():
    today = dt.date(2026, 11, 18)
    nosy, bulk, owl, normal = (UserFactory(username=n, role=roles.DIRECTOR) for n in ("nosy", "bulk", "owl", "normal"))
    cases = [CaseFactory() for _ in range(20)]
    pt = ProgrammeUserFactory(username="pt-sig")
    with time_machine.travel(dt.datetime(2026, 11, 18, 10, 0, tzinfo=AMS), tick=False) as clock:
        for case in cases[:5]:
            _read(nosy, case, outcome="denied", label=False)
        for case in cases[:4]:
            _read(normal, case, outcome="denied", label=False)
        for case in cases:
            _read(bulk, case)
        for case in cases[:19]:
            _read(normal, case)
        # The programme team's "not possible" refusals are no denials.
        request = RequestFactory().get("/pool/assign/1/")
        request.user = pt
        for case in cases[:6]:
            access_log.not_possible(request, record_type="cases.case", record_id=case.pk, section="assign")
        clock.move_to(dt.datetime(2026, 11, 18, 23, 30, tzinfo=AMS))
        _read(owl, cases[0])
        _read(owl, cases[1])
        clock.move_to(dt.datetime(2026, 11, 19, 5, 59, tzinfo=AMS))
        _read(owl, cases[2])
        clock.move_to(dt.datetime(2026, 11, 19, 6, 0, tzinfo=AMS))
        _read(normal, cases[3])
    found = {
        (s.kind, s.username, s.day, s.count)
        for s in access_signals.signals(since=today, until=today + dt.timedelta(days=1))
    }
    assert found == {
        ("denials", "nosy", today, 5),
        ("bulk", "bulk", today, 20),
        ("night", "owl", today, 2),
        ("night", "owl", today + dt.timedelta(days=1), 1),
    }


def test_signal_when_a_substitute_opens_the_cases_after_the_substitution_ended(client):
    with time_machine.travel(dt.datetime(2026, 7, 1, 9, 0, tzinfo=AMS), tick=False) as clock:
        absent, substitute = DirectorFactory(), DirectorFactory()
        case = CaseFactory(active=True, director=absent)
        own = CaseFactory(active=True, director=substitute)
        pool_services.absence_register(
            director=absent,
            kind=Absence.Kind.LEAVE,
            starts_on=dt.date(2026, 7, 6),
            ends_on=dt.date(2026, 7, 24),
            substitute=substitute,
            by=ProgrammeUserFactory(),
        )
        clock.move_to(dt.datetime(2026, 7, 10, 10, 0, tzinfo=AMS))
        client.force_login(substitute.user)
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200  # during: fine
        clock.move_to(dt.datetime(2026, 7, 28, 10, 0, tzinfo=AMS))
        client.force_login(substitute.user)
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404  # after: a signal
        assert client.get(reverse("cases:detail", args=[own.pk])).status_code == 200  # own case: no signal
        found = access_signals.signals(since=dt.date(2026, 7, 1), until=dt.date(2026, 7, 31))
    assert [(s.kind, s.username, s.day, s.count) for s in found] == [
        ("substitute", substitute.user.username, dt.date(2026, 7, 28), 1)
    ]
    assert found[0].text == f"opende {case.code} na vervanging tot en met 24-07-2026"


def test_programme_team_not_yet_possible_is_not_a_need_to_know_denial(client, fg):
    pt = ProgrammeUserFactory()
    report = CaseFactory()  # reported, not yet advised: cannot be assigned yet
    client.force_login(pt)
    assert client.get(reverse("pool:assign", args=[report.pk])).status_code == 404
    entry = AccessLogEntry.objects.get(user=pt, section="assign")
    assert entry.outcome == "impossible"
    director = DirectorFactory()
    client.force_login(director.user)
    assert client.get(reverse("pool:assign", args=[report.pk])).status_code == 404
    assert AccessLogEntry.objects.get(user=director.user, section="assign").outcome == "denied"
    client.force_login(fg)
    rows = client.get(reverse("ipgar:access_log"), {"denied_only": "on"}).context["page"]
    assert [e.username for e in rows] == [director.user.username]
    html = client.get(reverse("ipgar:access_log")).content.decode()
    assert f"Niet mogelijk: toewijzing van {report.code}" in html


def test_csv_is_dutch_in_local_time_with_labels(client, fg):
    case = CaseFactory(code="R-2020-003")
    with time_machine.travel(dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        _read(UserFactory(username="zomer", role=roles.DIRECTOR), case, section="identity")
    response = client.get(reverse("ipgar:access_log_csv"))
    content = b"".join(response.streaming_content).decode()
    assert content.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert table[0][:7] == ["tijdstip", "gebruikersnaam", "rol", "organisatie", "wat", "actie", "uitkomst"]
    assert table[1][:7] == [
        "01-07-2026 12:00:00",
        "zomer",
        "casusregisseur",
        table[1][3],
        "Identiteit van R-2020-003 ingezien",
        "inzien",
        "toegestaan",
    ]
    assert len(table) == 2  # the reviewer's own export row is left out, as on the screen


@pytest.mark.parametrize("rows", [1, 40])
def test_review_pages_run_a_constant_number_of_queries(client, fg, rows, django_assert_num_queries):
    reader = UserFactory(username="veel", role=roles.DIRECTOR)
    cases = [CaseFactory() for _ in range(rows)]
    for case in cases:
        _read(reader, case, outcome="denied", label=False)
    # session, user, roles, page (keyset, no count), case codes, organisation + log insert, reviews, session
    # save (update between two savepoints); less than a page in the last two months: the page is
    # read a second time without that bound (ipgar.access_log_query)
    with django_assert_num_queries(12):
        client.get(reverse("ipgar:access_log"))
    with django_assert_num_queries(13):
        client.get(reverse("ipgar:access_log_signals"))
    with django_assert_num_queries(12):
        client.post(reverse("ipgar:access_log_person"), {"q": cases[0].code})


@pytest.mark.parametrize(
    ("record_type", "record_id", "label", "section", "action", "outcome", "sentence"),
    [
        ("cases.case", "8", "R-2020-003", "readers", "view", "allowed", "Lezers van R-2020-003 ingezien"),
        ("cases.case", "8", "R-2020-003", "meeting", "view", "allowed", "R-2020-003 op een vergaderpagina ingezien"),
        ("cases.case", "list", "", "", "list", "allowed", "Casuslijst ingezien"),
        (
            "cases.caseidentity",
            "*",
            "",
            "subject_access",
            "export",
            "allowed",
            "AVG-inzageverzoek (zoeken) geëxporteerd",
        ),
        ("meetings.meeting", "4", "", "pdf", "download", "allowed", "Verslag (PDF) van vergadering 4 gedownload"),
        ("ipgar.accesslogentry", "*", "", "access_log", "export", "allowed", "Toegangslog geëxporteerd"),
        ("cases.case", "9", "", "assign", "view", "impossible", "Niet mogelijk: toewijzing van 9"),
    ],
)
def test_sentences_for_what_the_views_write(record_type, record_id, label, section, action, outcome, sentence):
    from ipgar.access_labels import describe

    entry = AccessLogEntry(
        record_type=record_type,
        record_id=record_id,
        record_label=label,
        section=section,
        action=action,
        outcome=outcome,
    )
    assert describe(entry) == sentence
