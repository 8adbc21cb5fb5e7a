"""Demo intervention-partner registrations: sd-west on three cases of district West.

The covenant form filled in as the programme team would: organisation, person, purpose,
interventions concerned, registered by, from/until. Idempotent: a second run adds nothing.
"""

import datetime as dt

from django.utils import timezone

from ipgar.models import Organisation, User

from ..models import Case, PartnerRegistration
from . import services as access_services

PURPOSES = [
    "Inzet jongerenwerk en dagbesteding in de wijk; afstemming met de casusregisseur (need-to-know).",
    "Borging in de nazorgfase door het stadsdeel: zicht op woonsituatie en netwerk in de buurt.",
    "Begeleiding naar opleiding via het wijkteam; terugkoppeling aan de casusregisseur.",
]


def seed(*, stdout=None) -> list[PartnerRegistration]:
    person = User.objects.filter(username="sd-west").first()
    registered_by = User.objects.filter(username="pt").first()
    if person is None or registered_by is None:
        return []
    existing = list(PartnerRegistration.objects.filter(person=person))
    if existing:
        return existing
    cases = list(
        Case.objects.filter(area__code="west", status__in=[Case.Status.ACTIVE, Case.Status.AFTERCARE])
        .order_by("code")
        .prefetch_related("interventions")[: len(PURPOSES)]
    )
    organisation = Organisation.objects.get(code="stadsdeel-west")
    now = timezone.now()
    start = min(now - dt.timedelta(days=1), timezone.make_aware(dt.datetime(2026, 9, 1, 9, 0)))
    registrations = []
    for index, (case, purpose) in enumerate(zip(cases, PURPOSES, strict=False)):
        interventions = [i for i in case.interventions.all() if i.ended_on is None][:2]
        registrations.append(
            access_services.partner_register(
                case=case,
                person=person,
                organisation=organisation,
                purpose=purpose,
                interventions=interventions,
                by=registered_by,
                valid_from=start,
                # One registration runs for a fixed period, as the covenant allows.
                valid_until=now + dt.timedelta(days=180) if index == 1 else None,
            )
        )
    if stdout is not None:
        stdout.write(f"Intervention-partner registrations: {len(registrations)} for sd-west (district West).")
    return registrations
