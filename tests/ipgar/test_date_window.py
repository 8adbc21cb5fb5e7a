"""Dates outside 1900-01-01 .. today + 5 years are field errors, never a 500 (ipgar/date_window.py)."""

import datetime as dt

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import permissions
from cases.models import CaseAccessGrant, PartnerRegistration
from ipgar import date_window
from ipgar.models import Organisation
from pool import services as pool_services
from pool.models import Absence
from tests.access.factories import InterventionPartnerFactory, register_partner
from tests.cases.factories import CaseFactory, ProgrammeUserFactory
from tests.pool.factories import DirectorFactory, caseload

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)
WINDOW_ERROR = "Geef een datum tussen 01-01-1900 en 29-11-2031."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_every_form_date_field_is_bounded_even_one_defined_elsewhere():
    class SomeoneElsesForm(forms.Form):
        on = forms.DateField()
        at = forms.DateTimeField()

    for value, ok in [("1899-12-31", False), ("1900-01-01", True), ("2031-11-29", True), ("2031-11-30", False)]:
        form = SomeoneElsesForm({"on": value, "at": f"{value} 10:00"})
        assert form.is_valid() is ok, (value, form.errors)
        if not ok:
            assert form.errors == {"on": [WINDOW_ERROR], "at": [WINDOW_ERROR]}


@pytest.mark.parametrize("change", [{"valid_until": "9999-12-31"}, {"valid_from": "0001-01-01"}])
def test_registration_form_refuses_dates_outside_the_window(client, change):
    case = CaseFactory(active=True)
    client.force_login(ProgrammeUserFactory())
    data = {
        "organisation": Organisation.objects.get(code="stadsdeel-west").pk,
        "person": InterventionPartnerFactory().pk,
        "purpose": "Jongerenwerk",
        "valid_from": TODAY.isoformat(),
        **change,
    }
    response = client.post(reverse("access:registration_create", kwargs={"case_id": case.pk}), data)
    assert response.status_code == 200
    field = next(iter(change))
    assert response.context["form"].errors[field] == [WINDOW_ERROR]
    assert not PartnerRegistration.objects.filter(case=case).exists()


def test_services_refuse_dates_outside_the_window():
    case = CaseFactory(active=True)
    far = timezone.make_aware(dt.datetime(9999, 12, 30))
    with pytest.raises(ValidationError) as error:
        register_partner(case=case, valid_until=far)
    assert error.value.message_dict == {"valid_until": [WINDOW_ERROR]}
    with pytest.raises(ValidationError) as error:
        register_partner(case=case, valid_from=timezone.make_aware(dt.datetime(1, 1, 2)))
    assert error.value.message_dict == {"valid_from": [WINDOW_ERROR]}
    with pytest.raises(ValidationError):
        permissions.grant_case_access(
            user=case.director.user, case=case, kind="explicit", reason="r", by=ProgrammeUserFactory(), valid_until=far
        )
    director = DirectorFactory()
    with pytest.raises(ValidationError) as error:
        pool_services.absence_register(
            director=director, kind="leave", starts_on=TODAY, ends_on=dt.date(9999, 12, 31), by=ProgrammeUserFactory()
        )
    assert error.value.message_dict == {"ends_on": [WINDOW_ERROR]}
    with pytest.raises(ValidationError) as error:
        pool_services.review_record(director=director, held_on=dt.date(1, 1, 1), by=ProgrammeUserFactory())
    assert error.value.message_dict == {"held_on": [WINDOW_ERROR]}


def test_the_last_day_of_the_window_still_works():
    director = DirectorFactory()
    caseload(director, 1)
    absence = pool_services.absence_register(
        director=director,
        kind="leave",
        starts_on=TODAY,
        ends_on=dt.date(2031, 11, 29),
        substitute=DirectorFactory(),
        by=ProgrammeUserFactory(),
    )
    assert absence.ends_on == dt.date(2031, 11, 29)
    assert CaseAccessGrant.objects.filter(kind="substitute", valid_until__date=dt.date(2031, 11, 30)).count() == 1


def test_absence_ending_in_9999_is_a_form_error(client):
    director = DirectorFactory()
    caseload(director, 1)
    client.force_login(ProgrammeUserFactory())
    response = client.post(
        reverse("pool:absence_new", args=[director.pk]),
        {"kind": "leave", "starts_on": TODAY.isoformat(), "ends_on": "9999-12-31"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == [WINDOW_ERROR]
    assert not Absence.objects.exists()


def _store_year_one(table, column, value):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET valid_from = '0001-01-01 00:00+01', valid_until = '0001-01-02 00:00+01' "
            f"WHERE {column} = %s",
            [value],
        )


def test_expire_grants_ends_the_other_grants_when_one_row_is_broken():
    # A row stored before the window existed (here written past the services) must not stop
    # the hourly sweep for every case.
    good = register_partner(valid_until=timezone.now() + dt.timedelta(hours=1))
    bad = register_partner()
    # 0001-01-01 in Amsterdam is 0000-12-31 in UTC: PostgreSQL stores it, Python cannot read it.
    _store_year_one("cases_caseaccessgrant", "user_id", bad.person.pk)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        ended = permissions.expire_grants()
    assert ended >= 1
    grant = CaseAccessGrant.objects.get(user=good.person)
    assert grant.revoked_at is not None


def test_the_repair_migration_makes_a_stored_year_one_registration_readable(client):
    from importlib import import_module

    from django.db import connection

    registration = register_partner()
    _store_year_one("cases_partnerregistration", "id", registration.pk)
    _store_year_one("cases_caseaccessgrant", "user_id", registration.person.pk)
    with connection.cursor() as cursor:
        cursor.execute(import_module("cases.migrations.0008_dates_into_window").REPAIR_SQL)
    registration.refresh_from_db()
    assert registration.valid_from == dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
    client.force_login(ProgrammeUserFactory())
    response = client.get(reverse("access:registration_list", kwargs={"case_id": registration.case_id}))
    assert response.status_code == 200


def test_date_arithmetic_does_not_overflow():
    assert date_window.day_after(dt.date(9999, 12, 31)) is None
    assert date_window.add_days(dt.date(1, 1, 1), -1) is None
    assert date_window.day_after(dt.date(2026, 12, 31)) == dt.date(2027, 1, 1)


@pytest.mark.parametrize("year", [1, 99999, 2100])
def test_monitor_urls_with_years_outside_the_window_answer_404(client, year):
    client.force_login(ProgrammeUserFactory())
    for name in ("monitor:detail", "monitor:export_pdf", "monitor:export_xlsx"):
        assert client.get(reverse(name, args=[year, 1, "gross"])).status_code == 404


def test_monitor_generation_refuses_a_year_outside_the_window(client):
    client.force_login(ProgrammeUserFactory())
    response = client.post(reverse("monitor:index"), {"year": "2099", "quarter": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors  # a form error, not a 500 or a future monitor
