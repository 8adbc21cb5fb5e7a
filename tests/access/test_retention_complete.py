"""Retention covers every record that names the person, history included (docs/retention.md)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from cases import retention
from cases.models import (
    Case,
    CaseIdentity,
    CaseTransition,
    DirectorAssignment,
    LifeDomainScore,
    NetworkLink,
    PartnerRegistration,
)
from ipgar import roles
from ipgar.models import Organisation, RetentionLogEntry
from meetings.models import ActionItem, AgendaItem, Decision, MinuteEntry, Minutes, MinutesAmendment, Redaction
from pool.models import Absence, CaseloadReview, CaseloadReviewItem, Instruction, ThreeWayConversation
from tests.cases.factories import (
    CaseFactory,
    ContactFactory,
    DirectorFactory,
    EscalationFactory,
    InterventionFactory,
    MeetingFactory,
    PlanGoalFactory,
    ProgrammeUserFactory,
)
from tests.ipgar.factories import user_with_role

pytestmark = pytest.mark.django_db

NAME = "Xandor Geheimhouder"
BSN = "123456782"
KEPT = "Bewaard Persoon"


def _tables_holding(text: str) -> dict[str, int]:
    """Every table in the database, every column (cast to text), rows that contain `text`."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE t::text ILIKE %s', [f"%{text}%"])
            (count,) = cursor.fetchone()
            if count:
                found[table] = count
    return found


def _person_file(name: str, *, case: Case) -> None:
    """Write the name into every record about `case` in every app, several versions each."""
    pt = ProgrammeUserFactory()
    _case_records(name, case=case, pt=pt)
    _registration_and_review_records(name, case=case, pt=pt)
    _meeting_records(name, case=case, pt=pt)


def _case_records(name: str, *, case: Case, pt) -> None:
    identity = case.identity
    identity.last_name = name
    identity.save()
    identity.bsn = BSN if name == NAME else "111222333"
    identity.save()
    case.report_summary = f"Melding over {name}"
    case.information_picture = f"Informatiebeeld: {name} en familie"
    case.save()
    case.information_picture = f"Tweede versie over {name}"
    case.save()
    CaseTransition.objects.create(
        case=case, from_status="active", to_status="closed", by=pt, reason=f"Uitstroom van {name}"
    )
    DirectorAssignment.objects.filter(case=case).update(reason=f"Overdracht {name}")
    contact = ContactFactory(case=case, note=f"Gesprek met {name}")
    contact.note = f"Gesprek met {name} (bijgewerkt)"
    contact.save()
    InterventionFactory(case=case, goal=f"Doel voor {name}", outcome=f"Uitkomst voor {name}")
    PlanGoalFactory(case=case, goal=f"Plandoel {name}")
    LifeDomainScore.objects.create(
        case=case,
        domain_id=PlanGoalFactory._meta.model.objects.first().domain_id,
        score=2,
        scored_on=case.reported_on,
        by=case.director.user,
        note=f"Schulden van {name}",
    )
    EscalationFactory(case=case, question=f"Vraag over {name}")
    other = CaseFactory(active=True)
    NetworkLink.objects.create(
        case=case, other=other, kind=NetworkLink.Kind.SAME_NETWORK, note=f"{name} kent", created_by=pt
    )
    NetworkLink.objects.create(
        case=other, other=case, kind=NetworkLink.Kind.KEY_LOCATION, note=f"broer van {name}", created_by=pt
    )


def _registration_and_review_records(name: str, *, case: Case, pt) -> None:
    partner = user_with_role(roles.INTERVENTION_PARTNER)
    PartnerRegistration.objects.create(
        case=case,
        organisation=Organisation.objects.get(code="oov"),
        person=partner,
        purpose=f"Begeleiding van {name}",
        registered_by=pt,
    )
    review = CaseloadReview.objects.create(director=case.director, held_on=case.reported_on, held_by=pt)
    CaseloadReviewItem.objects.create(
        review=review, case=case, progress=f"{name} gaat vooruit", content=f"Over {name}", registration=f"{name} ok"
    )
    Instruction.objects.create(review=review, case=case, text=f"Bel {name}", due_on=case.reported_on)


