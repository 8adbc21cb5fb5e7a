"""Pages of the pool: thin; selectors read, services write, pool.permissions decides."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.models import Case
from ipgar import access_log
from ipgar.csv_export import csv_response
from ipgar.forms import run_service
from ipgar.home_cache import programme_figures_changed
from ipgar.paging import page_of, query_without_page
from ipgar.sorting import sort_columns, sort_filterset, sort_ordering

from . import forms, permissions, rows, selectors, services
from .models import Director, Instruction

CSV_COLUMNS = [
    gettext_lazy("username"),
    gettext_lazy("name"),
    gettext_lazy("organisation"),
    gettext_lazy("FTE"),
    gettext_lazy("capacity"),
    gettext_lazy("active cases"),
    gettext_lazy("over capacity"),
]

# The pool overview's sortable columns; by default by username.
OVERVIEW_SORT_FIELDS = (
    ("user__last_name", "director"),
    ("organisation__name", "organisation"),
    ("active_cases", "caseload"),
    ("max_cases", "capacity"),
    ("places_free", "free_places"),
)
OVERVIEW_SORT_LABELS = {
    "user__last_name": gettext_lazy("Director"),
    "organisation__name": gettext_lazy("Organisation"),
    "active_cases": gettext_lazy("cases"),
    "max_cases": gettext_lazy("maximum"),
    "places_free": gettext_lazy("free places"),
}
OverviewSort = sort_filterset(OVERVIEW_SORT_FIELDS, OVERVIEW_SORT_LABELS, then=("user__username",))
# Directors per page of the overview: a page costs the same at 20 or 200 directors (issue 17).
OVERVIEW_PAGE_SIZE = 25


def _refuse(request, *, record_type: str, record_id="", section: str = ""):
    access_log.denied(request, record_type=record_type, record_id=record_id, section=section)
    raise Http404


def _require_manager(request, *, record_type="pool", record_id="", section=""):
    if not permissions.can_manage_pool(request.user):
        _refuse(request, record_type=record_type, record_id=record_id, section=section)


def _director_or_404(request, pk: int):
    _require_manager(request, record_type="pool.director", record_id=pk)
    director = selectors.director_get(pk=pk)
    if director is None:
        _refuse(request, record_type="pool.director", record_id=pk)
    return director


def overview(request):
    if not permissions.can_view_pool(request.user):
        _refuse(request, record_type="pool", section="overview")
    search_form = forms.PoolSearchForm(request.GET or None)
    search = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    directors = rows.OverviewRows(
        ordering=sort_ordering(request, OverviewSort, Director), search=search, on=timezone.localdate()
    )
    page = page_of(request, directors, per_page=OVERVIEW_PAGE_SIZE)
    access_log.record(request, record_type="pool.director", action=access_log.Action.LIST, section="overview")
    columns = sort_columns(request, OVERVIEW_SORT_FIELDS, OVERVIEW_SORT_LABELS)
    # "Cases / maximum" sorts three ways (cases, maximum, free places): one header, one aria-sort.
    load_sort = next(
        (columns[p]["aria_sort"] for p in ("caseload", "capacity", "free_places") if columns[p]["aria_sort"] != "none"),
        "none",
    )
    return render(
        request,
        "pool/overview.html",
        {
            "directors": list(page.object_list),
            "page": page,
            "query": query_without_page(request),
            "search_form": search_form,
            "search": search,
            "today": timezone.localdate(),
            "awaiting": rows.cases_awaiting_director(limit=50),
            "columns": columns,
            "load_sort": load_sort,
        },
    )


def caseload_csv(request):
    """Every director of the pool (not a page of them), streamed row by row."""
    if not permissions.can_view_pool(request.user):
        _refuse(request, record_type="pool", section="caseload.csv")
    yes, no = _("yes"), _("no")
    rows = (
        [
            row["user__username"],
            f"{row['user__first_name']} {row['user__last_name']}".strip(),
            row["organisation__name"],
            formats.number_format(row["fte"], 2),
            row["max_cases"],
            row["active_cases"],
            yes if row["active_cases"] > row["max_cases"] else no,
        ]
        for row in selectors.pool_overview_csv_rows()
    )
    access_log.record(request, record_type="pool.director", action=access_log.Action.DOWNLOAD, section="caseload.csv")
    return csv_response(filename="caseload.csv", header=[str(label) for label in CSV_COLUMNS], rows=rows)


def my_figures(request):
    """A director's own capacity figures, absences, next review and open instructions."""
    if not permissions.can_view_own_figures(request.user):
        _refuse(request, record_type="pool", section="mine")
    director = selectors.director_get(pk=request.user.director.pk)
    instructions = list(selectors.open_instructions(director=director))
    access_log.viewed_many(request, _cases_in([], instructions), section="caseload_review")
    return render(
        request,
        "pool/mine.html",
        {
            "director": director,
            "today": timezone.localdate(),
            "instructions": instructions,
        },
    )


