"""The Woo release (issue 13): nothing personal leaks, marks with grounds on any text, four
eyes, immutable versions, DiWoo metadata, frozen adopted minutes, one order everywhere."""

import datetime as dt
import io
import re

import docx
import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from meetings import diwoo, exports, publication, selectors, services
from meetings.models import Invitation, Meeting, MeetingBody, Minutes, WooMark, WooPublication, WooRelease
from tests.ipgar.factories import UserFactory

from .factories import CaseFactory, ProgrammeUserFactory, meeting

pytestmark = pytest.mark.django_db
K = MeetingBody.Kind
T = WooMark.Target

OFFICIAL = "Pieter Rossumstein"
USER = "Gijsbert Verborgen"
OUTSIDER = "Bertus Kwakernaak"
SUBJECT = ("Zoltan", "Brinkhorst")
MENTIONED = ("Quirijn", "Vermeulenhof")
BSN, PHONE, EMAIL = "123456782", "06-12345678", "m.jansen@voorbeeld.nl"


def coordinator():
    from django.contrib.auth.models import Permission

    user = ProgrammeUserFactory()
    user.user_permissions.add(Permission.objects.get(codename="approve_woo_release"))
    return user


def _secrets(world) -> list[str]:
    return [
        "Verborgen",
        "Gijsbert",
        "Kwakernaak",
        "Bertus",
        "Brinkhorst",
        "Zoltan",
        "Vermeulenhof",
        "Quirijn",
        BSN,
        "12345678",
        EMAIL,
        "voorbeeld.nl",
        world["subject_case"].code,
        world["mentioned_case"].code,
    ]


@pytest.fixture
def world():
    """Adopted minutes with a planted name of a case subject, an outside person, a user, a BSN,
    a phone number, an e-mail address and a case code in every kind of text."""
    pt = ProgrammeUserFactory(first_name="Femke", last_name="Secretaris")
    UserFactory(first_name="Pieter", last_name="Rossumstein", is_public_official=True)
    UserFactory(first_name="Gijsbert", last_name="Verborgen")
    subject_case = CaseFactory(active=True)
    subject_case.identity.first_name, subject_case.identity.last_name = SUBJECT
    subject_case.identity.save()
    mentioned_case = CaseFactory(active=True)
    mentioned_case.identity.first_name, mentioned_case.identity.last_name = MENTIONED
    mentioned_case.identity.save()
    planted = (
        f"{SUBJECT[0]} {SUBJECT[1]} en {OUTSIDER} met {USER}; {MENTIONED[1]} (zaak {mentioned_case.code}), "
        f"BSN {BSN}, tel {PHONE}, {EMAIL}. {OFFICIAL} blijft."
    )
    m = meeting(kind=K.DIRECTORS, date=dt.date(2020, 3, 9), by=pt, start_time=dt.time(16), end_time=dt.time(16, 30))
    politie = services.invitation_save(
        meeting=m,
        organisation=__import__("ipgar.models", fromlist=["Organisation"]).Organisation.objects.get(code="politie"),
        attendance=Invitation.Attendance.GUEST,
        comment=planted,
        by=pt,
    )
    general = services.agenda_item_add(meeting=m, title=planted[:200], description=planted, by=pt)
    case_item = services.agenda_item_add(meeting=m, title="", case=subject_case, by=pt)
    services.entry_add(agenda_item=case_item, kind="note", text="Casusbespreking " + planted, by=pt)
    entry = services.entry_add(agenda_item=general, kind="note", text=planted, by=pt)
    decision = services.decision_create(meeting=m, agenda_item=general, text=planted, by=pt)
    action = services.action_create(
        meeting=m, agenda_item=general, subject=planted[:200], description=planted, by=pt, deadline=dt.date(2020, 4, 6)
    )
    forward = services.forward_item_create(body=m.body, topic=planted[:200], still_to_plan=True, by=pt)
    later = meeting(kind=K.DIRECTORS, date=dt.date(2020, 4, 6), by=pt)
    services.minutes_circulate(minutes=m.minutes, by=pt)
    services.minutes_adopt(minutes=Minutes.objects.get(meeting=m), at_meeting=later, changes=planted, by=pt)
    amendment = services.minutes_amend(minutes=m.minutes, text=planted, reason="correctie", by=pt)
    return {
        "pt": pt,
        "meeting": Meeting.objects.get(pk=m.pk),
        "subject_case": subject_case,
        "mentioned_case": mentioned_case,
        "planted": planted,
        "ids": {
            "entry": entry.pk,
            "decision": decision.pk,
            "action": action.pk,
            "forward": forward.pk,
            "amendment": amendment.pk,
            "politie": politie.pk,
            "general": general.pk,
        },
    }


