"""Absence and substitution: access for the absence period only; bad input gives form errors."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, CaseAccessGrant
from pool import services
from pool.models import Absence

from .factories import DirectorFactory, ProgrammeUserFactory, caseload

pytestmark = pytest.mark.django_db
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def at(day: dt.date, hour=12, minute=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMS)


def visible(user, case) -> bool:
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def test_substitute_sees_the_cases_only_during_the_absence(client):
    start, end = dt.date(2026, 7, 6), dt.date(2026, 7, 24)
    with time_machine.travel(at(dt.date(2026, 7, 1)), tick=False) as clock:
        absent, substitute = DirectorFactory(), DirectorFactory()
        cases = caseload(absent, 2)
        client.force_login(ProgrammeUserFactory())
        response = client.post(
            reverse("pool:absence_new", args=[absent.pk]),
            {"kind": "leave", "starts_on": start.isoformat(), "ends_on": end.isoformat(), "substitute": substitute.pk},
        )
        assert response.status_code == 302
        grant = CaseAccessGrant.objects.get(case=cases[0], user=substitute.user)
        assert grant.kind == CaseAccessGrant.Kind.SUBSTITUTE
        assert (grant.valid_from, grant.valid_until) == (at(start, 0), at(end + dt.timedelta(days=1), 0))
        assert not visible(substitute.user, cases[0])
        clock.move_to(at(start, 0, 0))
        assert all(visible(substitute.user, c) for c in cases)
        client.force_login(substitute.user)
        assert client.get(reverse("cases:detail", args=[cases[0].pk])).status_code == 200
        clock.move_to(at(end, 23, 59))
        assert visible(substitute.user, cases[1])
        clock.move_to(at(end + dt.timedelta(days=1), 0, 0))
        assert not visible(substitute.user, cases[1])
        client.force_login(substitute.user)  # the idle timeout ended the session during the jump
        assert client.get(reverse("cases:detail", args=[cases[0].pk])).status_code == 404
        # The absent director keeps their own access throughout.
        assert visible(absent.user, cases[0])


def test_substitutes_per_case_override_the_one_for_all():
    absent, all_sub, one_sub = DirectorFactory(), DirectorFactory(), DirectorFactory()
    first, second = caseload(absent, 2)
    absence = services.absence_register(
        director=absent,
        kind=Absence.Kind.ILLNESS,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
        substitute=all_sub,
        per_case={second: one_sub},
        by=ProgrammeUserFactory(),
    )
    grants = {(g.case_id, g.user_id) for g in CaseAccessGrant.objects.filter(kind=CaseAccessGrant.Kind.SUBSTITUTE)}
    assert grants == {(first.pk, all_sub.user_id), (second.pk, one_sub.user_id)}
    assert absence.substitutions.count() == 2


def test_cancelling_an_absence_ends_the_substitute_access():
    absent, substitute = DirectorFactory(), DirectorFactory()
    (case,) = caseload(absent, 1)
    today = dt.date.today()
    by = ProgrammeUserFactory()
    absence = services.absence_register(
        director=absent, kind="illness", starts_on=today, ends_on=today, substitute=substitute, by=by
    )
    assert visible(substitute.user, case)
    services.absence_cancel(absence=absence, by=by)
    assert not visible(substitute.user, case)


@pytest.fixture
def absent_and_form(client):
    absent, other = DirectorFactory(), DirectorFactory()
    caseload(absent, 1)
    client.force_login(ProgrammeUserFactory())
    url = reverse("pool:absence_new", args=[absent.pk])
    return absent, other, url


def test_absence_ending_before_it_starts_is_a_form_error(client, absent_and_form):
    _absent, _other, url = absent_and_form
    response = client.post(url, {"kind": "leave", "starts_on": "2026-07-10", "ends_on": "2026-07-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == ["De afwezigheid kan niet eindigen voordat zij begint."]
    assert not Absence.objects.exists()


def test_substitute_who_is_the_absent_director_is_a_form_error(client, absent_and_form):
    absent, _other, url = absent_and_form
    response = client.post(
        url, {"kind": "leave", "starts_on": "2026-07-01", "ends_on": "2026-07-10", "substitute": absent.pk}
    )
    assert response.context["form"].errors["substitute"] == ["Een regisseur kan zichzelf niet vervangen."]


def test_substitute_who_is_absent_himself_is_a_form_error(client, absent_and_form):
    absent, other, url = absent_and_form
    services.absence_register(
        director=other, kind="leave", starts_on=dt.date(2026, 7, 8), ends_on=dt.date(2026, 7, 20), by=absent.user
    )
    response = client.post(
        url, {"kind": "illness", "starts_on": "2026-07-01", "ends_on": "2026-07-10", "substitute": other.pk}
    )
    assert response.status_code == 200
    assert "zelf ook afwezig" in response.context["form"].errors["substitute"][0]
    assert Absence.objects.filter(director=absent).count() == 0


def test_substitute_per_case_who_is_absent_is_a_form_error(client, absent_and_form):
    absent, other, url = absent_and_form
    case = Case.objects.get(director=absent)
    services.absence_register(
        director=other, kind="leave", starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 1), by=absent.user
    )
    response = client.post(
        url, {"kind": "illness", "starts_on": "2026-07-01", "ends_on": "2026-07-10", f"sub_{case.pk}": other.pk}
    )
    assert response.status_code == 200
    assert "zelf ook afwezig" in " ".join(response.context["form"].non_field_errors())


def test_overview_shows_current_and_coming_absences(client):
    today = dt.date.today()
    director = DirectorFactory()
    services.absence_register(
        director=director,
        kind="leave",
        starts_on=today + dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=20),
        by=director.user,
    )
    client.force_login(ProgrammeUserFactory())
    (row,) = [d for d in client.get(reverse("pool:overview")).context["directors"] if d.pk == director.pk]
    assert [a.starts_on for a in row.current_absences] == [today + dt.timedelta(days=10)]


def test_a_case_given_to_an_absent_director_goes_to_the_substitute_for_the_rest_of_the_absence():
    from cases.services import case_assign_director
    from tests.cases.factories import CaseFactory

    by = ProgrammeUserFactory()
    with time_machine.travel(at(dt.date(2026, 3, 10)), tick=False):
        absent, substitute, before = DirectorFactory(), DirectorFactory(), DirectorFactory()
        caseload(absent, 1)
        services.absence_register(
            director=absent,
            kind=Absence.Kind.ILLNESS,
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 31),
            substitute=substitute,
            by=by,
        )
        new_case = CaseFactory(active=True, director=before)
        case_assign_director(case=new_case, director=absent, by=by, reason="herverdeling")
        assert visible(substitute.user, new_case)
        grant = CaseAccessGrant.objects.get(case=new_case, user=substitute.user)
        assert grant.valid_until == at(dt.date(2026, 4, 1), 0)
        assert new_case in Absence.objects.get(director=absent).substitutions.get().cases.all()
    with time_machine.travel(at(dt.date(2026, 4, 1), 1), tick=False):
        assert not visible(substitute.user, new_case)
