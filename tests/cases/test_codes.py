"""Report codes R-<year>-<NNN> stay unique when registrations run at the same time."""

import datetime as dt

import pytest
from django.db import connections

from cases import services
from cases.models import Area, ReportSource
from tests.cases.factories import ProgrammeUserFactory

pytestmark = pytest.mark.django_db


def test_a_registration_holds_the_years_code_lock_until_it_commits():
    """A second session cannot take the same year's lock while a registration is open, so
    two concurrent registrations are serialised and cannot compute the same number."""
    by = ProgrammeUserFactory()
    case = services.case_register(
        by=by, reported_on=dt.date(2026, 3, 1), report_source=ReportSource.objects.first(), area=Area.objects.first()
    )
    assert case.code == "R-2026-001"
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [services.CODE_LOCK_KEY, 2026])
            assert cursor.fetchone()[0] is False  # held by the open registration
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [services.CODE_LOCK_KEY, 2025])
            assert cursor.fetchone()[0] is True  # another year does not wait
            cursor.execute("SELECT pg_advisory_unlock_all()")
    finally:
        other.close()