def _resolve_flags(world, *, decision="withhold"):
    view = selectors.meeting_view(user=world["pt"], meeting=world["meeting"])
    for flag in publication.build(view).flags:
        services.woo_mark(
            meeting=world["meeting"],
            target=flag.target,
            target_id=flag.target_id,
            passage=flag.text,
            occurrence=view and _occurrence(world, flag),
            ground="5.1.2.e" if decision == "withhold" else "",
            decision=decision,
            by=world["pt"],
        )


def _occurrence(world, flag) -> int:
    text = services.woo_text(meeting=world["meeting"], target=flag.target, target_id=flag.target_id)
    return text[: flag.start].count(flag.text) + 1


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def _release(world):
    _resolve_flags(world)
    prepared = services.woo_prepare(meeting=world["meeting"], by=world["pt"])
    return services.woo_approve(publication=prepared, by=coordinator())


def test_the_detector_flags_the_outside_person_and_the_release_waits_for_the_secretary(world):
    view = selectors.meeting_view(user=world["pt"], meeting=world["meeting"])
    flags = publication.build(view).flags
    assert OUTSIDER in {f.text for f in flags}
    assert {f.target for f in flags if f.text == OUTSIDER} >= {T.ENTRY, T.DECISION, T.ITEM_TITLE}
    with pytest.raises(ValidationError) as error:
        services.woo_prepare(meeting=world["meeting"], by=world["pt"])
    assert error.value.code == "flags"
    assert not WooPublication.objects.exists()


def test_nothing_planted_reaches_the_release_pdf_text_layer_or_the_diwoo_xml(world):
    release = _release(world)
    text = _pdf_text(bytes(release.pdf))
    xml = bytes(release.xml).decode()
    for secret in _secrets(world):
        assert secret not in text, secret
        assert secret not in xml, secret
    assert OFFICIAL in text  # a public official stays named
    assert "5.1.2.e" in text and "5.1.1.e" in text
    # Every kind of text was there and was redacted, not dropped.
    for marker in ("Politie", "ACTIELIJST", "TERMIJNAGENDA", "Tekstuele wijzigingen", "Correctie"):
        assert marker.lower() in text.lower(), marker


def test_each_kind_of_text_is_redacted_in_the_build(world):
    pub = publication.build(selectors.meeting_view(user=world["pt"], meeting=world["meeting"]))
    texts = {
        "attendance": pub.guests,
        "title": [pub.items[1].title],
        "description": [pub.items[1].description],
        "entry": [pub.items[1].entries[0].segments],
        "decision": [pub.items[1].decisions[0][1]],
        "action": [pub.actions[0]["subject"], pub.actions[0]["text"]],
        "forward": [pub.forward[0]["topic"]],
        "adoption": [pub.adoption],
        "amendment": [pub.amendments[0]["text"]],
    }
    for kind, groups in texts.items():
        for segments in groups:
            shown = "".join(s.ground or s.text for s in segments)
            assert segments, kind
            for secret in ("Verborgen", "Brinkhorst", "Vermeulenhof", BSN, EMAIL, world["mentioned_case"].code):
                assert secret not in shown, (kind, secret)
            assert OFFICIAL in shown, kind
    # The case item is withheld whole.
    assert pub.items[2].withheld == "5.1.2.e"


