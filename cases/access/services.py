"""Intervention-partner registration: the covenant form of docs/domain.md source S1.

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

from .. import permissions
from ..models import Case, CaseAccessGrant, Contact, Intervention, PartnerRegistration

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
    # Before any arithmetic on them; the end is exclusive (the day after).
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


PROGRESS_NOTE, PROGRESS_CONTACT, PROGRESS_FINISHED = "note", "contact", "finished"


@transaction.atomic
def partner_progress_record(*, user, case_id: int, intervention_id: int, what: str, on: dt.date, note: str = ""):
    """An intervention partner reports back on their own intervention: a short progress
    note, a contact with the person, or the intervention finished. Only on an intervention named
    in the partner's registration in force; the case's director reads it in the case's contacts."""
    registrations = PartnerRegistration.objects.active().filter(
        case_id=case_id, person=user, case__status__in=REGISTRABLE_STATUSES
    )
    intervention = (
        Intervention.objects.select_for_update()
        .filter(pk=intervention_id, case_id=case_id, partnerregistration__in=registrations)
        .select_related("type")
        .first()
    )
    if not roles.is_intervention_partner(user) or intervention is None:
        raise PermissionDenied
    if on > timezone.localdate():
        raise ValidationError({"on": _("This date lies in the future.")}, code="future_date")
    if what not in (PROGRESS_NOTE, PROGRESS_CONTACT, PROGRESS_FINISHED):
        raise ValidationError({"what": _("Choose what you report.")}, code="what")
    if what == PROGRESS_NOTE and not note.strip():
        raise ValidationError({"note": _("Write the progress in a short note.")}, code="note_required")
    organisation = getattr(user.organisation, "name", "") if user.organisation_id else ""
    prefix = _("%(intervention)s (%(organisation)s)") % {
        "intervention": intervention.type,
        "organisation": organisation,
    }
    if what == PROGRESS_FINISHED:
        if intervention.ended_on is not None and intervention.status == Intervention.Status.COMPLETED:
            raise ValidationError(_("This intervention is already finished."), code="already_finished")
        if intervention.started_on and on < intervention.started_on:
            raise ValidationError({"on": _("The end lies before the start.")}, code="end_before_start")
        intervention.status = Intervention.Status.COMPLETED
        intervention.ended_on = on
        intervention._history_user = user
        intervention._change_reason = "finished, reported by the intervention partner"
        intervention.full_clean()
        intervention.save()
        text = _("%(prefix)s: intervention finished. %(note)s") % {"prefix": prefix, "note": note}
    elif what == PROGRESS_CONTACT:
        text = _("%(prefix)s: contact with the person. %(note)s") % {"prefix": prefix, "note": note}
    else:
        text = _("%(prefix)s: progress. %(note)s") % {"prefix": prefix, "note": note}
    contact = Contact(
        case_id=case_id,
        date=on,
        kind=Contact.Kind.FACE_TO_FACE if what == PROGRESS_CONTACT else Contact.Kind.OTHER,
        by=user,
        note=text.strip(),
    )
    contact._history_user = user
    contact.full_clean()
    contact.save()
    return contact
