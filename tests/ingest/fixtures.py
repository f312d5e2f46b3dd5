"""Fixture builders: write small PDF, DOCX, HTML, Markdown and text files for ingest tests.

Every text here is invented for tests. API (import as ``from tests.ingest.fixtures import ...``):

- ``build_pdf(path, pages, *, title=None, author=None, header=None, footer=None,
  page_numbers=None, line_chars=80) -> Path``: a real multi-page PDF written by hand (no
  library). ``pages`` is a list of pages, each a list of ``(style, text)``; styles: ``"h1"``
  (Helvetica-Bold 18pt), ``"h2"`` (Helvetica-Bold 14pt), ``"h3"`` (Helvetica-Bold 11pt, body
  size), ``"body"`` (Helvetica 11pt, wrapped at ``line_chars``; a ``"\\n"`` forces a line break),
  ``"bullet"`` (a "•" glyph then indented wrapped text). ``header``/``footer`` repeat on every
  page; ``page_numbers`` is a format such as ``"{n}"`` or ``"Page {n} of {total}"`` drawn at
  the bottom. ``title``/``author`` go into the PDF info dictionary.
- ``encrypt_pdf(source, target, *, password="secret") -> Path``: a password-protected copy
  (pypdf, RC4-128, so no extra crypto package is needed).
- ``build_image_only_pdf(path, *, pages=2) -> Path``: pages holding only an image and a drawn
  box, no text layer (what a scan looks like).
- ``build_docx(path, blocks, *, title=None, author=None) -> Path``: python-docx; ``blocks`` is a
  list of ``(style, content)``: ``"title"``, ``"h1"``..``"h3"``, ``"body"``, ``"bullet"``,
  ``"number"`` take a string; ``"table"`` takes a list of rows (lists of cell strings).
- ``build_html(path, main, *, title="...", site_suffix=" | Local Government Association",
  chrome=True, hidden_text=None, description=None, wrap="main") -> Path``: ``main`` is a list of
  ``(tag, text)`` with tags ``h1``..``h6``, ``p``, ``li`` (consecutive ``li`` share one ``<ul>``)
  and ``raw`` (inserted as is). ``chrome`` adds a cookie banner, header, nav, breadcrumb,
  aside, footer, script, style and form, each holding one of ``CHROME_MARKERS``;
  ``hidden_text`` adds it in several hidden elements (``hidden``, ``aria-hidden``,
  ``display:none``...). ``wrap`` is ``"main"``, ``"article"``, ``"role"`` or ``"none"``.
- ``build_markdown(path, body, *, front_matter=None) -> Path`` and
  ``build_text(path, text, *, encoding="utf-8") -> Path``.
- ``sentences(seed, count) -> str``: deterministic invented prose about council transformation.
- ``build_sample_corpus(folder, *, documents=5, paragraphs=6, seed=0, sources_csv=True)
  -> list[Path]``: a folder with one document per format in turn (pdf, docx, html, md, txt...),
  each with headings and paragraphs, plus ``sources.csv`` rows for the first of each format.
- ``build_bad_inputs(folder, *, big_bytes=2_000_000) -> dict[str, type[IngestError]]``: one file
  per bad-input case (corrupt, encrypted and image-only PDF, corrupt DOCX, empty file, invalid
  UTF-8, HTML without main text, unsupported extension, a file of ``big_bytes``), mapped to the
  error ``load_document`` raises for it (the big file only with a ``max_bytes`` below its size).
"""

from __future__ import annotations

import csv
import random
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import (
    CorruptFileError,
    EmptyDocumentError,
    EncryptedFileError,
    FileTooLargeError,
    IngestError,
    UnsupportedFormatError,
)

# --------------------------------------------------------------------------- PDF

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
_STYLES: dict[str, tuple[str, float, float, float]] = {
    # style: (font resource, size, space before, leading)
    "h1": ("F2", 18.0, 18.0, 22.0),
    "h2": ("F2", 14.0, 14.0, 18.0),
    "h3": ("F2", 11.0, 10.0, 14.0),
    "body": ("F1", 11.0, 8.0, 14.0),
    "bullet": ("F1", 11.0, 4.0, 14.0),
}


def _pdf_string(text: str) -> str:
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    escaped = raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"({escaped})"


def _text_op(font: str, size: float, x: float, y: float, text: str) -> str:
    return f"BT /{font} {size:g} Tf {x:.2f} {y:.2f} Td {_pdf_string(text)} Tj ET"


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for part in text.split("\n"):
        lines.extend(textwrap.wrap(part, width=width, break_on_hyphens=False) or [""])
    return lines


