"""Paged lists, shared by every list that grows with the data (pool overview, meetings list,
the assistant's other directors): Django's Paginator over the list's query, and the page
links the Amsterdam Design System's pagination shows (`templates/ipgar/pagination.html`).

A page costs a COUNT and the page's rows whatever the length of the list, so such a page
takes the same time at 20 or 200 directors, 300 or 3,000 meetings (BENCHMARKS.md, issue 17).
"""

from django.core.paginator import Page, Paginator


def page_of(request, queryset, *, per_page: int) -> Page:
    """The page `?page=` asks for; a number past the end gives the last page, anything else the first."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The request's other parameters (filters, search, sort), for the page links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def page_links(page: Page) -> list[int | None]:
    """The page numbers to link: the first, the last and two on each side of the current one;
    None where numbers are left out (shown as an ellipsis)."""
    return [
        None if number == page.paginator.ELLIPSIS else number
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
