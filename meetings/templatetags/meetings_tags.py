"""Small display helpers of the minutes pages and documents."""

from django import template
from django.utils.html import format_html, format_html_join

from .. import exports

register = template.Library()


@register.filter
def completion(action) -> str:
    return exports._completion(action)


@register.filter
def when(item) -> str:
    return exports._when(item)


@register.filter
def segments(parts) -> str:
    """Publication text: withheld pieces show only their ground, in a marked span."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<span class="woo-ground">{}</span>', s.ground) if s.ground else format_html("{}", s.text),)
            for s in parts
        ),
    )
