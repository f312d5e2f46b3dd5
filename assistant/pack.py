"""Evidence packs: an answer, its peer case studies, resources, next steps and references.

``build_pack(answer, cases, fmt="docx" | "md")`` renders one pack to bytes; ``write_pack`` writes
bytes atomically (temporary file in the same folder, then rename), so a reader never sees half
a file. The layout is built once (``pack_outline``, a pure function) and rendered twice: as
Markdown, and as a Word document with real heading styles (Title, Heading 1, Heading 2) that
opens in Word and LibreOffice.

Citation numbers: the answer's own ``[n]`` are kept; passages cited only by the extra case
studies are numbered after them, so every ``[n]`` in the pack points into one References list.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from assistant.errors import InputError, StorageError
from assistant.knowledge.gazetteer import council_type_label
from assistant.types import Answer, Chunk, Citation, Suggestion

if TYPE_CHECKING:
    from assistant.officer import CaseResult

PackFormat = Literal["docx", "md"]
PACK_FORMATS: tuple[PackFormat, ...] = ("docx", "md")
_PROMPTS = Path(__file__).resolve().parent / "prompts"


@dataclass(frozen=True, slots=True)
class PackCase:
    """One peer case study in a pack: council, what it did, quotes and citation numbers."""

    council: str
    council_type: str | None
    region: str | None
    what: str
    quotes: tuple[tuple[str, int], ...]  # (quote, citation number)
    citations: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    """One numbered entry of the References section."""

    n: int
    title: str
    publisher: str | None
    published: str | None
    url: str | None
    section: str | None
    page: int | None
    source: str

    def text(self) -> str:
        """The reference as one line (without its number or URL)."""
        parts = [self.title.strip() or self.source]
        meta = ", ".join(p for p in (self.publisher, self.published) if p)
        if meta:
            parts.append(meta)
        where = []
        if self.section:
            where.append(f"section: {self.section}")
        if self.page is not None:
            where.append(f"page {self.page}")
        if where:
            parts.append("; ".join(where))
        if not self.url and self.source:
            parts.append(f"source: {self.source}")
        return ". ".join(p.rstrip(".") for p in parts) + "."


@dataclass(frozen=True, slots=True)
class PackOutline:
    """Everything a pack shows, format-free."""

    title: str
    intro: str
    question: str
    audience: str
    answer: str
    refused: bool
    cases: tuple[PackCase, ...]
    resources: tuple[Suggestion, ...]
    next_steps: tuple[Suggestion, ...]
    references: tuple[Reference, ...]
    generated: str = field(default_factory=lambda: date.today().isoformat())


def _load_intro() -> str:
    return (_PROMPTS / "pack_intro.txt").read_text(encoding="utf-8").strip()


def _reference(n: int, chunk: Chunk) -> Reference:
    return Reference(
        n=n,
        title=chunk.title,
        publisher=chunk.publisher,
        published=chunk.published,
        url=chunk.url,
        section=chunk.section,
        page=chunk.page_start,
        source=chunk.public_source,
    )


def _cite(numbers: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def pack_outline(answer: Answer, cases: Sequence[CaseResult] = ()) -> PackOutline:
    """Lay out a pack: number every cited passage once and gather the peers and cases.

    Peers suggested with the answer come first (their quotes are the passages they cite);
    ``cases`` add councils not already among them, their citations renumbered after the answer's.
    """
    by_n: dict[int, Citation] = {c.n: c for c in answer.citations}
    by_chunk: dict[str, int] = {}
    for c in answer.citations:
        by_chunk.setdefault(c.chunk.id, c.n)
    next_n = max(by_n, default=0) + 1
    extra: dict[int, Citation] = {}

    def number(citation: Citation) -> int:
        nonlocal next_n
        known = by_chunk.get(citation.chunk.id)
        if known is not None:
            return known
        n = next_n
        next_n += 1
        by_chunk[citation.chunk.id] = n
        extra[n] = Citation(n=n, chunk=citation.chunk, quote=citation.quote)
        return n

    pack_cases: list[PackCase] = []
    seen: set[str] = set()
    for peer in answer.peers:
        quotes = tuple((by_n[n].quote, n) for n in peer.citations if n in by_n)
        pack_cases.append(
            PackCase(
                council=peer.title,
                council_type=peer.council_type,
                region=peer.region,
                what=peer.why,
                quotes=quotes,
                citations=peer.citations,
            )
        )
        seen.add(peer.title.casefold())
    for case in cases:
        if case.council.casefold() in seen:
            continue
        seen.add(case.council.casefold())
        numbers = tuple(number(c) for c in case.citations)
        pack_cases.append(
            PackCase(
                council=case.council,
                council_type=case.council_type,
                region=case.region,
                what=case.what,
                quotes=tuple((c.quote, n) for c, n in zip(case.citations, numbers, strict=True)),
                citations=numbers,
            )
        )

    cited = {**by_n, **extra}
    references = tuple(_reference(n, cited[n].chunk) for n in sorted(cited))
    answer_text = answer.text
    if answer.refused:
        reason = answer.refusal_reason or "the indexed resources do not cover this question"
        answer_text = f"{answer.text}\n\n(Not answered: {reason}.)" if answer.text else reason
    return PackOutline(
        title=f"Evidence pack: {answer.question}",
        intro=_load_intro(),
        question=answer.question,
        audience=answer.audience,
        answer=answer_text,
        refused=answer.refused,
        cases=tuple(pack_cases),
        resources=answer.resources,
        next_steps=answer.next_steps,
        references=references,
    )


def build_pack(
    answer: Answer, cases: Sequence[CaseResult] = (), *, fmt: PackFormat = "docx"
) -> bytes:
    """Render the evidence pack for ``answer`` (plus extra ``cases``) as DOCX or Markdown bytes."""
    outline = pack_outline(answer, cases)
    if fmt == "md":
        return render_markdown(outline).encode("utf-8")
    if fmt == "docx":
        return render_docx(outline)
    raise InputError(f"Unknown pack format {fmt!r}: use one of {', '.join(PACK_FORMATS)}.")


def pack_format_for(path: Path) -> PackFormat:
    """The format implied by a file name (``.docx`` or ``.md``); InputError otherwise."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "markdown":
        suffix = "md"
    if suffix not in PACK_FORMATS:
        raise InputError(
            f"Cannot tell the pack format from {path.name!r}: end the file name with .docx or .md."
        )
    return suffix  # type: ignore[return-value]


