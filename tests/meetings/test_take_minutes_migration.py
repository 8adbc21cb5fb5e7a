"""The data migration that gave meetings made before guardian's take_minutes their rows and
their minutes (meetings/migrations/0005), run on rows written the old way."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from meetings import permissions
from meetings.models import Meeting, MeetingBody, Minutes

from .factories import DirectorUserFactory, ProgrammeUserFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("meetings.migrations.0005_take_minutes_permission")


def test_existing_meetings_get_their_minutes_and_their_minute_takers():
    pt, secretary, other = ProgrammeUserFactory(), DirectorUserFactory(), DirectorUserFactory()
    body = MeetingBody.objects.get(kind=MeetingBody.Kind.TEAM)
    # As meetings were stored before: no guardian rows, one even without minutes.
    old = Meeting.objects.create(body=body, date=dt.date(2025, 3, 4), secretary=secretary)
    with_minutes = Meeting.objects.create(body=body, date=dt.date(2025, 4, 1), secretary=None)
    Minutes.objects.create(meeting=with_minutes, status=Minutes.Status.ADOPTED)
    assert not any(permissions.can_take_minutes(u, m) for u in (pt, secretary, other) for m in (old, with_minutes))

    migration.grant(apps, None)
    migration.grant(apps, None)  # a second run changes nothing

    assert Minutes.objects.get(meeting=old).status == Minutes.Status.DRAFT
    assert Minutes.objects.get(meeting=with_minutes).status == Minutes.Status.ADOPTED
    assert permissions.can_take_minutes(pt, old) and permissions.can_take_minutes(pt, with_minutes)
    assert permissions.can_take_minutes(secretary, old)
    assert not permissions.can_take_minutes(secretary, with_minutes)
    assert not permissions.can_take_minutes(other, old)
