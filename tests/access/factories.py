"""Factories of the access tests: intervention partners and their registrations."""

import factory
from django.utils import timezone

from cases.access import services as access_services
from ipgar import roles
from ipgar.models import Organisation
from tests.cases.factories import CaseFactory, ProgrammeUserFactory
from tests.ipgar.factories import UserFactory


class InterventionPartnerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"stadsdeel-{n}")
    organisation = factory.LazyFunction(lambda: Organisation.objects.get(code="stadsdeel-west"))
    phone = "020 555 0101"

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            self.groups.add(Group.objects.get(name=extracted or roles.INTERVENTION_PARTNER))


def register_partner(*, case=None, person=None, by=None, interventions=(), **kwargs):
    """Register through the real service (the grant comes with it)."""
    case = case or CaseFactory(active=True)
    person = person or InterventionPartnerFactory()
    return access_services.partner_register(
        case=case,
        person=person,
        organisation=kwargs.pop("organisation", person.organisation),
        purpose=kwargs.pop("purpose", "Inzet jongerenwerk in de wijk."),
        interventions=interventions,
        by=by or ProgrammeUserFactory(),
        valid_from=kwargs.pop("valid_from", timezone.now()),
        **kwargs,
    )