def write_pack(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, fsync, rename)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StorageError(
            f"Cannot write the evidence pack to {path} ({exc}): choose a writable path with --out."
        ) from exc
    return path


# ---------------------------------------------------------------- Markdown


def _council_heading(case: PackCase) -> str:
    meta = ", ".join(p for p in (council_type_label(case.council_type), case.region) if p)
    return f"{case.council} ({meta})" if meta else case.council


def render_markdown(outline: PackOutline) -> str:
    """The pack as Markdown (same sections and numbering as the DOCX)."""
    out: list[str] = [f"# {outline.title}", "", outline.intro, ""]
    out += [f"_Prepared {outline.generated} for the {outline.audience} audience._", ""]
    out += ["## Question", "", outline.question, "", "## Answer", "", outline.answer, ""]
    out += ["## Peer case studies", ""]
    if not outline.cases:
        out += ["No peer council in the indexed documents matches this question.", ""]
    for case in outline.cases:
        out += [f"### {_council_heading(case)}", "", f"{case.what} {_cite(case.citations)}", ""]
        for quote, n in case.quotes:
            out += [f"> \u201c{quote}\u201d [{n}]", ""]
    out += ["## Resources", ""]
    if not outline.resources:
        out += ["No resource suggested.", ""]
    for res in outline.resources:
        url = f" <{res.url}>" if res.url else ""
        out.append(f"- **{res.title}**: {res.why} {_cite(res.citations)}{url}".rstrip())
    out += ["", "## Next steps", ""]
    if not outline.next_steps:
        out += ["No next step suggested.", ""]
    for i, step in enumerate(outline.next_steps, 1):
        out.append(f"{i}. {step.title} (_{step.framework}_) {_cite(step.citations)}".rstrip())
    out += ["", "## References", ""]
    for ref in outline.references:
        url = f" <{ref.url}>" if ref.url else ""
        out.append(f"[{ref.n}] {ref.text()}{url}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------- DOCX

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
        doc.add_heading(_council_heading(case), level=2)
        doc.add_paragraph(f"{case.what} {_cite(case.citations)}".strip())
        for quote, n in case.quotes:
            doc.add_paragraph(f"\u201c{quote}\u201d [{n}]", style="Quote")

    doc.add_heading("Resources", level=1)
    if not outline.resources:
        doc.add_paragraph("No resource suggested.")
    for res in outline.resources:
        paragraph = doc.add_paragraph(style="List Bullet")
        paragraph.add_run(res.title).bold = True
        paragraph.add_run(f": {res.why} {_cite(res.citations)}".rstrip())
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
        paragraph.add_run(f" {_cite(step.citations)}".rstrip())

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
