"""The case's last contact is kept by the database (triggers on contacts), whatever writes the
contacts; the case list sorts by it and the alerts read it. The list's search finds codes and
names by word beginnings from full-text indexes (issue 17)."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import remove_perm

from cases import permissions, services
from cases.models import Case, CaseAccessGrant, Contact, permitted
from ipgar.models import AccessLogEntry, User
from tests.cases.factories import (
    CaseFactory,
    ContactFactory,
    DirectorFactory,
    InterventionFactory,
    ProgrammeUserFactory,
    included_case,
)

pytestmark = pytest.mark.django_db

D = dt.date
EXPECTED_CASE_PAGE_QUERIES = 17


def _last(case) -> dt.date | None:
    return Case.objects.values_list("last_contact_on", flat=True).get(pk=case.pk)


@pytest.fixture
def case(db):
    return CaseFactory(active=True, reported_on=D(2026, 1, 1))


def test_a_contact_added_sets_the_last_contact_and_an_older_one_or_an_attempt_does_not(case):
    assert _last(case) is None
    ContactFactory(case=case, date=D(2026, 3, 10))
    assert _last(case) == D(2026, 3, 10)
    ContactFactory(case=case, date=D(2026, 2, 1))
    ContactFactory(case=case, date=D(2026, 4, 1), kind=Contact.Kind.ATTEMPT)
    assert _last(case) == D(2026, 3, 10)


def test_the_contact_service_sets_it(case):
    today = timezone.localdate()
    services.contact_record(case=case, by=case.director.user, date=today, kind=Contact.Kind.PHONE)
    assert _last(case) == today


def test_a_contact_edited_moved_or_deleted_recomputes_every_case_it_touched(case):
    other = CaseFactory(active=True, reported_on=D(2026, 1, 1))
    older = ContactFactory(case=case, date=D(2026, 2, 1))
    newest = ContactFactory(case=case, date=D(2026, 3, 10))
    ContactFactory(case=other, date=D(2026, 1, 20))

    newest.date = D(2026, 3, 20)
    newest.save()
    assert _last(case) == D(2026, 3, 20)
    newest.kind = Contact.Kind.ATTEMPT  # an attempt no longer counts
    newest.save()
    assert _last(case) == D(2026, 2, 1)

    older.case = other  # moved to the other case: both recomputed
    older.save()
    assert (_last(case), _last(other)) == (None, D(2026, 2, 1))

    older.delete()
    assert _last(other) == D(2026, 1, 20)
    Contact.objects.filter(case=other).delete()  # a bulk delete, as retention or a cascade would
    assert _last(other) is None


def test_many_contacts_in_one_statement_set_each_case(case):
    other = CaseFactory(active=True, reported_on=D(2026, 1, 1))
    by = case.director.user
    Contact.objects.bulk_create(
        [
            Contact(case=case, date=D(2026, 5, 1), kind=Contact.Kind.PHONE, by=by),
            Contact(case=case, date=D(2026, 5, 9), kind=Contact.Kind.PHONE, by=by),
            Contact(case=other, date=D(2026, 6, 2), kind=Contact.Kind.OTHER, by=by),
        ]
    )
    assert (_last(case), _last(other)) == (D(2026, 5, 9), D(2026, 6, 2))


def test_a_case_saved_from_an_instance_read_before_a_contact_keeps_the_contacts_date(case):
    stale = Case.objects.get(pk=case.pk)
    ContactFactory(case=case, date=D(2026, 3, 10))
    stale.information_picture = "Beeld bijgewerkt (fictief)."
    stale.save()  # Django writes every column, last_contact_on = None included
    assert _last(case) == D(2026, 3, 10)
    with connection.cursor() as cursor:  # nor can anything else write another date
        cursor.execute("UPDATE cases_case SET last_contact_on = '2030-01-01' WHERE id = %s", [case.pk])
    assert _last(case) == D(2026, 3, 10)


def test_the_no_contact_alert_on_a_past_day_ignores_a_later_contact(case, settings):
    settings.IPGAR_NO_CONTACT_DAYS = 30
    ContactFactory(case=case, date=D(2026, 5, 1))
    ContactFactory(case=case, date=D(2026, 6, 20))

    def alert(today):
        return Case.objects.with_alerts(today=today).get(pk=case.pk).alert_no_contact

    # On 15 June the last contact was 1 May (45 days): the alert was open, though the column says 20 June.
    assert alert(D(2026, 6, 15)) is True
    assert alert(D(2026, 6, 25)) is False
    assert alert(D(2026, 5, 20)) is False


def test_the_list_sorts_by_last_contact_newest_first_empty_last(client):
    director = DirectorFactory()
    first = CaseFactory(active=True, director=director, code="R-2026-001", reported_on=D(2026, 1, 1))
    second = CaseFactory(active=True, director=director, code="R-2026-002", reported_on=D(2026, 1, 2))
    CaseFactory(active=True, director=director, code="R-2026-003", reported_on=D(2026, 1, 3))
    ContactFactory(case=first, date=D(2026, 3, 1))
    ContactFactory(case=second, date=D(2026, 4, 1))
    ContactFactory(case=first, date=D(2026, 5, 1), kind=Contact.Kind.ATTEMPT)
    client.force_login(ProgrammeUserFactory())
    page = client.get(reverse("cases:list"), {"status": "active", "sort": "-last_contact"}).context["page"]
    assert [(row.code, row.last_contact_on) for row in page] == [
        ("R-2026-002", D(2026, 4, 1)),
        ("R-2026-001", D(2026, 3, 1)),
        ("R-2026-003", None),
    ]


# --- search ---------------------------------------------------------------------------------


@pytest.fixture
def people(db):
    director = DirectorFactory()
    made = {}
    for code, first, last in [
        ("R-2026-017", "Marco", "D'Angelo"),
        ("R-2026-170", "Anna", "Jansen-Smit"),
        ("R-2025-004", "Müller", "Ouali"),
    ]:
        case = CaseFactory(active=True, director=director, code=code)
        case.identity.first_name, case.identity.last_name = first, last
        case.identity.save()
        made[code] = case
    return director, made


def _codes(response):
    assert response.status_code == 200
    return sorted(row.code for row in response.context["page"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("017", ["R-2026-017"]),
        ("17", ["R-2026-017", "R-2026-170"]),  # the number without its zeros, and a number starting so
        ("2026-017", ["R-2026-017"]),
        ("R-2026", ["R-2026-017", "R-2026-170"]),
        ("r-2025-4", ["R-2025-004"]),
        ("2024", []),
    ],
)
def test_a_director_finds_codes_by_a_fragment(client, people, query, expected):
    director, _made = people
    client.force_login(director.user)
    assert _codes(client.get(reverse("cases:list"), {"q": query})) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("D'Angelo", ["R-2026-017"]),
        ("d'angelo", ["R-2026-017"]),
        ("Angelo", ["R-2026-017"]),
        ("marco d'ang", ["R-2026-017"]),
        ("Jansen", ["R-2026-170"]),
        ("smit", ["R-2026-170"]),
        ("Jans", ["R-2026-170"]),
        ("müller", ["R-2025-004"]),
        ("Angela", []),
        ("Marco Jansen", []),  # every word must be found
        ("' & | ! :* ( <->", []),  # tsquery syntax is not a word: no error, nothing found
    ],
)
def test_the_programme_team_finds_names_and_the_lookup_is_logged(client, people, query, expected):
    pt = ProgrammeUserFactory()
    client.force_login(pt)
    assert _codes(client.get(reverse("cases:list"), {"q": query})) == expected
    entry = AccessLogEntry.objects.get(user=pt, section="identity_lookup")
    assert (entry.action, entry.record_type, entry.record_id) == ("search", "cases.caseidentity", "search")


def test_a_director_does_not_find_by_name(client, people):
    director, _made = people
    client.force_login(director.user)
    assert _codes(client.get(reverse("cases:list"), {"q": "D'Angelo"})) == []
    assert not AccessLogEntry.objects.filter(section="identity_lookup").exists()


def test_a_name_is_found_only_among_the_cases_the_director_may_see(client, people):
    director, _made = people
    CaseFactory(active=True, code="R-2026-018")  # another director's case
    client.force_login(director.user)
    assert _codes(client.get(reverse("cases:list"), {"q": "2026"})) == ["R-2026-017", "R-2026-170"]


def test_the_search_reads_the_full_text_indexes(people):
    """The words are looked up in the GIN indexes, not by reading every case (the plan names them)."""
    from cases.models import CaseIdentity, NameWords, prefix_query

    # A table of a few rows gives the planner no reason to prefer any index; with sequential and
    # plain index scans off, a GIN index (bitmap scans only) is chosen only if it serves the search.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    code_sql, code_params = Case.objects.search_code("R-2026").values("pk").query.sql_with_params()
    names = (
        CaseIdentity.objects.alias(w=NameWords("first_name", "last_name"))
        .filter(w=prefix_query(["angelo"]))
        .values("case_id")
    )
    name_sql, name_params = names.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {code_sql}", code_params)
        code_plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {name_sql}", name_params)
        name_plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_code_words_idx" in code_plan
    assert "identity_name_words_idx" in name_plan


# --- the case page: the case and what the user holds on it in one query ------------------------


@pytest.mark.parametrize("kind", [kind for kind, _label in CaseAccessGrant.Kind.choices])
def test_the_one_case_check_answers_what_the_list_condition_answers(kind):
    """granted_codenames_sql (one-object checks, the case page) and permitted (lists) are the same rule."""
    case = CaseFactory(active=True, reported_on=D(2026, 1, 1))
    user = DirectorFactory().user
    permissions.grant_case_access(user=user, case=case, kind=kind, reason="test", by=ProgrammeUserFactory())
    by_list = {c for c in permissions.CODENAMES if Case.objects.filter(permitted(user, c), pk=case.pk).exists()}
    assert by_list == set(CaseAccessGrant.PERMISSIONS_BY_KIND[kind])
    assert permissions.granted_codenames(User.objects.get(pk=user.pk), case) == by_list


def test_the_case_page_refuses_when_the_guardian_row_is_gone_though_the_grant_is_valid(client):
    case = CaseFactory(active=True, reported_on=D(2026, 1, 1))
    user = case.director.user
    client.force_login(user)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    remove_perm(permissions.VIEW, user, case)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert AccessLogEntry.objects.filter(user=user, outcome="denied", record_id=str(case.pk)).exists()


@pytest.mark.parametrize("n", [1, 12])
def test_the_case_page_runs_the_same_queries_at_one_and_many_records(client, django_assert_num_queries, n):
    case = CaseFactory(active=True, reported_on=D(2026, 1, 1))
    for i in range(n):
        ContactFactory(case=case, date=D(2026, 2, 1) + dt.timedelta(days=i))
        InterventionFactory(case=case)
    client.force_login(case.director.user)
    client.get(reverse("cases:detail", args=[case.pk]))  # warm the session
    # session, user, roles, the case with what the user holds on it, scores, transitions,
    # assignments, contacts, interventions, plan goals, escalations, network links, the user's
    # organisation and the log row (+ savepoints).
    with django_assert_num_queries(EXPECTED_CASE_PAGE_QUERIES):
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200


def test_the_case_page_reads_a_decision_with_its_meeting_and_body(client, django_assert_num_queries):
    """A transition carried by a PTO-R decision names the decision ("Besluit 1 van PTO-R 1 jan.
    2026"): its meeting's body is read with the transitions, not once per decision."""
    case = included_case()
    client.force_login(case.director.user)
    url = reverse("cases:detail", args=[case.pk])
    client.get(url)  # warm the session
    with django_assert_num_queries(EXPECTED_CASE_PAGE_QUERIES):
        response = client.get(url)
    decision = case.transitions.get(decision__isnull=False).decision
    assert str(decision) in response.content.decode()
