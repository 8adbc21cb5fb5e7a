"""Case pages: thin views over cases.selectors (reads) and cases.services (writes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from ipgar import access_log, roles
from ipgar.csv_export import csv_response
from ipgar.dates import short_date
from ipgar.forms import add_service_errors, run_service
from ipgar.sorting import sort_columns, sort_ordering

from . import permissions, selectors, services, workflow
from .filters import CASELOAD_SORT_FIELDS, CASELOAD_SORT_LABELS, SORT_FIELDS, SORT_LABELS, CaseFilter, CaseloadSort
from .forms import (
    CaseEditForm,
    CaseRegisterForm,
    ContactForm,
    EscalationForm,
    IdentityForm,
    InformationPictureForm,
    InterventionForm,
    NetworkLinkForm,
    PlanGoalForm,
    ScoreForm,
    StatusForm,
    ZrmForm,
)
from .models import Case, LifeDomain

PAGE_SIZE = 25
# The statuses in which the programme team gives a case a director (pool.selectors.cases_awaiting_director).


def _next_step(case: Case) -> str:
    """What happens next to a case in this status (for the confirmation after a save)."""
    steps = {
        Case.Status.REPORTED: _("assessment"),
        Case.Status.ASSESSMENT: _("IVG-R advice or a preventive talk"),
        Case.Status.PREVENTIVE_TALK: _("back to assessment when the talk is done"),
        Case.Status.ADVISED: _("assign a case director and put the case on the PTO-R agenda for inclusion"),
        Case.Status.ACTIVE: _("record contacts, interventions and the plan of approach"),
        Case.Status.STATIC: _("the PTO-R decides when the case becomes active again"),
        Case.Status.AFTERCARE: _("the PTO-R decides on outflow"),
    }
    return str(steps.get(case.status, ""))


def _saved(request, text: str, case: Case | None = None) -> None:
    """Confirm a save and offer the next step (read out by the live region in base.html)."""
    from ipgar.home_cache import programme_figures_changed

    programme_figures_changed()
    if case is not None and (step := _next_step(case)):
        text = _("%(text)s Next step: %(step)s.") % {"text": text, "step": step}
    messages.success(request, text)


def _not_found(request, pk, section=""):
    access_log.denied(request, record_type="cases.case", record_id=pk, section=section)
    raise Http404


def _visible_case(request, pk, *, change=False, identity=False) -> Case:
    """The case if the user may see it (and change it / see the identity); otherwise 404, logged."""
    case = selectors.case_get(user=request.user, pk=pk)
    if case is None:
        _not_found(request, pk)
    if change and not permissions.can_change(request.user, case):
        _not_found(request, pk, section="change")
    if identity and not permissions.can_view_identity(request.user, case):
        _not_found(request, pk, section="identity")
    return case


def _form_page(request, case, form, *, title, intro="", section="", submit=None, extra=None):
    context = {
        "case": case,
        "form": form,
        "title": title,
        "intro": intro,
        "submit": submit or _("Save"),
        **(extra or {}),
    }
    access_log.viewed(request, case, section=section)
    return render(request, "cases/form.html", context)


# --- lists ---------------------------------------------------------------------------------


def _case_list_filtered(request, base=None):
    """The case list's filterset over what the user may see (`base`: `selectors.case_list`, or
    its candidates for a page); a bad filter or sort is reported, never a 500."""
    base = selectors.case_list(user=request.user) if base is None else base
    filterset = CaseFilter(request.GET or None, queryset=base, user=request.user)
    if filterset.is_bound and not filterset.is_valid():
        messages.warning(request, _("Some filters or the sort order were not understood and are left out."))
    cases = filterset.qs
    if filterset.identity_lookup:
        access_log.record(
            request,
            record_type="cases.caseidentity",
            record_id="search",
            action=access_log.Action.SEARCH,
            section="identity_lookup",
        )
    return filterset, cases


def case_list(request):
    """All cases the user may see (programme team: all), filtered, searched, sorted and paginated."""
    if not (roles.is_programme_team(request.user) or roles.is_director(request.user)):
        access_log.denied(request, record_type="cases.case", record_id="list")
        raise Http404
    filterset, cases = _case_list_filtered(request, selectors.case_list_candidates(user=request.user))
    # Counted and paged as case ids only; the page's 25 cases are then read with their alerts.
    paginator = Paginator(cases.values("pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.case_list_rows(
        selectors.case_list_page(user=request.user, cases=cases, ids=page.object_list)
    )
    asked = request.GET.get("page", "1")
    if asked.isdigit() and int(asked) > page.number:
        messages.info(request, _("There is no page %(asked)s; this is the last page.") % {"asked": asked})
    access_log.record(request, record_type="cases.case", record_id="list", action=access_log.Action.LIST)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {
            "form": filterset.form,
            "page": page,
            "query": query.urlencode(),
            "columns": list(sort_columns(request, SORT_FIELDS, SORT_LABELS).values()),
            "can_register": permissions.can_register_case(request.user),
        },
    )


CSV_HEADER = [
    _lazy("code"),
    _lazy("status"),
    _lazy("reported on"),
    _lazy("area"),
    _lazy("risk category"),
    _lazy("ideology"),
    _lazy("case director"),
    _lazy("last contact"),
    _lazy("open alerts"),
]


def case_list_csv(request):
    """The filtered case list as a CSV for Dutch Excel (the same filters, search and sort)."""
    if not (roles.is_programme_team(request.user) or roles.is_director(request.user)):
        access_log.denied(request, record_type="cases.case", record_id="list.csv")
        raise Http404
    _filterset, cases = _case_list_filtered(request)
    rows = [
        [
            case.code,
            case.get_status_display(),
            short_date(case.reported_on),
            case.area,
            case.risk_category or "",
            case.ideology or "",
            (case.director.user.get_full_name() or case.director.user.username) if case.director else "",
            short_date(case.last_contact_on),
            case.open_alert_count,
        ]
        for case in cases
    ]
    access_log.record(request, record_type="cases.case", record_id="list", action=access_log.Action.EXPORT)
    return csv_response(filename="casussen.csv", header=[str(h) for h in CSV_HEADER], rows=rows)


def caseload(request):
    """ "Mijn caseload": own cases and those held as a substitute."""
    if not roles.is_director(request.user):
        access_log.denied(request, record_type="cases.case", record_id="caseload")
        raise Http404
    # The sort asked for, validated as for any list; the caseload's query is compiled once per sort.
    ordering = sort_ordering(request, CaseloadSort, Case)
    cases = selectors.caseload_rows(user=request.user, ordering=ordering)
    scores = selectors.latest_scores_by_case(case.pk for case in cases)
    domains = list(LifeDomain.objects.in_use()) if cases else []
    for case in cases:
        case.latest_scores = scores.get(case.pk, [])
        scored = {score.domain.pk for score in case.latest_scores}
        case.never_scored = [domain for domain in domains if domain.pk not in scored]
    access_log.record(request, record_type="cases.case", record_id="caseload", action=access_log.Action.LIST)
    columns = sort_columns(request, CASELOAD_SORT_FIELDS, CASELOAD_SORT_LABELS)
    return render(request, "cases/caseload.html", {"cases": cases, "columns": columns})


# --- registration --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_new(request):
    if not permissions.can_register_case(request.user):
        access_log.denied(request, record_type="cases.case", record_id="new")
        raise Http404
    form = CaseRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        identity = {field: data.pop(field) or "" for field in services.IDENTITY_FIELDS if field != "date_of_birth"}
        identity["date_of_birth"] = data.pop("date_of_birth")
        if run_service(form, lambda _data: services.case_register(by=request.user, identity=identity, **data)):
            case = form.result
            _saved(request, _("Report %(code)s registered.") % {"code": case.code}, case)
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/new.html", {"form": form})


# --- the case file -------------------------------------------------------------------------


def case_detail(request, pk):
    case = _visible_case(request, pk)
    user = request.user
    file = selectors.case_file(user=user, case=case)
    # The identity only on request (one click), and that read is the page's one log row:
    # "identity of R-2020-003 viewed" instead of a case row plus an identity row on every view.
    show_identity = request.GET.get("identity") == "show"
    identity = selectors.case_identity(user=user, case=case) if show_identity else None
    access_log.viewed(request, case, section="identity" if identity is not None else "")
    legal_hold = case.legal_holds.filter(lifted_at__isnull=True).first() if case.legal_hold else None
    targets = workflow.allowed_targets(case)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "file": file,
            "identity": identity,
            "identity_requested": show_identity,
            "legal_hold": legal_hold,
            "may_change": permissions.can_change(user, case),
            "may_manage_registrations": permissions.can_manage_registrations(user, case),
            "may_explain_access": permissions.can_explain_access(user),
            "may_see_identity": permissions.can_view_identity(user, case),
            "programme_steps": services.programme_targets(case) if permissions.can_register_case(user) else [],
            "decision_steps": [Case.Status(t).label for t in targets if workflow.needs_decision(case, t)],
            "may_assign": roles.is_programme_team(user) and case.status in Case.ASSIGNABLE_STATUSES,
        },
    )


def case_history(request, pk):
    case = _visible_case(request, pk)
    # The identity's changes only on request (one click), and then that read is the page's one
    # log row: it used to add an identity row to the history row on every view.
    may_see_identity = permissions.can_view_identity(request.user, case)
    show_identity = may_see_identity and request.GET.get("identity") == "show"
    entries = selectors.case_history(user=request.user, case=case, identity=show_identity)
    access_log.viewed(request, case, section="identity_history" if show_identity else "history")
    return render(
        request,
        "cases/history.html",
        {"case": case, "entries": entries, "may_see_identity": may_see_identity, "identity_shown": show_identity},
    )


@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case = _visible_case(request, pk, change=True)
    form = CaseEditForm(request.POST or None, case=case, initial=CaseEditForm.initial_for(case))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.case_update(case=case, by=request.user, version=version, **data)
            messages.success(request, _("Details of %(code)s saved.") % {"code": case.code})
            return redirect("cases:detail", pk=case.pk)
        except services.ConcurrentUpdateError as error:
            form.add_error(None, error)
            stored = CaseEditForm(case=error.stored, initial=CaseEditForm.initial_for(error.stored))
            conflict = [
                {
                    "label": form[name].label,
                    "stored": _shown(stored, name, CaseEditForm.initial_for(error.stored)[name]),
                    "submitted": _shown(form, name, data.get(name)),
                }
                for name in services.CASE_EDIT_FIELDS
            ]
            # The next submit is based on what is stored now; the user's input stays in the form.
            form.data = form.data.copy()
            form.data["version"] = error.stored.version
        except ValidationError as error:
            add_service_errors(form, error)
    return _form_page(
        request,
        case,
        form,
        title=_("Edit case %(code)s") % {"code": case.code},
        extra={"conflict": conflict},
    )


def _shown(form, name, value):
    field = form.fields[name]
    if value is None or value == "":
        return "—"
    if hasattr(field, "queryset"):
        obj = value if hasattr(value, "pk") else field.queryset.filter(pk=value).first()
        return str(obj) if obj else "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "strftime"):
        return short_date(value)
    return str(value)


@require_http_methods(["GET", "POST"])
def case_identity(request, pk):
    case = _visible_case(request, pk, identity=True)
    identity = selectors.case_identity(user=request.user, case=case)
    initial = {f: getattr(identity, f) for f in services.IDENTITY_FIELDS} if identity else {}
    form = IdentityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: (v if v is not None else None) for k, v in form.cleaned_data.items()}
        if run_service(form, lambda _data: services.identity_update(case=case, by=request.user, **data)):
            messages.success(request, _("Identity of %(code)s saved.") % {"code": case.code})
            return redirect("cases:detail", pk=case.pk)
    return _form_page(request, case, form, title=_("Identity of %(code)s") % {"code": case.code}, section="identity")


@require_http_methods(["GET", "POST"])
def case_information_picture(request, pk):
    case = _visible_case(request, pk, identity=True)
    form = InformationPictureForm(
        request.POST or None, initial={"version": case.version, "text": case.information_picture}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.information_picture_update(
                case=case, by=request.user, version=form.cleaned_data["version"], text=form.cleaned_data["text"]
            )
            messages.success(request, _("Information picture of %(code)s saved.") % {"code": case.code})
            return redirect("cases:detail", pk=case.pk)
        except services.ConcurrentUpdateError as error:
            form.add_error(None, error)
            conflict = [
                {
                    "label": _("information picture"),
                    "stored": error.stored.information_picture or "—",
                    "submitted": form.cleaned_data["text"] or "—",
                }
            ]
            form.data = form.data.copy()
            form.data["version"] = error.stored.version
    return _form_page(
        request,
        case,
        form,
        title=_("Information picture of %(code)s") % {"code": case.code},
        section="identity",
        extra={"conflict": conflict},
    )


@require_http_methods(["GET", "POST"])
def case_status(request, pk):
    """The steps before the PTO-R (assessment, IVG-R advice, preventive talk): programme team."""
    case = _visible_case(request, pk)
    if not permissions.can_register_case(request.user):
        _not_found(request, pk, section="status")
    targets = services.programme_targets(case)
    form = StatusForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        step = services.PROGRAMME_STEPS[form.cleaned_data["to"]]
        if run_service(form, lambda _data: step(case=case, by=request.user, reason=form.cleaned_data["reason"])):
            case.refresh_from_db()
            _saved(
                request,
                _("The status of %(code)s is now “%(status)s”.")
                % {"code": case.code, "status": case.get_status_display()},
                case,
            )
            return redirect("cases:detail", pk=case.pk)
    return _form_page(
        request,
        case,
        form,
        title=_("Change the status of %(code)s") % {"code": case.code},
        intro=_("Inclusion, not including, static and outflow are made from a PTO-R decision, not here."),
    )


def _simple_write(
    request, pk, form_class, service, *, title, done_text, redirect_anchor="", form_kwargs=None, **defaults
):
    case = _visible_case(request, pk, change=True)
    form = form_class(request.POST or None, initial=defaults, **(form_kwargs or {}))
    done = request.method == "POST" and form.is_valid()
    if done and run_service(form, lambda _data: service(case=case, by=request.user, **form.cleaned_data)):
        messages.success(request, done_text % {"code": case.code})
        return redirect(reverse("cases:detail", kwargs={"pk": case.pk}) + redirect_anchor)
    return _form_page(request, case, form, title=title % {"code": case.code})


@require_http_methods(["GET", "POST"])
def contact_new(request, pk):
    return _simple_write(
        request,
        pk,
        ContactForm,
        services.contact_record,
        title=_("Record a contact for %(code)s"),
        done_text=_("Contact recorded for %(code)s."),
        redirect_anchor="#contacts",
        date=timezone.localdate(),
    )


@require_http_methods(["GET", "POST"])
def intervention_new(request, pk):
    return _simple_write(
        request,
        pk,
        InterventionForm,
        services.intervention_record,
        title=_("Add an intervention to %(code)s"),
        done_text=_("Intervention added to %(code)s."),
        redirect_anchor="#interventions",
    )


@require_http_methods(["GET", "POST"])
def intervention_edit(request, pk, intervention_pk):
    case = _visible_case(request, pk, change=True)
    intervention = selectors.intervention_get(case=case, pk=intervention_pk)
    if intervention is None:
        # The case may be changed; this item of it does not exist: not a need-to-know denial.
        access_log.not_possible(request, record_type="cases.case", record_id=pk, section="intervention")
        raise Http404
    initial = {f: getattr(intervention, f) for f in services.INTERVENTION_FIELDS}
    form = InterventionForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda _data: services.intervention_update(intervention=intervention, by=request.user, **form.cleaned_data),
        )
    ):
        messages.success(request, _("Intervention of %(code)s saved.") % {"code": case.code})
        return redirect(reverse("cases:detail", kwargs={"pk": case.pk}) + "#interventions")
    return _form_page(request, case, form, title=_("Change intervention of %(code)s") % {"code": case.code})


@require_http_methods(["GET", "POST"])
def score_new(request, pk):
    return _simple_write(
        request,
        pk,
        ScoreForm,
        services.life_domain_score_record,
        title=_("Score a life domain of %(code)s"),
        done_text=_("Life-domain score recorded for %(code)s."),
        redirect_anchor="#life-domains",
        scored_on=timezone.localdate(),
    )


@require_http_methods(["GET", "POST"])
def zrm(request, pk):
    """Score every life domain in one form; the latest score of each is shown, acute ones marked."""
    case = _visible_case(request, pk, change=True)
    domains = LifeDomain.objects.in_use()
    form = ZrmForm(request.POST or None, domains=domains, initial={"scored_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        scores = form.scores()
        saved = run_service(
            form,
            lambda _data: services.life_domain_scores_record(
                case=case, by=request.user, scored_on=form.cleaned_data["scored_on"], scores=scores
            ),
        )
        if saved:
            count = len(form.result)
            messages.success(
                request,
                ngettext(
                    "%(count)d life domain of %(code)s scored.",
                    "%(count)d life domains of %(code)s scored.",
                    count,
                )
                % {"count": count, "code": case.code},
            )
            return redirect(reverse("cases:detail", kwargs={"pk": case.pk}) + "#life-domains")
    latest = {score.domain_id: score for score in selectors.case_file(user=request.user, case=case).latest_scores}
    rows = [(domain, field, latest.get(domain.pk)) for domain, field in form.domain_fields()]
    access_log.viewed(request, case, section="life_domains")
    return render(
        request,
        "cases/zrm.html",
        {"case": case, "form": form, "rows": rows, "never_scored": [d for d, _f, last in rows if last is None]},
    )


@require_http_methods(["GET", "POST"])
def plan_goal_new(request, pk):
    return _simple_write(
        request,
        pk,
        PlanGoalForm,
        services.plan_goal_set,
        title=_("Add a goal to the plan of %(code)s"),
        done_text=_("Goal added to the plan of %(code)s."),
        redirect_anchor="#plan",
    )


@require_http_methods(["GET", "POST"])
def plan_goal_edit(request, pk, goal_pk):
    case = _visible_case(request, pk, change=True)
    goal = selectors.plan_goal_get(case=case, pk=goal_pk)
    if goal is None:
        # The case may be changed; this item of it does not exist: not a need-to-know denial.
        access_log.not_possible(request, record_type="cases.case", record_id=pk, section="plan")
        raise Http404
    form = PlanGoalForm(
        request.POST or None,
        initial={"domain": goal.domain_id, "goal": goal.goal, "status": goal.status},
        current_domain=goal.domain,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, lambda _data: services.plan_goal_set(case=case, by=request.user, plan_goal=goal, **form.cleaned_data)
        )
    ):
        messages.success(request, _("Goal of the plan of %(code)s saved.") % {"code": case.code})
        return redirect(reverse("cases:detail", kwargs={"pk": case.pk}) + "#plan")
    return _form_page(request, case, form, title=_("Change a goal of the plan of %(code)s") % {"code": case.code})


@require_http_methods(["GET", "POST"])
def link_new(request, pk):
    case = _visible_case(request, pk, change=True)
    form = NetworkLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        other = Case.objects.visible_to(request.user).filter(code__iexact=data.pop("other_code").strip()).first()
        if other is None:
            form.add_error("other_code", _("Unknown case code."))
        elif run_service(
            form, lambda _data: services.network_link_add(case=case, other=other, by=request.user, **data)
        ):
            messages.success(request, _("%(code)s linked to %(other)s.") % {"code": case.code, "other": other.code})
            return redirect(reverse("cases:detail", kwargs={"pk": case.pk}) + "#network")
    return _form_page(request, case, form, title=_("Link %(code)s to another case") % {"code": case.code})


@require_http_methods(["GET", "POST"])
def escalate(request, pk):
    case = _visible_case(request, pk, change=True)
    form = EscalationForm(request.POST or None)
    done = request.method == "POST" and form.is_valid()
    if done and run_service(
        form, lambda _data: services.case_escalate(case=case, by=request.user, **form.cleaned_data)
    ):
        messages.success(
            request, _("Request for %(code)s recorded. Next step: it goes on the agenda.") % {"code": case.code}
        )
        return redirect(reverse("cases:detail", kwargs={"pk": case.pk}) + "#escalations")
    return _form_page(
        request,
        case,
        form,
        title=_("Escalate %(code)s or ask the PTO-R for a decision") % {"code": case.code},
        intro=_(
            "ITAT-R and ITAT-R+ advise on a stuck case. Static, outflow and ending static are asked of the "
            "PTO-R, which decides in its meeting."
        ),
    )
