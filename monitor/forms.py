from django import forms
from django.utils.translation import gettext_lazy as _


class GenerateForm(forms.Form):
    """Which quarter the programme team wants a (new version of the) monitor for."""

    year = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)])
    reason = forms.CharField(
        label=_("Why a new version"),
        help_text=_("Required when the quarter has a monitor already; shown with the version."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