def test_diwoo_xml_carries_the_required_metadata_and_is_valid(world):
    release = _release(world)
    xml = bytes(release.xml).decode()
    for code in ("gm0363", "c_3baef532", "c_42e406dd", "c_641ecd76"):
        assert code in xml
    assert "officieleTitel>Vastgesteld verslag Directeurenoverleg" in xml
    assert diwoo.validate(bytes(release.xml)) == []
    broken = bytes(release.xml).replace(b"c_3baef532", b"c_00000000")
    assert diwoo.validate(broken)


def test_four_eyes(world, client):
    _resolve_flags(world)
    pt = world["pt"]
    prepared = services.woo_prepare(meeting=world["meeting"], by=pt)
    # The secretary cannot approve, not even with the permission.
    pt.user_permissions.add(
        __import__("django.contrib.auth.models", fromlist=["Permission"]).Permission.objects.get(
            codename="approve_woo_release"
        )
    )
    pt = type(pt).objects.get(pk=pt.pk)
    with pytest.raises(ValidationError) as error:
        services.woo_approve(publication=prepared, by=pt)
    assert error.value.code == "four_eyes"
    # Programme team without the right: refused.
    with pytest.raises(PermissionDenied):
        services.woo_approve(publication=prepared, by=ProgrammeUserFactory())
    # Not approved: nothing downloads.
    client.force_login(world["pt"])
    assert client.get(reverse("meetings:woo_pdf", args=[world["meeting"].pk])).status_code == 404
    release = services.woo_approve(publication=prepared, by=coordinator())
    response = client.get(reverse("meetings:woo_pdf", args=[world["meeting"].pk]))
    assert response.status_code == 200 and response.content == bytes(release.pdf)
    assert client.get(reverse("meetings:woo_release_xml", args=[world["meeting"].pk, 1])).content == bytes(release.xml)
    with pytest.raises(ValidationError):
        services.woo_approve(publication=prepared, by=coordinator())


def test_versions_are_immutable_and_a_correction_is_a_new_version(world):
    first = _release(world)
    assert first.version == 1 and len(first.sha256) == 64
    import hashlib

    assert first.sha256 == hashlib.sha256(bytes(first.pdf) + bytes(first.xml)).hexdigest()
    assert first.pdf_sha256 == hashlib.sha256(bytes(first.pdf)).hexdigest()
    with pytest.raises(ValidationError) as error:
        services.woo_prepare(meeting=world["meeting"], by=world["pt"])
    assert "reason" in error.value.message_dict
    services.woo_mark(
        meeting=world["meeting"],
        target=T.ENTRY,
        target_id=world["ids"]["entry"],
        passage="blijft",
        ground="5.1.2.i",
        by=world["pt"],
    )
    second = services.woo_approve(
        publication=services.woo_prepare(meeting=world["meeting"], reason="Passage alsnog gelakt", by=world["pt"]),
        by=coordinator(),
    )
    assert second.version == 2 and second.reason == "Passage alsnog gelakt"
    assert WooRelease.objects.get(pk=first.pk).sha256 == first.sha256  # the old one stays
    for statement in (
        f"UPDATE meetings_woorelease SET reason = 'x' WHERE id = {first.pk}",
        f"UPDATE meetings_woorelease SET pdf = '\\x00'::bytea WHERE id = {first.pk}",
        f"DELETE FROM meetings_woorelease WHERE id = {first.pk}",
    ):
        with (
            pytest.raises(DatabaseError, match="Cannot update or delete"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert bytes(WooRelease.objects.get(pk=first.pk).pdf) == bytes(first.pdf)


def test_a_failed_render_leaves_nothing_behind(world):
    _resolve_flags(world)

    def broken(html):
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        services.woo_prepare(meeting=world["meeting"], by=world["pt"], render=broken)
    assert not WooPublication.objects.exists() and not WooRelease.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"passage": ""}, "passage", "empty"),
        ({"passage": "x" * 1001}, "passage", "too_long"),
        ({"passage": "blijft", "ground": "9.9.9"}, "ground", "ground"),
        ({"passage": "blijft", "ground": ""}, "ground", "no_ground"),
        ({"passage": "niet in de tekst"}, "passage", "not_found"),
    ],
)
def test_mark_validation(world, kwargs, field, code):
    args = {"ground": "5.1.2.e", **kwargs}
    with pytest.raises(ValidationError) as error:
        services.woo_mark(
            meeting=world["meeting"], target=T.DECISION, target_id=world["ids"]["decision"], by=world["pt"], **args
        )
    assert list(error.value.message_dict) == [field]
    assert error.value.error_dict[field][0].code == code


