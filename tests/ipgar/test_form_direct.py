"""The form renderer builds the project's form template (ipgar/forms/div.html, field.html per
field) and the number and textarea widgets directly (ipgar.forms._DIRECT): the same HTML as the
templates, byte for byte, bound and unbound, with help text, errors, a checkbox, a hidden field
and values that need escaping. A change to one of those templates fails here until the direct
rendering follows it."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting

from ipgar.forms import AccessibleFormRenderer

_BY_TEMPLATE = {
    "ipgar/forms/div.html",
    "django/forms/widgets/number.html",
    "django/forms/widgets/textarea.html",
}


class _TemplateRenderer(AccessibleFormRenderer):
    """The same renderer with the form, number and textarea rendered by the template engine."""

    def render(self, template_name, context, request=None):
        if template_name in _BY_TEMPLATE:
            return TemplatesSetting.render(self, template_name, context, request)
        return super().render(template_name, context, request)


class _Form(forms.Form):
    text = forms.CharField(label="L <&> “x”", help_text="<b>help</b> & more")
    flag = forms.BooleanField(label="a <flag>", required=False)
    number = forms.IntegerField(initial=3, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    choice = forms.ChoiceField(choices=[("a", "A & B"), ("b", "B")])
    hidden = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("top <error>")


@pytest.mark.parametrize(
    "data",
    [None, {}, {"text": "<x> & y", "flag": "on", "number": "x", "note": "a\n<b>", "choice": "c", "hidden": '"h"'}],
)
def test_the_direct_form_html_is_the_templates_html(data):
    direct = _Form(data, renderer=AccessibleFormRenderer())
    templated = _Form(data, renderer=_TemplateRenderer())
    assert str(direct) == str(templated)
    assert "&lt;" in str(direct) or data is None
