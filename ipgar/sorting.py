"""Sorting a list by a column header, shared by every sortable list.

A list declares its sortable columns once, as (query expression, URL parameter) pairs and
their labels. `NullsLastOrderingFilter` (django-filter) validates `?sort=`: an unknown column
is a form error that the view reports as a message, never a 500. `sort_columns` gives each
header cell the link that sorts by it (again: the other way) and its `aria-sort`.
"""

import django_filters
from django.contrib import messages
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sorts with empty values last either way, and `then` as the tie-breaker so pages are stable."""

    def __init__(self, *args, then=("-id",), **kwargs):
        super().__init__(*args, **kwargs)
        self.then = tuple(then)

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = F(self.param_map[param.lstrip("-")])
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], *self.then)


def sort_filterset(fields, labels, *, then=("-id",)) -> type[django_filters.FilterSet]:
    """A filterset that only sorts, by `fields` ((expression, parameter) pairs)."""
    sort = NullsLastOrderingFilter(label=gettext_lazy("sort by"), fields=fields, field_labels=labels, then=then)
    return type("SortFilterSet", (django_filters.FilterSet,), {"sort": sort})


def sorted_list(request, queryset, filterset_class):
    """`queryset` sorted as `?sort=` asks; an unknown column leaves the list in its usual order, with a message."""
    filterset = filterset_class({"sort": request.GET["sort"]} if "sort" in request.GET else None, queryset=queryset)
    if filterset.is_bound and not filterset.is_valid():
        messages.warning(request, _("The sort order was not understood; the list is shown in its usual order."))
        return queryset
    return filterset.qs


def sort_ordering(request, filterset_class, model) -> tuple:
    """The `order_by` that `?sort=` asks for, as `sorted_list` would apply it, for a list whose
    query is compiled once per sort order (ipgar.compiled); empty for the usual order, and for
    an unknown column, with the same message."""
    if "sort" not in request.GET:
        return ()
    filterset = filterset_class({"sort": request.GET["sort"]}, queryset=model.objects.none())  # only its form is used
    if not filterset.is_valid():
        messages.warning(request, _("The sort order was not understood; the list is shown in its usual order."))
        return ()
    sort = filterset.filters["sort"]
    value = filterset.form.cleaned_data["sort"]
    if value in ([], (), {}, "", None):
        return ()
    return (*[sort.get_ordering_value(param) for param in value], *sort.then)


def sort_columns(request, fields, labels) -> dict[str, dict]:
    """Header cells of the sortable columns, by parameter: label, the link that sorts by it, aria-sort.

    The link keeps the other parameters of the request (filters) and drops the page."""
    current = request.GET.get("sort", "")
    base = request.GET.copy()
    base.pop("page", None)
    base.pop("sort", None)
    base_query = base.urlencode()
    columns = {}
    for field, param in fields:
        ascending, descending = current == param, current == f"-{param}"
        target = f"-{param}" if ascending else param
        columns[param] = {
            "param": param,
            "label": labels[field],
            "url": "?" + "&".join(part for part in (base_query, f"sort={target}") if part),
            "aria_sort": "ascending" if ascending else "descending" if descending else "none",
        }
    return columns
