"""Forms of the meetings pages: input only; the rules are in meetings.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Case, OutflowReason
from ipgar.models import Organisation, User
from pool.models import Director

from . import grounds
from .models import AgendaItem, Decision, Invitation, Meeting, MeetingBody, MinuteEntry, WooMark


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"


def _people():
    return User.objects.filter(is_active=True).order_by("last_name", "first_name")


def _organisations():
    return Organisation.objects.filter(archived=False).order_by("name")


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(label=_("body"), queryset=MeetingBody.objects.all())
    date = forms.DateField(label=_("date"), widget=DateInput())
    start_time = forms.TimeField(label=_("start"), required=False, widget=TimeInput())
    end_time = forms.TimeField(label=_("end"), required=False, widget=TimeInput())
    place = forms.CharField(label=_("place"), max_length=150, required=False)
    chair = forms.ModelChoiceField(label=_("chair"), queryset=_people(), required=False)
    secretary = forms.ModelChoiceField(label=_("secretary"), queryset=_people(), required=False)
    has_closed_part = forms.BooleanField(label=_("has a closed part"), required=False)


class SecretaryForm(forms.Form):
    secretary = forms.ModelChoiceField(label=_("secretary"), queryset=_people())


class PlanForm(forms.Form):
    count = forms.IntegerField(label=_("number of meetings"), min_value=1, max_value=26, initial=4)
    after = forms.DateField(label=_("from"), widget=DateInput())


class BodyForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=150)
    rhythm_weeks = forms.IntegerField(label=_("every … weeks"), min_value=1, max_value=52, required=False)
    members = forms.ModelMultipleChoiceField(label=_("members"), queryset=_people(), required=False)
    member_organisations = forms.ModelMultipleChoiceField(
        label=_("member organisations"), queryset=_organisations(), required=False
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    section = forms.ChoiceField(label=_("section"), choices=AgendaItem.Section.choices)
    is_closed_part = forms.BooleanField(label=_("in the closed part"), required=False)
    case = forms.ModelChoiceField(label=_("about the case"), queryset=Case.objects.none(), required=False)
    description = forms.CharField(label=_("description or question"), widget=forms.Textarea, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = Case.objects.visible_to(user).order_by("code")

    def clean(self):
        data = super().clean()
        if not data.get("title") and not data.get("case"):
            self.add_error("title", _("Give a title or choose a case."))
        return data


class InvitationForm(forms.Form):
    user = forms.ModelChoiceField(label=_("person"), queryset=_people(), required=False)
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=_organisations(), required=False)
    attendance = forms.ChoiceField(label=_("attendance"), choices=Invitation.Attendance.choices)
    admitted_to_closed_part = forms.BooleanField(label=_("admitted to the closed part"), required=False)
    comment = forms.CharField(label=_("comment"), max_length=200, required=False)


class _MeetingItemsForm(forms.Form):
    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        if "agenda_item" in self.fields:
            self.fields["agenda_item"].queryset = meeting.agenda_items.all()

    def _offer(self, items, keep=lambda _item: True) -> None:
        """Offer the meeting's agenda items the page has already read (in the queryset's order)
        instead of reading them again to render the choices; a posted choice is still looked
        up in the queryset."""
        if items is None:
            return
        field = self.fields["agenda_item"]
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        field.choices = [*empty, *((item.pk, field.label_from_instance(item)) for item in items if keep(item))]


class EntryForm(_MeetingItemsForm):
    agenda_item = forms.ModelChoiceField(label=_("agenda item"), queryset=AgendaItem.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=MinuteEntry.Kind.choices)
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=_organisations(), required=False)
    person = forms.ModelChoiceField(label=_("person"), queryset=_people(), required=False)
    text = forms.CharField(label=_("text"), widget=forms.Textarea)


class DecisionForm(_MeetingItemsForm):
    # Every BESLUIT is minuted under an item, as in the seed minutes.
    agenda_item = forms.ModelChoiceField(label=_("agenda item"), queryset=AgendaItem.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=Decision.Kind.choices)
    text = forms.CharField(label=_("decision"), widget=forms.Textarea)
    case = forms.ModelChoiceField(label=_("case"), queryset=Case.objects.none(), required=False)
    director = forms.ModelChoiceField(
        label=_("director (inclusion)"), queryset=Director.objects.select_related("user"), required=False
    )
    outflow_reason = forms.ModelChoiceField(
        label=_("outflow reason"), queryset=OutflowReason.objects.all(), required=False
    )
    confirm_over_capacity = forms.BooleanField(
        label=_("The PTO-R includes the case beyond the director's capacity (the decision text gives the reason)"),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.initial.get("agenda_item"):
            self.initial["agenda_item"] = self.fields["agenda_item"].queryset.values_list("pk", flat=True).first()
        self.fields["case"].queryset = Case.objects.visible_to(user).order_by("code")
        if self.meeting.body.kind != MeetingBody.Kind.PTO_R:
            self.fields["kind"].choices = [(Decision.Kind.GENERAL, Decision.Kind.GENERAL.label)]
            for name in ("case", "director", "outflow_reason", "confirm_over_capacity"):
                del self.fields[name]
        else:
            self.fields["director"].help_text = _inclusion_proposals(self.meeting)


def _inclusion_proposals(meeting) -> str:
    """The assistant's proposal for each advised case on the agenda, as help text."""
    from pool.selectors import director_proposals

    parts = []
    for case in Case.objects.filter(agenda_items__meeting=meeting, status=Case.Status.ADVISED).distinct():
        if case.director_id:
            parts.append(_("%(code)s: already given to %(name)s") % {"code": case.code, "name": case.director})
            continue
        ranked = director_proposals(case=case, on=meeting.date, limit=2)
        if ranked:
            parts.append(f"{case.code}: " + "; ".join(p.explanation for p in ranked))
    if not parts:
        return _("Leave empty when the case already has a director.")
    return _("Proposal of the assistant: %(proposals)s") % {"proposals": " · ".join(parts)}


