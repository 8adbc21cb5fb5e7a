"""`{% form_fields form %}` (ipgar.forms.render_field) writes each field byte for byte as
templates/ipgar/forms/field.html does: text, select, checkbox, required and optional fields,
help text, errors, and labels, help and errors escaped."""

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string

from ipgar.forms import render_field


class _Form(forms.Form):
    name = forms.CharField(label="Name <b>", help_text="Your <i>name</i> & more")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A & <b>"), ("b", "B")], required=False)
    agree = forms.BooleanField(label="I agree <now>", required=False, help_text="Tick it")
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)

    def clean_note(self):
        if self.cleaned_data["note"] == "bad":
            raise forms.ValidationError("Not <this> & not that")
        return self.cleaned_data["note"]


def _included(form) -> str:
    return "".join(render_to_string("ipgar/forms/field.html", {"field": field}) for field in form)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "<script>", "kind": "a", "agree": "on", "note": "fine"},
        {"name": "", "kind": "zzz", "note": "bad"},
    ],
)
def test_the_same_html_as_the_field_template(data):
    form = _Form(data)
    if data is not None:
        form.is_valid()
    expected = _included(form)
    assert "".join(render_field(field) for field in form) == expected
    assert Template("{% form_fields form %}").render(Context({"form": form})) == expected
    assert "<script>" not in expected
    if data and data.get("note") == "bad":
        assert "ams-field--invalid" in expected
        assert "Not &lt;this&gt; &amp; not that" in expected
