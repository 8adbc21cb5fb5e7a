"""`{% submission_token %}`: a hidden field that makes a form's submit count once.

Built into every template; put it next to `{% csrf_token %}` in a POST form. See
`ipgar.middleware.SubmitOnceMiddleware`.
"""

import uuid

from django import template
from django.utils.html import format_html

from ipgar.middleware import SUBMISSION_FIELD

register = template.Library()


@register.simple_tag
def submission_token():
    return format_html('<input type="hidden" name="{}" value="{}">', SUBMISSION_FIELD, uuid.uuid4().hex)
