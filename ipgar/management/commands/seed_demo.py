"""Load the demo data: each app's steps, in an explicit order (docs/domain.md).

This command composes the apps (it may import any of them); every write goes through the
owning app's services or its own demo step. Each step is idempotent, so running it twice
changes nothing.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import cases.access.demo
import cases.demo
import ipgar.demo
import meetings.demo
import monitor.demo
import pool.demo
from meetings import services as meeting_services
from meetings.models import Meeting, MeetingBody


def pto_r_decision(*, case, on: dt.date, kind: str, text: str, by, director=None, outflow_reason=None):
    """A PTO-R decision about a case on `on`, recorded as the meetings app records one: the
    meeting of that day (made with its standard agenda when missing), the case on its agenda,
    the numbered decision, which carries the case's transition."""
    body = MeetingBody.objects.get(kind=MeetingBody.Kind.PTO_R)
    meeting = Meeting.objects.filter(body=body, date=on).order_by("pk").first()
    if meeting is None:
        meeting = meeting_services.meeting_create(
            body=body, date=on, by=by, place="Stadhuis, Amstel 1", start_time=dt.time(10, 0)
        )
    item = meeting_services.agenda_item_add(meeting=meeting, title="", by=by, case=case)
    return meeting_services.decision_create(
        meeting=meeting,
        agenda_item=item,
        text=text,
        by=by,
        kind=kind,
        case=case,
        director=director,
        outflow_reason=outflow_reason,
        confirm_over_capacity=True,
    )


def _cases(*, stdout=None) -> None:
    cases.demo.seed(stdout=stdout, pto_r_decision=pto_r_decision)


def _retire_former_police(*, stdout=None) -> None:
    ipgar.demo.deactivate_accounts(usernames=pool.demo.FORMER_POLICE)


# (what it builds, the step). The order is the story: accounts, the pool, the cases (with the
# police directors still in it), the handover and the rest of the pool's year, registrations,
# meetings, monitor snapshots.
STEPS = [
    ("accounts", ipgar.demo.seed),
    ("the eight directors of the memo", pool.demo.seed),
    ("the former police directors", pool.demo.seed_former_police),
    ("53 cases 2019-2026 and their history", _cases),
    ("plan goals dated with their first score", cases.demo.date_plan_goals),
    ("police handover, absences, reviews, directory", pool.demo.seed_after_cases),
    ("the police directors leave", _retire_former_police),
    ("intervention-partner registrations", cases.access.demo.seed),
    ("the seed meetings and a year of meetings", meetings.demo.seed),
    ("monitor snapshots of the last eight quarters", monitor.demo.seed),
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it twice changes nothing). Demo mode only."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo data is only loaded with DJANGO_DEBUG=true.")
        with transaction.atomic():
            for _what, step in STEPS:
                step(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
