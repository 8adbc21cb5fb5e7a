"""Minutes as PDF and DOCX in the layout of the seed minutes, and the Woo publication as PDF.

PDFs are tagged PDF/UA-1 with language and title (FIELD-NOTES 26).
"""

import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ipgar.dates import short_date

from .models import Invitation, Minutes
from .publication import Publication
from .selectors import MeetingView

PRINT_CSS = Path(__file__).resolve().parent / "static" / "meetings" / "print.css"


def minutes_title(view: MeetingView) -> str:
    adopted = view.minutes.status == Minutes.Status.ADOPTED
    label = _("Adopted minutes") if adopted else _("Draft minutes")
    return f"{label} {view.meeting.body.name}"


def _pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant="pdf/ua-1")


def attendance_lists(view: MeetingView) -> dict:
    A = Invitation.Attendance
    groups = {"present": [], "absent": [], "guests": [], "by_email": []}
    for invitation in view.invitations:
        if invitation.attendance == A.PRESENT:
            groups["present"].append(invitation)
        elif invitation.attendance in (A.ABSENT, A.COMMENTS_BY_EMAIL):
            groups["absent"].append(invitation)
            if invitation.attendance == A.COMMENTS_BY_EMAIL:
                groups["by_email"].append(invitation)
        elif invitation.attendance == A.GUEST:
            groups["guests"].append(invitation)
    return groups


def minutes_html(view: MeetingView) -> str:
    context = {"view": view, "title": minutes_title(view), "lang": get_language(), **attendance_lists(view)}
    return render_to_string("meetings/minutes_document.html", context)


def minutes_pdf(view: MeetingView) -> bytes:
    return _pdf(minutes_html(view))


def woo_html(publication: Publication) -> str:
    view = publication.view
    title = _("Woo publication: %(title)s %(date)s") % {
        "title": minutes_title(view),
        "date": formats.date_format(view.meeting.date, "j F Y"),
    }
    return render_to_string(
        "meetings/woo_document.html", {"pub": publication, "view": view, "title": title, "lang": get_language()}
    )


def woo_pdf(publication: Publication) -> bytes:
    return _pdf(woo_html(publication))


def _person(invitation) -> str:
    if invitation.user_id and invitation.organisation_id:
        return f"{invitation.user} ({invitation.organisation.name})"
    return str(invitation.user or invitation.organisation)


def minutes_docx(view: MeetingView) -> bytes:
    """The same minutes as a Word document, for secretaries who finish them in Word."""
    from docx import Document

    document = Document()
    document.core_properties.title = minutes_title(view)
    document.core_properties.language = get_language()
    document.add_heading(minutes_title(view), level=1)
    document.add_paragraph(f"{_('date')}: {formats.date_format(view.meeting.date, 'j F Y')}")
    groups = attendance_lists(view)
    for label, key in ((_("Present"), "present"), (_("Absent"), "absent"), (_("Also present"), "guests")):
        if groups[key]:
            document.add_paragraph(f"{label}: " + ", ".join(_person(i) for i in groups[key]))
    for _key, label, items in view.sections:
        document.add_heading(str(label).upper(), level=2)
        for item_view in items:
            item = item_view.item
            if item_view.hidden:
                shown = (
                    _("Case %(code)s") % {"code": item_view.case_code} if item_view.case_code else _("Item not shown")
                )
                document.add_heading(f"{item_view.number}. {shown}", level=3)
                for decision in item_view.decisions:
                    paragraph = document.add_paragraph("➤ ")
                    paragraph.add_run(_("DECISION %(number)s:") % {"number": decision.number}).bold = True
                    paragraph.add_run(" " + decision.text)
                continue
            heading = f"{item_view.number}. {item.title}"
            if item.case_id:
                heading += f" ({item.case.code})"
            document.add_heading(heading, level=3)
            for entry in item_view.entries:
                paragraph = document.add_paragraph(style="List Bullet")
                who = (
                    entry.organisation.name if entry.organisation_id else (str(entry.person) if entry.person_id else "")
                )
                if entry.person_id and entry.organisation_id:
                    who = str(entry.person)
                if who:
                    paragraph.add_run(who).bold = True
                    paragraph.add_run(" ")
                paragraph.add_run(entry.text)
            for decision in item_view.decisions:
                paragraph = document.add_paragraph("➤ ")
                paragraph.add_run(_("DECISION %(number)s:") % {"number": decision.number}).bold = True
                paragraph.add_run(" " + decision.text)
    if view.actions:
        document.add_heading(_("ACTION LIST"), level=2)
        table = document.add_table(rows=1, cols=4)
        for cell, label in zip(
            table.rows[0].cells, (_("Date"), _("Subject"), _("Action(s)"), _("Completion")), strict=True
        ):
            cell.text = label
        for action in view.actions:
            row = table.add_row().cells
            row[0].text = action.meeting.date.strftime("%Y%m%d")
            row[1].text = action.subject
            owner = f"{action.owner}: " if action.owner_id else ""
            row[2].text = owner + action.description
            row[3].text = _completion(action)
    if view.forward:
        document.add_heading(_("FORWARD AGENDA"), level=2)
        table = document.add_table(rows=0, cols=2)
        for item in view.forward:
            row = table.add_row().cells
            row[0].text = _when(item)
            row[1].text = item.topic
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _completion(action) -> str:
    if action.done_on:
        return _("Done %(date)s") % {"date": short_date(action.done_on)}
    if action.deadline:
        return short_date(action.deadline)
    return action.deadline_text


def _when(item) -> str:
    if item.target_text:
        return item.target_text
    if item.target_meeting_id:
        return f"{item.target_meeting.body.name} {short_date(item.target_meeting.date)}"
    if item.target_date:
        return short_date(item.target_date)
    return _("still to be planned")
