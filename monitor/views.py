"""Thin views of the quarterly monitor: a list, one monitor, its exports, generating one."""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ipgar import access_log

from . import exports, permissions, presentation, selectors, services
from .forms import GenerateForm
from .models import MonitorSnapshot
from .quarters import Quarter

RECORD_TYPE = "monitor.monitorsnapshot"


def _deny(request, record_id: str):
    access_log.denied(request, record_type=RECORD_TYPE, record_id=record_id)
    raise Http404


@require_http_methods(["GET", "POST"])
def index(request):
    """The available monitors; the programme team also generates one here."""
    if not permissions.variants_for(request.user):
        _deny(request, "*")
    form = None
    if permissions.can_generate(request.user):
        form = GenerateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                gross, _net = services.snapshot_generate(
                    year=form.cleaned_data["year"],
                    quarter=form.cleaned_data["quarter"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The monitor of %(quarter)s was made (version %(version)s).")
                    % {"quarter": f"{gross.year} Q{gross.quarter}", "version": gross.version},
                )
                return redirect(_url(gross, "detail"))
    elif request.method == "POST":
        _deny(request, "generate")
    snapshots = selectors.snapshot_list(user=request.user)
    return render(request, "monitor/index.html", {"snapshots": snapshots, "form": form})


def _url(snapshot: MonitorSnapshot, name: str) -> str:
    return reverse(f"monitor:{name}", args=[snapshot.year, snapshot.quarter, snapshot.variant])


def _snapshot_or_404(
    request, year: int, quarter: int, variant: str, version: int | None = None, *, figures: bool = True
) -> MonitorSnapshot:
    snapshot = selectors.snapshot_get(
        user=request.user, year=year, quarter=quarter, variant=variant, version=version, figures=figures
    )
    if snapshot is None:
        _deny(request, f"{year}-Q{quarter}-{variant}" + (f"-v{version}" if version else ""))
    return snapshot


def _label(snapshot: MonitorSnapshot) -> str:
    return f"{snapshot.year}-Q{snapshot.quarter}-{snapshot.variant}-v{snapshot.version}"


def _threshold(snapshot: MonitorSnapshot) -> int:
    threshold = getattr(snapshot, "threshold", None)  # read with a net monitor only
    return 5 if threshold is None else threshold


def version(request, year: int, quarter: int, variant: str, version: int):
    """An earlier (or any) frozen version: every version stays readable."""
    return detail(request, year, quarter, variant, version=version)


def detail(request, year: int, quarter: int, variant: str, version: int | None = None):
    """The newest version of one monitor, rendered from its frozen figures."""
    snapshot = _snapshot_or_404(request, year, quarter, variant, version, figures=False)
    access_log.record(request, record_type=RECORD_TYPE, record_id=snapshot.pk, label=_label(snapshot))
    # Built, and the figures read, only when the template's fragment cache misses (they are frozen).
    sections = functools.cache(lambda: presentation.sections(snapshot.figures, variant=snapshot.variant))
    versions_list = selectors.snapshot_versions(user=request.user, year=year, quarter=quarter, variant=variant)
    own = None
    if snapshot.variant == MonitorSnapshot.Variant.NET:
        own = selectors.own_caseload_row(user=request.user, year=year, quarter=quarter)
    return render(
        request,
        "monitor/detail.html",
        {
            "snapshot": snapshot,
            "sections": sections,
            "versions": len(versions_list),
            "versions_list": versions_list,
            # The period is the quarter's (as figures.compute wrote it), the threshold the net
            # release's: neither needs the figures.
            "period": Quarter(snapshot.year, snapshot.quarter),
            "notes": presentation.notes(_threshold(snapshot)),
            "audit_failures": presentation.audit_failures(snapshot.audit) if not snapshot.released else [],
            "own": own,
            "own_table": presentation.own_table(own) if own else None,
            "can_generate": permissions.can_generate(request.user),
        },
    )


def export_pdf(request, year: int, quarter: int, variant: str):
    snapshot = _snapshot_or_404(request, year, quarter, variant)
    access_log.record(
        request, record_type=RECORD_TYPE, record_id=snapshot.pk, label=_label(snapshot), action="export", section="pdf"
    )
    body = exports.pdf(request=request, snapshot=snapshot)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="monitor-{_label(snapshot)}.pdf"'
    return response


def export_xlsx(request, year: int, quarter: int, variant: str):
    snapshot = _snapshot_or_404(request, year, quarter, variant)
    access_log.record(
        request, record_type=RECORD_TYPE, record_id=snapshot.pk, label=_label(snapshot), action="export", section="xlsx"
    )
    body = exports.xlsx(snapshot=snapshot)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="monitor-{_label(snapshot)}.xlsx"'
    return response
