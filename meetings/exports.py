"""Minutes as PDF and DOCX in the layout of the seed minutes, and the Woo publication as PDF.

PDFs are tagged PDF/UA-1 with language and title (docs/decisions.md D15).
"""

import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ipgar.dates import long_date, short_date

from .models import Minutes
from .publication import Publication
from .selectors import MeetingView, attendance_groups

PRINT_CSS = Path(__file__).resolve().parent / "static" / "meetings" / "print.css"


def minutes_title(view: MeetingView) -> str:
    adopted = view.minutes.status == Minutes.Status.ADOPTED
    label = _("Adopted minutes") if adopted else _("Draft minutes")
    return f"{label} {view.meeting.body.name}"


def _pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant="pdf/ua-1")


def organisations(invitations) -> list[str]:
    """Attendance as docs/domain.md source S0 writes it: "Aanwezig: OOV, Politie, GGD" (each organisation once)."""
    names = []
    for invitation in invitations:
        name = invitation.organisation.name if invitation.organisation_id else str(invitation.user)
        if name not in names:
            names.append(name)
    return names


def minutes_html(view: MeetingView, *, people: bool = False) -> str:
    groups = attendance_groups(view.invitations)
    context = {
        "view": view,
        "title": minutes_title(view),
        "lang": get_language(),
        "people": people,
        **groups,
        "present_orgs": organisations(groups["present"]),
        "absent_orgs": organisations(groups["absent"]),
        "guest_orgs": organisations(groups["guests"]),
    }
    return render_to_string("meetings/minutes_document.html", context)


def minutes_pdf(view: MeetingView, *, people: bool = False) -> bytes:
    return _pdf(minutes_html(view, people=people))


def render_pdf(html: str) -> bytes:
    return _pdf(html)


def woo_title(view: MeetingView) -> str:
    """The official title: the body and the date, never a person."""
    return f"{minutes_title(view)} {long_date(view.meeting.date)}"


def woo_html(publication: Publication) -> str:
    view = publication.view
    title = _("Woo publication: %(title)s") % {"title": woo_title(view)}
    return render_to_string(
        "meetings/woo_document.html", {"pub": publication, "view": view, "title": title, "lang": get_language()}
    )


def woo_pdf(publication: Publication) -> bytes:
    return _pdf(woo_html(publication))


def minutes_docx(view: MeetingView, *, people: bool = False) -> bytes:
    """The same minutes as a Word document: built from the very HTML the PDF is printed from,
    so the two hold the same content in the same order."""
    return html_to_docx(minutes_html(view, people=people), title=minutes_title(view))


def _runs(paragraph, node) -> None:
    """The text of `node` as runs of `paragraph`: line breaks kept, <strong>/<b> in bold."""
    if node.text:
        paragraph.add_run(node.text)
    for child in node:
        if child.tag == "br":
            paragraph.add_run().add_break()
        else:
            run = paragraph.add_run(child.text_content())
            if child.tag in ("strong", "b"):
                run.bold = True
        if child.tail:
            paragraph.add_run(child.tail)


def _heading(document, node) -> None:
    _runs(document.add_heading(level=int(node.tag[1])), node)


def _paragraph(document, node) -> None:
    _runs(document.add_paragraph(), node)


def _bullets(document, node) -> None:
    for li in node.iter("li"):
        _runs(document.add_paragraph(style="List Bullet"), li)


def _table(document, node) -> None:
    rows = node.findall(".//tr")
    caption = node.find("caption")
    if caption is not None:
        document.add_paragraph().add_run(caption.text_content()).bold = True
    width = max((len(r.findall("th") + r.findall("td")) for r in rows), default=1)
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        for cell, source in zip(cells, row.findall("th") + row.findall("td"), strict=False):
            cell.text = " ".join(source.text_content().split())


# The blocks of our print HTML and what each becomes in Word; any other tag is left out.
DOCX_BLOCKS = {"h1": _heading, "h2": _heading, "h3": _heading, "p": _paragraph, "ul": _bullets, "table": _table}


def html_to_docx(html: str, *, title: str) -> bytes:
    """Headings, paragraphs (bold runs kept), bullet lists and tables of our print HTML, in one
    walk over the body's blocks."""
    from docx import Document
    from lxml import html as lxml_html

    document = Document()
    document.core_properties.title = title
    document.core_properties.language = get_language()
    for node in lxml_html.document_fromstring(html).find("body"):
        handler = DOCX_BLOCKS.get(node.tag)
        if handler is not None:
            handler(document, node)
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