def director_detail(request, pk: int):
    own = getattr(request.user, "director", None) if permissions.can_view_own_figures(request.user) else None
    if own is not None and own.pk == pk and not permissions.can_manage_pool(request.user):
        # A director's own page is "My capacity": the same figures, without the pool's tools.
        return redirect("pool:mine")
    director = _director_or_404(request, pk)
    access_log.record(request, record_type="pool.director", record_id=pk, action=access_log.Action.VIEW)
    reviews = list(selectors.director_reviews(director=director)[:4])
    instructions = list(selectors.open_instructions(director=director))
    # The reviews' remarks and instructions are case data: each case shown leaves a row.
    access_log.viewed_many(request, _cases_in(reviews, instructions), section="caseload_review")
    return render(
        request,
        "pool/director_detail.html",
        {
            "director": director,
            "today": timezone.localdate(),
            "caseload": selectors.director_caseload(director=director),
            "reviews": reviews,
            "instructions": instructions,
            "three_ways": director.three_way_conversations.select_related("oov_participant")[:3],
            "absences": director.absences.prefetch_related("substitutions__substitute__user")[:10],
        },
    )


def _cases_in(reviews, instructions):
    for review in reviews:
        yield from (item.case for item in review.items.all())
        yield from (instruction.case for instruction in review.instructions.all() if instruction.case_id)
    yield from (instruction.case for instruction in instructions if instruction.case_id)


def director_form(request, pk: int | None = None):
    _require_manager(request, record_type="pool.director", record_id=pk or "")
    director = _director_or_404(request, pk) if pk else None
    form = forms.DirectorForm(request.POST or None, instance=director)

    def save(data):
        fields = {key: value for key, value in data.items() if key != "user"}
        if director is None:
            return services.director_create(user=data["user"], by=request.user, **fields)
        return services.director_update(director=director, by=request.user, **fields)

    if request.method == "POST" and run_service(form, save):
        messages.success(request, _("The pool has been updated."))
        return redirect("pool:director", pk=form.result.pk)
    return render(request, "pool/director_form.html", {"form": form, "director": director})


def assign_list(request):
    _require_manager(request, section="assign")
    coming = Case.objects.filter(status__in=[Case.Status.REPORTED, Case.Status.ASSESSMENT], director__isnull=True)
    return render(
        request,
        "pool/assign_list.html",
        {
            "cases": selectors.cases_awaiting_director(),
            "coming": coming.order_by("reported_on", "code")[:50],
        },
    )


def assign(request, case_pk: int):
    _require_manager(request, record_type="cases.case", record_id=case_pk, section="assign")
    case = selectors.assignable_case_get(pk=case_pk)
    if case is None:
        if Case.objects.visible_to(request.user).filter(pk=case_pk).exists():
            # The manager may read the case; it is just not assignable (yet): not a need-to-know denial.
            access_log.not_possible(request, record_type="cases.case", record_id=case_pk, section="assign")
            raise Http404
        _refuse(request, record_type="cases.case", record_id=case_pk, section="assign")
    needs_form = forms.NeedsForm(request.GET or None)
    needs = needs_form.cleaned_data["needs"] if needs_form.is_valid() else []
    search_form = forms.PoolSearchForm(request.GET or None)
    search = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    posted = request.POST.get("director", "")
    view = selectors.assistant(
        case=case,
        extra_partner_ids=[o.pk for o in needs],
        browse="all" in request.GET,
        search=search,
        page=request.GET.get("page"),
        chosen_pk=int(posted) if posted.isdigit() and len(posted) < 19 else None,
    )
    form = forms.AssignForm(request.POST or None, proposals=view.choices())
    if request.method == "POST" and run_service(
        form,
        lambda data: services.case_assign(
            case=case,
            director=form.chosen(),
            by=request.user,
            reason=data["reason"],
            confirm_over_capacity=data["confirm_over_capacity"],
        ),
    ):
        programme_figures_changed()
        messages.success(request, _("%(code)s is assigned to %(name)s.") % {"code": case.code, "name": form.chosen()})
        return redirect("pool:overview")
    access_log.viewed(request, case, section="assign")
    return render(
        request,
        "pool/assign.html",
        {
            "case": case,
            "view": view,
            "proposals": view.proposed,
            "form": form,
            "needs_form": needs_form,
            "needs": needs,
            "search_form": search_form,
            "search": search,
            "page": view.others,
            "query": query_without_page(request),
        },
    )


