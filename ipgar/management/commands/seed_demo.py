import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app seeds its own demo data, in dependency order; all are idempotent.
DEMO_MODULES = [
    "ipgar.demo",  # accounts
    "pool.demo",  # the eight directors of the memo
    "cases.demo",  # 53 cases 2019-2026 and their history (police cases still with police directors)
    "pool.demo_after_cases",  # handover of the police cases, absences, reviews
    "cases.access.demo",  # intervention-partner registrations
    "meetings.demo",  # the seed meetings and a year of PTO-R and team meetings
    "monitor.demo",  # snapshots of the last eight quarters
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it twice changes nothing). Demo mode only."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo data is only loaded with DJANGO_DEBUG=true.")
        with transaction.atomic():
            for name in DEMO_MODULES:
                if importlib.util.find_spec(name) is None:
                    continue
                importlib.import_module(name).seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
