"""Assignment: ranked proposal (best cards, free capacity, restrictions), explained, recorded."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases.models import Case, DirectorAssignment, Intervention
from pool import selectors, services

from .factories import (
    CaseFactory,
    DirectorFactory,
    InterventionFactory,
    ProgrammeUserFactory,
    area,
    caseload,
    organisation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool():
    """Police with room, OOV with more room, a full RN director, an Amstelland-only director."""
    directors = {
        "politie": DirectorFactory(organisation=organisation("politie"), fte=Decimal("0.5")),
        "oov": DirectorFactory(organisation=organisation("oov"), fte=Decimal("1.0")),
        "rn": DirectorFactory(organisation=organisation("rn"), fte=Decimal("0.5")),
        "amstelland": DirectorFactory(
            organisation=organisation("amstelveen"),
            areas=[area("amstelveen"), area("uithoorn"), area("aalsmeer"), area("diemen"), area("ouder-amstel")],
        ),
    }
    caseload(directors["politie"], 4)  # 2 of 6 free
    caseload(directors["oov"], 2)  # 10 of 12 free
    caseload(directors["rn"], 6)  # 0 of 6 free
    return directors


def needing(*partners, status=Intervention.Status.PLANNED, **case_kwargs):
    case = CaseFactory(advised=True, **case_kwargs)
    for partner in partners:
        InterventionFactory(case=case, partner=organisation(partner), status=status)
    return case


def ranked(proposals):
    return [p.director.pk for p in proposals if p.eligible]


def test_best_cards_rank_first_among_directors_with_room(pool):
    case = needing("politie", "politie", "rn")
    order = ranked(selectors.director_proposals(case=case))
    # Police carries 2 of 3 needed interventions and has room: first, despite fewer free places.
    # RN carries 1 but is full: after everyone with room.
    assert order == [pool["politie"].pk, pool["oov"].pk, pool["rn"].pk]


def test_without_known_needs_free_capacity_decides(pool):
    case = needing()
    order = ranked(selectors.director_proposals(case=case))
    assert order == [pool["oov"].pk, pool["politie"].pk, pool["rn"].pk]


def test_completed_interventions_are_no_longer_a_need(pool):
    case = needing("rn", "rn", status=Intervention.Status.COMPLETED)
    assert selectors.case_needs(case=case) == {}


def test_stated_needs_count_with_the_interventions(pool):
    case = needing()
    order = ranked(selectors.director_proposals(case=case, extra_partner_ids=[organisation("politie").pk]))
    assert order[0] == pool["politie"].pk


def test_amstelland_director_only_for_amstelland_cases(pool):
    west = needing(area=area("west"))
    amstelveen = needing(area=area("amstelveen"))
    west_proposals = {p.director.pk: p for p in selectors.director_proposals(case=west)}
    assert west_proposals[pool["amstelland"].pk].eligible is False
    assert west_proposals[pool["amstelland"].pk].rank is None
    assert pool["amstelland"].pk in ranked(selectors.director_proposals(case=amstelveen))
    # Unrestricted directors take Amstelland cases too.
    assert pool["oov"].pk in ranked(selectors.director_proposals(case=amstelveen))


def test_each_proposal_is_explained_in_one_dutch_sentence(pool):
    case = needing("politie", "politie", "rn", area=area("west"))
    with translation.override("nl"):
        proposals = {p.director.pk: p for p in selectors.director_proposals(case=case)}
    police, oov, rn, amstelland = (proposals[pool[k].pk] for k in ("politie", "oov", "rn", "amstelland"))
    assert "Politie draagt 2 van de 3 interventies die deze casus nodig heeft" in police.explanation
    assert "2 van 6 plaatsen vrij" in police.explanation
    assert "geen van de 3 interventies die deze casus nodig heeft komt van" in oov.explanation
    assert "geen plaats vrij (6 casussen, maximum 6)" in rn.explanation
    assert "bevestiging met reden" in rn.explanation
    assert "neemt alleen casussen in" in amstelland.explanation and "West" in amstelland.explanation
    for proposal in proposals.values():
        assert proposal.explanation.endswith(".") and proposal.explanation.count(". ") == 0


def test_assignment_is_recorded_with_reason_and_by_whom(client, pool):
    case = needing("politie")
    pt = ProgrammeUserFactory()
    client.force_login(pt)
    with translation.override("nl"):
        page = client.get(reverse("pool:assign", args=[case.pk]))
    assert page.status_code == 200
    assert page.context["proposals"][0].director.pk == pool["politie"].pk
    response = client.post(
        reverse("pool:assign", args=[case.pk]),
        {"director": pool["politie"].pk, "reason": "Beste kaarten: politie-interventies."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assignment = DirectorAssignment.objects.get(case=case, ended_on__isnull=True)
    assert (case.director, assignment.assigned_by, assignment.reason) == (
        pool["politie"],
        pt,
        "Beste kaarten: politie-interventies.",
    )
    assert Case.objects.visible_to(pool["politie"].user).filter(pk=case.pk).exists()


def test_assigning_beyond_capacity_needs_confirmation_and_reason(client, pool):
    case = needing("rn")
    client.force_login(ProgrammeUserFactory())
    url = reverse("pool:assign", args=[case.pk])
    refused = client.post(url, {"director": pool["rn"].pk, "reason": "Inhoud"})
    assert refused.status_code == 200
    assert "Boven capaciteit" in " ".join(refused.context["form"].non_field_errors())
    case.refresh_from_db()
    assert case.director is None
    accepted = client.post(
        url, {"director": pool["rn"].pk, "reason": "Reclasseringstoezicht loopt al", "confirm_over_capacity": "on"}
    )
    assert accepted.status_code == 302
    case.refresh_from_db()
    assert case.director == pool["rn"]


def test_service_refuses_restricted_director_and_missing_reason(pool):
    case = needing(area=area("west"))
    by = ProgrammeUserFactory()
    with pytest.raises(ValidationError) as error:
        services.case_assign(case=case, director=pool["amstelland"], by=by, reason="Ruimte")
    assert error.value.code == "restricted"
    with pytest.raises(ValidationError) as error:
        services.case_assign(case=case, director=pool["oov"], by=by, reason=" ")
    assert error.value.code == "reason_required"


def test_restricted_director_is_not_offered_in_the_form(client, pool):
    case = needing(area=area("west"))
    client.force_login(ProgrammeUserFactory())
    response = client.post(reverse("pool:assign", args=[case.pk]), {"director": pool["amstelland"].pk, "reason": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["director"]


def test_new_director_is_notified_after_commit(pool, django_capture_on_commit_callbacks):
    case = needing()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_assign(case=case, director=pool["oov"], by=ProgrammeUserFactory(), reason="Ruimte")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [pool["oov"].user.email]
    assert case.code in mail.outbox[0].body


def test_only_the_programme_team_assigns(client, pool):
    case = needing()
    client.force_login(pool["oov"].user)
    assert client.get(reverse("pool:assign", args=[case.pk])).status_code == 404
    assert client.get(reverse("pool:assign_list")).status_code == 404


def test_closed_cases_are_not_assignable(client):
    case = CaseFactory(closed=True)
    client.force_login(ProgrammeUserFactory())
    assert client.get(reverse("pool:assign", args=[case.pk])).status_code == 404


@pytest.mark.parametrize("n", [1, 12])
def test_proposal_runs_a_constant_number_of_queries(client, django_assert_num_queries, n):
    for _i in range(n):
        caseload(DirectorFactory(organisation=organisation("ggd")), 1)
    case = needing("ggd", "oov")
    client.force_login(ProgrammeUserFactory())
    # The pool is ranked in one query of plain values; only the directors shown are read, in one query
    # with their absences and areas: the same queries for 1 director or more than the ten proposed.
    with django_assert_num_queries(13):
        response = client.get(reverse("pool:assign", args=[case.pk]))
    assert len(response.context["proposals"]) == min(n, 10)
    # The page of every director costs the same queries whatever the pool's size.
    with django_assert_num_queries(13):
        response = client.get(reverse("pool:assign", args=[case.pk]), {"all": "1"})
    assert len(response.context["page"].object_list) == n


@pytest.fixture
def big_pool():
    """12 OOV directors, Lid 01 … Lid 12: Lid 01 has the most room (n free places fall with the number)."""
    directors = []
    for i in range(1, 13):
        names = {"user__first_name": "Lid", "user__last_name": f"{i:02d}", "user__username": f"lid-{i:02d}"}
        directors.append(DirectorFactory(organisation=organisation("oov"), capacity_override=13 - i, **names))
    return directors


def test_the_assistant_proposes_the_best_ten_and_the_rest_are_reachable(client, big_pool):
    case = needing()
    client.force_login(ProgrammeUserFactory())
    url = reverse("pool:assign", args=[case.pk])
    response = client.get(url)
    assert [p.director.pk for p in response.context["proposals"]] == [d.pk for d in big_pool[:10]]
    assert [p.rank for p in response.context["proposals"]] == list(range(1, 11))
    html = response.content.decode()
    assert "Lid 11" not in html
    assert "Alle 12 regisseurs van de pool tonen, in volgorde" in html
    # Every director, ranked and explained, a page at a time.
    every = client.get(url, {"all": "1"})
    assert [(p.rank, p.director.pk) for p in every.context["page"]] == list(
        enumerate([d.pk for d in big_pool], start=1)
    )
    assert "11. Lid 11: er zijn nog geen interventiebehoeften bekend" in every.content.decode()
    # Or found by name; the one found is offered in the form.
    found = client.get(url, {"q": "lid 12"})
    assert [p.director.pk for p in found.context["page"]] == [big_pool[11].pk]
    assert f'value="{big_pool[11].pk}"' in found.content.decode()


def test_a_director_outside_the_proposal_is_assigned_with_the_same_rules(client, big_pool):
    last = big_pool[11]  # 1 place, filled below: assigning needs the over-capacity confirmation
    caseload(last, 1)
    case = needing()
    client.force_login(ProgrammeUserFactory())
    url = reverse("pool:assign", args=[case.pk]) + "?q=lid+12"
    refused = client.post(url, {"director": last.pk, "reason": "Kent de familie"})
    assert refused.status_code == 200
    assert "Boven capaciteit" in " ".join(refused.context["form"].non_field_errors())
    # Posted from another page (the ranking shown no longer lists them): still checked and assigned.
    accepted = client.post(
        reverse("pool:assign", args=[case.pk]),
        {"director": last.pk, "reason": "Kent de familie", "confirm_over_capacity": "on"},
    )
    assert accepted.status_code == 302
    case.refresh_from_db()
    assert case.director == last


def test_restricted_directors_are_folded_away_with_their_reason(client, pool):
    case = needing(area=area("west"))
    client.force_login(ProgrammeUserFactory())
    with translation.override("nl"):
        response = client.get(reverse("pool:assign", args=[case.pk]))
    html = response.content.decode()
    assert [p.director.pk for p in response.context["view"].restricted] == [pool["amstelland"].pk]
    folded = html[html.index('<details class="ipgar-details">') : html.index("</details>")]
    assert "1 regisseur wordt niet voorgesteld vanwege een beperking" in folded
    assert "neemt alleen casussen in" in folded
    assert f'value="{pool["amstelland"].pk}"' not in html


def test_an_id_beyond_any_case_answers_404(client):
    client.force_login(ProgrammeUserFactory())
    assert client.get(reverse("pool:assign", args=[2**63])).status_code == 404
    assert client.get(reverse("pool:assign", args=[2**63 - 1])).status_code == 404
