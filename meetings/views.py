"""Thin views of the meetings app: read through selectors, write through services, 404 otherwise."""

import datetime as dt
from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case
from ipgar import access_log
from ipgar.csv_export import csv_response
from ipgar.dates import short_date
from ipgar.forms import run_service
from ipgar.paging import page_of, query_without_page
from ipgar.sorting import sort_columns

from . import exports, forms, grounds, permissions, publication, selectors, services
from .filters import SORT_FIELDS, SORT_LABELS, MeetingFilter
from .models import ActionItem, MeetingBody, Minutes, WooPublication, WooRelease


def _meeting_or_404(request, pk: int):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if meeting is None:
        access_log.denied(request, record_type="meetings.meeting", record_id=pk)
        raise Http404
    return meeting


def _managed_meeting_or_404(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    if not permissions.can_take_minutes(request.user, meeting):
        access_log.denied(request, record_type="meetings.meeting", record_id=pk, section="secretary")
        raise Http404
    return meeting


def _require_manager(request):
    if not permissions.can_plan_meetings(request.user):
        access_log.denied(request, record_type="meetings.meetingbody", record_id="", section="secretary")
        raise Http404


def _form_page(request, *, form, title: str, back: str, intro: str = "", submit: str = ""):
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": title, "back": back, "intro": intro, "submit": submit or _("Save")},
        status=400 if form.is_bound else 200,
    )


# --- lists and the meeting page --------------------------------------------------------------


MEETINGS_PAGE_SIZE = 25


def _require_meeting_user(request):
    if not permissions.can_use_meetings(request.user):
        access_log.denied(request, record_type="meetings.meeting", record_id="", section="list")
        raise Http404


def meeting_list(request):
    _require_meeting_user(request)
    filterset = MeetingFilter(request.GET or None, queryset=selectors.meeting_list(user=request.user))
    if filterset.is_bound and not filterset.is_valid():
        messages.warning(request, _("Some filters were not understood and are left out."))
    today = timezone.localdate()
    # Sorted by a column header: both tables in that order; otherwise upcoming soonest first.
    sorted_by_column = filterset.is_bound and bool(filterset.form.cleaned_data.get("sort"))
    meetings = filterset.qs if sorted_by_column else selectors.upcoming_first(filterset.qs, today=today)
    # Paged: ten years of meetings cost what one page costs (issue 17).
    page = page_of(request, meetings, per_page=MEETINGS_PAGE_SIZE)
    shown = list(page.object_list)
    return render(
        request,
        "meetings/list.html",
        {
            "form": filterset.form,
            "page": page,
            "query": query_without_page(request),
            "upcoming": [m for m in shown if m.date >= today],
            "past": [m for m in shown if m.date < today],
            "can_plan": permissions.can_plan_meetings(request.user),
            "columns": sort_columns(request, SORT_FIELDS, SORT_LABELS),
            "sorted_by_column": sorted_by_column,
        },
    )


def meeting_list_csv(request):
    """The filtered meetings list as a CSV for Dutch Excel: date, body, minutes status."""
    _require_meeting_user(request)
    filterset = MeetingFilter(request.GET or None, queryset=selectors.meeting_list(user=request.user))
    rows = [
        [short_date(m.date), m.body.name, m.minutes.get_status_display()]
        for m in filterset.qs.select_related("body", "minutes")
    ]
    access_log.record(request, record_type="meetings.meeting", action=access_log.Action.EXPORT, section="list")
    return csv_response(filename="overleggen.csv", header=[_("date"), _("body"), _("minutes")], rows=rows)


