"""Playwright: the programme team assigns a new case from the ranked proposal (axe on every page)."""

from decimal import Decimal

import pytest

from cases.models import DirectorAssignment, Intervention

from .factories import CaseFactory, DirectorFactory, InterventionFactory, ProgrammeUserFactory, caseload, organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_programme_team_assigns_a_case_from_the_ranked_proposal(page, live_server, browser_login, axe):
    pt = ProgrammeUserFactory(username="pt-browser", first_name="Femke")
    police = DirectorFactory(organisation=organisation("politie"), fte=Decimal("0.5"))
    oov = DirectorFactory(organisation=organisation("oov"))
    caseload(police, 3)
    caseload(oov, 1)
    case = CaseFactory(advised=True, code="R-2026-900")
    InterventionFactory(case=case, partner=organisation("politie"), status=Intervention.Status.PLANNED)

    browser_login(page, pt.username)
    page.goto(f"{live_server.url}/pool/")
    axe(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Regisseurspool"
    page.get_by_role("link", name="Casussen toewijzen").click()
    axe(page)
    page.get_by_role("link", name="R-2026-900").click()
    page.wait_for_load_state()
    axe(page)

    proposal = page.get_by_role("list").filter(has_text="plaatsen vrij").first
    first = proposal.get_by_role("listitem").first.inner_text()
    police_name = police.user.get_full_name()
    assert first.startswith(police_name)
    assert "Politie draagt 1 van de 1 interventies die deze casus nodig heeft" in first

    page.get_by_role("radio", name=f"1. {police_name}").check()
    page.get_by_label("Reden voor deze keuze").fill("Beste kaarten: politie-interventie gepland.")
    page.get_by_role("button", name="Toewijzen", exact=True).click()
    page.wait_for_load_state()
    axe(page)
    assert "R-2026-900 is toegewezen aan" in page.get_by_role("status").first.inner_text()

    assignment = DirectorAssignment.objects.get(case=case, ended_on__isnull=True)
    assert (assignment.director, assignment.assigned_by, assignment.reason) == (
        police,
        pt,
        "Beste kaarten: politie-interventie gepland.",
    )
