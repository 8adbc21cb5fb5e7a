"""The pool's admin pages show case data only through visible_to, read-only, logged; no admin
history can be reverted (a penetration test's finding)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from ipgar.models import AccessLogEntry
from pool import services
from pool.models import Absence, CaseloadReview, CaseloadReviewItem, Director, Instruction, Substitution
from tests.cases.factories import CaseFactory, DirectorFactory, ProgrammeUserFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


def _staff(user, *models):
    user.is_staff = True
    user.save()
    for model in models:
        name = model._meta.model_name
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label=model._meta.app_label,
                codename__in=[f"view_{name}", f"change_{name}", f"add_{name}", f"delete_{name}"],
            )
        )
    return user


@pytest.fixture
def review():
    director = DirectorFactory()
    case = CaseFactory(active=True, director=director)
    return services.review_record(
        director=director,
        held_on=timezone.localdate(),
        by=ProgrammeUserFactory(),
        items=[
            {
                "case": case,
                "progress": "Geheime voortgang",
                "content": "Geheime inhoud",
                "instruction": "Geheime instructie",
                "instruction_due_on": timezone.localdate() + dt.timedelta(days=7),
            }
        ],
    )


def test_a_review_shows_no_case_items_to_staff_who_may_not_read_the_case(client, review):
    user = _staff(UserFactory(username="pool-staff"), CaseloadReview, CaseloadReviewItem, Instruction)
    client.force_login(user)
    response = client.get(f"/admin/pool/caseloadreview/{review.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Geheime voortgang" not in body
    assert "Geheime instructie" not in body
    instruction = Instruction.objects.get(review=review)
    assert "Geheime instructie" not in client.get("/admin/pool/instruction/").content.decode()
    assert client.get(f"/admin/pool/instruction/{instruction.pk}/change/").status_code == 404
    assert AccessLogEntry.objects.filter(
        username="pool-staff", outcome="denied", record_type="pool.instruction", record_id=str(instruction.pk)
    ).exists()


def test_case_items_of_a_review_are_read_only_and_their_reads_logged(client, review):
    user = _staff(ProgrammeUserFactory(username="pool-pt"), CaseloadReview, CaseloadReviewItem, Instruction)
    client.force_login(user)
    item = CaseloadReviewItem.objects.get(review=review)
    response = client.get(f"/admin/pool/caseloadreview/{review.pk}/change/")
    body = response.content.decode()
    assert "Geheime voortgang" in body
    assert 'name="items-0-progress"' not in body  # shown, not editable
    assert list(
        AccessLogEntry.objects.filter(username="pool-pt").values_list("record_type", "record_id", "section")
    ) == [("cases.case", str(item.case_id), "admin:caseloadreview")]


def test_a_director_history_cannot_be_reverted(client):
    director = DirectorFactory(fte="1.0")
    services.director_update(director=director, by=ProgrammeUserFactory(), fte="0.5")
    oldest = Director.history.filter(id=director.pk).earliest("history_date")
    user = _staff(ProgrammeUserFactory(), Director)
    client.force_login(user)
    url = f"/admin/pool/director/{director.pk}/history/{oldest.history_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"user": director.user_id, "organisation": director.organisation_id, "fte": "1.0"})
    assert response.status_code == 405
    director.refresh_from_db()
    assert director.fte == Decimal("0.5")


def test_an_absence_names_no_cases_in_the_admin(client):
    director, substitute = DirectorFactory(), DirectorFactory()
    case = CaseFactory(active=True, director=director)
    absence = services.absence_register(
        director=director,
        kind="leave",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=14),
        by=ProgrammeUserFactory(),
        per_case={case: substitute},
    )
    user = _staff(UserFactory(), Absence, Substitution)
    client.force_login(user)
    response = client.get(f"/admin/pool/absence/{absence.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert str(substitute) in body  # the substitution is on the page
    assert case.code not in body