def meeting_detail(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    view = selectors.meeting_view(user=request.user, meeting=meeting)
    access_log.viewed(request, meeting)
    # Every case shown on the page is a read of that case (pen test).
    access_log.viewed_many(request, [view.cases_shown[pk] for pk in sorted(view.cases_shown)], section="meeting")
    context = {"view": view, "meeting": meeting, "can_plan": permissions.can_plan_meetings(request.user)}
    if view.can_take_minutes and view.to_adopt:
        context["adopt_form"] = forms.AdoptForm(minutes_qs=Minutes.objects.filter(pk__in=[m.pk for m in view.to_adopt]))
    return render(request, "meetings/detail.html", context)


def meeting_create(request):
    _require_manager(request)
    form = forms.MeetingForm(request.POST or None, initial={"secretary": request.user})
    if request.method == "POST":
        created = {}

        def call(data):
            created["meeting"] = services.meeting_create(by=request.user, **data)

        if run_service(form, call):
            messages.success(request, _("The meeting has been created with its standard agenda."))
            return redirect("meetings:detail", pk=created["meeting"].pk)
    return _form_page(request, form=form, title=_("New meeting"), back=reverse("meetings:list"))


# --- bodies -----------------------------------------------------------------------------------


def body_list(request):
    _require_manager(request)
    return render(request, "meetings/bodies.html", {"bodies": selectors.body_list(user=request.user)})


def body_detail(request, pk: int):
    _require_manager(request)
    body = get_object_or_404(MeetingBody, pk=pk)
    today = timezone.localdate()
    plan_form = forms.PlanForm(initial={"after": today})
    body_form = forms.BodyForm(
        initial={
            "name": body.name,
            "rhythm_weeks": body.rhythm_weeks,
            "members": list(body.members.all()),
            "member_organisations": list(body.member_organisations.all()),
        },
        prefix="body",
    )
    if request.method == "POST" and "plan" in request.POST:
        plan_form = forms.PlanForm(request.POST)
        made = {}

        def plan(data):
            made["meetings"] = services.meeting_plan_from_rhythm(
                body=body, count=data["count"], after=data["after"], by=request.user
            )

        if run_service(plan_form, plan):
            messages.success(request, _("%(count)d meetings planned.") % {"count": len(made["meetings"])})
            return redirect("meetings:body", pk=body.pk)
    elif request.method == "POST":
        body_form = forms.BodyForm(request.POST, prefix="body")
        if run_service(body_form, lambda data: services.body_update(body=body, by=request.user, **data)):
            messages.success(request, _("The body has been saved."))
            return redirect("meetings:body", pk=body.pk)
    after = plan_form["after"].value() or today
    if isinstance(after, str):
        try:
            after = dt.date.fromisoformat(after)
        except ValueError:
            after = today
    return render(
        request,
        "meetings/body.html",
        {
            "body": body,
            "plan_form": plan_form,
            "body_form": body_form,
            "next_dates": services.next_dates(body=body, count=4, after=after),
            "members": body.members.select_related("organisation"),
            "organisations": body.member_organisations.all(),
            "meetings": selectors.meeting_list(user=request.user, body=body)[:12],
            "status": 400 if request.method == "POST" else 200,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- preparing and taking minutes ---------------------------------------------------------------


def _meeting_form(request, pk, *, form_factory, call, title, success):
    meeting = _managed_meeting_or_404(request, pk)
    form = form_factory(meeting, request.POST or None)
    if request.method == "POST" and run_service(form, lambda data: call(meeting, data)):
        messages.success(request, success)
        return redirect("meetings:detail", pk=meeting.pk)
    return _form_page(request, form=form, title=f"{title} – {meeting}", back=reverse("meetings:detail", args=[pk]))


def secretary_change(request, pk: int):
    """Name another secretary (programme team); guardian's take_minutes moves with it."""
    _require_manager(request)
    meeting = _meeting_or_404(request, pk)
    form = forms.SecretaryForm(request.POST or None, initial={"secretary": meeting.secretary})
    if request.method == "POST" and run_service(
        form, lambda data: services.meeting_secretary_set(meeting=meeting, by=request.user, **data)
    ):
        messages.success(request, _("The secretary has been changed."))
        return redirect("meetings:detail", pk=meeting.pk)
    title = f"{_('Change the secretary')} – {meeting}"
    return _form_page(request, form=form, title=title, back=reverse("meetings:detail", args=[pk]))


def agenda_item_add(request, pk: int):
    return _meeting_form(
        request,
        pk,
        form_factory=lambda _m, data: forms.AgendaItemForm(data, user=request.user),
        call=lambda m, data: services.agenda_item_add(meeting=m, by=request.user, **data),
        title=_("Add an agenda item"),
        success=_("The item has been added to the agenda."),
    )


def invitation_add(request, pk: int):
    return _meeting_form(
        request,
        pk,
        form_factory=lambda _m, data: forms.InvitationForm(data),
        call=lambda m, data: services.invitation_save(meeting=m, by=request.user, **data),
        title=_("Attendance"),
        success=_("The attendance has been recorded."),
    )


def entry_add(request, pk: int):
    def factory(meeting, data):
        form = forms.EntryForm(data, meeting=meeting, initial={"agenda_item": request.GET.get("item")})
        return form

    return _meeting_form(
        request,
        pk,
        form_factory=factory,
        call=lambda _m, data: services.entry_add(by=request.user, **data),
        title=_("Add to the minutes"),
        success=_("Added to the minutes."),
    )


def decision_add(request, pk: int):
    return _meeting_form(
        request,
        pk,
        form_factory=lambda m, data: forms.DecisionForm(
            data, meeting=m, user=request.user, initial={"agenda_item": request.GET.get("item")}
        ),
        call=lambda m, data: services.decision_create(meeting=m, by=request.user, **data),
        title=_("Record a decision"),
        success=_("The decision has been recorded."),
    )


def action_add(request, pk: int):
    return _meeting_form(
        request,
        pk,
        form_factory=lambda m, data: forms.ActionForm(
            data, meeting=m, initial={"agenda_item": request.GET.get("item")}
        ),
        call=lambda m, data: services.action_create(meeting=m, by=request.user, **data),
        title=_("New action"),
        success=_("The action is on the action list."),
    )


def forward_add(request, pk: int):
    return _meeting_form(
        request,
        pk,
        form_factory=lambda m, data: forms.ForwardForm(data, body=m.body),
        call=lambda m, data: services.forward_item_create(body=m.body, by=request.user, **data),
        title=_("Forward agenda"),
        success=_("The topic is on the forward agenda."),
    )


def amend(request, pk: int):
    return _meeting_form(
        request,
        pk,
        form_factory=lambda m, data: forms.AmendForm(data, meeting=m),
        call=lambda m, data: services.minutes_amend(minutes=m.minutes, by=request.user, **data),
        title=_("Record an amendment"),
        success=_("The amendment has been recorded."),
    )


@require_POST
def action_done(request, pk: int, action_pk: int):
    meeting = _managed_meeting_or_404(request, pk)
    action = get_object_or_404(ActionItem, pk=action_pk, body=meeting.body)
    try:
        services.action_complete(action=action, meeting=meeting, by=request.user)
        messages.success(request, _("The action is done."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("meetings:detail", pk=meeting.pk)


@require_POST
def circulate(request, pk: int):
    meeting = _managed_meeting_or_404(request, pk)
    try:
        services.minutes_circulate(minutes=meeting.minutes, by=request.user)
        messages.success(request, _("The draft minutes have been circulated."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("meetings:detail", pk=meeting.pk)


def adopt(request, pk: int):
    meeting = _managed_meeting_or_404(request, pk)
    candidates = Minutes.objects.filter(
        meeting__body_id=meeting.body_id, meeting__date__lt=meeting.date, status=Minutes.Status.CIRCULATED
    ).select_related("meeting__body")
    form = forms.AdoptForm(request.POST or None, minutes_qs=candidates)
    if request.method == "POST" and run_service(
        form,
        lambda data: services.minutes_adopt(
            minutes=data["minutes"], at_meeting=meeting, changes=data["changes"], by=request.user
        ),
    ):
        messages.success(request, _("The minutes have been adopted and are now locked."))
        return redirect("meetings:detail", pk=meeting.pk)
    return _form_page(request, form=form, title=_("Adopt earlier minutes"), back=reverse("meetings:detail", args=[pk]))


# --- PTO-R case summary --------------------------------------------------------------


def case_summary(request, pk: int, case_pk: int):
    meeting = _meeting_or_404(request, pk)
    summary = selectors.case_summary(user=request.user, meeting=meeting, case_id=case_pk)
    if summary is None:
        if Case.objects.visible_to(request.user).filter(pk=case_pk).exists():
            # A case the user may read, just not on this agenda: not a need-to-know denial.
            access_log.not_possible(request, record_type="cases.case", record_id=case_pk, section="pto_r_summary")
        else:
            access_log.denied(request, record_type="cases.case", record_id=case_pk, section="pto_r_summary")
        raise Http404
    access_log.record(request, record_type="cases.case", record_id=case_pk, label=summary.code, section="pto_r_summary")
    return render(request, "meetings/case_summary.html", {"meeting": meeting, "summary": summary})


# --- exports ------------------------------------------------------------------------------------


def _log_export(request, meeting, view, *, section: str):
    """Downloads that hold case data are logged per case as well as per meeting."""
    access_log.record(
        request,
        record_type="meetings.meeting",
        record_id=meeting.pk,
        action=access_log.Action.DOWNLOAD,
        section=section,
    )
    for item_view in view.items:
        if item_view.item.case_id and not item_view.hidden and section != "woo":
            access_log.record(
                request,
                record_type="cases.case",
                record_id=item_view.item.case_id,
                label=item_view.item.case.code,
                action=access_log.Action.EXPORT,
                section=f"minutes_{section}",
            )


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def minutes_pdf(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    view = selectors.meeting_view(user=request.user, meeting=meeting)
    _log_export(request, meeting, view, section="pdf")
    return _download(
        exports.minutes_pdf(view, people=request.GET.get("attendance") == "people"),
        content_type="application/pdf",
        filename=f"verslag-{meeting.date:%Y%m%d}.pdf",
    )


def minutes_docx(request, pk: int):
    meeting = _meeting_or_404(request, pk)
    view = selectors.meeting_view(user=request.user, meeting=meeting)
    _log_export(request, meeting, view, section="docx")
    return _download(
        exports.minutes_docx(view, people=request.GET.get("attendance") == "people"),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename=f"verslag-{meeting.date:%Y%m%d}.docx",
    )


def _woo_context(request, meeting, *, forms_in=None):
    # One read of the meeting's parts for the whole page: the view, the marks for both the build
    # and their list, the agenda items for both item forms and the "any withheld item" check.
    view = selectors.meeting_view(user=request.user, meeting=meeting)
    marks = selectors.woo_marks(meeting)
    prepared, releases = selectors.woo_publications(meeting)
    pub = publication.build(view, internal=True, marks=marks)
    texts = publication.texts_of(view)
    items = [item_view.item for item_view in view.items]
    forms_in = forms_in or {}
    return {
        "meeting": meeting,
        "pub": pub,
        "view": view,
        "title": _("Woo publication (preview)"),
        "ground_form": forms_in.get("ground") or forms.GroundForm(meeting=meeting, items=items, prefix="ground"),
        "partial_form": forms_in.get("partial") or forms.PartialForm(meeting=meeting, items=items, prefix="partial"),
        "mark_form": forms_in.get("mark") or forms.WooMarkForm(texts=texts, prefix="mark"),
        "prepare_form": forms_in.get("prepare") or forms.PrepareForm(prefix="prepare"),
        "flag_grounds": grounds.choices(),
        "marks": marks,
        "publications": prepared,
        "releases": releases,
        "items": any(item.case_id or item.is_closed_part for item in items),
    }


def _woo_set_ground(data, *, by):
    return services.agenda_item_set_ground(item=data["agenda_item"], ground=data["ground"], by=by)


def _woo_publish_in_part(data, *, by):
    return services.agenda_item_publish_in_part(item=data["agenda_item"], partial=data["partial"], by=by)


def _woo_prepare(data, *, meeting, by):
    return services.woo_prepare(meeting=meeting, reason=data["reason"], by=by)


def _woo_mark(data, *, meeting, by):
    target, target_id = data["target"].split(":")
    return services.woo_mark(
        meeting=meeting,
        target=target,
        target_id=int(target_id),
        passage=data["passage"],
        occurrence=data["occurrence"] or 1,
        decision=data["decision"],
        ground=data["ground"],
        by=by,
    )


def _woo_posted(request, meeting):
    """Which of the Woo page's forms was posted (told apart by a field of its prefix): its
    prefix, the bound form, and the service call it runs."""
    post, by = request.POST, request.user
    if "ground-agenda_item" in post:
        return "ground", forms.GroundForm(post, meeting=meeting, prefix="ground"), partial(_woo_set_ground, by=by)
    if "partial-agenda_item" in post:
        form = forms.PartialForm(post, meeting=meeting, prefix="partial")
        return "partial", form, partial(_woo_publish_in_part, by=by)
    if "prepare-reason" in post:
        return "prepare", forms.PrepareForm(post, prefix="prepare"), partial(_woo_prepare, meeting=meeting, by=by)
    view = selectors.meeting_view(user=by, meeting=meeting)
    form = forms.WooMarkForm(post, texts=publication.texts_of(view), prefix="mark")
    return "mark", form, partial(_woo_mark, meeting=meeting, by=by)


def woo_preview(request, pk: int):
    """The secretary's Woo page: what will be published, the detector's flags, marks on any
    text, grounds of withheld items, partial closed items, and preparing a release."""
    meeting = _managed_meeting_or_404(request, pk)
    bound = {}
    if request.method == "POST":
        name, form, call = _woo_posted(request, meeting)
        bound[name] = form
        if run_service(form, call):
            messages.success(request, _("The publication has been updated."))
            return redirect("meetings:woo", pk=meeting.pk)
    context = _woo_context(request, meeting, forms_in=bound)
    access_log.viewed(request, meeting, section="woo_preview")
    return render(request, "meetings/woo_preview.html", context, status=400 if bound else 200)


def woo_review(request, pk: int, publication_pk: int):
    """The Woo coordinator reviews a prepared release beside the full text, and approves it or
    sends it back. Only someone else than who prepared it (four eyes)."""
    meeting = _meeting_or_404(request, pk)
    prepared = WooPublication.objects.filter(pk=publication_pk, meeting=meeting).first()
    if prepared is None or not services.can_approve_woo(request.user):
        access_log.denied(request, record_type="meetings.woopublication", record_id=publication_pk)
        raise Http404
    review_form = forms.ReviewForm(request.POST or None, prefix="review")
    if request.method == "POST":
        approve = "approve" in request.POST

        def call(d):
            if approve:
                services.woo_approve(publication=prepared, by=request.user)
            else:
                services.woo_reject(publication=prepared, note=d["note"], by=request.user)

        if run_service(review_form, call):
            messages.success(request, _("The publication has been released.") if approve else _("Sent back."))
            return redirect("meetings:woo_review", pk=meeting.pk, publication_pk=prepared.pk)
    view = selectors.meeting_view(user=request.user, meeting=meeting)
    access_log.viewed(request, meeting, section="woo_review")
    return render(
        request,
        "meetings/woo_review.html",
        {
            "meeting": meeting,
            "prepared": prepared,
            "full_html": exports.minutes_html(view),
            "review_form": review_form,
            "own": prepared.prepared_by_id == request.user.pk,
            "title": _("Review the Woo publication"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _release_or_404(request, pk: int, version: int | None):
    meeting = _managed_meeting_or_404(request, pk)
    releases = WooRelease.objects.filter(meeting=meeting).order_by("-version")
    release = releases.filter(version=version).first() if version is not None else releases.first()
    if release is None:
        access_log.denied(request, record_type="meetings.woorelease", record_id=f"{pk}/{version}")
        raise Http404
    access_log.record(
        request,
        record_type="meetings.woorelease",
        record_id=release.pk,
        action=access_log.Action.DOWNLOAD,
        section=f"woo_v{release.version}",
    )
    return meeting, release


def woo_pdf(request, pk: int, version: int | None = None):
    """Only an approved release downloads: the exact bytes the coordinator approved."""
    meeting, release = _release_or_404(request, pk, version)
    return _download(
        bytes(release.pdf),
        content_type="application/pdf",
        filename=f"woo-verslag-{meeting.date:%Y%m%d}-v{release.version}.pdf",
    )


def woo_xml(request, pk: int, version: int):
    meeting, release = _release_or_404(request, pk, version)
    return _download(
        bytes(release.xml),
        content_type="application/xml",
        filename=f"woo-verslag-{meeting.date:%Y%m%d}-v{release.version}.diwoo.xml",
    )


# --- calendar -----------------------------------------------------------------------------------


def calendar(request):
    """iCalendar feed of one's own meetings; behind the session login like every page."""
    from icalendar import Calendar, Event

    _require_meeting_user(request)
    cal = Calendar()
    cal.add("prodid", "-//Gemeente Amsterdam//iPGA-R//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("iPGA-R meetings"))
    for meeting in selectors.my_meetings(user=request.user):
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@ipgar.amsterdam.nl")
        event.add("summary", meeting.body.name)
        try:
            # A date at the end of the calendar (written before the date window) must not break
            # the feed for every member of the body: such a meeting becomes a whole-day event.
            start = timezone.make_aware(dt.datetime.combine(meeting.date, meeting.start_time))
            end = start + dt.timedelta(hours=2)
            end.astimezone(dt.UTC)
        except (TypeError, OverflowError, ValueError):
            start = end = None
        if start is not None:
            event.add("dtstart", start)
            event.add("dtend", end)
        else:
            event.add("dtstart", meeting.date)
        event.add("dtstamp", timezone.now())
        if meeting.place:
            event.add("location", meeting.place)
        event.add("url", request.build_absolute_uri(reverse("meetings:detail", args=[meeting.pk])))
        cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ipgar-vergaderingen.ics"'
    return response
