from django import template

from monitor.presentation import show

register = template.Library()


@register.filter
def cell(value) -> str:
    """A monitor figure as text ("< 5" for a hidden count)."""
    return show(value)