def handover(request, pk: int):
    director = _director_or_404(request, pk)
    cases = list(selectors.director_caseload(director=director))
    form = forms.HandoverForm(request.POST or None, director=director, cases=cases)
    if request.method == "POST" and run_service(
        form,
        lambda data: services.cases_hand_over(
            moves=data["moves"],
            by=request.user,
            reason=data["reason"],
            confirm_over_capacity=data["confirm_over_capacity"],
            on=data["on"],
        ),
    ):
        messages.success(request, _("%(count)s case(s) handed over.") % {"count": len(form.result)})
        return redirect("pool:director", pk=director.pk)
    access_log.record(
        request, record_type="pool.director", record_id=pk, action=access_log.Action.LIST, section="handover"
    )
    return render(request, "pool/handover.html", {"director": director, "form": form})


def absence_new(request, pk: int):
    director = _director_or_404(request, pk)
    cases = list(selectors.director_caseload(director=director))
    form = forms.AbsenceForm(request.POST or None, cases=cases)
    if request.method == "POST" and run_service(
        form,
        lambda data: services.absence_register(
            director=director,
            by=request.user,
            **{key: data[key] for key in ("kind", "starts_on", "ends_on", "note", "substitute", "per_case")},
        ),
    ):
        messages.success(request, _("The absence has been registered."))
        return redirect("pool:director", pk=director.pk)
    return render(request, "pool/absence_form.html", {"director": director, "form": form})


def review_new(request, pk: int):
    director = _director_or_404(request, pk)
    cases = list(selectors.director_caseload(director=director))
    form = forms.ReviewForm(request.POST or None, cases=cases)
    if request.method == "POST" and run_service(
        form,
        lambda data: services.review_record(
            director=director, held_on=data["held_on"], summary=data["summary"], items=form.items(), by=request.user
        ),
    ):
        messages.success(request, _("The caseload review has been recorded."))
        return redirect("pool:director", pk=director.pk)
    return render(request, "pool/review_form.html", {"director": director, "form": form})


@require_POST
def instruction_done(request, pk: int):
    _require_manager(request, record_type="pool.instruction", record_id=pk)
    instruction = get_object_or_404(Instruction.objects.select_related("review"), pk=pk)
    services.instruction_complete(instruction=instruction, by=request.user)
    messages.success(request, _("The instruction is marked done."))
    return redirect("pool:director", pk=instruction.review.director_id)


def three_way_new(request, pk: int):
    director = _director_or_404(request, pk)
    form = forms.ThreeWayForm(
        request.POST or None, initial={"line_manager_name": director.line_manager_name, "oov_participant": request.user}
    )
    if request.method == "POST" and run_service(
        form, lambda data: services.three_way_record(director=director, by=request.user, **data)
    ):
        messages.success(request, _("The three-way conversation has been recorded."))
        return redirect("pool:director", pk=director.pk)
    return render(request, "pool/three_way_form.html", {"director": director, "form": form})


def directory(request):
    if not permissions.can_search_directory(request.user):
        _refuse(request, record_type="pool.contact", section="directory")
    form = forms.DirectorySearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return render(
        request,
        "pool/directory.html",
        {"form": form, "query": query, "contacts": selectors.contact_search(query=query)},
    )
