"""The privacy officer's reading of the access log (metadata only, never case content)."""

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import access_log as audit
from . import roles
from .csv_export import csv_response
from .models import AccessLogEntry


class AccessLogFilterForm(forms.Form):
    person = forms.CharField(label=_("Person (username)"), required=False)
    record = forms.CharField(label=_("Record (e.g. case code)"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    denied_only = forms.BooleanField(label=_("Denied only"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_until") and data["date_until"] < data["date_from"]:
            raise forms.ValidationError(_("The end date lies before the start date."))
        return data


def access_log_filtered(*, data) -> tuple[AccessLogFilterForm, "QuerySet[AccessLogEntry]"]:  # noqa: F821
    """The log filtered by the form; an invalid form yields no rows."""
    form = AccessLogFilterForm(data or None)
    entries = AccessLogEntry.objects.all()
    if data and not form.is_valid():
        return form, entries.none()
    cleaned = form.cleaned_data if data else {}
    if cleaned.get("person"):
        entries = entries.filter(username__iexact=cleaned["person"])
    if cleaned.get("record"):
        term = cleaned["record"].strip()
        # Denials carry only the requested id (the code was not shown): find them by the case's id too.
        case_ids = [
            str(pk)
            for pk in apps.get_model("cases", "Case").objects.filter(code__iexact=term).values_list("pk", flat=True)
        ]
        entries = entries.filter(
            Q(record_label__iexact=term) | Q(record_id=term) | Q(record_type="cases.case", record_id__in=case_ids)
        )
    if cleaned.get("date_from"):
        entries = entries.filter(at__date__gte=cleaned["date_from"])
    if cleaned.get("date_until"):
        entries = entries.filter(at__date__lte=cleaned["date_until"])
    if cleaned.get("denied_only"):
        entries = entries.filter(outcome=AccessLogEntry.Outcome.DENIED)
    return form, entries


def _require_privacy_officer(request):
    if not roles.is_privacy_officer(request.user):
        audit.denied(request, record_type="ipgar.accesslogentry", record_id="*")
        raise Http404


@require_GET
def access_log(request):
    _require_privacy_officer(request)
    form, entries = access_log_filtered(data=request.GET)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    access_log_module_record(request, action=AccessLogEntry.Action.LIST)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ipgar/access_log.html", {"form": form, "page": page, "query": query.urlencode()})


@require_GET
def access_log_csv(request):
    _require_privacy_officer(request)
    _form, entries = access_log_filtered(data=request.GET)
    access_log_module_record(request, action=AccessLogEntry.Action.EXPORT)
    columns = [
        ("at", _("time")),
        ("username", _("username")),
        ("role", _("role")),
        ("organisation", _("organisation")),
        ("record_type", _("record type")),
        ("record_id", _("record id")),
        ("record_label", _("record")),
        ("section", _("section")),
        ("action", _("action")),
        ("outcome", _("outcome")),
        ("client_address", _("client address")),
        ("path", _("path")),
    ]

    def rows():
        for entry in _in_chunks(entries):
            yield [entry.at.isoformat(), *(getattr(entry, name) for name, _label in columns[1:])]

    return csv_response(filename="access-log.csv", header=[str(label) for _name, label in columns], rows=rows())


def _in_chunks(entries, size: int = 2000):
    """Newest first, a chunk at a time by keyset (at, id): constant memory without a server-side cursor."""
    last = None
    while True:
        chunk = entries.order_by("-at", "-id")
        if last is not None:
            chunk = chunk.filter(Q(at__lt=last.at) | Q(at=last.at, id__lt=last.id))
        batch = list(chunk[:size])
        if not batch:
            return
        yield from batch
        last = batch[-1]


def access_log_module_record(request, *, action):
    # Reading the log is itself logged (FIELD-NOTES 27).
    audit.record(request, record_type="ipgar.accesslogentry", record_id="*", action=action, section="access_log")
