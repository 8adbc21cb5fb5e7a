"""Filters of the meetings list: by body and period, with django-filter."""

import django_filters
from django.db.models import Exists, OuterRef
from django.forms import DateInput
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ipgar.sorting import NullsLastOrderingFilter

from .models import MeetingBody

# Sortable columns: without a sort, upcoming meetings soonest first and earlier ones
# newest first.
SORT_FIELDS = (("date", "date"), ("body__name", "body"))
SORT_LABELS = {"date": _("date"), "body__name": _("body")}


class MeetingFilter(django_filters.FilterSet):
    body = django_filters.ModelChoiceFilter(label=_("body"), queryset=MeetingBody.objects.none(), empty_label=_("all"))
    date_from = django_filters.DateFilter(
        label=_("from"), field_name="date", lookup_expr="gte", widget=DateInput(attrs={"type": "date"})
    )
    date_until = django_filters.DateFilter(
        label=_("until"), field_name="date", lookup_expr="lte", widget=DateInput(attrs={"type": "date"})
    )
    sort = NullsLastOrderingFilter(
        label=_("sort by"), fields=SORT_FIELDS, field_labels=SORT_LABELS, then=("-date", "-id")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the bodies of meetings this reader may see: one index probe per body (a handful),
        # not a read of every meeting, so the choices cost the same at any number of meetings.
        readable = self.queryset.order_by().filter(body_id=OuterRef("pk"))
        self.form.fields["body"].queryset = MeetingBody.objects.filter(Exists(readable)).order_by("name")
        for field in self.form.fields.values():
            field.label = capfirst(field.label)
