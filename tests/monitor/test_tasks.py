"""The periodic tasks: the quarterly build (idempotent, crash-safe, real worker) and daily digests."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.db.utils import DatabaseError

from cases.models import CaseAccessGrant
from monitor import tasks
from monitor.models import AlertDigest, MonitorSnapshot

from . import dataset
from .factories import (
    ActionItemFactory,
    CaseFactory,
    CaseloadReviewFactory,
    ContactFactory,
    DirectorFactory,
    ProgrammeUserFactory,
)


def _versions():
    return sorted(MonitorSnapshot.objects.values_list("year", "quarter", "variant", "version"))


@pytest.mark.django_db
def test_build_previous_quarter_defaults_to_the_quarter_that_just_ended():
    dataset.build()
    with time_machine.travel(dt.datetime(2025, 7, 1, 3, 0), tick=False):
        ids = tasks.build_previous_quarter.delay().get()
    assert _versions() == [(2025, 2, "gross", 1), (2025, 2, "net", 1)]
    assert len(ids) == 2
    gross = MonitorSnapshot.objects.get(variant="gross")
    assert gross.created_by is None and gross.figures["status"]["caseload"] == 6


@pytest.mark.django_db
def test_running_twice_leaves_one_version():
    dataset.build()
    with time_machine.travel(dt.datetime(2025, 7, 1, 3, 0), tick=False):
        first = tasks.build_previous_quarter(2025, 2)
        second = tasks.build_previous_quarter(2025, 2)
    assert sorted(first) == sorted(second)
    assert _versions() == [(2025, 2, "gross", 1), (2025, 2, "net", 1)]


@pytest.mark.django_db
def test_a_crash_halfway_leaves_nothing_and_the_retry_builds_the_whole_pair():
    dataset.build()
    # A real database failure while the second snapshot is written (no mock of our code).
    with connection.cursor() as cursor:
        cursor.execute(
            """CREATE FUNCTION test_refuse_net() RETURNS trigger AS $$
               BEGIN IF NEW.variant = 'net' THEN RAISE EXCEPTION 'simulated crash'; END IF; RETURN NEW; END;
               $$ LANGUAGE plpgsql;
               CREATE TRIGGER test_refuse_net BEFORE INSERT ON monitor_monitorsnapshot
               FOR EACH ROW EXECUTE FUNCTION test_refuse_net();"""
        )
    with time_machine.travel(dt.datetime(2025, 7, 1, 3, 0), tick=False), pytest.raises(DatabaseError):
        tasks.build_previous_quarter(2025, 2)
    assert MonitorSnapshot.objects.count() == 0  # the gross one written first was rolled back
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER test_refuse_net ON monitor_monitorsnapshot; DROP FUNCTION test_refuse_net();")
    with time_machine.travel(dt.datetime(2025, 7, 1, 3, 5), tick=False):
        tasks.build_previous_quarter(2025, 2)
    assert _versions() == [(2025, 2, "gross", 1), (2025, 2, "net", 1)]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_quarterly_task_is_idempotent_on_a_real_worker(celery_worker_process):
    # Transactional: the test reads what the worker commits. No reference data is needed,
    # as an earlier live-server test may have flushed the rows of the data migrations.
    app = celery_worker_process.app
    # Two deliveries at once (beat twice, or a redelivery after a lost ack) and one later retry.
    results = [
        app.send_task("monitor.tasks.build_previous_quarter", kwargs={"year": 2025, "quarter": 1}) for _ in range(2)
    ]
    ids = [result.get(timeout=120) for result in results]
    again = app.send_task("monitor.tasks.build_previous_quarter", kwargs={"year": 2025, "quarter": 1}).get(timeout=120)
    assert sorted(ids[0]) == sorted(ids[1]) == sorted(again)
    assert _versions() == [(2025, 1, "gross", 1), (2025, 1, "net", 1)]
    assert MonitorSnapshot.objects.get(variant="gross").figures["period"]["end"] == "2025-03-31"


@pytest.fixture
def alert_world(db):
    """A director with a silent case, an overdue action, a grant ending and no recent review."""
    on = dt.date(2025, 11, 3)
    with time_machine.travel(dt.datetime(2025, 11, 3, 6, 30), tick=False):
        director = DirectorFactory(active_from=dt.date(2024, 1, 1), user__email="regisseur@example.org")
        silent = CaseFactory(active=True, director=director, code="R-SILENT")
        busy = CaseFactory(active=True, director=director, code="R-BUSY")
        ContactFactory(case=busy, date=on - dt.timedelta(days=3))
        CaseloadReviewFactory(director=director, held_on=on - dt.timedelta(days=200))
        ActionItemFactory(owner=director.user, subject="Verslag aanvullen", deadline=on - dt.timedelta(days=2))
        ActionItemFactory(owner=director.user, subject="Al gedaan", done_on=on - dt.timedelta(days=5))
        grant = CaseAccessGrant.objects.get(case=busy, user=director.user)
        grant.valid_until = dt.datetime(2025, 11, 6, 12, 0, tzinfo=dt.UTC)
        grant.save()
        pending = CaseFactory(code="R-WAIT", reported_on=on - dt.timedelta(days=80))
        team = ProgrammeUserFactory(email="pt@example.org")
        reviewed = DirectorFactory(active_from=dt.date(2024, 1, 1))
        CaseloadReviewFactory(director=reviewed, held_on=on - dt.timedelta(days=20))
    return {"on": on, "director": director, "silent": silent, "pending": pending, "team": team, "reviewed": reviewed}


def test_daily_digest_tells_each_person_what_to_act_on(alert_world):
    on = alert_world["on"]
    with time_machine.travel(dt.datetime(2025, 11, 3, 6, 30), tick=False):
        result = tasks.send_daily_alerts(on.isoformat())
    by_recipient = {m.to[0]: m for m in mail.outbox}
    director_mail = by_recipient["regisseur@example.org"].body
    assert "R-SILENT" in director_mail and "R-BUSY" in director_mail  # silent case; grant on R-BUSY ends
    assert "Verslag aanvullen" in director_mail and "Al gedaan" not in director_mail
    assert "R-WAIT" not in director_mail  # pending reports go to the programme team
    team_mail = by_recipient["pt@example.org"].body
    assert "R-WAIT" in team_mail and str(alert_world["director"]) in team_mail
    assert str(alert_world["reviewed"]) not in team_mail
    assert result["sent"] == len(mail.outbox) >= 2
    digest = AlertDigest.objects.get(on=on, recipient=alert_world["director"].user)
    assert digest.sent_at is not None and digest.counts["no_contact"] == 1 and digest.counts["review_due"] == 1


def test_daily_digest_is_sent_once_per_day(alert_world):
    on = alert_world["on"]
    with time_machine.travel(dt.datetime(2025, 11, 3, 6, 30), tick=False):
        tasks.send_daily_alerts(on.isoformat())
        sent = len(mail.outbox)
        second = tasks.send_daily_alerts(on.isoformat())
    assert len(mail.outbox) == sent
    assert second["sent"] == 0 and second["skipped"] >= 2
    with time_machine.travel(dt.datetime(2025, 11, 4, 6, 30), tick=False):
        tasks.send_daily_alerts()  # the next day is a new digest
    assert len(mail.outbox) > sent
    assert AlertDigest.objects.filter(recipient=alert_world["director"].user).count() == 2


def test_a_failed_send_is_retried(alert_world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    on = alert_world["on"]
    with time_machine.travel(dt.datetime(2025, 11, 3, 6, 30), tick=False), pytest.raises(OSError):
        tasks.send_daily_alerts(on.isoformat())
    assert not AlertDigest.objects.filter(on=on, sent_at__isnull=False).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(dt.datetime(2025, 11, 3, 7, 30), tick=False):
        tasks.send_daily_alerts(on.isoformat())
    assert "regisseur@example.org" in {m.to[0] for m in mail.outbox}
