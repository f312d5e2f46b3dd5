"""An evidence pack as a Word document, with real heading styles (Title, Heading 1, Heading 2)
that open in Word and LibreOffice (python-docx, imported on first use)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from assistant.officer.pack.markdown import council_heading
from assistant.officer.pack.outline import PackOutline, cite_marks

_MD_STRONG = re.compile(r"(\*\*|__)(.+?)\1")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")


def _add_hyperlink(paragraph: object, url: str, text: str | None = None) -> None:
    """Append a clickable hyperlink run (python-docx has no public API for it)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    part = paragraph.part  # type: ignore[attr-defined]
    r_id = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")  # no rStyle: the default template has no Hyperlink style
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "1D70B8")
    props.append(colour)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    run.append(props)
    text_el = OxmlElement("w:t")
    text_el.text = text or url
    text_el.set(qn("xml:space"), "preserve")
    run.append(text_el)
    link.append(run)
    paragraph._p.append(link)  # type: ignore[attr-defined]


def _add_markdown_text(doc: object, text: str) -> None:
    """Paragraphs and bullets from the answer's simple markdown; ``**bold**`` kept as bold."""
    for block in re.split(r"\n\s*\n", text.strip()):
        for line in block.splitlines() if _BULLET.match(block) else [" ".join(block.split())]:
            if not line.strip():
                continue
            bullet = _BULLET.match(line)
            style = "List Bullet" if bullet else None
            body = line[bullet.end() :] if bullet else line
            body = re.sub(r"^#{1,6}\s+", "", body)
            paragraph = doc.add_paragraph(style=style)  # type: ignore[attr-defined]
            pos = 0
            for m in _MD_STRONG.finditer(body):
                paragraph.add_run(body[pos : m.start()])
                paragraph.add_run(m.group(2)).bold = True
                pos = m.end()
            paragraph.add_run(body[pos:])


def render_docx(outline: PackOutline) -> bytes:
    """The pack as a Word document (Title, Heading 1/2, bullet and quote styles)."""
    from docx import Document as new_document

    doc = new_document()
    doc.core_properties.title = outline.title[:250]
    doc.core_properties.author = "lga-assistant"
    doc.core_properties.subject = "Evidence pack"
    # python-docx's template carries its own 2013 dates; the pack is made now.
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    doc.core_properties.created = now
    doc.core_properties.modified = now
    doc.core_properties.last_modified_by = "lga-assistant"
    doc.core_properties.revision = 1
    doc.add_heading(outline.title, level=0)
    doc.add_paragraph(outline.intro)
    doc.add_paragraph(f"Prepared {outline.generated} for the {outline.audience} audience.")

    doc.add_heading("Question", level=1)
    doc.add_paragraph(outline.question)
    doc.add_heading("Answer", level=1)
    _add_markdown_text(doc, outline.answer)

    doc.add_heading("Peer case studies", level=1)
    if not outline.cases:
        doc.add_paragraph("No peer council in the indexed documents matches this question.")
    for case in outline.cases:
        doc.add_heading(council_heading(case), level=2)
        if case.what or not case.quotes:  # an empty summary: the quotes below say it
            doc.add_paragraph(f"{case.what} {cite_marks(case.citations)}".strip())
        for quote, n in case.quotes:
            doc.add_paragraph(f"\u201c{quote}\u201d [{n}]", style="Quote")

    doc.add_heading("Resources", level=1)
    if not outline.resources:
        doc.add_paragraph("No resource suggested.")
    for res in outline.resources:
        paragraph = doc.add_paragraph(style="List Bullet")
        paragraph.add_run(res.title).bold = True
        paragraph.add_run(f": {res.why} {cite_marks(res.citations)}".rstrip())
        if res.url:
            paragraph.add_run(" ")
            _add_hyperlink(paragraph, res.url)

    doc.add_heading("Next steps", level=1)
    if not outline.next_steps:
        doc.add_paragraph("No next step suggested.")
    for step in outline.next_steps:
        paragraph = doc.add_paragraph(style="List Number")
        paragraph.add_run(step.title + " ")
        paragraph.add_run(f"({step.framework})").italic = True
        paragraph.add_run(f" {cite_marks(step.citations)}".rstrip())

    doc.add_heading("References", level=1)
    for ref in outline.references:
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"[{ref.n}] {ref.text()}")
        if ref.url:
            paragraph.add_run(" ")
            _add_hyperlink(paragraph, ref.url)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
