"""The form renderer builds <select> HTML directly (ipgar.forms._render_select): selected options,
several selected, groups, other option attributes and escaping, as the attributes say."""

from django import forms
from django.forms.utils import flatatt

from ipgar.forms import _render_select


class _DisablingSelect(forms.Select):
    """A widget that gives an option an attribute of its own (not only `selected`)."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        if option["value"] == "b":
            option["attrs"]["disabled"] = True
        return option


def _html(widget, value, choices):
    widget.choices = choices
    return _render_select(widget.get_context("f", value, {"id": "id_f"}))


def test_a_selected_option_and_escaped_values_and_labels():
    html = _html(forms.Select(), "a", [("a", "A & <b>"), ('"x"', "X")])
    assert html == (
        '<select name="f" id="id_f"><option value="a" selected>A &amp; &lt;b&gt;</option>'
        '<option value="&quot;x&quot;">X</option></select>'
    )


def test_several_selected_and_groups():
    choices = [("Noord", [("a", "A"), ("b", "B")]), ("c", "C")]
    html = _html(forms.SelectMultiple(), ["a", "c"], choices)
    assert html == (
        '<select name="f" id="id_f" multiple><optgroup label="Noord"><option value="a" selected>A</option>'
        '<option value="b">B</option></optgroup><option value="c" selected>C</option></select>'
    )


def test_other_option_attributes_are_written_as_attributes():
    html = _html(_DisablingSelect(), "b", [("a", "A"), ("b", "B")])
    assert f'<option value="b"{flatatt({"selected": True, "disabled": True})}>B</option>' in html
    assert '<option value="b" disabled selected>B</option>' in html
    assert '<option value="a">A</option>' in html
