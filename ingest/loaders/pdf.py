"""PDF with pypdf: pages kept, running headers/footers dropped, headings recovered from fonts.

pypdf gives text in content-stream order with, through ``visitor_text``, the font, size and
position of each piece. From those we rebuild lines, drop lines that repeat at the top or bottom
of most pages (running headers and footers) and bare page numbers, take lines set larger or in
bold than the body text as headings, and re-join the remaining lines into paragraphs and list
items using vertical gaps, bullets and sentence ends.
"""

from __future__ import annotations

import io
import math
import re
import statistics
import struct
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from assistant.errors import CorruptFileError, EmptyDocumentError, EncryptedFileError
from ingest.loaders._common import BULLET_CHARS, RawBlock, clean_inline, is_numbered_item

# Library errors pypdf is known to let out of damaged files, besides its own family.
_PDF_ERRORS = (
    PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, AssertionError,
    RecursionError, ZeroDivisionError, OverflowError, struct.error, zlib.error, UnicodeError,
)  # fmt: skip
_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s*)?[-–—(]?\s*\d{1,4}\s*[-–—)]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE
)
_BULLET_ONLY_RE = re.compile(rf"^[{re.escape(BULLET_CHARS)}\-*o]$")
_BULLET_START_RE = re.compile(rf"^[{re.escape(BULLET_CHARS)}]\s*(?=\S)|^[-*]\s+(?=\S)")
_SENTENCE_END = '.!?:;”"’)'
_MAX_HEADING_WORDS = 25
_EDGE_LINES = 3  # lines at the top and bottom of a page that may be running headers/footers


@dataclass(slots=True)
class _Line:
    text: str
    size: float
    bold: bool
    x: float
    y: float
    page: int
    heading_level: int = 0
    bullet: bool = False
    parts: list[str] = field(default_factory=list)


def parse_pdf(data: bytes, path: Path) -> tuple[list[RawBlock], dict[str, str | None]]:
    """Blocks with 1-based page numbers, and metadata (title, author) from the PDF info."""
    reader = _open(data, path)
    pages: list[list[_Line]] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            pages.append(_page_lines(page, number))
        except _PDF_ERRORS as exc:
            raise CorruptFileError(
                f"{path.name}: page {number} cannot be read ({type(exc).__name__}: {exc}); "
                "re-save or re-export the PDF and re-run."
            ) from exc
    if not pages:
        raise EmptyDocumentError(f"{path.name}: the PDF has no pages; check the file or remove it.")
    if not any(pages):
        raise EmptyDocumentError(
            f"{path.name}: the PDF has no text layer (scanned or image-only); it needs OCR first "
            "(e.g. `ocrmypdf in.pdf out.pdf`), then re-run."
        )
    _drop_running_lines(pages)
    lines = [line for page in pages for line in page]
    if not lines:
        raise EmptyDocumentError(
            f"{path.name}: the PDF holds only headers, footers or page numbers; check the file."
        )
    _mark_headings(lines, pages)
    blocks = _drop_contents(_to_blocks(pages))
    meta: dict[str, str | None] = {}
    try:
        info = reader.metadata
        if info is not None:
            meta["title"] = _clean_meta(info.title)
            meta["author"] = _clean_meta(info.author)
    except _PDF_ERRORS:
        pass  # a damaged info dictionary only costs the metadata, never the text
    return blocks, meta


