"""`{% submission_token %}`: a hidden field that makes a form's submit count once.
`{% form_fields form %}`: every field of a form as templates/ipgar/forms/field.html renders it.

Built into every template; put it next to `{% csrf_token %}` in a POST form. See
`ipgar.middleware.SubmitOnceMiddleware`.
"""

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ipgar.forms import render_field
from ipgar.middleware import SUBMISSION_FIELD

register = template.Library()


@register.simple_tag
def submission_token():
    return format_html('<input type="hidden" name="{}" value="{}">', SUBMISSION_FIELD, uuid.uuid4().hex)


@register.simple_tag
def form_fields(form):
    """Each field of `form` as `{% for field in form %}{% include "ipgar/forms/field.html" %}`
    renders it, without a template include per field (`ipgar.forms.render_field`)."""
    return mark_safe("".join(render_field(field) for field in form))  # noqa: S308 - render_field escapes
