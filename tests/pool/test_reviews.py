"""Caseload reviews every 3 months, instructions tracked until done, the yearly three-way conversation."""

import datetime as dt

import pytest
from django.urls import reverse

from pool import selectors, services
from pool.models import CaseloadReview, Instruction

from .factories import DirectorFactory, ProgrammeUserFactory, caseload

pytestmark = pytest.mark.django_db


def test_first_review_is_due_three_months_after_the_start():
    director = DirectorFactory(active_from=dt.date(2026, 1, 31))
    figures = selectors.director_get(pk=director.pk, on=dt.date(2026, 4, 1))
    assert figures.next_review_due == dt.date(2026, 4, 30)
    assert figures.review_overdue is False
    assert selectors.director_get(pk=director.pk, on=dt.date(2026, 5, 1)).review_overdue is True
    assert figures.next_three_way_due == dt.date(2027, 1, 31)


def test_next_review_follows_the_last_one():
    director = DirectorFactory()
    by = ProgrammeUserFactory()
    services.review_record(director=director, held_on=dt.date(2026, 2, 10), by=by)
    services.review_record(director=director, held_on=dt.date(2026, 5, 31), by=by)
    figures = selectors.director_get(pk=director.pk, on=dt.date(2026, 6, 1))
    assert (figures.last_review_on, figures.next_review_due) == (dt.date(2026, 5, 31), dt.date(2026, 8, 31))
    services.three_way_record(director=director, held_on=dt.date(2026, 3, 1), oov_participant=by, by=by)
    assert selectors.director_get(pk=director.pk).next_three_way_due == dt.date(2027, 3, 1)


def test_review_records_remarks_per_case_and_tracks_instructions(client):
    director = DirectorFactory()
    first, second = caseload(director, 2)
    pt = ProgrammeUserFactory()
    client.force_login(pt)
    response = client.post(
        reverse("pool:review_new", args=[director.pk]),
        {
            "held_on": "2026-03-02",
            "summary": "Goed gesprek.",
            f"progress_{first.pk}": "Loopt volgens plan.",
            f"registration_{first.pk}": "Contacten bijwerken.",
            f"instruction_{first.pk}": "Registreer de contacten van februari.",
            f"due_{first.pk}": "2026-03-16",
            f"content_{second.pk}": "Inzet GGD overwegen.",
        },
    )
    assert response.status_code == 302
    review = CaseloadReview.objects.get(director=director)
    assert {(i.case_id, i.progress, i.content, i.registration) for i in review.items.all()} == {
        (first.pk, "Loopt volgens plan.", "", "Contacten bijwerken."),
        (second.pk, "", "Inzet GGD overwegen.", ""),
    }
    instruction = Instruction.objects.get(review=review)
    assert (instruction.case, instruction.due_on, instruction.done_on) == (first, dt.date(2026, 3, 16), None)
    assert selectors.director_get(pk=director.pk).open_instructions == 1

    # The director sees the open instruction on their own page; the programme team marks it done.
    client.force_login(director.user)
    assert "Registreer de contacten van februari." in client.get(reverse("pool:mine")).content.decode()
    assert client.post(reverse("pool:instruction_done", args=[instruction.pk])).status_code == 404
    client.force_login(pt)
    client.post(reverse("pool:instruction_done", args=[instruction.pk]))
    instruction.refresh_from_db()
    assert instruction.done_on is not None and instruction.done_by == pt
    assert selectors.director_get(pk=director.pk).open_instructions == 0


def test_instruction_without_due_date_is_a_form_error(client):
    director = DirectorFactory()
    (case,) = caseload(director, 1)
    client.force_login(ProgrammeUserFactory())
    response = client.post(
        reverse("pool:review_new", args=[director.pk]),
        {"held_on": "2026-03-02", f"instruction_{case.pk}": "Plan bijwerken."},
    )
    assert response.status_code == 200
    assert "datum" in " ".join(response.context["form"].non_field_errors())
    assert not CaseloadReview.objects.exists()


def test_review_in_the_future_is_a_form_error(client):
    director = DirectorFactory()
    client.force_login(ProgrammeUserFactory())
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    response = client.post(reverse("pool:review_new", args=[director.pk]), {"held_on": tomorrow.isoformat()})
    assert response.context["form"].errors["held_on"]


def test_three_way_conversation_is_recorded(client):
    director = DirectorFactory(line_manager_name="Manager WPI")
    pt = ProgrammeUserFactory()
    client.force_login(pt)
    response = client.post(
        reverse("pool:three_way_new", args=[director.pk]),
        {"held_on": "2026-02-01", "line_manager_name": "Manager WPI", "oov_participant": pt.pk, "notes": "Goed."},
    )
    assert response.status_code == 302
    assert director.three_way_conversations.get().line_manager_name == "Manager WPI"


def test_director_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    director = DirectorFactory()
    by = ProgrammeUserFactory()
    cases = caseload(director, 5)
    for day in (1, 2, 3):
        services.review_record(
            director=director,
            held_on=dt.date(2026, day, 1),
            by=by,
            items=[
                {"case": c, "progress": "ok", "instruction": "doen", "instruction_due_on": dt.date(2026, 6, 1)}
                for c in cases
            ],
        )
    client.force_login(by)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("pool:director", args=[director.pk]))
    assert response.status_code == 200


def test_reviews_due_lists_directors_whose_review_falls_due():
    on = dt.date(2026, 6, 1)
    due = DirectorFactory(active_from=dt.date(2026, 1, 1))
    later = DirectorFactory(active_from=dt.date(2026, 5, 1))
    services.review_record(director=later, held_on=dt.date(2026, 5, 20), by=ProgrammeUserFactory())
    assert list(selectors.reviews_due(on=on)) == [due]
    assert set(selectors.reviews_due(on=on, within_days=90)) == {due, later}


def test_the_director_page_logs_each_case_its_reviews_show(client):
    # A penetration test found the review remarks, which are case data, read without a log row.
    from ipgar.models import AccessLogEntry

    director = DirectorFactory()
    first, second, _not_reviewed = caseload(director, 3)
    by = ProgrammeUserFactory()
    services.review_record(
        director=director,
        held_on=dt.date(2026, 2, 1),
        by=by,
        items=[
            {"case": first, "progress": "ok", "instruction": "doen", "instruction_due_on": dt.date(2026, 6, 1)},
            {"case": second, "content": "GGD"},
        ],
    )
    client.force_login(by)
    assert client.get(reverse("pool:director", args=[director.pk])).status_code == 200
    logged = AccessLogEntry.objects.filter(username=by.username, section="caseload_review")
    assert sorted(logged.values_list("record_type", "record_id", "record_label", "outcome")) == sorted(
        [
            ("cases.case", str(first.pk), first.code, "allowed"),
            ("cases.case", str(second.pk), second.code, "allowed"),
        ]
    )
    client.force_login(director.user)
    assert client.get(reverse("pool:mine")).status_code == 200
    mine = AccessLogEntry.objects.filter(username=director.user.username, section="caseload_review")
    assert list(mine.values_list("record_id", flat=True)) == [str(first.pk)]
