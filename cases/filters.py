"""The case list's filters, search and sort, with django-filter.

Everyone allowed on the list searches by case code; the programme team also by name or BSN
(an identity lookup, which the view logs). Sorting is by a fixed set of columns: an unknown
column is a form error that the view reports, never a 500.
"""

import functools
import re

import django_filters
from django.db.models import F, Q, Subquery
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ipgar import roles
from ipgar.compiled import CompiledQuery
from ipgar.reference import reference_name
from ipgar.sorting import NullsLastOrderingFilter, sort_filterset

from .models import (
    AnyOf,
    Area,
    Case,
    CaseIdentity,
    Ideology,
    NameWords,
    RiskCategory,
    code_condition,
    prefix_query,
    search_words,
)

SORT_FIELDS = (
    ("code", "code"),
    ("status", "status"),
    ("reported_on", "reported_on"),
    ("area__name", "area"),
    ("director__user__last_name", "director"),
    ("last_contact_on", "last_contact"),
)
SORT_LABELS = {
    "code": _("code"),
    "status": _("status"),
    "reported_on": _("reported on"),
    "area__name": _("area"),
    "director__user__last_name": _("case director"),
    "last_contact_on": _("last contact"),
}
# The caseload page's sortable columns; its own cases first, then the substitute's, by code.
CASELOAD_SORT_FIELDS = (
    ("code", "code"),
    ("status", "status"),
    ("last_contact_on", "last_contact"),
    ("alert_count", "alerts"),
)
CASELOAD_SORT_LABELS = {
    "code": _("code"),
    "status": _("status"),
    "last_contact_on": _("last contact"),
    "alert_count": _("open alerts"),
}
CaseloadSort = sort_filterset(CASELOAD_SORT_FIELDS, CASELOAD_SORT_LABELS, then=("via_substitute", "code"))
ALERT_CHOICES = [
    ("any", _("any alert")),
    ("no_contact", _("no contact")),
    ("no_intervention", _("no intervention")),
    ("pending_report", _("report pending")),
]
_BSN = re.compile(r"^\d{8,9}$")


def _directors():
    # The director model belongs to the pool, which builds on cases: reached through the FK.
    director_model = Case._meta.get_field("director").related_model
    return director_model.objects.order_by("user__username").values_list(
        "pk", "user__first_name", "user__last_name", "user__username"
    )


def _references(model):
    return model.objects.order_by(*model._meta.ordering).values_list("pk", "name", "name_en")


# Compiled once per process: building and compiling these four queries on every request was
# about a third of the filter form's time (the case list, BENCHMARKS.md issue 17).
_DIRECTORS = CompiledQuery(_directors)
_REFERENCES = {model: CompiledQuery(functools.partial(_references, model)) for model in (Ideology, RiskCategory, Area)}


def _director_choices():
    return [(pk, f"{first} {last}".strip() or username) for pk, first, last, username in _DIRECTORS()]


def _reference_choices(model):
    """(id, name in the active language) of every entry, archived ones too, in the catalogue's
    order: what a model choice would offer, read as plain values instead of model instances."""
    return [(pk, reference_name(name, name_en)) for pk, name, name_en in _REFERENCES[model]()]


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="search")
    status = django_filters.ChoiceFilter(label=_("status"), choices=Case.Status.choices, empty_label=_("all"))
    director = django_filters.ChoiceFilter(label=_("case director"), choices=_director_choices, empty_label=_("all"))
    ideology = django_filters.ChoiceFilter(
        label=_("ideology"), choices=functools.partial(_reference_choices, Ideology), empty_label=_("all")
    )
    risk_category = django_filters.ChoiceFilter(
        label=_("risk category"), choices=functools.partial(_reference_choices, RiskCategory), empty_label=_("all")
    )
    area = django_filters.ChoiceFilter(
        label=_("area"), choices=functools.partial(_reference_choices, Area), empty_label=_("all")
    )
    alert = django_filters.ChoiceFilter(
        label=_("alert"), choices=ALERT_CHOICES, method="filter_alert", empty_label=_("all")
    )
    sort = NullsLastOrderingFilter(
        label=_("sort by"), fields=SORT_FIELDS, field_labels=SORT_LABELS, then=("-reported_on", "-id")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.identity_lookup = False
        self.filters["q"].label = _("code, name or BSN") if roles.is_programme_team(user) else _("code")
        for field in self.form.fields.values():
            field.label = capfirst(field.label)

    def search(self, qs, _name, value):
        """By word beginnings (`R-2026`, `017`, `Jans`), from full-text indexes: a substring
        search read every case and identity at national scale (BENCHMARKS.md, issue 17)."""
        value = value.strip()
        if not value:
            return qs
        if not roles.is_programme_team(self.user):
            return qs.search_code(value)
        # The programme team finds a person by name or BSN: an identity lookup, logged by the view.
        self.identity_lookup = True
        if _BSN.match(value):
            found = CaseIdentity.objects.filter(bsn=value.zfill(9)).order_by().values("case_id")
        elif words := search_words(value):
            found = (
                CaseIdentity.objects.alias(name_words=NameWords("first_name", "last_name"))
                .filter(name_words=prefix_query(words))
                .order_by()
                .values("case_id")
            )
        else:
            found = CaseIdentity.objects.none().values("case_id")
        # Each side from its own index, combined as a bitmap OR on the cases: the identities'
        # case ids are read once, as an array. As `pk IN (codes UNION identities)` every case
        # found was read a second time by its key (a year's 2,000 cases at national scale).
        return qs.filter(code_condition(value) | Q(AnyOf(F("pk"), Subquery(found))))

    def filter_alert(self, qs, _name, value):
        if "alert_count" not in qs.query.annotations:
            # The list picks its page from the cases without their alerts; this filter needs them.
            return qs.with_alert(value)
        if value == "any":
            return qs.filter(alert_count__gt=0)
        return qs.filter(**{f"alert_{value}": True})
