"""Word (.docx): headings from paragraph styles, list paragraphs, tables, core properties."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

import docx
from docx.opc.exceptions import OpcError, PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import LxmlError

from assistant.errors import CorruptFileError, EncryptedFileError
from ingest.loaders._common import RawBlock, clean_inline, split_bullet

_HEADING_STYLE_RE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
# What a damaged archive or XML part raises from zipfile, zlib, lxml and python-docx.
_DOCX_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError, ValueError,
    TypeError, AttributeError, IndexError, LxmlError,
)  # fmt: skip
_OLE_MAGIC = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # password-protected .docx files are OLE containers
)


def parse_docx(data: bytes, path: Path) -> tuple[list[RawBlock], dict[str, str | None]]:
    """Blocks in body order and the core properties (title, author)."""
    if data.startswith(_OLE_MAGIC):
        raise EncryptedFileError(
            f"{path.name}: the Word document is password-protected (or an old .doc saved as "
            ".docx); remove the password (or re-save as .docx) and re-run."
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, OpcError, *_DOCX_ERRORS) as exc:
        raise CorruptFileError(
            f"{path.name}: not a readable Word document ({type(exc).__name__}); open and re-save "
            "it in Word (as .docx) and re-run."
        ) from exc

    blocks: list[RawBlock] = []
    try:
        for element in document.element.body.iterchildren():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "p":
                block = _paragraph(Paragraph(element, document))
                if block:
                    blocks.append(block)
            elif tag == "tbl":
                block = _table(Table(element, document))
                if block:
                    blocks.append(block)
        props = document.core_properties
        meta: dict[str, str | None] = {
            "title": clean_inline(props.title or "") or None,
            "author": clean_inline(props.author or "") or None,
        }
    except _DOCX_ERRORS as exc:
        raise CorruptFileError(
            f"{path.name}: the Word document is damaged ({type(exc).__name__}); open and re-save "
            "it in Word and re-run."
        ) from exc
    return blocks, meta


def _style_name(paragraph: Paragraph) -> str:
    try:
        style = paragraph.style
    except (KeyError, ValueError):  # a style id missing from styles.xml
        return ""
    return (style.name or "") if style is not None else ""


def _paragraph(paragraph: Paragraph) -> RawBlock | None:
    text = clean_inline(paragraph.text.replace("\n", " "))
    if not text:
        return None
    style = _style_name(paragraph)
    if style.lower().startswith("toc"):
        return None  # table-of-contents entries repeat the headings
    heading = _HEADING_STYLE_RE.match(style.strip())
    if heading:
        return RawBlock(text, kind="heading", level=max(1, min(6, int(heading.group(1)))))
    if style.lower() == "title":
        return RawBlock(text, kind="heading", level=1)
    if style.lower() == "subtitle":
        return RawBlock(text, kind="heading", level=2)
    ppr = paragraph._p.pPr
    numbered = ppr is not None and ppr.numPr is not None
    if numbered or style.lower().startswith("list"):
        return RawBlock(split_bullet(text)[1], kind="list_item")
    is_item, rest = split_bullet(text)
    if is_item:
        return RawBlock(rest, kind="list_item")
    return RawBlock(text)


def _table(table: Table) -> RawBlock | None:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat the same element
                continue
            seen.add(id(cell._tc))
            cells.append(clean_inline(cell.text.replace("\n", " ")))
        if any(cells):
            rows.append(" | ".join(cells))
    return RawBlock("\n".join(rows), kind="table") if rows else None
