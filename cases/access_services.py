"""Intervention-partner registration: the covenant form of seed 001 (issue 4).

A district project leader or attention officer sees need-to-know information about a case
only after being registered on it: organisation, person, purpose, interventions concerned,
registered by, from/until. Registering grants the need-to-know view (a PARTNER grant with
the same period); ending the registration revokes it at once.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipgar import date_window, roles

from . import permissions
from .models import Case, CaseAccessGrant, PartnerRegistration

# A partner has nothing to do on cases that never came into, or have left, the approach.
REGISTRABLE_STATUSES = set(Case.PARTNER_STATUSES)


@transaction.atomic
def partner_register(
    *,
    case: Case,
    person,
    organisation,
    purpose: str,
    interventions,
    by,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
) -> PartnerRegistration:
    """Register an intervention partner on a case; the programme team or the case's director does this."""
    if not permissions.can_manage_registrations(by, case):
        raise PermissionDenied
    # Before any arithmetic on them (pen test 19); the end is exclusive (the day after).
    date_window.check_dates(valid_from=valid_from, valid_until=valid_until, late_margin_days=1)
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors = {}
    if case.status not in REGISTRABLE_STATUSES:
        errors["__all__"] = _("Intervention partners cannot be registered on a case in this status.")
    if not roles.is_intervention_partner(person) or not person.is_active:
        errors["person"] = _("Only an active user in the intervention-partner role can be registered.")
    if not (purpose or "").strip():
        errors["purpose"] = _("Describe the purpose of the registration.")
    interventions = list(interventions or [])
    if any(intervention.case_id != case.pk for intervention in interventions):
        errors["interventions"] = _("Choose interventions of this case only.")
    valid_from = valid_from or timezone.now()
    if valid_until is not None and valid_until <= valid_from:
        errors["valid_until"] = _("The end of the registration lies before its start.")
    if not errors and _overlapping(case=case, person=person, valid_from=valid_from, valid_until=valid_until).exists():
        errors["person"] = _("This person is already registered on this case for (part of) that period.")
    if errors:
        raise ValidationError(errors)
    registration = PartnerRegistration.objects.create(
        case=case,
        organisation=organisation,
        person=person,
        purpose=purpose.strip(),
        registered_by=by,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    registration.interventions.set(interventions)
    permissions.grant_case_access(
        user=person,
        case=case,
        kind=CaseAccessGrant.Kind.PARTNER,
        reason=_("Intervention-partner registration %(number)s") % {"number": registration.pk},
        by=by,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return registration


def _overlapping(*, case, person, valid_from, valid_until):
    qs = PartnerRegistration.objects.filter(case=case, person=person, revoked_at__isnull=True)
    qs = qs.exclude(valid_until__isnull=False, valid_until__lte=valid_from)
    if valid_until is not None:
        qs = qs.exclude(valid_from__gte=valid_until)
    return qs


@transaction.atomic
def partner_registration_end(*, registration: PartnerRegistration, by) -> PartnerRegistration:
    """End a registration now; the partner's need-to-know view goes with it. Ending twice changes nothing."""
    if not permissions.can_manage_registrations(by, registration.case):
        raise PermissionDenied
    registration = (
        PartnerRegistration.objects.select_for_update().select_related("case", "person").get(pk=registration.pk)
    )
    if registration.revoked_at is not None:
        return registration
    now = timezone.now()
    registration.revoked_at = now
    registration.revoked_by = by
    registration.save(update_fields=["revoked_at", "revoked_by"])
    # The grant made with this registration has the same start (no overlaps are allowed).
    grants = CaseAccessGrant.objects.filter(
        case=registration.case,
        user=registration.person,
        kind=CaseAccessGrant.Kind.PARTNER,
        valid_from=registration.valid_from,
        revoked_at__isnull=True,
    )
    for grant in grants:
        permissions.revoke_case_access(grant=grant, by=by, at=now)
    return registration


def partner_registrations_end_with_case(*, case: Case, by, at: dt.datetime | None = None) -> int:
    """End every running registration of a case that left the approach (outflow, not included).

    Called by `cases.services.case_apply_decision`, which has already checked the decision;
    the partners' PARTNER grants end with them. Returns the number of registrations ended.
    """
    at = at or timezone.now()
    running = list(PartnerRegistration.objects.select_for_update().filter(case=case, revoked_at__isnull=True))
    for registration in running:
        registration.revoked_at = at
        registration.revoked_by = by
        registration.save(update_fields=["revoked_at", "revoked_by"])
    grants = CaseAccessGrant.objects.filter(case=case, kind=CaseAccessGrant.Kind.PARTNER, revoked_at__isnull=True)
    for grant in grants:
        permissions.revoke_case_access(grant=grant, by=by, at=at)
    return len(running)