def _meeting_records(name: str, *, case: Case, pt) -> None:
    meeting = MeetingFactory(date=case.reported_on)
    item = AgendaItem.objects.create(
        meeting=meeting, title=f"{case.code} {name}", case=case, description=f"Over {name}"
    )
    entry = MinuteEntry.objects.create(agenda_item=item, text=f"{name} is besproken", created_by=pt)
    entry.text = f"{name} is uitgebreid besproken"
    entry.save()
    Redaction.objects.create(entry=entry, start=0, end=len(name), ground="5.1.2e", by=pt)
    Decision.objects.create(
        meeting=meeting, agenda_item=item, number=90, text=f"Besluit over {name}", case=case, created_by=pt
    )
    ActionItem.objects.create(
        body=meeting.body,
        meeting=meeting,
        agenda_item=item,
        subject=f"Actie {name}",
        description=f"Zoek {name} op",
        created_by=pt,
    )
    minutes, _ = Minutes.objects.get_or_create(meeting=meeting)
    MinutesAmendment.objects.create(
        minutes=minutes, agenda_item=item, text=f"{name} niet", reason=f"{name} vroeg", by=pt
    )


def _closed(years_ago: int) -> Case:
    closed_on = timezone.localdate() - dt.timedelta(days=365 * years_ago + 10)
    return CaseFactory(
        closed=True,
        reported_on=closed_on - dt.timedelta(days=400),
        included_on=closed_on - dt.timedelta(days=300),
        closed_on=closed_on,
        director=DirectorFactory(),
    )


def test_nothing_identifying_remains_in_any_table_history_included(settings):
    settings.IPGAR_RETENTION_YEARS = 5
    old = _closed(6)
    _person_file(NAME, case=old)
    recent = _closed(2)
    _person_file(KEPT, case=recent)
    before = _tables_holding(NAME)
    # The name is everywhere before: rows and history rows of every app.
    for table in (
        "cases_historicalcase",
        "cases_historicalcaseidentity",
        "cases_historicalcontact",
        "cases_casetransition",
        "cases_partnerregistration",
        "cases_networklink",
        "pool_caseloadreviewitem",
        "pool_instruction",
        "meetings_minuteentry",
        "meetings_historicalminuteentry",
        "meetings_historicaldecision",
        "meetings_historicalactionitem",
        "meetings_minutesamendment",
        "meetings_agendaitem",
    ):
        assert table in before, table
    assert _tables_holding(BSN)

    entries = retention.retention_apply()

    assert [e.case_code for e in entries] == [old.code]
    assert _tables_holding(NAME) == {}
    assert _tables_holding(BSN) == {}
    # The other case keeps everything (only the shared link note named both).
    kept = _tables_holding(KEPT)
    assert kept["cases_caseidentity"] == 1 and kept["meetings_historicalminuteentry"] == 2
    # What stays is pseudonymous: the agenda item keeps the code as its title.
    assert AgendaItem.objects.get(case=old).title == old.code
    assert not Redaction.objects.filter(entry__agenda_item__case=old).exists()
    entry = entries[0]
    assert entry.rule == "included"
    assert entry.due_on == old.closed_on.replace(year=old.closed_on.year + 5) + dt.timedelta(days=1)
    assert entry.removed["minuteentry"] == 1 and entry.removed["minuteentry_history"] == 2
    assert entry.removed["caseloadreviewitem"] == 3 and entry.removed["partnerregistration"] == 1
    assert entry.removed["redaction"] == 1


@pytest.mark.parametrize("trait", ["not_included", "preventive_talk", "assessment"])
def test_reports_never_included_go_after_their_own_shorter_term(settings, trait):
    settings.IPGAR_RETENTION_YEARS = 5
    settings.IPGAR_REPORT_RETENTION_DAYS = 365
    today = timezone.localdate()
    old = CaseFactory(**{trait: True}, reported_on=today - dt.timedelta(days=600))
    pt = ProgrammeUserFactory()
    # The last step (the decision) was 366 days ago: past the term.
    CaseTransition.objects.create(
        case=old,
        from_status="advised",
        to_status=old.status,
        by=pt,
        reason=f"Besluit over {NAME}",
        at=timezone.now() - dt.timedelta(days=366),
    )
    CaseIdentity.objects.filter(case=old).update(last_name=NAME)
    young = CaseFactory(**{trait: True}, reported_on=today - dt.timedelta(days=600))
    CaseTransition.objects.create(
        case=young,
        from_status="advised",
        to_status=young.status,
        by=pt,
        reason="Besluit",
        at=timezone.now() - dt.timedelta(days=300),
    )

    entries = retention.retention_apply()

    assert [(e.case_code, e.rule) for e in entries] == [(old.code, "report")]
    assert CaseIdentity.objects.get(case=old).last_name == ""
    assert CaseTransition.objects.get(case=old).reason == ""
    assert CaseIdentity.objects.get(case=young).last_name != ""
    settings.IPGAR_REPORT_RETENTION_DAYS = 200
    assert [e.case_code for e in retention.retention_apply()] == [young.code]