def _clean_meta(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = clean_inline(value)
    if (
        not text
        or text.lower() in ("untitled", "(unspecified)", "unknown", "title")
        or text.lower().endswith((".doc", ".docx", ".pdf", ".indd"))
        or text.startswith("Microsoft Word - ")
    ):
        return None  # a placeholder or a file name, not a title
    return text


def _open(data: bytes, path: Path) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                unlocked = reader.decrypt("")
            except DependencyError as exc:
                raise EncryptedFileError(
                    f"{path.name}: the PDF is encrypted (AES) and cannot be opened here; remove "
                    "the password (or encryption) and re-run."
                ) from exc
            if unlocked == PasswordType.NOT_DECRYPTED:
                raise EncryptedFileError(
                    f"{path.name}: the PDF is password-protected; remove the password and re-run."
                )
            try:
                _ = len(reader.pages)
            except (FileNotDecryptedError, PyPdfError) as exc:
                raise EncryptedFileError(
                    f"{path.name}: the PDF is password-protected; remove the password and re-run."
                ) from exc
        _ = len(reader.pages)
    except EncryptedFileError:
        raise
    except _PDF_ERRORS as exc:
        raise CorruptFileError(
            f"{path.name}: not a readable PDF ({type(exc).__name__}: {exc}); re-export or "
            "re-download it and re-run."
        ) from exc
    return reader


# --------------------------------------------------------------------------- lines


def _multiply(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _page_lines(page: Any, number: int) -> list[_Line]:
    """Rebuild the page's text lines with their font size, boldness and position."""
    lines: list[_Line] = []
    current: list[tuple[str, float, bool, float, float]] = []

    def flush() -> None:
        if not current:
            return
        text = unicodedata.normalize("NFKC", "".join(t for t, *_ in current))
        text = text.replace("\x7f", "•")  # a bullet glyph some producers map to DEL
        text = clean_inline(text)
        if text:
            wordy = [f for f in current if any(ch.isalnum() for ch in f[0])] or current
            lines.append(
                _Line(
                    text=text,
                    size=max(f[1] for f in wordy),
                    bold=all(f[2] for f in wordy),
                    x=min(f[3] for f in current),
                    y=current[0][4],
                    page=number,
                )
            )
        current.clear()

    ink = _InkTracker()

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not text or ink.hidden_text:
            return
        try:
            matrix = _multiply([float(v) for v in tm], [float(v) for v in cm])
        except (TypeError, ValueError):
            matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        x, y = matrix[4], matrix[5]
        scale = math.hypot(matrix[2], matrix[3]) or 1.0
        effective = float(size or 0) * scale
        name = ""
        if isinstance(font, dict):
            name = str(font.get("/BaseFont", ""))
        bold = bool(_BOLD_RE.search(name))
        pieces = text.split("\n")
        for index, piece in enumerate(pieces):
            if piece:
                if current and abs(y - current[-1][4]) > max(2.0, 0.5 * effective):
                    flush()
                current.append((piece, effective, bold, x, y))
            if index < len(pieces) - 1:
                flush()

    page.extract_text(visitor_text=visit, visitor_operand_before=ink.before)
    flush()
    return lines


def _white(operands: list[Any]) -> bool:
    """Is this fill colour white? 1 operand gray, 3 RGB, 4 CMYK (any colour-space op)."""
    try:
        values = [float(v) for v in operands if isinstance(v, (int, float))]
    except (TypeError, ValueError):
        return False
    if len(values) == 4:
        return all(v <= 0.02 for v in values)
    return len(values) in (1, 3) and all(v >= 0.98 for v in values)


class _InkTracker:
    """Follows the fill colour and text render mode through a page's content stream so that
    text nobody can see (white on a blank page, render mode 3 with no image under it) is
    dropped: it is a classic place to hide instructions aimed at a language model.

    Conservative on purpose: once the page has painted anything that could be a background (a
    filled shape in a non-white colour, an image or a form), white text is kept, since that is
    how cover pages and banners set titles. ``hidden_text`` is the state at the latest
    text-showing operator, which is what pypdf's next ``visitor_text`` call reports.
    """

    _FILLS = frozenset({b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"})
    _SHOW = frozenset({b"Tj", b"TJ", b"'", b'"'})

    def __init__(self) -> None:
        self.white = False
        self.invisible = False
        self.background = False
        self.hidden_text = False
        self._stack: list[tuple[bool, bool]] = []

    def before(self, op: bytes, operands: Any, cm: Any, tm: Any) -> None:
        if op in self._SHOW:
            self.hidden_text = (self.white or self.invisible) and not self.background
        elif op in (b"rg", b"g", b"k", b"sc", b"scn"):
            self.white = _white(list(operands))
        elif op == b"Tr" and operands:
            self.invisible = operands[0] in (3, 7)
        elif op in self._FILLS:
            self.background = self.background or not self.white
        elif op in (b"Do", b"BI", b"sh"):
            self.background = True
        elif op == b"q":
            self._stack.append((self.white, self.invisible))
        elif op == b"Q" and self._stack:
            self.white, self.invisible = self._stack.pop()


# --------------------------------------------------------------------------- headers/footers


def _edge_lines(page: list[_Line]) -> list[tuple[str, _Line]]:
    """The lines that may be running headers/footers, with the page edge they sit at."""
    if len({round(line.y) for line in page}) > 1:
        ordered = sorted(page, key=lambda line: -line.y)
    else:
        ordered = page
    top = ordered[:_EDGE_LINES]
    bottom = ordered[-_EDGE_LINES:]
    return [("top", line) for line in top] + [
        ("bottom", line) for line in bottom if not any(line is t for t in top)
    ]


def _running_key(edge: str, line: _Line) -> tuple[str, int, str]:
    # Same text (digits aside) at the same edge and height: a running header or footer.
    text = re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.text.lower())).strip()
    return edge, round(line.y / 8), text


def _drop_running_lines(pages: list[list[_Line]]) -> None:
    """Remove lines repeated at the edges of >= half the pages, and bare page numbers."""
    counts: Counter[tuple[str, int, str]] = Counter()
    for page in pages:
        counts.update({_running_key(edge, line) for edge, line in _edge_lines(page)})
    needed = max(2, math.ceil(0.5 * len(pages)))
    running = {key for key, n in counts.items() if n >= needed}
    for index, page in enumerate(pages):
        doomed = {
            id(line)
            for edge, line in _edge_lines(page)
            if _running_key(edge, line) in running or _PAGE_NUMBER_RE.match(line.text)
        }
        pages[index] = [line for line in page if id(line) not in doomed]


# --------------------------------------------------------------------------- headings


def _is_headingish(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 20
        and re.search(r"[^\W\d_]{3,}", text) is not None
        and not _BULLET_START_RE.match(text)
        and not text.endswith((",", ";"))
    )


def _title_like(text: str) -> bool:
    stripped = text.lstrip("“\"‘'(")
    return (
        1 <= len(text.split()) <= 10
        and bool(stripped)
        and stripped[0].isupper()
        and text[-1] not in ".!?:;,"
        and not _BULLET_START_RE.match(text)
        and not is_numbered_item(text)
        and not re.search(r"[.!?]\s", text)
    )


def _mark_headings(lines: list[_Line], pages: list[list[_Line]]) -> None:
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size * 2) / 2] += len(line.text)
    body = max(weights.items(), key=lambda kv: (kv[1], -kv[0]))[0] if weights else 0.0
    if body <= 0:
        return
    sizes = sorted(
        {
            round(line.size * 2) / 2
            for line in lines
            if line.size >= body * 1.15 and _is_headingish(line.text)
        },
        reverse=True,
    )
    level_of = {size: index + 1 for index, size in enumerate(sizes)}
    bold_level = len(sizes) + 1
    layout_level = bold_level + 1
    for line in lines:
        size = round(line.size * 2) / 2
        if size in level_of and _is_headingish(line.text):
            line.heading_level = level_of[size]
        elif (
            line.bold
            and size >= body * 0.95
            and _is_headingish(line.text)
            and len(line.text.split()) <= 12
            and not line.text.endswith((".", ":"))
        ):
            line.heading_level = bold_level
    for page in pages:
        _demote_text_runs(page)
    # Layout fallback: a short title-like line on its own, between paragraph ends and body text.
    for page in pages:
        body_lines = [line for line in page if not line.heading_level]
        widths = sorted(len(line.text) for line in body_lines)
        typical = widths[int(len(widths) * 0.8)] if widths else 0
        for index, line in enumerate(page):
            if line.heading_level or index == 0 or index + 1 >= len(page):
                continue
            before, after = page[index - 1], page[index + 1]
            if not _title_like(line.text) or len(line.text) > 0.6 * typical:
                continue
            if abs(line.size - body) > 0.5 or _title_like(after.text):
                continue
            # After a sentence end, not after a lead-in ("Useful links:" introduces a list).
            ended = before.heading_level or before.text.endswith(tuple('.!?”"'))
            if ended and (after.heading_level == 0):
                line.heading_level = min(6, layout_level)


