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


@register.filter
def woo_body(document: str) -> str:
    """The body of one of our own rendered documents (stored or fresh), its headings one level
    down so they sit under the page's; the HTML was escaped when it was rendered."""
    import re

    from django.utils.safestring import mark_safe

    match = re.search(r"<body>(.*)</body>", document, re.S)
    inner = match.group(1) if match else ""
    for level in (3, 2, 1):
        inner = inner.replace(f"<h{level}", f"<h{level + 2}").replace(f"</h{level}>", f"</h{level + 2}>")
    return mark_safe(inner)  # noqa: S308 - rendered by our own templates with autoescape