def test_an_included_case_is_not_a_report_even_when_its_status_went_back(settings):
    settings.IPGAR_REPORT_RETENTION_DAYS = 30
    case = CaseFactory(active=True, reported_on=timezone.localdate() - dt.timedelta(days=900))
    assert retention.retention_apply() == []
    case.refresh_from_db()
    assert case.anonymised_at is None


def test_interrupted_retention_resumes_without_half_emptied_cases_or_lost_log(settings, monkeypatch):
    settings.IPGAR_RETENTION_YEARS = 5
    first, second = _closed(8), _closed(7)
    _person_file(NAME, case=first)
    _person_file(KEPT, case=second)
    from cases import hooks
    from meetings import retention as meetings_retention

    real = meetings_retention.retention_empty_case
    registered = list(hooks._case_emptiers)
    assert real in registered  # meetings registered its emptier (MeetingsConfig.ready)

    def crash_on_second(*, case):
        removed = real(case=case)
        if case.pk == second.pk:  # half-way through the second case: identity and case text already emptied
            raise RuntimeError("worker lost")
        return removed

    monkeypatch.setattr(hooks, "_case_emptiers", [crash_on_second if fn is real else fn for fn in registered])
    with pytest.raises(RuntimeError, match="worker lost"):
        retention.retention_apply()

    # The first case is finished and logged; the second is untouched (its transaction rolled back).
    assert list(RetentionLogEntry.objects.values_list("case_code", flat=True)) == [first.code]
    assert _tables_holding(NAME) == {}
    assert CaseIdentity.objects.get(case=second).last_name == KEPT
    assert Case.objects.get(pk=second.pk).report_summary == f"Melding over {KEPT}"
    assert MinuteEntry.objects.get(agenda_item__case=second).text == f"{KEPT} is uitgebreid besproken"
    assert Case.objects.get(pk=second.pk).anonymised_at is None

    monkeypatch.setattr(hooks, "_case_emptiers", registered)
    assert [e.case_code for e in retention.retention_apply()] == [second.code]
    assert sorted(RetentionLogEntry.objects.values_list("case_code", flat=True)) == sorted([first.code, second.code])
    assert _tables_holding(KEPT) == {}


# --- mentions of the person outside the case's own records ------------------------------------

FIRST, LAST = "Xandor", "Geheimhouder"
DOB = dt.date(1990, 3, 12)
ADDRESS, POSTCODE = "Zwanenburgwal 77", "1011 JZ"
# What must be gone from every table afterwards, in the forms the texts below write them.
IDENTIFYING = (LAST, BSN, "12-03-1990", "12 maart 1990", "1990-03-12", "12/3/90", "1234.56.782", ADDRESS, "1011JZ")