def _demote_text_runs(page: list[_Line]) -> None:
    """Consecutive lines in one large/bold style that read as a paragraph are not headings."""
    start = 0
    while start < len(page):
        end = start + 1
        while end < len(page):
            above, below = page[end - 1], page[end]
            same_style = abs(above.size - below.size) < 0.5 and above.bold == below.bold
            if not (same_style and 0 < above.y - below.y <= 1.5 * below.size):
                break
            end += 1
        run = page[start:end]
        if any(line.heading_level for line in run):
            words = sum(len(line.text.split()) for line in run)
            sentence = len(run) > 1 and run[-1].text.endswith(".")
            if words > _MAX_HEADING_WORDS or sentence:
                for line in run:
                    line.heading_level = 0
        start = end


# --------------------------------------------------------------------------- blocks


def _leading(page: list[_Line]) -> float:
    gaps = [
        a.y - b.y
        for a, b in zip(page, page[1:], strict=False)
        if not a.heading_level and not b.heading_level and 0 < a.y - b.y < 3 * max(a.size, 1)
    ]
    return statistics.median(gaps) if gaps else 0.0


def _join(left: str, right: str) -> str:
    if re.search(r"[A-Za-z]-$", left) and right[:1].islower():
        return left[:-1] + right  # a word hyphenated across a line break
    return f"{left} {right}"


