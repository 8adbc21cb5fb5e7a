"""Handover of one or many cases: access moves, history keeps the old director, notice by e-mail."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from cases.models import DirectorAssignment

from .factories import DirectorFactory, ProgrammeUserFactory, caseload, organisation

pytestmark = pytest.mark.django_db


def test_bulk_handover_moves_access_keeps_history_and_notifies(client, django_capture_on_commit_callbacks):
    police = DirectorFactory(organisation=organisation("politie"))
    oov, wpi = DirectorFactory(), DirectorFactory(organisation=organisation("wpi"))
    cases = caseload(police, 3)
    kept = caseload(police, 1)[0]
    client.force_login(police.user)
    assert all(client.get(reverse("cases:detail", args=[c.pk])).status_code == 200 for c in cases)

    client.force_login(ProgrammeUserFactory())
    data = {
        "to_all": oov.pk,
        "on": "2020-06-01",
        "reason": "Politieregisseurs stoppen (notitie 26 mei 2020)",
        **{f"move_{c.pk}": "on" for c in cases},
        f"to_{cases[2].pk}": wpi.pk,  # one case to another director than the rest
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pool:handover", args=[police.pk]), data)
    assert response.status_code == 302

    for case in cases:
        case.refresh_from_db()
    assert [c.director for c in cases] == [oov, oov, wpi]
    kept.refresh_from_db()
    assert kept.director == police

    client.force_login(police.user)
    assert all(client.get(reverse("cases:detail", args=[c.pk])).status_code == 404 for c in cases)
    assert client.get(reverse("cases:detail", args=[kept.pk])).status_code == 200
    client.force_login(oov.user)
    assert client.get(reverse("cases:detail", args=[cases[0].pk])).status_code == 200
    client.force_login(wpi.user)
    assert client.get(reverse("cases:detail", args=[cases[2].pk])).status_code == 200

    old = DirectorAssignment.objects.get(case=cases[0], director=police)
    assert old.ended_on == dt.date(2020, 6, 1)
    assert cases[0].history.filter(director=police).exists()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([oov.user.email, wpi.user.email])
    to_oov = next(m for m in mail.outbox if m.to == [oov.user.email])
    assert cases[0].code in to_oov.body and cases[1].code in to_oov.body and cases[2].code not in to_oov.body


def test_single_handover_with_a_receiver_per_case(client):
    police, ggd = (
        DirectorFactory(organisation=organisation("politie")),
        DirectorFactory(organisation=organisation("ggd")),
    )
    (case,) = caseload(police, 1)
    client.force_login(ProgrammeUserFactory())
    response = client.post(
        reverse("pool:handover", args=[police.pk]),
        {"on": "2026-01-01", "reason": "Zorg staat voorop", f"move_{case.pk}": "on", f"to_{case.pk}": ggd.pk},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.director == ggd


def test_handover_without_a_receiver_or_a_case_is_a_form_error(client):
    police = DirectorFactory(organisation=organisation("politie"))
    (case,) = caseload(police, 1)
    client.force_login(ProgrammeUserFactory())
    url = reverse("pool:handover", args=[police.pk])
    no_receiver = client.post(url, {"on": "2026-01-01", "reason": "x", f"move_{case.pk}": "on"})
    assert no_receiver.context["form"].errors[f"to_{case.pk}"]
    nothing = client.post(url, {"on": "2026-01-01", "reason": "x"})
    assert nothing.context["form"].non_field_errors()


def test_handover_beyond_capacity_needs_confirmation(client):
    from decimal import Decimal

    police, small = DirectorFactory(organisation=organisation("politie")), DirectorFactory(fte=Decimal("0.1"))
    caseload(small, 1)  # capacity 1, full
    (case,) = caseload(police, 1)
    client.force_login(ProgrammeUserFactory())
    url = reverse("pool:handover", args=[police.pk])
    data = {"on": "2026-01-01", "reason": "x", f"move_{case.pk}": "on", "to_all": small.pk}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Boven capaciteit" in " ".join(refused.context["form"].non_field_errors())
    assert client.post(url, {**data, "confirm_over_capacity": "on"}).status_code == 302
