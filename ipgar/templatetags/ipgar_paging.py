from django import template

from ipgar import paging

register = template.Library()


@register.filter
def page_links(page):
    """`{% for number in page|page_links %}`: see ipgar.paging.page_links."""
    return paging.page_links(page)