class ActionForm(_MeetingItemsForm):
    subject = forms.CharField(label=_("subject"), max_length=200)
    description = forms.CharField(label=_("action(s)"), widget=forms.Textarea)
    owner = forms.ModelChoiceField(label=_("owner"), queryset=_people(), required=False)
    deadline = forms.DateField(label=_("deadline"), required=False, widget=DateInput())
    deadline_text = forms.CharField(
        label=_("deadline (as agreed)"), max_length=100, required=False, help_text=_("For example: as soon as possible")
    )
    agenda_item = forms.ModelChoiceField(label=_("agenda item"), queryset=AgendaItem.objects.none(), required=False)


class ForwardForm(forms.Form):
    topic = forms.CharField(label=_("topic"), max_length=200)
    target_date = forms.DateField(label=_("target date"), required=False, widget=DateInput())
    target_meeting = forms.ModelChoiceField(label=_("target meeting"), queryset=Meeting.objects.none(), required=False)
    target_text = forms.CharField(label=_("when (as planned)"), max_length=100, required=False)
    still_to_plan = forms.BooleanField(label=_("still to be planned"), required=False)

    def __init__(self, *args, body: MeetingBody, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_meeting"].queryset = body.meetings.order_by("date")


class AdoptForm(forms.Form):
    minutes = forms.ModelChoiceField(label=_("minutes to adopt"), queryset=None)
    changes = forms.CharField(label=_("textual changes"), widget=forms.Textarea, required=False)

    def __init__(self, *args, minutes_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].queryset = minutes_qs


class AmendForm(_MeetingItemsForm):
    agenda_item = forms.ModelChoiceField(label=_("agenda item"), queryset=AgendaItem.objects.none(), required=False)
    text = forms.CharField(label=_("correction"), widget=forms.Textarea)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea)


class GroundForm(_MeetingItemsForm):
    agenda_item = forms.ModelChoiceField(label=_("agenda item"), queryset=AgendaItem.objects.none())
    ground = forms.ChoiceField(label=_("ground"), choices=grounds.choices(blank=_("default")), required=False)

    def __init__(self, *args, meeting: Meeting, items: list | None = None, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        self._offer(items)


class RedactionForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("passage in"), queryset=MinuteEntry.objects.none())
    passage = forms.CharField(label=_("passage to withhold"), widget=forms.Textarea)
    ground = forms.ChoiceField(label=_("ground"), choices=grounds.choices())

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = MinuteEntry.objects.filter(agenda_item__meeting=meeting).select_related(
            "agenda_item"
        )
        self.fields["entry"].label_from_instance = lambda e: f"{e.agenda_item.title}: {e.text[:60]}"


class PartialForm(_MeetingItemsForm):
    agenda_item = forms.ModelChoiceField(label=_("closed-part item"), queryset=AgendaItem.objects.none())
    partial = forms.BooleanField(label=_("publish in part (withhold passages, not the whole item)"), required=False)

    def __init__(self, *args, meeting: Meeting, items: list | None = None, **kwargs):
        super().__init__(*args, meeting=meeting, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.filter(is_closed_part=True, case__isnull=True)
        self._offer(items, keep=lambda item: item.is_closed_part and item.case_id is None)


class WooMarkForm(forms.Form):
    target = forms.ChoiceField(label=_("text"))
    passage = forms.CharField(label=_("passage"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    occurrence = forms.IntegerField(
        label=_("occurrence"), min_value=1, required=False, help_text=_("Which occurrence in the text (1 = first).")
    )
    decision = forms.ChoiceField(label=_("decision"), choices=WooMark.Decision.choices)
    ground = forms.ChoiceField(
        label=_("ground"), choices=grounds.choices(blank=_("— choose a ground —")), required=False
    )

    def __init__(self, *args, texts, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(WooMark.Target.choices)
        self.fields["target"].choices = [
            (f"{target}:{target_id}", f"{where} – {labels[target]}: {text[:60]}")
            for target, target_id, text, where in texts
            if text
        ]


class PrepareForm(forms.Form):
    reason = forms.CharField(
        label=_("reason (for a corrected version)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("note (when sending back)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