def test_overlapping_marks_and_marks_on_every_text_through_the_page(world, client):
    m, ids = world["meeting"], world["ids"]
    services.woo_mark(
        meeting=m, target=T.DECISION, target_id=ids["decision"], passage="blijft", ground="5.1.2.i", by=world["pt"]
    )
    with pytest.raises(ValidationError) as error:
        services.woo_mark(
            meeting=m, target=T.DECISION, target_id=ids["decision"], passage="ft", ground="5.1.2.i", by=world["pt"]
        )
    assert error.value.error_dict["passage"][0].code == "overlap"
    client.force_login(world["pt"])
    url = reverse("meetings:woo", args=[m.pk])
    for target, target_id in (
        (T.ITEM_TITLE, ids["general"]),
        (T.ACTION_SUBJECT, ids["action"]),
        (T.FORWARD_TOPIC, ids["forward"]),
        (T.ATTENDANCE, ids["politie"]),
        (T.AMENDMENT, ids["amendment"]),
    ):
        response = client.post(
            url,
            {
                "mark-target": f"{target}:{target_id}",
                "mark-passage": "blijft",
                "mark-decision": "withhold",
                "mark-ground": "5.2",
            },
        )
        assert response.status_code == 302, (target, response.content[:2000])
    response = client.post(
        url,
        {
            "mark-target": f"{T.ENTRY}:{ids['entry']}",
            "mark-passage": "",
            "mark-decision": "withhold",
            "mark-ground": "5.2",
        },
    )
    assert response.status_code == 400 and response.context["mark_form"].errors["passage"]
    response = client.post(
        url,
        {
            "mark-target": f"{T.ENTRY}:{ids['entry']}",
            "mark-passage": "blijft",
            "mark-decision": "withhold",
            "mark-ground": "onbekend",
        },
    )
    assert response.status_code == 400 and response.context["mark_form"].errors["ground"]
    assert WooMark.objects.filter(meeting=m, ground="5.2").count() == 5


def test_a_closed_item_published_in_part():
    pt = ProgrammeUserFactory()
    m = meeting(kind=K.DIRECTORS, date=dt.date(2019, 10, 28), by=pt)
    item = services.agenda_item_add(meeting=m, title="Plan van aanpak", is_closed_part=True, by=pt)
    entry = services.entry_add(agenda_item=item, kind="note", text="Het stuk wordt teruggebracht. Geheim deel.", by=pt)
    view = selectors.meeting_view(user=pt, meeting=m)
    assert "teruggebracht" not in publication.plain_text(publication.build(view))
    services.agenda_item_publish_in_part(item=item, partial=True, by=pt)
    services.woo_mark(meeting=m, target=T.ENTRY, target_id=entry.pk, passage="Geheim deel.", ground="5.1.2.i", by=pt)
    text = publication.plain_text(publication.build(selectors.meeting_view(user=pt, meeting=m)))
    assert "Het stuk wordt teruggebracht. 5.1.2.i" in text and "Geheim" not in text
    with pytest.raises(ValidationError):
        services.agenda_item_publish_in_part(item=m.agenda_items.get(order=1), partial=True, by=pt)


def test_adopted_minutes_are_frozen(world):
    m = world["meeting"]
    before = exports.minutes_html(selectors.meeting_view(user=world["pt"], meeting=m))
    services.forward_item_create(body=m.body, topic="Onderwerp uit 2026", still_to_plan=True, by=world["pt"])
    later_meeting = m.body.meetings.get(date=dt.date(2020, 4, 6))
    services.action_create(meeting=later_meeting, subject="Nieuwe actie later", description="x", by=world["pt"])
    after = exports.minutes_html(selectors.meeting_view(user=world["pt"], meeting=m))
    assert "Onderwerp uit 2026" not in after and "Nieuwe actie later" not in after
    assert before == after


