"""The privacy officer's retention pages: legal holds, the forecast and the retention log.

Metadata only: case codes, statuses, dates and terms, never case content.
"""

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import retention
from cases.models import Case, LegalHold

from . import access_log, roles
from .forms import run_service
from .models import RetentionLogEntry

FORECAST_DAYS = 30


class LegalHoldForm(forms.Form):
    case_code = forms.CharField(
        label=gettext_lazy("Case code"), max_length=20, help_text=gettext_lazy("e.g. R-2020-003")
    )
    reason = forms.CharField(label=gettext_lazy("Reason for the hold"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_case_code(self):
        code = self.cleaned_data["case_code"].strip()
        case = Case.objects.filter(code__iexact=code).first()
        if case is None:
            raise ValidationError(_("No case has code %(code)s."), params={"code": code}, code="unknown_case")
        self.case = case
        return case.code


class LiftForm(forms.Form):
    hold = forms.ModelChoiceField(queryset=LegalHold.objects.filter(lifted_at__isnull=True), widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Reason for lifting"), widget=forms.Textarea(attrs={"rows": 2}))


def _require_privacy_officer(request, record_type: str) -> None:
    if not roles.is_privacy_officer(request.user):
        access_log.denied(request, record_type=record_type, record_id="*", section="retention")
        raise Http404


@require_http_methods(["GET", "POST"])
def retention_overview(request):
    """Legal holds (set, lift, past) and what retention empties in the next 30 days, and why."""
    _require_privacy_officer(request, "cases.legalhold")
    form = LegalHoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = form.case
        if run_service(form, lambda data: retention.legal_hold_set(case=case, by=request.user, reason=data["reason"])):
            access_log.record(
                request, record_type="cases.case", record_id=case.pk, label=case.code, section="legal_hold_set"
            )
            messages.success(request, _("Legal hold set on %(code)s.") % {"code": case.code})
            return redirect("ipgar:retention")
    today = timezone.localdate()
    forecast = retention.retention_schedule(today=today, horizon_days=FORECAST_DAYS)
    holds = list(LegalHold.objects.select_related("case", "set_by", "lifted_by").order_by("lifted_at", "-set_at")[:200])
    access_log.record(
        request, record_type="cases.legalhold", record_id="*", action=access_log.Action.LIST, section="retention"
    )
    return render(
        request,
        "ipgar/retention.html",
        {
            "form": form,
            "forecast": forecast,
            "forecast_days": FORECAST_DAYS,
            "today": today,
            "open_holds": [h for h in holds if h.lifted_at is None],
            "past_holds": [h for h in holds if h.lifted_at is not None],
            "retention_years": settings.IPGAR_RETENTION_YEARS,
            "report_days": settings.IPGAR_REPORT_RETENTION_DAYS,
        },
    )


@require_POST
def legal_hold_lift(request):
    _require_privacy_officer(request, "cases.legalhold")
    form = LiftForm(request.POST)
    if form.is_valid():
        hold = form.cleaned_data["hold"]
        if run_service(form, lambda data: retention.legal_hold_lift(hold=hold, by=request.user, reason=data["reason"])):
            access_log.record(
                request,
                record_type="cases.case",
                record_id=hold.case_id,
                label=hold.case.code,
                section="legal_hold_lift",
            )
            messages.success(request, _("Legal hold on %(code)s lifted.") % {"code": hold.case.code})
            return redirect("ipgar:retention")
    return render(request, "ipgar/legal_hold_lift.html", {"form": form}, status=200)


@require_GET
def retention_log(request):
    _require_privacy_officer(request, "ipgar.retentionlogentry")
    page = Paginator(RetentionLogEntry.objects.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    access_log.record(
        request,
        record_type="ipgar.retentionlogentry",
        record_id="*",
        action=access_log.Action.LIST,
        section="retention",
    )
    names = {model._meta.model_name: model._meta.verbose_name for model in apps.get_models()}
    names |= {"identity": _("identity"), "agendaitem_title": _("agenda item title")}
    for entry in page:
        entry.term = retention.rule_label(entry.rule) if entry.rule else ""
        entry.total = sum(entry.removed.values())
        entry.parts = [_removed_label(names, key, count) for key, count in sorted(entry.removed.items())]
    return render(request, "ipgar/retention_log.html", {"page": page, "query": ""})


def _removed_label(names: dict, key: str, count: int) -> str:
    """ "minuteentry_history", 3 -> "minute entry, earlier versions: 3" (the log stores model names).

    "mentions:pool.absence.note", 1 -> "name, BSN, date of birth or address in absence (note): 1
    rows": mentions of the person outside the case's own records (ipgar.retention.remove_mentions).
    """
    if key.startswith("mentions:"):
        label, field = key.removeprefix("mentions:"), ""
        try:
            app_model, field_name = label.rsplit(".", 1)
            model = apps.get_model(app_model)
            label, field = str(model._meta.verbose_name), str(model._meta.get_field(field_name).verbose_name)
        except (LookupError, ValueError, FieldDoesNotExist):  # a model or field removed since
            pass
        return _("name, BSN, date of birth or address in %(record)s (%(field)s): %(count)s rows") % {
            "record": label,
            "field": field,
            "count": count,
        }
    history = key.endswith("_history")
    base = key.removesuffix("_history")
    label = str(names.get(base, base))
    if history:
        label = _("%(record)s, earlier versions") % {"record": label}
    return f"{label}: {count}"