def _plant_mentions(case: Case) -> dict:
    """Name, BSN, date of birth and address in free text that is not tied to `case`: returns the rows."""
    CaseIdentity.objects.filter(case=case).update(
        first_name=FIRST, last_name=LAST, bsn=BSN, date_of_birth=DOB, address=ADDRESS, postcode=POSTCODE
    )
    pt = ProgrammeUserFactory(first_name="Pieter", last_name="Programma")
    director = DirectorFactory(user__first_name="Dirk", user__last_name="Regisseur")
    review = CaseloadReview.objects.create(
        director=director, held_on=case.reported_on, held_by=pt, summary=f"Besproken: {FIRST} {LAST} (BSN {BSN})."
    )
    meeting = MeetingFactory(date=case.reported_on)
    general = AgendaItem.objects.create(meeting=meeting, title="Rondvraag", description=f"Vraag over {LAST}")
    entry = MinuteEntry.objects.create(
        agenda_item=general, text=f"Geboren 12-03-1990 ({LAST}), woont {ADDRESS}.", created_by=pt
    )
    entry.text = f"Geboren 12 maart 1990, {FIRST} {LAST}, woont {ADDRESS}, 1011JZ; {LAST}s broer niet."
    entry.save()
    minutes, _ = Minutes.objects.get_or_create(meeting=meeting)
    minutes.adoption_changes = f"Naam {LAST.upper()} gecorrigeerd, geboortedatum 1990-03-12"
    minutes.save()
    three_way = ThreeWayConversation.objects.create(
        director=director,
        held_on=case.reported_on,
        line_manager_name="Manager moederorganisatie",
        oov_participant=pt,
        notes=f"Zaak {LAST} (12/3/90) kostte veel tijd; BSN 1234.56.782.",
        recorded_by=pt,
    )
    absence = Absence.objects.create(
        director=director,
        kind=Absence.Kind.OTHER,
        starts_on=case.reported_on,
        ends_on=case.reported_on,
        note=f"Rechtszaak {FIRST} {LAST}",
        registered_by=pt,
    )
    return {"review": review, "entry": entry, "minutes": minutes, "three_way": three_way, "absence": absence}


def test_mentions_outside_the_case_go_everywhere_history_included_and_are_logged_per_column(settings):
    settings.IPGAR_RETENTION_YEARS = 5
    old = _closed(6)
    rows = _plant_mentions(old)
    # A near miss that is not the person: a longer word and another number stay.
    untouched = MinuteEntry.objects.create(
        agenda_item=rows["entry"].agenda_item,
        text="Geheimhouderschap besproken; dossier 1234567829 en 12-03-19901.",
        created_by=rows["entry"].created_by,
    )
    before = {term: _tables_holding(term) for term in IDENTIFYING}
    for table in (
        "pool_caseloadreview",
        "meetings_minuteentry",
        "meetings_historicalminuteentry",
        "meetings_historicalminutes",
        "pool_threewayconversation",
        "pool_absence",
        "meetings_agendaitem",
    ):
        assert table in before[LAST], table

    [entry] = retention.retention_apply()

    # Only the near miss still holds these strings (inside longer words and numbers).
    near_miss = {"meetings_minuteentry": 1, "meetings_historicalminuteentry": 1}
    for term in IDENTIFYING:
        assert _tables_holding(term) == (near_miss if term in (LAST, BSN, "12-03-1990") else {}), term
    for row in rows.values():
        row.refresh_from_db()
    assert rows["review"].summary == "Besproken: [verwijderd] (BSN [verwijderd])."
    # The possessive goes with the name ("Geheimhouders broer").
    assert (
        rows["entry"].text
        == "Geboren [verwijderd], [verwijderd], woont [verwijderd], [verwijderd]; [verwijderd] broer niet."
    )
    assert rows["minutes"].adoption_changes == "Naam [verwijderd] gecorrigeerd, geboortedatum [verwijderd]"
    assert rows["three_way"].notes == "Zaak [verwijderd] ([verwijderd]) kostte veel tijd; BSN [verwijderd]."
    assert rows["absence"].note == "Rechtszaak [verwijderd]"
    untouched.refresh_from_db()
    assert untouched.text == "Geheimhouderschap besproken; dossier 1234567829 en 12-03-19901."
    # The log says which column and how many rows, never what was there.
    mentions = {k: v for k, v in entry.removed.items() if k.startswith("mentions:")}
    assert mentions == {
        "mentions:pool.caseloadreview.summary": 1,
        "mentions:meetings.agendaitem.description": 1,
        "mentions:meetings.minuteentry.text": 1,
        "mentions:meetings.historicalminuteentry.text": 2,
        "mentions:meetings.minutes.adoption_changes": 1,
        "mentions:meetings.historicalminutes.adoption_changes": 1,
        "mentions:pool.threewayconversation.notes": 1,
        "mentions:pool.absence.note": 1,
    }
    assert LAST not in str(entry.removed) and BSN not in str(entry.removed)