def _write_pdf(path: Path, objects: list[bytes], *, info: Mapping[str, str] | None = None) -> Path:
    """Serialise numbered objects (1-based, object 1 the catalog) with a correct xref table."""
    if info:
        entries = " ".join(f"/{k} {_pdf_string(v)}" for k, v in info.items())
        objects = [*objects, f"<< {entries} >>".encode("latin-1")]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R"
    if info:
        trailer += f" /Info {len(objects)} 0 R"
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def _stream(content: str | bytes, extra: str = "") -> bytes:
    data = content.encode("latin-1") if isinstance(content, str) else content
    return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"


def build_pdf(
    path: Path,
    pages: Sequence[Sequence[tuple[str, str]]],
    *,
    title: str | None = None,
    author: str | None = None,
    header: str | None = None,
    footer: str | None = None,
    page_numbers: str | None = None,
    line_chars: int = 80,
) -> Path:
    """Write a text PDF with two fonts (see the module docstring for the page format)."""
    contents: list[str] = []
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        ops: list[str] = []
        if header:
            ops.append(_text_op("F1", 8, 72, PAGE_HEIGHT - 40, header))
        y = PAGE_HEIGHT - 80
        for style, text in page:
            font, size, before, leading = _STYLES[style]
            y -= before
            if style == "bullet":
                ops.append(_text_op("F1", size, 80, y, "\u2022"))
                for line in _wrap(text, line_chars - 4):
                    ops.append(_text_op(font, size, 92, y, line))
                    y -= leading
            elif style in ("h1", "h2"):
                for line in _wrap(text, 45 if style == "h1" else 60):
                    ops.append(_text_op(font, size, 72, y, line))
                    y -= leading
            else:
                for line in _wrap(text, line_chars):
                    ops.append(_text_op(font, size, 72, y, line))
                    y -= leading
            if y < 90:
                raise ValueError(f"page {number} overflows: give it less text")
        if footer:
            ops.append(_text_op("F1", 8, 72, 40, footer))
        if page_numbers:
            label = page_numbers.format(n=number, total=total)
            ops.append(_text_op("F1", 8, PAGE_WIDTH - 100, 28, label))
        contents.append("\n".join(ops))

    fonts = "<< /F1 3 0 R /F2 4 0 R >>"
    first_page = 5
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(total))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {total} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    for index, content in enumerate(contents):
        page_obj = first_page + 2 * index
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font {fonts} >> /Contents {page_obj + 1} 0 R >>".encode()
        )
        objects.append(_stream(content))
    info = {k: v for k, v in (("Title", title), ("Author", author)) if v}
    return _write_pdf(path, objects, info=info or None)


def build_image_only_pdf(path: Path, *, pages: int = 2) -> Path:
    """A PDF whose pages hold a small image and a filled box but no text at all."""
    pixels = bytes([200, 30, 30, 30, 200, 30, 30, 30, 200, 250, 250, 250])  # 2x2 RGB
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(pages))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        _stream(
            pixels,
            " /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceRGB "
            "/BitsPerComponent 8",
        ),
    ]
    drawing = "q 400 0 0 500 90 200 cm /Im1 Do Q 0.2 0.4 0.8 rg 90 100 415 60 re f"
    for index in range(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /XObject << /Im1 3 0 R >> >> /Contents {5 + 2 * index} 0 R >>".encode()
        )
        objects.append(_stream(drawing))
    return _write_pdf(path, objects)


