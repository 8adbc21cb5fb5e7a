"""Forms of the case pages: input shape only; the rules live in cases.services."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ipgar.models import Organisation

from .models import (
    Area,
    Case,
    Contact,
    Escalation,
    Ideology,
    Intervention,
    InterventionType,
    LifeDomain,
    NetworkLink,
    PlanGoal,
    ReportSource,
    RiskCategory,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=DateInput())


def _choices(model, current=None):
    """Entries in use, plus the current value when that has since been archived."""
    qs = model.objects.in_use()
    if current is not None:
        qs = model.objects.filter(pk__in=[*list(qs.values_list("pk", flat=True)), current.pk])
    return qs


class CaseForm(forms.Form):
    """Labels start with a capital, as on every page; the model's verbose names are lower case."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)


class IdentityFieldsMixin(CaseForm):
    first_name = forms.CharField(label=_("first name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    date_of_birth = _date(_("date of birth"), required=False)
    bsn = forms.CharField(
        label=_("BSN"), max_length=9, required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("postcode"), max_length=7, required=False)
    city = forms.CharField(label=_("city"), max_length=100, required=False)


class IdentityForm(IdentityFieldsMixin):
    pass


class CaseRegisterForm(IdentityFieldsMixin):
    reported_on = _date(_("reported on"))
    report_source = forms.ModelChoiceField(label=_("report source"), queryset=ReportSource.objects.in_use())
    area = forms.ModelChoiceField(label=_("area"), queryset=Area.objects.in_use())
    report_summary = forms.CharField(
        label=_("short description of the report"), widget=forms.Textarea(attrs={"rows": 4})
    )
    risk_category = forms.ModelChoiceField(
        label=_("risk category"), queryset=RiskCategory.objects.in_use(), required=False
    )
    ideology = forms.ModelChoiceField(label=_("ideology"), queryset=Ideology.objects.in_use(), required=False)

    field_order = ["reported_on", "report_source", "area", "report_summary", "risk_category", "ideology"]


class CaseEditForm(CaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reported_on = _date(_("reported on"))
    report_source = forms.ModelChoiceField(label=_("report source"), queryset=ReportSource.objects.none())
    area = forms.ModelChoiceField(label=_("area"), queryset=Area.objects.none())
    report_summary = forms.CharField(
        label=_("short description of the report"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    risk_category = forms.ModelChoiceField(
        label=_("risk category"), queryset=RiskCategory.objects.none(), required=False
    )
    ideology = forms.ModelChoiceField(label=_("ideology"), queryset=Ideology.objects.none(), required=False)
    is_detained = forms.BooleanField(label=_("detained"), required=False)
    is_abroad = forms.BooleanField(label=_("abroad (travelled out)"), required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_source"].queryset = _choices(ReportSource, case.report_source)
        self.fields["area"].queryset = _choices(Area, case.area)
        self.fields["risk_category"].queryset = _choices(RiskCategory, case.risk_category)
        self.fields["ideology"].queryset = _choices(Ideology, case.ideology)

    @staticmethod
    def initial_for(case: Case) -> dict:
        return {
            "version": case.version,
            "reported_on": case.reported_on,
            "report_source": case.report_source_id,
            "area": case.area_id,
            "report_summary": case.report_summary,
            "risk_category": case.risk_category_id,
            "ideology": case.ideology_id,
            "is_detained": case.is_detained,
            "is_abroad": case.is_abroad,
        }


class InformationPictureForm(CaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("information picture"), required=False, widget=forms.Textarea(attrs={"rows": 12}))


class StatusForm(CaseForm):
    to = forms.ChoiceField(label=_("new status"))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(value, Case.Status(value).label) for value in targets]


class ContactForm(CaseForm):
    date = _date(_("date"))
    kind = forms.ChoiceField(label=_("kind"), choices=Contact.Kind.choices)
    note = forms.CharField(label=_("short note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class InterventionForm(CaseForm):
    type = forms.ModelChoiceField(label=_("intervention"), queryset=InterventionType.objects.none())
    partner = forms.ModelChoiceField(label=_("executing partner"), queryset=Organisation.objects.all())
    goal = forms.CharField(label=_("goal"), widget=forms.Textarea(attrs={"rows": 3}))
    started_on = _date(_("start"), required=False)
    ended_on = _date(_("end"), required=False)
    status = forms.ChoiceField(label=_("status"), choices=Intervention.Status.choices)
    outcome = forms.CharField(label=_("outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Archived types are offered too, so choosing one gets the service's clear message.
        self.fields["type"].queryset = InterventionType.objects.all()
        self.fields["type"].label_from_instance = lambda t: f"{t} ({_('archived')})" if t.archived else str(t)


class ScoreForm(CaseForm):
    domain = forms.ModelChoiceField(label=_("life domain"), queryset=LifeDomain.objects.in_use())
    score = forms.IntegerField(
        label=_("score (ZRM 1-5)"),
        help_text=_("1 = acute problems, 5 = fully self-reliant"),
    )
    scored_on = _date(_("date"))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ZrmForm(CaseForm):
    """All life domains in one form: one optional score per domain in use, one date."""

    SCORES = [("", _("not scored now")), *[(str(n), str(n)) for n in range(1, 6)]]

    scored_on = _date(_("date"))

    def __init__(self, *args, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = list(domains)
        for domain in self.domains:
            self.fields[f"domain_{domain.pk}"] = forms.TypedChoiceField(
                label=str(domain), choices=self.SCORES, required=False, coerce=int, empty_value=None
            )

    def domain_fields(self):
        return [(domain, self[f"domain_{domain.pk}"]) for domain in self.domains]

    def scores(self) -> dict:
        return {domain: self.cleaned_data.get(f"domain_{domain.pk}") for domain in self.domains}


class PlanGoalForm(CaseForm):
    domain = forms.ModelChoiceField(label=_("life domain"), queryset=LifeDomain.objects.none())
    goal = forms.CharField(label=_("goal"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("status"), choices=PlanGoal.Status.choices)

    def __init__(self, *args, current_domain=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].queryset = _choices(LifeDomain, current_domain)


class NetworkLinkForm(CaseForm):
    other_code = forms.CharField(label=_("code of the other case"), max_length=20, help_text=_("e.g. R-2026-017"))
    kind = forms.ChoiceField(label=_("kind"), choices=NetworkLink.Kind.choices)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class EscalationForm(CaseForm):
    body = forms.ChoiceField(label=_("to"), choices=Escalation.Body.choices)
    request = forms.ChoiceField(label=_("request"), choices=Escalation.Request.choices)
    question = forms.CharField(label=_("question"), widget=forms.Textarea(attrs={"rows": 4}))