def _to_blocks(pages: list[list[_Line]]) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    kind = "paragraph"
    text = ""
    page_no = 0
    prev: _Line | None = None
    pending_bullet = False

    def emit() -> None:
        nonlocal text
        if text.strip():
            blocks.append(RawBlock(text.strip(), kind=kind, page=page_no))  # type: ignore[arg-type]
        text = ""

    for page in pages:
        leading = _leading(page)
        widths = sorted(len(line.text) for line in page if not line.heading_level)
        typical = widths[int(len(widths) * 0.8)] if widths else 0
        for line in page:
            if line.heading_level:
                emit()
                last = blocks[-1] if blocks else None
                if (
                    last is not None
                    and last.kind == "heading"
                    and last.level == line.heading_level
                    and prev is not None
                    and prev.heading_level == line.heading_level
                    and prev.page == line.page
                    and abs(prev.size - line.size) < 0.5
                    and 0 < prev.y - line.y <= 1.5 * line.size
                ):
                    blocks[-1] = RawBlock(
                        _join(last.text, line.text), "heading", last.level, last.page
                    )
                else:
                    blocks.append(RawBlock(line.text, "heading", line.heading_level, line.page))
                prev = line
                pending_bullet = False
                continue
            if _BULLET_ONLY_RE.match(line.text):
                emit()
                pending_bullet = True
                prev = line
                continue
            bullet = _BULLET_START_RE.match(line.text)
            content = line.text[bullet.end() :] if bullet else line.text
            starts_item = pending_bullet or bool(bullet) or is_numbered_item(line.text)
            if starts_item:
                emit()
                kind, text, page_no = "list_item", content, line.page
            elif not text or prev is None or _breaks(prev, line, leading, kind, typical):
                emit()
                kind, text, page_no = "paragraph", content, line.page
            else:
                text = _join(text, content)
            pending_bullet = False
            prev = line
    emit()
    # A run of large or bold lines that adds up to a paragraph (an intro set in bold, a pull
    # quote) is text, not a heading.
    return [
        RawBlock(b.text, "paragraph", 0, b.page)
        if b.kind == "heading" and len(b.text.split()) > _MAX_HEADING_WORDS
        else b
        for b in blocks
    ]


_CONTENTS_RE = re.compile(r"^(table of )?contents$", re.IGNORECASE)


def _drop_contents(blocks: list[RawBlock]) -> list[RawBlock]:
    """Drop a table of contents: it repeats every heading and would match many searches."""
    kept: list[RawBlock] = []
    skipping = False
    for block in blocks:
        if block.kind == "heading":
            skipping = bool(_CONTENTS_RE.match(block.text.strip()))
            if skipping:
                continue
        if not skipping:
            kept.append(block)
    return kept


def _breaks(prev: _Line, line: _Line, leading: float, kind: str, typical: int) -> bool:
    """Does ``line`` start a new paragraph after ``prev``?"""
    if prev.heading_level:
        return True
    if prev.page == line.page and typical >= 40 and len(prev.text) < 0.6 * typical:
        return True  # a line well short of the measure ends its paragraph
    ended = prev.text.endswith(tuple(_SENTENCE_END))
    if prev.page != line.page:
        return ended and line.text[:1].isupper()
    gap = prev.y - line.y
    if leading > 0 and gap > 1.45 * leading:
        return True
    if gap < -2 * max(line.size, 1):  # jumped up: a new column or a floating box
        return ended
    # Back at the left margin after an indented list item.
    return kind == "list_item" and line.x < prev.x - 3
