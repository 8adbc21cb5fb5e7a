"""The privacy officer's reading of the access log (metadata only, never case content)."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access_labels, access_signals, roles
from . import access_log as audit
from .access_log_query import Cursor, LogQuery
from .csv_export import csv_response
from .models import AccessLogEntry, AccessLogReview


def _date_input():
    # ISO in the value, as <input type="date"> requires; a localised value would render empty.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class AccessLogFilterForm(forms.Form):
    person = forms.CharField(label=_("Person (username)"), required=False)
    record = forms.CharField(label=_("Record (e.g. case code)"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_until = forms.DateField(label=_("Until"), required=False, widget=_date_input())
    denied_only = forms.BooleanField(label=_("Denied only"), required=False)
    # The reviewer's own reading of the log floods the top; hidden unless asked for.
    include_mine = forms.BooleanField(label=_("Also show my own reads"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_until") and data["date_until"] < data["date_from"]:
            raise forms.ValidationError(_("The end date lies before the start date."))
        return data


def access_log_filtered(*, data, user=None) -> tuple[AccessLogFilterForm, LogQuery]:
    """The log filtered by the form; an invalid form yields no rows. `user`'s own rows are left
    out unless the form asks for them."""
    form = AccessLogFilterForm(data or None)
    if data and not form.is_valid():
        return form, LogQuery.none()
    cleaned = form.cleaned_data if data else {}
    entries = AccessLogEntry.objects.all()
    if user is not None and not cleaned.get("include_mine"):
        entries = entries.exclude(user=user)
    if cleaned.get("person"):
        entries = entries.filter(username__iexact=cleaned["person"])
    entries = audit.between(entries, cleaned.get("date_from"), cleaned.get("date_until"))
    if cleaned.get("denied_only"):
        entries = entries.filter(outcome=AccessLogEntry.Outcome.DENIED)
    if not cleaned.get("record"):
        return form, LogQuery([entries])
    term = cleaned["record"].strip()
    # Denials carry only the requested id (the code was not shown): find them by the case's id too.
    case_ids = [
        str(pk) for pk in apps.get_model("cases", "Case").objects.filter(code__iexact=term).values_list("pk", flat=True)
    ]
    # One branch per condition of the OR, each an equality so that its index hands the rows over
    # in time order (ipgar.access_log_query). Labels are case codes, stored upper case.
    branches = [entries.filter(record_label=label) for label in sorted({term, term.upper()})]
    branches.append(entries.filter(record_id=term))
    branches += [entries.filter(record_type=access_labels.CASE, record_id=pk) for pk in case_ids]
    return form, LogQuery(branches)


def _require_privacy_officer(request):
    if not roles.is_privacy_officer(request.user):
        audit.denied(request, record_type="ipgar.accesslogentry", record_id="*")
        raise Http404


PAGE_SIZE = 50


@require_GET
def access_log(request):
    _require_privacy_officer(request)
    form, entries = access_log_filtered(data=request.GET, user=request.user)
    # By keyset, newest first: no COUNT and no OFFSET over tens of millions of rows.
    page = entries.page(
        PAGE_SIZE, before=Cursor.decode(request.GET.get("before")), after=Cursor.decode(request.GET.get("after"))
    )
    page.entries = access_labels.annotate(page.entries)
    access_log_module_record(request, action=AccessLogEntry.Action.LIST)
    query = request.GET.copy()
    for key in ("page", "before", "after"):
        query.pop(key, None)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    today = timezone.localdate()
    review_form = ReviewForm(
        auto_id="review_%s",  # the filter form above has its own date fields: ids stay unique
        initial={
            "kind": AccessLogReview.Kind.PERIOD,
            "date_from": cleaned.get("date_from") or today - dt.timedelta(days=30),
            "date_until": cleaned.get("date_until") or today,
        },
    )
    reviews = list(AccessLogReview.objects.filter(kind=AccessLogReview.Kind.PERIOD).select_related("reviewed_by")[:5])
    return render(
        request,
        "ipgar/access_log.html",
        {"form": form, "page": page, "query": query.urlencode(), "review_form": review_form, "reviews": reviews},
    )


@require_GET
def access_log_csv(request):
    _require_privacy_officer(request)
    _form, entries = access_log_filtered(data=request.GET, user=request.user)
    access_log_module_record(request, action=AccessLogEntry.Action.EXPORT)
    with translation.override("nl"):
        header = [
            str(label)
            for label in (
                _("time"),
                _("username"),
                _("role"),
                _("organisation"),
                _("what"),
                _("action"),
                _("outcome"),
                _("record type"),
                _("record id"),
                _("section"),
                _("client address"),
                _("path"),
            )
        ]

    def rows():
        # In Dutch and in local time, as on the screen; the stored codes stay for filtering.
        with translation.override("nl"):
            for batch in _batches(entries):
                for entry in access_labels.annotate(batch):
                    yield [
                        timezone.localtime(entry.at).strftime("%d-%m-%Y %H:%M:%S"),
                        entry.username,
                        entry.role_label,
                        entry.organisation,
                        entry.label,
                        entry.get_action_display(),
                        entry.get_outcome_display(),
                        entry.record_type,
                        entry.record_id,
                        entry.section,
                        entry.client_address or "",
                        entry.path,
                    ]

    return csv_response(filename="toegangslog.csv", header=header, rows=rows())


def _batches(entries, size: int = 2000):
    """Newest first, a chunk at a time by keyset (at, id): constant memory without a server-side
    cursor, and each chunk continues through the indexes where the previous one stopped."""
    query = entries if isinstance(entries, LogQuery) else LogQuery([entries])
    before = None
    while batch := query.older(size, before=before):
        yield batch
        before = Cursor.of(batch[-1])


def _in_chunks(entries, size: int = 2000):
    for batch in _batches(entries, size):
        yield from batch


# --- one person's file: every read, found by case code or BSN ------------------------------------


class PersonForm(forms.Form):
    q = forms.CharField(
        label=_("Case code or BSN"),
        max_length=20,
        help_text=_("A BSN is sent in the form, never in the address bar, and not written to the log."),
    )


PERSON_PAGE_SIZE = 100


@require_http_methods(["GET", "POST"])
def access_log_person(request):
    """Every read of one person's file (all their cases), newest first, 100 at a time by keyset;
    the lookup is logged on every page."""
    _require_privacy_officer(request)
    Case = apps.get_model("cases", "Case")
    form = PersonForm(request.POST or None)
    cases = None
    # A BSN search pages by POST (hidden fields), so the BSN never reaches the address bar; a
    # case code pages by GET links.
    params = request.POST if request.method == "POST" else request.GET
    if request.method == "POST" and form.is_valid():
        term = form.cleaned_data["q"].strip().replace(" ", "").replace(".", "")
        if term.isdigit():
            cases = list(Case.objects.filter(identity__bsn=term).order_by("code"))
        else:
            cases = list(Case.objects.filter(code__iexact=term))
    elif request.GET.get("case"):
        form = PersonForm(initial={"q": request.GET["case"]})
        cases = list(Case.objects.filter(code__iexact=request.GET["case"].strip()))
    page = LogQuery.none().page(PERSON_PAGE_SIZE)
    if cases is not None:
        # The lookup is itself a read of the person's file (docs/decisions.md D3): one row per case, or one
        # row saying a search found nothing (never the BSN that was typed).
        if cases:
            audit.viewed_many(request, cases, section="access_log_person", action=AccessLogEntry.Action.SEARCH)
        else:
            audit.record(request, record_type="cases.case", record_id="", section="access_log_person", action="search")
        # One ordered branch per case id and per code, merged (ipgar.access_log_query): an OR sorted
        # every read of the person's cases first. By keyset, 100 rows: 500 rows cost more to build
        # than to read at 50 M rows (BENCHMARKS.md, the access-log section).
        log = AccessLogEntry.objects.all()
        query = LogQuery(
            [log.filter(record_type=access_labels.CASE, record_id=str(case.pk)) for case in cases]
            + [log.filter(record_label=code) for code in sorted({case.code for case in cases})]
        )
        page = query.page(
            PERSON_PAGE_SIZE,
            before=Cursor.decode(params.get("before")),
            after=Cursor.decode(params.get("after")),
        )
        page.entries = access_labels.annotate(page.entries)
    by_post = request.method == "POST" and form.is_valid()
    return render(
        request,
        "ipgar/access_log_person.html",
        {
            "form": form,
            "cases": cases,
            "page": page,
            "entries": page.entries,
            "by_post": by_post,
            "term": form.cleaned_data["q"] if by_post else "",
            "query": "" if by_post or not cases else urlencode({"case": request.GET.get("case", "")}),
        },
    )


# --- signals and reviews ---------------------------------------------------------------------------


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_until = forms.DateField(label=_("Until"), required=False, widget=_date_input())


@require_GET
def access_log_signals(request):
    _require_privacy_officer(request)
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    until = cleaned.get("date_until") or today
    since = cleaned.get("date_from") or until - dt.timedelta(days=30)
    found = access_signals.signals(since=since, until=until)
    audit.record(
        request,
        record_type="ipgar.accesslogentry",
        record_id="*",
        action=AccessLogEntry.Action.LIST,
        section="access_log_signals",
    )
    return render(
        request,
        "ipgar/access_log_signals.html",
        {
            "form": form,
            "signals": found,
            "since": since,
            "until": until,
            "thresholds": {
                "denials": access_signals.DENIALS_PER_DAY,
                "bulk": access_signals.BULK_CASES_PER_DAY,
            },
        },
    )


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(choices=AccessLogReview.Kind.choices, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_until = forms.DateField(label=_("Until"), required=False, widget=_date_input())
    signal = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == AccessLogReview.Kind.PERIOD:
            if not (data.get("date_from") and data.get("date_until")):
                raise forms.ValidationError(_("Give the period that was reviewed."))
            if data["date_until"] < data["date_from"]:
                raise forms.ValidationError(_("The end date lies before the start date."))
        if kind == AccessLogReview.Kind.SIGNAL and not data.get("signal"):
            raise forms.ValidationError(_("Say which signal was reviewed."))
        return data


@require_POST
def access_log_review(request):
    """Record that a period or a signal was reviewed, with a note; append-only."""
    _require_privacy_officer(request)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        AccessLogReview.objects.create(
            kind=data["kind"],
            date_from=data.get("date_from") if data["kind"] == AccessLogReview.Kind.PERIOD else None,
            date_until=data.get("date_until") if data["kind"] == AccessLogReview.Kind.PERIOD else None,
            signal=data.get("signal", "") if data["kind"] == AccessLogReview.Kind.SIGNAL else "",
            note=data["note"],
            reviewed_by=request.user,
        )
        messages.success(request, _("The review is recorded."))
        target = "ipgar:access_log_signals" if data["kind"] == AccessLogReview.Kind.SIGNAL else "ipgar:access_log"
        return redirect(target)
    return render(request, "ipgar/access_log_review.html", {"form": form}, status=200)


def access_log_module_record(request, *, action):
    # Reading the log is itself logged (docs/decisions.md D3).
    audit.record(request, record_type="ipgar.accesslogentry", record_id="*", action=action, section="access_log")
