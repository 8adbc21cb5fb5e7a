"""Pages of need-to-know access: partner registration, the partner's view, AVG export.

Thin views: selectors and services do the work; everything a role may not see answers 404
and the denial is written to the access log.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipgar import access_log, roles
from ipgar.forms import run_service

from .. import permissions
from ..models import Case, CaseAccessGrant, PartnerRegistration
from . import selectors as access_selectors
from . import services as access_services
from . import subject_access as avg
from .forms import CaseCodeForm, ExplicitGrantForm, PartnerProgressForm, RegistrationForm, SubjectAccessForm

Action = access_log.Action
CASE = "cases.case"


def _deny(request, *, record_type: str = CASE, record_id: object = "*", section: str = ""):
    access_log.denied(request, record_type=record_type, record_id=record_id, section=section)
    raise Http404


# --- the intervention partner's need-to-know view --------------------------------------------


@require_GET
def partner_list(request):
    if not roles.is_intervention_partner(request.user):
        _deny(request, section="need_to_know")
    cases = access_selectors.partner_case_list(user=request.user)
    access_log.record(request, record_type=CASE, record_id="*", action=Action.LIST, section="need_to_know")
    return render(request, "cases/access/partner_list.html", {"cases": cases})


@require_GET
def partner_detail(request, case_id: int):
    case = None
    if roles.is_intervention_partner(request.user):
        case = access_selectors.partner_case_get(user=request.user, case_id=case_id)
    if case is None:
        _deny(request, record_id=case_id, section="need_to_know")
    access_log.record(request, record_type=CASE, record_id=case.pk, label=case.code, section="need_to_know")
    form = PartnerProgressForm(interventions=case.interventions, initial={"on": timezone.localdate()})
    return render(request, "cases/access/partner_detail.html", {"case": case, "progress_form": form})


@require_POST
def partner_progress(request, case_id: int):
    """The intervention partner reports back: progress, a contact, or the intervention finished."""
    case = None
    if roles.is_intervention_partner(request.user):
        case = access_selectors.partner_case_get(user=request.user, case_id=case_id)
    if case is None:
        _deny(request, record_id=case_id, section="partner_progress")
    form = PartnerProgressForm(request.POST, interventions=case.interventions)
    try:
        recorded = run_service(
            form,
            lambda data: access_services.partner_progress_record(
                user=request.user,
                case_id=case.pk,
                intervention_id=data["intervention"],
                what=data["what"],
                on=data["on"],
                note=data["note"],
            ),
        )
    except PermissionDenied:
        _deny(request, record_id=case_id, section="partner_progress")
    if recorded:
        messages.success(
            request, _("Thank you: your report on %(code)s is passed to the case director.") % {"code": case.code}
        )
        return redirect("access:partner_detail", case_id=case.pk)
    access_log.record(request, record_type=CASE, record_id=case.pk, label=case.code, section="need_to_know")
    return render(request, "cases/access/partner_detail.html", {"case": case, "progress_form": form})


# --- registration (the covenant form) -----------------------------------------------------------


def _managed_case(request, case_id: int) -> Case:
    case = Case.objects.visible_to(request.user).filter(pk=case_id).select_related("area").first()
    if case is None or not permissions.can_manage_registrations(request.user, case):
        _deny(request, record_id=case_id, section="registrations")
    return case


@require_GET
def registration_list(request, case_id: int):
    case = _managed_case(request, case_id)
    access_log.viewed(request, case, section="registrations")
    registrations = access_selectors.registration_list(case=case)
    return render(request, "cases/access/registration_list.html", {"case": case, "registrations": registrations})


@require_http_methods(["GET", "POST"])
def registration_create(request, case_id: int):
    case = _managed_case(request, case_id)
    form = RegistrationForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST" and run_service(
        form,
        lambda data: access_services.partner_register(
            case=case,
            person=data["person"],
            organisation=data["organisation"],
            purpose=data["purpose"],
            interventions=data["interventions"],
            by=request.user,
            valid_from=form.period()[0],
            valid_until=form.period()[1],
        ),
    ):
        messages.success(request, _("The intervention partner is registered."))
        return redirect("access:registration_list", case_id=case.pk)
    return render(request, "cases/access/registration_form.html", {"case": case, "form": form})


@require_POST
def registration_end(request, pk: int):
    registration = PartnerRegistration.objects.select_related("case").filter(pk=pk).first()
    if registration is None:
        _deny(request, record_type="cases.partnerregistration", record_id=pk, section="registrations")
    case = _managed_case(request, registration.case_id)
    access_services.partner_registration_end(registration=registration, by=request.user)
    messages.success(request, _("The registration has ended; the partner no longer has access."))
    return redirect("access:registration_list", case_id=case.pk)


# --- who can read a case, and why; explicit grants ------------------------------------------------


def _explained_case(request, case_id: int) -> Case:
    if not permissions.can_explain_access(request.user):
        _deny(request, record_id=case_id, section="readers")
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        _deny(request, record_id=case_id, section="readers")
    return case


@require_GET
def readers_lookup(request):
    """Find a case by its code to see who can read it (programme team, privacy officer)."""
    if not permissions.can_explain_access(request.user):
        _deny(request, section="readers")
    form = CaseCodeForm(request.GET or None)
    if form.is_valid():
        case = Case.objects.filter(code__iexact=form.cleaned_data["code"].strip()).only("pk").first()
        if case is not None:
            return redirect("access:case_readers", case_id=case.pk)
        form.add_error("code", _("No case has this code."))
    return render(request, "cases/access/readers_lookup.html", {"form": form})


@require_GET
def case_readers(request, case_id: int):
    case = _explained_case(request, case_id)
    access_log.record(request, record_type=CASE, record_id=case.pk, label=case.code, section="readers")
    context = {
        "case": case,
        "may_grant": permissions.can_manage_grants(request.user),
        **access_selectors.case_readers(case=case),
    }
    return render(request, "cases/access/case_readers.html", context)


@require_http_methods(["GET", "POST"])
def explicit_grant_create(request, case_id: int):
    case = _explained_case(request, case_id)
    if not permissions.can_manage_grants(request.user):
        _deny(request, record_id=case_id, section="grants")
    form = ExplicitGrantForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and run_service(
        form, lambda data: permissions.explicit_grant_give(case=case, by=request.user, **data)
    ):
        messages.success(request, _("Access is given."))
        return redirect("access:case_readers", case_id=case.pk)
    return render(
        request, "cases/access/grant_form.html", {"case": case, "form": form}, status=400 if form.errors else 200
    )


@require_POST
def explicit_grant_end(request, pk: int):
    grant = CaseAccessGrant.objects.filter(pk=pk, kind=CaseAccessGrant.Kind.EXPLICIT).first()
    if grant is None or not permissions.can_manage_grants(request.user):
        _deny(request, record_type="cases.caseaccessgrant", record_id=pk, section="grants")
    permissions.explicit_grant_end(grant=grant, by=request.user)
    messages.success(request, _("The access has ended."))
    return redirect("access:case_readers", case_id=grant.case_id)


# --- data-subject access (AVG art. 15) ------------------------------------------------------------


@sensitive_post_parameters("bsn", "last_name", "first_name", "date_of_birth")
@require_http_methods(["GET", "POST"])
def subject_access(request):
    # Criteria travel in the POST body only: no BSN or name in a URL (security).
    if not roles.is_programme_team(request.user):
        _deny(request, record_type="cases.caseidentity", section="subject_access")
    form = SubjectAccessForm(request.POST if request.method == "POST" else None)
    cases = None
    if request.method == "POST" and form.is_valid():
        criteria = {k: v for k, v in form.cleaned_data.items() if v}
        cases = list(avg.subject_cases(user=request.user, **criteria))
        export = request.POST.get("format")
        if export in {"pdf", "json"} and cases:
            return _subject_export(request, cases=cases, export=export)
        access_log.record(
            request, record_type="cases.caseidentity", record_id="*", action=Action.SEARCH, section="subject_access"
        )
        for case in cases:
            access_log.viewed(request, case, section="identity")
    return render(request, "cases/access/subject_access.html", {"form": form, "cases": cases})


def _subject_export(request, *, cases, export: str) -> HttpResponse:
    data = avg.subject_export(cases=cases)
    if export == "pdf":
        body, content_type = avg.subject_export_pdf(data=data), "application/pdf"
    else:
        body, content_type = avg.subject_export_json(data=data), "application/json"
    for case in cases:
        access_log.viewed(request, case, section="subject_access", action=Action.EXPORT)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{avg.export_filename(extension=export)}"'
    response["Cache-Control"] = "no-store, private"
    return response
