"""Notices by e-mail leave the request: a failing mail server never fails a committed write."""

import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from cases.models import Case
from pool import services, tasks

from .factories import CaseFactory, DirectorFactory, ProgrammeUserFactory, organisation

pytestmark = pytest.mark.django_db


class FlakySMTPBackend(EmailBackend):
    """The locmem backend behind a mail server that refuses the first `failures` sends."""

    failures = 0
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakySMTPBackend"
    FlakySMTPBackend.calls = 0

    def fail(times):
        FlakySMTPBackend.failures = times
        return FlakySMTPBackend

    return fail


def test_a_failing_mail_server_does_not_fail_a_committed_assignment(
    client, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail(1000)  # down for good
    director = DirectorFactory(organisation=organisation("oov"), fte=Decimal("1.0"))
    case = CaseFactory(advised=True)
    client.force_login(ProgrammeUserFactory())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("pool:assign", args=[case.pk]), {"director": director.pk, "reason": "Ruimte"})
    assert response.status_code == 302
    assert response["Location"] == reverse("pool:overview")
    assert Case.objects.get(pk=case.pk).director_id == director.pk
    assert [callback.__qualname__ for callback in callbacks] == ["enqueue(pool.tasks.notify_new_director)"]
    # Tasks run in-process here: the task tried, retried up to its limit, and gave up quietly.
    assert FlakySMTPBackend.calls == 1 + tasks.notify_new_director.max_retries
    assert mail.outbox == []


def test_the_notice_is_retried_until_the_mail_server_answers(flaky_mail, django_capture_on_commit_callbacks):
    flaky_mail(2)
    director = DirectorFactory(organisation=organisation("oov"), fte=Decimal("1.0"))
    case = CaseFactory(advised=True, code="R-2026-901")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_assign(case=case, director=director, by=ProgrammeUserFactory(), reason="Ruimte")
    assert FlakySMTPBackend.calls == 3
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [director.user.email]
    assert "R-2026-901" in mail.outbox[0].body


def test_notice_task_retries_with_backoff_on_mail_errors():
    task = tasks.notify_new_director
    assert set(task.autoretry_for) == {smtplib.SMTPException, OSError}
    assert (task.retry_backoff, task.retry_backoff_max, task.max_retries) == (30, 3600, 8)