def test_one_order_and_decisions_numbered_in_agenda_order():
    pt = ProgrammeUserFactory()
    m = meeting(kind=K.PTO_R, date=dt.date(2020, 3, 9), by=pt)
    opening = m.agenda_items.get(order=1)
    case_item = services.agenda_item_add(meeting=m, title="", case=CaseFactory(active=True), by=pt)
    general = services.agenda_item_add(meeting=m, title="Algemeen na casus", by=pt)
    services.decision_create(meeting=m, agenda_item=general, text="Besluit algemeen", by=pt)
    services.decision_create(meeting=m, agenda_item=case_item, text="Besluit casus", by=pt)
    services.decision_create(meeting=m, agenda_item=opening, text="De agenda wordt vastgesteld.", by=pt)
    assert list(m.decisions.order_by("number").values_list("text", flat=True)) == [
        "De agenda wordt vastgesteld.",
        "Besluit casus",
        "Besluit algemeen",
    ]
    view = selectors.meeting_view(user=pt, meeting=m)
    titles = [iv.item.title for _key, _label, items in view.sections for iv in items]
    assert titles[-1] == "Wat verder ter tafel komt en sluiting" or titles[-1].endswith("sluiting")
    assert [iv.number for _k, _l, items in view.sections for iv in items] == list(range(1, len(titles) + 1))
    html = exports.minutes_html(view)
    assert html.index("Besluit casus") < html.index("Algemeen na casus") < html.index("sluiting")
    # PDF and DOCX hold the same text in the same order.
    pdf = _pdf_text(exports.minutes_pdf(view))
    document = docx.Document(io.BytesIO(exports.minutes_docx(view)))
    paragraphs = [" ".join(p.text.split()) for p in document.paragraphs if p.text.strip()]
    position = 0
    for paragraph in paragraphs:
        found = pdf.find(paragraph, position)
        assert found >= 0, paragraph
        position = found
    assert "9 maart 2020" in pdf


def test_attendance_by_organisation_with_people_as_an_option():
    pt = ProgrammeUserFactory()
    m = meeting(kind=K.PTO_R, date=dt.date(2020, 3, 9), by=pt)
    from ipgar.models import Organisation

    for code in ("oov", "politie"):
        services.invitation_save(
            meeting=m, organisation=Organisation.objects.get(code=code), attendance=Invitation.Attendance.PRESENT, by=pt
        )
    services.invitation_save(meeting=m, user=pt, attendance=Invitation.Attendance.PRESENT, by=pt)
    view = selectors.meeting_view(user=pt, meeting=m)
    html = exports.minutes_html(view)
    assert "<p>Aanwezig: OOV (Openbare Orde en Veiligheid, gemeente Amsterdam), Politie</p>" in html
    assert str(pt) not in html.split("<h2>")[0]
    assert str(pt) in exports.minutes_html(view, people=True).split("<h2>")[0]


def test_retention_removes_the_woo_marks_on_a_case_s_texts():
    from meetings.retention import retention_empty_case

    pt = ProgrammeUserFactory()
    case = CaseFactory(active=True)
    m = meeting(kind=K.PTO_R, date=dt.date(2020, 3, 9), by=pt)
    item = services.agenda_item_add(meeting=m, title="", case=case, by=pt)
    entry = services.entry_add(agenda_item=item, kind="note", text="Zoltan Brinkhorst is besproken.", by=pt)
    kept = services.entry_add(agenda_item=m.agenda_items.get(order=1), kind="note", text="Algemeen deel.", by=pt)
    services.woo_mark(
        meeting=m, target=T.ENTRY, target_id=entry.pk, passage="Zoltan Brinkhorst", ground="5.1.2.e", by=pt
    )
    services.woo_mark(meeting=m, target=T.ENTRY, target_id=kept.pk, passage="Algemeen", ground="5.2", by=pt)
    removed = retention_empty_case(case=case)
    assert removed["woomark"] == 1
    assert list(WooMark.objects.values_list("passage", flat=True)) == ["Algemeen"]