@pytest.mark.parametrize(
    ("last_name", "user_with_same_surname", "expected"),
    [
        # Distinctive: the surname alone goes too.
        ("Zeldzaamheid", False, "[verwijderd] kwam; later belde meneer [verwijderd] nog."),
        # A common word (visser = fisherman): only the full name goes.
        ("Visser", False, "[verwijderd] kwam; later belde meneer Visser nog."),
        # A user carries the surname: their texts would lose it, so only the full name goes.
        ("Zeldzaamheid", True, "[verwijderd] kwam; later belde meneer Zeldzaamheid nog."),
    ],
)
def test_the_surname_alone_goes_only_when_distinctive(settings, last_name, user_with_same_surname, expected):
    settings.IPGAR_RETENTION_YEARS = 5
    old = _closed(6)
    CaseIdentity.objects.filter(case=old).update(first_name="Anna", last_name=last_name)
    if user_with_same_surname:
        ProgrammeUserFactory(first_name="Karel", last_name=last_name)
    director = DirectorFactory(user__first_name="Dirk", user__last_name="Regisseur")
    absence = Absence.objects.create(
        director=director,
        kind=Absence.Kind.OTHER,
        starts_on=old.reported_on,
        ends_on=old.reported_on,
        note=f"Anna {last_name} kwam; later belde meneer {last_name} nog.",
        registered_by=director.user,
    )

    [entry] = retention.retention_apply()

    absence.refresh_from_db()
    assert absence.note == expected
    assert entry.removed["mentions:pool.absence.note"] == 1


def test_guarded_tables_are_left_alone_and_do_not_stop_retention(settings):
    """The append-only logs refuse UPDATE: a name a reviewer typed there must not roll the case back."""
    from ipgar.models import AccessLogReview

    settings.IPGAR_RETENTION_YEARS = 5
    old = _closed(6)
    CaseIdentity.objects.filter(case=old).update(first_name=FIRST, last_name=LAST)
    reviewer = ProgrammeUserFactory(first_name="Fenna", last_name="Gegevens")
    AccessLogReview.objects.create(
        kind=AccessLogReview.Kind.PERIOD, note=f"Inzage {LAST} nagelopen", reviewed_by=reviewer
    )
    CaseloadReview.objects.create(
        director=DirectorFactory(), held_on=old.reported_on, held_by=reviewer, summary=f"{FIRST} {LAST} besproken"
    )
    # A released Woo version is immutable too (pgtrigger Protect on UPDATE).
    from meetings.models import WooPublication, WooRelease

    meeting = MeetingFactory(date=old.reported_on)
    publication = WooPublication.objects.create(
        meeting=meeting, html="<p>Openbaar</p>", pdf=b"%PDF", xml=b"<x/>", sha256="0" * 64, prepared_by=reviewer
    )
    WooRelease.objects.create(
        meeting=meeting,
        version=1,
        publication=publication,
        pdf=b"%PDF",
        xml=b"<x/>",
        pdf_sha256="1" * 64,
        xml_sha256="2" * 64,
        sha256="3" * 64,
        reason=f"Correctie: naam {LAST} stond erin",
        prepared_by=reviewer,
        approved_by=reviewer,
        approved_at=timezone.now(),
    )

    [entry] = retention.retention_apply()

    assert entry.removed["mentions:pool.caseloadreview.summary"] == 1
    # Left as they were (docs/retention.md says what these may hold).
    assert _tables_holding(LAST) == {"ipgar_accesslogreview": 1, "meetings_woorelease": 1}


def test_an_interrupted_sweep_leaves_the_case_and_the_mentions_untouched(settings, monkeypatch):
    settings.IPGAR_RETENTION_YEARS = 5
    old = _closed(6)
    rows = _plant_mentions(old)
    real = retention.remove_mentions

    def crash_after_sweeping(*args, **kwargs):
        real(*args, **kwargs)  # every column updated, then the worker is lost before the log
        raise RuntimeError("worker lost")

    monkeypatch.setattr(retention, "remove_mentions", crash_after_sweeping)
    with pytest.raises(RuntimeError, match="worker lost"):
        retention.retention_apply()

    rows["absence"].refresh_from_db()
    assert rows["absence"].note == f"Rechtszaak {FIRST} {LAST}"
    assert CaseIdentity.objects.get(case=old).last_name == LAST
    assert not RetentionLogEntry.objects.exists()
    monkeypatch.setattr(retention, "remove_mentions", real)
    [entry] = retention.retention_apply()
    assert entry.removed["mentions:pool.absence.note"] == 1
    assert _tables_holding(LAST) == {}