def encrypt_pdf(source: Path, target: Path, *, password: str = "secret") -> Path:
    """A password-protected copy of ``source`` (needs the password to read any text)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    with Path(target).open("wb") as handle:
        writer.write(handle)
    return Path(target)


# --------------------------------------------------------------------------- DOCX


def build_docx(
    path: Path,
    blocks: Sequence[tuple[str, Any]],
    *,
    title: str | None = None,
    author: str | None = None,
) -> Path:
    """A Word document with real heading, list and table styles (python-docx)."""
    import docx

    document = docx.Document()
    for style, content in blocks:
        if style == "title":
            document.add_heading(content, level=0)
        elif style in ("h1", "h2", "h3"):
            document.add_heading(content, level=int(style[1]))
        elif style == "body":
            document.add_paragraph(content)
        elif style == "bullet":
            document.add_paragraph(content, style="List Bullet")
        elif style == "number":
            document.add_paragraph(content, style="List Number")
        elif style == "table":
            rows = list(content)
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            raise ValueError(f"unknown docx style {style!r}")
    if title is not None:
        document.core_properties.title = title
    if author is not None:
        document.core_properties.author = author
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


# --------------------------------------------------------------------------- HTML

CHROME_MARKERS = {
    "cookie": "We use cookies to improve this site",
    "header": "Site header strapline",
    "nav": "Navigation link Publications",
    "breadcrumb": "Breadcrumb trail Home",
    "aside": "Related content sidebar",
    "footer": "Footer copyright notice",
    "script": "scriptTrackingValue",
    "style": "styleRuleMarker",
    "form": "Search this site form",
    "noscript": "Enable JavaScript notice",
}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_html(
    path: Path,
    main: Sequence[tuple[str, str]],
    *,
    title: str = "Invented page",
    site_suffix: str = " | Local Government Association",
    chrome: bool = True,
    hidden_text: str | None = None,
    description: str | None = None,
    wrap: str = "main",
) -> Path:
    """An HTML page: ``main`` content wrapped in typical site chrome (see module docstring)."""
    body: list[str] = []
    in_list = False
    for tag, text in main:
        if tag == "li" and not in_list:
            body.append("<ul>")
            in_list = True
        elif tag != "li" and in_list:
            body.append("</ul>")
            in_list = False
        if tag == "raw":
            body.append(text)
        else:
            body.append(f"<{tag}>{_escape(text)}</{tag}>")
    if in_list:
        body.append("</ul>")
    if hidden_text:
        body.insert(1, f"<div hidden><p>{_escape(hidden_text)} (hidden attribute)</p></div>")
        body.insert(2, f'<p style="display: none">{_escape(hidden_text)} (display none)</p>')
        body.insert(3, f'<span aria-hidden="true">{_escape(hidden_text)} (aria)</span>')
        body.append(f'<div style="visibility:hidden">{_escape(hidden_text)} (visibility)</div>')
    inner = "\n".join(body)
    if wrap == "main":
        content = f"<main>\n{inner}\n</main>"
    elif wrap == "article":
        content = f"<article>\n{inner}\n</article>"
    elif wrap == "role":
        content = f'<div role="main">\n{inner}\n</div>'
    else:
        content = f"<div class='content'>\n{inner}\n</div>"
    m = CHROME_MARKERS
    head = [f"<title>{_escape(title + site_suffix)}</title>", '<meta charset="utf-8">']
    if description:
        head.append(f'<meta name="description" content="{_escape(description)}">')
    top: list[str] = []
    bottom: list[str] = []
    if chrome:
        head.append(f"<script>var tracking = '{m['script']}';</script>")
        head.append(f"<style>.x{{content:'{m['style']}'}}</style>")
        top = [
            f'<div class="cookie-banner">{m["cookie"]} <button>Accept</button></div>',
            f'<header><p>{m["header"]}</p><nav><ul><li><a href="/">{m["nav"]}</a></li></ul></nav>',
            f'<nav aria-label="Breadcrumb"><a href="/">{m["breadcrumb"]}</a></nav></header>',
            f'<form><label>{m["form"]}</label><input type="text"></form>',
            f"<noscript>{m['noscript']}</noscript>",
        ]
        bottom = [
            f"<aside><h3>Related</h3><ul><li>{m['aside']}</li></ul></aside>",
            f"<footer><p>{m['footer']}</p></footer>",
            f"<script>console.log('{m['script']}')</script>",
        ]
    html = "\n".join(
        ["<!DOCTYPE html>", '<html lang="en"><head>', *head, "</head><body>"]
        + top
        + [content]
        + bottom
        + ["</body></html>"]
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- text formats


def build_markdown(path: Path, body: str, *, front_matter: Mapping[str, Any] | None = None) -> Path:
    text = body
    if front_matter is not None:
        text = "---\n" + yaml.safe_dump(dict(front_matter), sort_keys=False) + "---\n" + body
    return build_text(path, text)


def build_text(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- invented prose

_SUBJECTS = (
    "The council", "The transformation team", "Each service lead", "The programme board",
    "Frontline staff", "The cabinet member", "The digital unit", "Residents' panels",
    "The finance team", "Partner organisations", "The improvement lead", "Ward councillors",
)  # fmt: skip
_VERBS = (
    "reviewed", "mapped", "redesigned", "piloted", "measured", "simplified", "tested",
    "shared", "prioritised", "funded", "documented", "evaluated",
)  # fmt: skip
_OBJECTS = (
    "the customer contact process", "its data sharing agreements", "the housing repairs pathway",
    "a new operating model", "the waste collection rounds", "its approach to early help",
    "the council tax online forms", "a cross-team learning network", "the benefits realisation plan",
    "the adult social care front door", "its use of automation", "the annual budget options",
)  # fmt: skip
_ENDINGS = (
    "over six months", "with support from peers", "before scaling it up", "using resident feedback",
    "to reduce failure demand", "within existing budgets", "alongside two neighbouring councils",
    "and reported progress quarterly", "to free up officer time", "with clear success measures",
)  # fmt: skip
_TOPICS = (
    "Customer contact", "Data and insight", "Workforce capacity", "Digital services",
    "Leadership and culture", "Financial sustainability", "Partnership working", "Early help",
)  # fmt: skip


def sentences(seed: int, count: int) -> str:
    """``count`` invented sentences, the same for the same seed."""
    rng = random.Random(seed)
    return " ".join(
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
        f"{rng.choice(_ENDINGS)}."
        for _ in range(count)
    )


def _sections(rng: random.Random, paragraphs: int) -> list[tuple[str, list[str]]]:
    topics = rng.sample(_TOPICS, k=min(3, len(_TOPICS)))
    per = max(1, paragraphs // len(topics))
    return [
        (topic, [sentences(rng.randrange(10**6), rng.randint(3, 5)) for _ in range(per)])
        for topic in topics
    ]


def build_sample_corpus(
    folder: Path,
    *,
    documents: int = 5,
    paragraphs: int = 6,
    seed: int = 0,
    sources_csv: bool = True,
) -> list[Path]:
    """Invented documents cycling through pdf, docx, html, md and txt (deterministic)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    formats = ("pdf", "docx", "html", "md", "txt")
    paths: list[Path] = []
    rows: list[dict[str, str]] = []
    for index in range(documents):
        fmt = formats[index % len(formats)]
        title = f"Invented report {index + 1} on {rng.choice(_TOPICS).lower()}"
        sections = _sections(rng, paragraphs)
        path = folder / f"doc-{index + 1:04d}.{fmt}"
        if fmt == "pdf":
            pages = [[("h1", title)] + [("body", p) for p in sections[0][1]]]
            pages += [[("h2", head)] + [("body", p) for p in paras] for head, paras in sections[1:]]
            build_pdf(
                path, pages, title=title, header="Invented Council | Test", page_numbers="{n}"
            )
        elif fmt == "docx":
            blocks: list[tuple[str, Any]] = [("title", title)]
            for head, paras in sections:
                blocks.append(("h1", head))
                blocks.extend(("body", p) for p in paras)
            build_docx(path, blocks, title=title, author="Invented Author")
        elif fmt == "html":
            main: list[tuple[str, str]] = [("h1", title)]
            for head, paras in sections:
                main.append(("h2", head))
                main.extend(("p", p) for p in paras)
            build_html(path, main, title=title)
        elif fmt == "md":
            body = f"# {title}\n\n" + "".join(
                f"## {head}\n\n" + "".join(f"{p}\n\n" for p in paras) for head, paras in sections
            )
            build_markdown(path, body, front_matter={"title": title, "doc_type": "guidance"})
        else:
            body = f"{title}\n\n" + "".join(
                f"{head}\n\n" + "".join(f"{p}\n\n" for p in paras) for head, paras in sections
            )
            build_text(path, body)
        paths.append(path)
        if index < len(formats):
            rows.append(
                {
                    "file": path.name,
                    "title": f"{title} (catalogued)",
                    "publisher": "Invented Publisher",
                    "doc_type": "case_study",
                    "published": str(2020 + index),
                    "url": f"https://example.org/{path.stem}",
                }
            )
    if sources_csv:
        with (folder / "sources.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=["file", "title", "publisher", "doc_type", "published", "url"]
            )
            writer.writeheader()
            writer.writerows(rows)
    return paths


