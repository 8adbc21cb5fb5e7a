"""Forms of the pool. They check shapes; the rules live in pool.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Area
from ipgar import roles
from ipgar.models import Organisation, User

from .models import Absence, Director


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DirectorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, director):
        return f"{director.user.get_full_name() or director.user.username} ({director.organisation.name})"


def director_choices():
    return Director.objects.select_related("user", "organisation").order_by("user__first_name", "user__last_name")


class DirectorForm(forms.ModelForm):
    class Meta:
        model = Director
        fields = [
            "user",
            "organisation",
            "seconded_from",
            "fte",
            "capacity_override",
            "restricted_to_areas",
            "line_manager_name",
            "line_manager_email",
            "active_from",
            "active_until",
        ]
        widgets = {"active_from": DateInput(), "active_until": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = User.objects.filter(
                groups__name=roles.DIRECTOR, director__isnull=True, is_active=True
            ).order_by("username")
            self.fields["user"].label = _("user")
        self.fields["organisation"].queryset = Organisation.objects.filter(archived=False)
        self.fields["seconded_from"].queryset = Organisation.objects.filter(archived=False)
        self.fields["restricted_to_areas"].queryset = Area.objects.in_use()
        self.fields["fte"].help_text = _("Between 0.1 and 1.0.")


class NeedsForm(forms.Form):
    """The programme team's statement of what the case needs, beside its planned interventions."""

    needs = forms.ModelMultipleChoiceField(
        label=_("Partners whose interventions this case needs"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.CORE_PARTNER, archived=False),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Counted together with the case's planned and running interventions."),
    )


class AssignForm(forms.Form):
    director = forms.ChoiceField(
        label=_("Director"),
        widget=forms.RadioSelect,
        help_text=_("The proposed directors, and those on the page of every director shown above."),
    )
    reason = forms.CharField(label=_("Reason for this choice"), widget=forms.Textarea(attrs={"rows": 3}))
    confirm_over_capacity = forms.BooleanField(
        label=_("I confirm assigning beyond the director's capacity (give the reason above)"), required=False
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = {str(p.director.pk): p for p in proposals if p.eligible}
        self.fields["director"].choices = [(pk, f"{p.rank}. {p.director.name}") for pk, p in self.proposals.items()]

    def chosen(self) -> Director:
        """The chosen director, read for the service once (the proposals hold plain values)."""
        pk = self.proposals[self.cleaned_data["director"]].director.pk
        if getattr(self, "_chosen", None) is None or self._chosen.pk != pk:
            self._chosen = Director.objects.select_related("user").get(pk=pk)
        return self._chosen


class CaseRowsMixin:
    """Per-case fields, grouped so a template renders one fieldset per case."""

    def case_rows(self):
        return [(case, [self[name] for name in names]) for case, names in self._rows]


class HandoverForm(CaseRowsMixin, forms.Form):
    to_all = DirectorChoiceField(
        label=_("Receiving director for all chosen cases"),
        queryset=Director.objects.none(),
        required=False,
        help_text=_("Or choose a receiving director per case below."),
    )
    on = forms.DateField(label=_("Handover date"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason for the handover"), widget=forms.Textarea(attrs={"rows": 2}))
    confirm_over_capacity = forms.BooleanField(
        label=_("I confirm handing over beyond a director's capacity"), required=False
    )

    def __init__(self, *args, director: Director, cases, **kwargs):
        super().__init__(*args, **kwargs)
        others = director_choices().exclude(pk=director.pk)
        self.fields["to_all"].queryset = others
        self._rows = []
        for case in cases:
            self.fields[f"move_{case.pk}"] = forms.BooleanField(
                label=_("Hand over %(code)s") % {"code": case.code}, required=False
            )
            self.fields[f"to_{case.pk}"] = DirectorChoiceField(
                label=_("Receiving director for %(code)s") % {"code": case.code}, queryset=others, required=False
            )
            self._rows.append((case, [f"move_{case.pk}", f"to_{case.pk}"]))

    def clean(self):
        cleaned = super().clean()
        moves = []
        for case, (move, to) in self._rows:
            if not cleaned.get(move):
                continue
            receiver = cleaned.get(to) or cleaned.get("to_all")
            if receiver is None:
                self.add_error(to, _("Choose who receives %(code)s.") % {"code": case.code})
            else:
                moves.append((case, receiver))
        if not moves and not self.errors:
            raise ValidationError(_("Choose at least one case to hand over."))
        cleaned["moves"] = moves
        return cleaned


class AbsenceForm(CaseRowsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of absence"), choices=Absence.Kind.choices)
    starts_on = forms.DateField(label=_("First day of absence"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day of absence"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    substitute = DirectorChoiceField(
        label=_("Substitute for all cases"),
        queryset=Director.objects.none(),
        required=False,
        help_text=_("Or choose a substitute per case below; a choice per case wins."),
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        # The absent director is offered too, so choosing them gives the form error, not a silent gap.
        choices = director_choices()
        self.fields["substitute"].queryset = choices
        self._rows = []
        for case in cases:
            name = f"sub_{case.pk}"
            self.fields[name] = DirectorChoiceField(
                label=_("Substitute for %(code)s") % {"code": case.code}, queryset=choices, required=False
            )
            self._rows.append((case, [name]))

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The absence cannot end before it starts."))
        cleaned["per_case"] = {case: cleaned.get(names[0]) for case, names in self._rows if cleaned.get(names[0])}
        return cleaned


class ReviewForm(CaseRowsMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(), initial=timezone.localdate)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self._rows = []
        for case in cases:
            code = case.code
            fields = {
                f"progress_{case.pk}": forms.CharField(
                    label=_("Progress of %(code)s") % {"code": code}, widget=forms.Textarea(attrs={"rows": 2})
                ),
                f"content_{case.pk}": forms.CharField(
                    label=_("Content of %(code)s") % {"code": code}, widget=forms.Textarea(attrs={"rows": 2})
                ),
                f"registration_{case.pk}": forms.CharField(
                    label=_("Registration of %(code)s") % {"code": code}, widget=forms.Textarea(attrs={"rows": 2})
                ),
                f"instruction_{case.pk}": forms.CharField(
                    label=_("Instruction for %(code)s") % {"code": code}, widget=forms.Textarea(attrs={"rows": 2})
                ),
                f"due_{case.pk}": forms.DateField(
                    label=_("Instruction for %(code)s due on") % {"code": code}, widget=DateInput()
                ),
            }
            for name, field in fields.items():
                field.required = False
                self.fields[name] = field
            self._rows.append((case, list(fields)))

    def items(self):
        data = self.cleaned_data
        return [
            {
                "case": case,
                "progress": data.get(f"progress_{case.pk}", ""),
                "content": data.get(f"content_{case.pk}", ""),
                "registration": data.get(f"registration_{case.pk}", ""),
                "instruction": data.get(f"instruction_{case.pk}", ""),
                "instruction_due_on": data.get(f"due_{case.pk}"),
            }
            for case, _names in self._rows
        ]


class ThreeWayForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(), initial=timezone.localdate)
    line_manager_name = forms.CharField(label=_("Line manager"), max_length=150)
    oov_participant = forms.ModelChoiceField(label=_("For OOV"), queryset=User.objects.none())
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oov_participant"].queryset = User.objects.filter(
            groups__name=roles.PROGRAMME_TEAM, is_active=True
        ).order_by("first_name")


class PoolSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or organisation"), required=False, max_length=100)


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name, organisation or role"), required=False, max_length=100)
