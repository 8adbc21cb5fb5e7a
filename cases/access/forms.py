"""Forms of the access pages: the covenant registration and the data-subject search."""

import datetime as dt

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipgar import roles
from ipgar.dates import start_of_day
from ipgar.models import Organisation, User

from ..models import Case


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        organisation = f" ({obj.organisation})" if obj.organisation_id else ""
        return f"{obj.get_full_name() or obj.username}{organisation}"


class InterventionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.type} – {obj.partner}"


class RegistrationForm(forms.Form):
    """The covenant form (docs/domain.md source S1): who, for what, which interventions, from/until."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(archived=False).order_by("name")
    )
    person = PersonChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(groups__name=roles.INTERVENTION_PARTNER, is_active=True)
        .select_related("organisation")
        .order_by("last_name", "first_name"),
        help_text=_("District project leader or attention officer in the intervention-partner role."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this partner needs information about the case (need-to-know)."),
    )
    interventions = InterventionChoiceField(label=_("Interventions concerned"), queryset=None, required=False)
    valid_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Access ends at the start of the day after this date."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interventions"].queryset = case.interventions.select_related("type", "partner").order_by("pk")
        self.fields["valid_from"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date lies before the start date."))
        return data

    def period(self) -> tuple[dt.datetime, dt.datetime | None]:
        """From the start of the first day until the start of the day after the last."""
        start, end = self.cleaned_data["valid_from"], self.cleaned_data.get("valid_until")
        return start_of_day(start), start_of_day(end + dt.timedelta(days=1)) if end else None


class SubjectAccessForm(forms.Form):
    """Find one person's cases: by BSN, or by last name and date of birth."""

    bsn = forms.CharField(
        label=_("BSN"),
        required=False,
        max_length=9,
        validators=[RegexValidator(r"^\d{9}$", _("A BSN has nine digits."))],
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("bsn") and not (data.get("last_name") and data.get("date_of_birth")):
            raise forms.ValidationError(_("Give the BSN, or the last name and the date of birth."))
        return data


class ExplicitGrantForm(forms.Form):
    """The programme team gives one person read access to one case file: reason and end required."""

    user = PersonChoiceField(
        label=_("Person"),
        queryset=User.objects.filter(is_active=True, groups__isnull=False)
        .exclude(groups__name__in=[roles.INTERVENTION_PARTNER, roles.PROGRAMME_TEAM])
        .distinct()
        .select_related("organisation")
        .order_by("last_name", "first_name"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Why this person needs to read the case file (need-to-know)."),
    )
    until = forms.DateField(
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Access ends at the start of the day after this date."),
    )


class CaseCodeForm(forms.Form):
    code = forms.CharField(label=_("Case code"), max_length=20, help_text=_("For example R-2020-003."))


class PartnerProgressForm(forms.Form):
    """What an intervention partner reports back on their own intervention."""

    intervention = forms.TypedChoiceField(label=_("Your intervention"), coerce=int)
    what = forms.ChoiceField(
        label=_("What do you report?"),
        choices=[
            ("note", _("Progress (a short note)")),
            ("contact", _("A contact with the person")),
            ("finished", _("The intervention is finished")),
        ],
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Short note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].choices = [(i.pk, f"{i.type}: {i.goal[:60]}") for i in interventions]
