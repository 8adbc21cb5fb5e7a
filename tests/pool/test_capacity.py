"""Capacity and load are derived, never typed in; over capacity is flagged."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Case
from pool import selectors, services
from pool.models import Director

from .factories import CaseFactory, DirectorFactory, ProgrammeUserFactory, caseload, organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("fte", "override", "expected"), [("1.0", None, 12), ("0.5", None, 6), ("0.5", 8, 8)])
def test_capacity_is_twelve_per_fte_unless_overridden(fte, override, expected):
    director = DirectorFactory(fte=Decimal(fte), capacity_override=override)
    figures = selectors.director_get(pk=director.pk)
    assert director.capacity == expected
    assert figures.max_cases == expected


def test_capacity_follows_the_setting(settings):
    settings.IPGAR_CASES_PER_FTE = 10
    director = DirectorFactory(fte=Decimal("0.5"))
    assert director.capacity == 5
    assert selectors.director_get(pk=director.pk).max_cases == 5


def test_load_counts_the_caseload_statuses_only():
    director = DirectorFactory(fte=Decimal("0.5"))
    caseload(director, 2)
    CaseFactory(static=True, director=director)
    CaseFactory(aftercare=True, director=director)
    CaseFactory(closed=True, director=director)  # outflow: no longer on the caseload
    figures = selectors.director_get(pk=director.pk)
    expected = Case.objects.filter(director=director, status__in=Case.CASELOAD_STATUSES).count()
    assert expected == 4
    assert figures.active_cases == expected
    assert figures.free_places == 6 - expected
    assert figures.over_capacity is False


def test_over_capacity_is_flagged_only_above_the_maximum():
    at_max, over = DirectorFactory(fte=Decimal("0.5")), DirectorFactory(fte=Decimal("0.5"))
    caseload(at_max, 6)
    caseload(over, 7)
    figures = {d.pk: d for d in selectors.director_figures()}
    assert (figures[at_max.pk].active_cases, figures[at_max.pk].over_capacity) == (6, False)
    assert (figures[over.pk].active_cases, figures[over.pk].over_capacity) == (7, True)


@pytest.mark.parametrize("fte", ["0.05", "1.5"])
def test_fte_outside_range_is_a_form_error(client, fte):
    director = DirectorFactory()
    client.force_login(ProgrammeUserFactory())
    response = client.post(
        reverse("pool:director_edit", args=[director.pk]),
        {"organisation": director.organisation_id, "fte": fte, "active_from": "2019-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["fte"]
    director.refresh_from_db()
    assert director.fte == Decimal("1.0")


def test_director_update_refuses_fte_outside_range():
    director = DirectorFactory()
    with pytest.raises(ValidationError) as error:
        services.director_update(director=director, by=ProgrammeUserFactory(), fte=Decimal("1.2"))
    assert "fte" in error.value.message_dict


def test_programme_team_keeps_the_pool(client):
    user = DirectorFactory.build().user
    user.save()
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name="director"))
    client.force_login(ProgrammeUserFactory())
    response = client.post(
        reverse("pool:director_new"),
        {
            "user": user.pk,
            "organisation": organisation("oov").pk,
            "seconded_from": organisation("jbra").pk,
            "fte": "0.5",
            "active_from": "2020-06-01",
            "line_manager_name": "Manager JBRA",
        },
    )
    director = Director.objects.get(user=user)
    assert response.status_code == 302
    assert (director.capacity, director.seconded_from.code) == (6, "jbra")
