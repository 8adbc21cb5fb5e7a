"""Form rendering in the Amsterdam Design System, accessible by default.

Every form of every app renders through this renderer: labels, help text and errors are
tied to their input (aria-describedby), inputs carry the design-system classes.
"""

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

_WIDGET_CLASSES = {
    "select": "ams-select",
    "selectmultiple": "ams-select",
    "textarea": "ams-text-area",
    # A lone native checkbox: the ADS checkbox class hides the native control and needs
    # its own label markup, so it keeps the browser's control with our spacing.
    "checkbox": "ipgar-checkbox__input",
    # Groups of native radios/checkboxes: the ADS input classes hide the native control
    # (inline-size 0) and need the ADS label markup, so these keep the browser's own.
    "radioselect": "ipgar-choice",
    "checkboxselectmultiple": "ipgar-choice",
    "date": "ams-date-input",
    "datetime": "ams-date-time-input",
    "file": "ams-file-input",
    "clearablefile": "ams-file-input",
}


class AccessibleBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        kind = widget.__class__.__name__.lower().removesuffix("input").removesuffix("widget")
        css = _WIDGET_CLASSES.get(kind, "ams-text-input")
        attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        if self.form.is_bound and self.errors:
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{described} {self.auto_id}_error".strip()
        return attrs


class AccessibleFormRenderer(TemplatesSetting):
    """Renders with the project's TEMPLATES (so templates/ipgar/forms/ is found)."""

    form_template_name = "ipgar/forms/div.html"
    bound_field_class = AccessibleBoundField
