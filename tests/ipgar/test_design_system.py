"""Pages that look finished: every button and description list styled, no English
empty choice, codes that do not wrap, a skip link that shows only on focus."""

import re
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [*ROOT.glob("*/templates/**/*.html"), *ROOT.glob("templates/**/*.html")]


def test_every_design_system_button_has_a_variant():
    offenders = []
    for path in TEMPLATES:
        for classes in re.findall(r'class="([^"]*\bams-button\b[^"]*)"', path.read_text()):
            if not re.search(r"\bams-button--(primary|secondary|tertiary)\b", classes):
                offenders.append(f"{path.relative_to(ROOT)}: {classes}")
    assert offenders == []


def test_every_description_list_uses_the_design_system():
    offenders = []
    for path in TEMPLATES:
        text = path.read_text()
        lists = re.findall(r"<dl[^>]*>", text)
        offenders += [f"{path.relative_to(ROOT)}: {tag}" for tag in lists if "ams-description-list" not in tag]
        offenders += [f"{path.relative_to(ROOT)}: bare {tag}" for tag in re.findall(r"<d[td]>", text)]
    assert offenders == []


def test_skip_link_is_hidden_until_focused():
    css = (ROOT / "static/css/ipgar.css").read_text()
    assert ".ams-skip-link:not(:focus):not(:focus-visible) { position: absolute;" in css


class _Form(forms.Form):
    required_choice = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])
    optional_choice = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)
    name = forms.CharField()


@pytest.mark.parametrize("bound", [False, True])
def test_no_english_empty_choice_and_no_error_state_before_submit(bound):
    with translation.override("nl"):
        html = str(_Form({"name": ""} if bound else None))
    assert "---------" not in html
    assert ">– kies –</option>" in html
    assert ">– geen –</option>" in html
    assert ('aria-invalid="true"' in html) is bound