def build_bad_inputs(folder: Path, *, big_bytes: int = 2_000_000) -> dict[str, type[IngestError]]:
    """One file per bad-input case; returns file name -> expected ``IngestError`` subclass.

    ``big.txt`` is valid text of ``big_bytes`` bytes: it fails only when ``max_bytes`` (the
    configured limit) is below its size. Permissions are not touched here (root ignores them).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, type[IngestError]] = {}

    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog \x00\xff garbage")
    expected["corrupt.pdf"] = CorruptFileError
    plain = build_pdf(folder / ".plain.tmp", [[("body", sentences(1, 3))]])
    encrypt_pdf(plain, folder / "encrypted.pdf")
    plain.unlink()
    expected["encrypted.pdf"] = EncryptedFileError
    build_image_only_pdf(folder / "scanned.pdf")
    expected["scanned.pdf"] = EmptyDocumentError
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive")
    expected["corrupt.docx"] = CorruptFileError
    (folder / "empty.txt").write_bytes(b"")
    expected["empty.txt"] = EmptyDocumentError
    (folder / "invalid-utf8.txt").write_bytes(
        b"Budget \x81\x8d\x8f\x90\x9d report \xff\xfe\x00\x01"
    )
    expected["invalid-utf8.txt"] = CorruptFileError
    build_html(folder / "no-main.html", [], chrome=True)
    expected["no-main.html"] = EmptyDocumentError
    (folder / "slides.pptx").write_bytes(b"PK\x03\x04 not supported")
    expected["slides.pptx"] = UnsupportedFormatError
    line = (sentences(7, 1) + "\n").encode()
    (folder / "big.txt").write_bytes(line * (big_bytes // len(line) + 1))
    expected["big.txt"] = FileTooLargeError
    return expected
