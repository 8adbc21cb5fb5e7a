"""Form rendering in the Amsterdam Design System, accessible by default; dates bounded.

Every form of every app renders through this renderer: labels, help text and errors are
tied to their input (aria-describedby), inputs carry the design-system classes.

Every date and date-time field of every form (yours too, model forms and the admin
included) accepts only 1900-01-01 .. today + 5 years: `ipgar.date_window.bound_every_date_field`, run at
start-up (`ipgar/__init__.py`), gives Django's DateField and DateTimeField the validator of `ipgar.date_window`.
A date outside that is a field error instead of an overflow somewhere later.
Services that take dates from elsewhere call `ipgar.date_window.check_dates`.
"""

from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

_DJANGO_EMPTY_LABEL = "---------"
_SELECTED = {"selected": True}

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
            described = attrs.get("aria-describedby", "").split()
            if f"{self.auto_id}_error" not in described:
                described.append(f"{self.auto_id}_error")
            attrs["aria-describedby"] = " ".join(described)
        return attrs


def _render_select(context) -> str:
    """The HTML of Django's select.html, built directly: a filter with hundreds of directors
    otherwise renders one template per option, the slowest part of a list page."""
    widget = context["widget"]
    parts = [f'<select name="{conditional_escape(widget["name"])}"{flatatt(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            label = option["label"]
            if label == _DJANGO_EMPTY_LABEL:
                # Django's "---------" is no Dutch: say what the empty choice means.
                label = gettext("choose") if "required" in widget["attrs"] else gettext("none")
                label = f"– {label} –"
            # An option's attributes are nothing or `selected`: flatatt only for anything else.
            attrs = option["attrs"]
            flat = "" if not attrs else " selected" if attrs == _SELECTED else flatatt(attrs)
            value = conditional_escape(option["value"])
            parts.append(f'<option value="{value}"{flat}>{conditional_escape(label)}</option>')
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html: in order, booleans as bare names, False left out."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _render_multiple_input(context) -> str:
    """The HTML of Django's radio.html and checkbox_select.html (multiple_input.html with an
    input_option.html per option), built directly: the assignment assistant lists every
    director of the pool as a radio button, one template include per option."""
    widget = context["widget"]
    parts = ["<div"]
    if widget_id := widget["attrs"].get("id"):
        parts.append(f' id="{conditional_escape(widget_id)}"')
    if widget_class := widget["attrs"].get("class"):
        parts.append(f' class="{conditional_escape(widget_class)}"')
    parts.append(">")
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f"\n  <div><label>{conditional_escape(group_name)}</label>")
        for option in options:
            value = "" if option["value"] is None else f' value="{conditional_escape(option["value"])}"'
            # The line ends are those of the templates' files (input.html, input_option.html, radio_option.html).
            field = (
                f'<input type="{conditional_escape(option["type"])}" name="{conditional_escape(option["name"])}"'
                f"{value}{_attrs(option['attrs'])}>\n"
            )
            if option["wrap_label"]:
                option_id = option["attrs"].get("id")
                label_for = f' for="{conditional_escape(option_id)}"' if option_id else ""
                field = f"<label{label_for}>{field} {conditional_escape(option['label'])}</label>"
            parts.append(f"<div>\n    {field}\n\n</div>")
        if group_name:
            parts.append("\n  </div>")
    parts.append("\n</div>")  # the renderer strips the outer template's line ends
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def render_field(field) -> str:
    """The HTML of templates/ipgar/forms/field.html for one bound field, built directly (a form's
    fields otherwise cost a template include each; `{% form_fields %}` for a filter form); the line
    ends are those of the template."""
    auto_id = conditional_escape(field.auto_id)
    label = conditional_escape(field.label)
    if field.widget_type == "checkbox":
        head = (
            f'<div class="ipgar-checkbox">{conditional_escape(field)} '
            f'<label for="{auto_id}" class="ams-label">{label}</label></div>'
        )
    else:
        optional = "" if field.field.required else f' <span class="ipgar-optional">({gettext("optional")})</span>'
        head = f'<label for="{auto_id}" class="ams-label">{label}{optional}</label>'
    help_text = ""
    if field.help_text:
        help_text = conditional_escape(field.help_text)
        help_text = f'<p class="ams-paragraph ams-paragraph--small" id="{auto_id}_helptext">{help_text}</p>'
    errors = "".join(
        f'<p class="ams-error-message" id="{auto_id}_error">{conditional_escape(error)}</p>' for error in field.errors
    )
    widget = conditional_escape(field) if field.widget_type != "checkbox" else ""
    invalid = " ams-field--invalid" if field.errors else ""
    return (
        f'<div class="ams-field{invalid} ipgar-field">\n  \n    {head}\n  \n  {help_text}\n  {errors}\n'
        f"  {widget}\n</div>\n"
    )


def _render_form(context) -> str:
    """The HTML of templates/ipgar/forms/div.html (every field through field.html), built directly."""
    errors = context["errors"]
    parts = []
    if errors:
        parts.append('<div class="ams-alert ams-alert--error" role="alert"><div class="ams-alert__content">')
        parts.extend(f'<p class="ams-paragraph">{conditional_escape(error)}</p>' for error in errors)
        parts.append("</div></div>")
    parts.append("\n")
    parts.extend(render_field(field) for field, _errors in context["fields"])
    parts.append("\n")
    parts.extend(conditional_escape(field) for field in context["hidden_fields"])
    return mark_safe("".join(parts).strip())  # noqa: S308 - every piece above is escaped


def _render_input(context) -> str:
    """django/forms/widgets/input.html, built directly."""
    widget = context["widget"]
    value = widget["value"]
    value = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return mark_safe(  # noqa: S308 - every piece is escaped
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _render_textarea(context) -> str:
    """django/forms/widgets/textarea.html, built directly."""
    widget = context["widget"]
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return mark_safe(  # noqa: S308 - every piece is escaped
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


_DIRECT = {
    "ipgar/forms/div.html": _render_form,
    "django/forms/widgets/number.html": _render_input,
    "django/forms/widgets/textarea.html": _render_textarea,
    "django/forms/widgets/select.html": _render_select,
    "django/forms/widgets/radio.html": _render_multiple_input,
    "django/forms/widgets/checkbox_select.html": _render_multiple_input,
}


class AccessibleFormRenderer(TemplatesSetting):
    """Renders with the project's TEMPLATES (so templates/ipgar/forms/ is found)."""

    form_template_name = "ipgar/forms/div.html"
    bound_field_class = AccessibleBoundField

    def render(self, template_name, context, request=None):
        if direct := _DIRECT.get(template_name):
            return direct(context)
        return super().render(template_name, context, request)


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def run_service(form, call) -> bool:
    """Run a service from a form: for a valid form, `call(form.cleaned_data)`; a broken rule
    (ValidationError) becomes form errors, never a 500. True when the service ran; its return
    value is kept as `form.result`. The one way every view runs a service from a form."""
    form.result = None
    if not form.is_valid():
        return False
    try:
        form.result = call(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True
