"""PDF loader on PDFs the tests write by hand: pages, headings, running lines, bullets, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import CorruptFileError, EmptyDocumentError, EncryptedFileError
from ingest.loaders import load_document
from tests.ingest.fixtures import (
    build_image_only_pdf,
    build_pdf,
    encrypt_pdf,
    sentences,
)

HEADER = "Invented Borough Council | Workforce planning guide 2024"
FOOTER = "Published by the invented improvement unit"


def _guide(path: Path, **kwargs: object) -> Path:
    pages = [
        [
            ("h1", "Workforce planning guide"),
            (
                "body",
                "This guide explains how councils plan their work-\nforce over three years. "
                + sentences(1, 4),
            ),  # fmt: skip
            ("h3", "Key steps"),
            ("bullet", "Map current roles and skills. " + sentences(2, 1)),
            ("bullet", "Agree priorities with members."),
            ("body", sentences(3, 3)),
        ],
        [("h2", "Measuring progress"), ("body", sentences(4, 5)), ("body", sentences(5, 2))],
        [("h2", "Next steps"), ("body", sentences(6, 4))],
        [("body", sentences(8, 3))],
    ]
    options: dict = {
        "title": "Workforce planning guide (PDF title)",
        "author": "Invented Author",
        "header": HEADER,
        "footer": FOOTER,
        "page_numbers": "Page {n} of {total}",
    }
    options.update(kwargs)
    return build_pdf(path, pages, **options)


@pytest.fixture
def guide(tmp_path: Path):
    return load_document(_guide(tmp_path / "guide.pdf"), doc_id="guide")


def test_pages_are_kept_one_based(guide) -> None:
    pages = {b.page for b in guide.blocks}
    assert pages == {1, 2, 3, 4}
    measuring = next(b for b in guide.blocks if b.text == "Measuring progress")
    assert measuring.page == 2


def test_running_header_footer_and_page_numbers_are_removed(guide) -> None:
    text = guide.text
    assert "Invented Borough Council" not in text
    assert FOOTER not in text
    assert "Page 1 of 4" not in text and "of 4" not in text


def test_headings_recovered_from_font_size_and_bold(guide) -> None:
    headings = [(b.text, b.level) for b in guide.blocks if b.kind == "heading"]
    assert headings == [
        ("Workforce planning guide", 1),
        ("Key steps", 3),
        ("Measuring progress", 2),
        ("Next steps", 2),
    ]
    body = next(b for b in guide.blocks if b.text.startswith("Partner organisations measured"))
    assert body.heading_path == ("Workforce planning guide", "Measuring progress")
    item = next(b for b in guide.blocks if b.kind == "list_item")
    assert item.heading_path == ("Workforce planning guide", "Key steps")


def test_hyphenation_and_wrapped_lines_are_rejoined(guide) -> None:
    first = next(b for b in guide.blocks if b.kind == "paragraph")
    assert first.text.startswith("This guide explains how councils plan their workforce over three")
    assert "\n" not in first.text
    # The whole invented paragraph comes back as one block, lines joined by single spaces.
    assert first.text.endswith(sentences(1, 4))


def test_paragraphs_stay_separate(guide) -> None:
    page2 = [b.text for b in guide.blocks if b.page == 2 and b.kind == "paragraph"]
    assert page2 == [sentences(4, 5), sentences(5, 2)]


def test_bullets_become_list_items(guide) -> None:
    items = [b.text for b in guide.blocks if b.kind == "list_item"]
    assert items == [
        "Map current roles and skills. " + sentences(2, 1),
        "Agree priorities with members.",
    ]
    assert not any("\u2022" in b.text for b in guide.blocks)


def test_title_from_metadata_then_first_heading_then_stem(tmp_path: Path, guide) -> None:
    assert guide.title == "Workforce planning guide (PDF title)"
    assert guide.author == "Invented Author"
    untitled = load_document(_guide(tmp_path / "untitled.pdf", title=None), doc_id="u")
    assert untitled.title == "Workforce planning guide"
    plain = build_pdf(tmp_path / "plain-notes_2024.pdf", [[("body", sentences(9, 3))]])
    assert load_document(plain, doc_id="p").title == "Plain notes 2024"


def test_overrides_win_over_pdf_metadata(tmp_path: Path) -> None:
    doc = load_document(
        _guide(tmp_path / "g.pdf"),
        doc_id="g",
        overrides={"title": "Catalogued title", "doc_type": "guidance", "published": "2024"},
    )
    assert (doc.title, doc.doc_type, doc.published) == ("Catalogued title", "guidance", "2024")
    assert doc.source == str(tmp_path / "g.pdf")


def test_bare_page_numbers_removed_without_header(tmp_path: Path) -> None:
    pages = [[("body", sentences(n, 3))] for n in range(3)]
    doc = load_document(build_pdf(tmp_path / "n.pdf", pages, page_numbers="{n}"), doc_id="n")
    assert [b.text for b in doc.blocks] == [sentences(n, 3) for n in range(3)]


def test_single_page_keeps_its_edge_lines(tmp_path: Path) -> None:
    # One page cannot show a running header: its first line is content.
    path = build_pdf(
        tmp_path / "one.pdf", [[("body", "Short opening line"), ("body", sentences(1, 3))]]
    )
    doc = load_document(path, doc_id="one")
    assert "Short opening line" in doc.text


def test_encrypted_pdf_raises_with_advice(tmp_path: Path) -> None:
    locked = encrypt_pdf(_guide(tmp_path / "g.pdf"), tmp_path / "locked.pdf")
    with pytest.raises(EncryptedFileError, match="remove the password and re-run"):
        load_document(locked, doc_id="locked")


def test_pdf_encrypted_with_empty_user_password_opens(tmp_path: Path) -> None:
    opened = encrypt_pdf(_guide(tmp_path / "g.pdf"), tmp_path / "owner-only.pdf", password="")
    doc = load_document(opened, doc_id="o")
    assert "Measuring progress" in doc.text


def test_image_only_pdf_needs_ocr(tmp_path: Path) -> None:
    with pytest.raises(EmptyDocumentError, match="OCR"):
        load_document(build_image_only_pdf(tmp_path / "scan.pdf"), doc_id="scan")


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog \x00\xff garbage",
        b"this is not a pdf at all, just words",
    ],
)
def test_corrupt_pdf_raises_corrupt_file_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(CorruptFileError, match="broken.pdf") as info:
        load_document(path, doc_id="broken")
    assert info.value.__cause__ is not None  # the library error is chained, not swallowed


def test_truncated_pdf_never_leaks_a_library_error(tmp_path: Path) -> None:
    data = _guide(tmp_path / "g.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    try:
        doc = load_document(path, doc_id="t")
    except (CorruptFileError, EmptyDocumentError):
        return
    assert doc.blocks  # pypdf recovered some pages: whatever came back is real text


def test_bold_paragraph_is_not_a_heading(tmp_path: Path) -> None:
    intro = sentences(20, 3)  # set in bold over several lines: text, not a heading
    path = build_pdf(
        tmp_path / "bold.pdf",
        [[("h1", "Annual review"), ("h3", intro), ("body", sentences(21, 4))]],
        line_chars=60,
    )
    doc = load_document(path, doc_id="b")
    assert [b.text for b in doc.blocks if b.kind == "heading"] == ["Annual review"]
    assert intro.rstrip(".") in doc.text


def test_file_name_titles_in_metadata_are_ignored(tmp_path: Path) -> None:
    path = build_pdf(
        tmp_path / "t.pdf",
        [[("h1", "Real heading"), ("body", sentences(1, 2))]],
        title="Microsoft Word - draft_v3.docx",
    )
    assert load_document(path, doc_id="t").title == "Real heading"


def test_table_of_contents_is_dropped(tmp_path: Path) -> None:
    pages = [
        [
            ("h1", "Annual review"),
            ("h2", "Contents"),
            ("body", "Introduction\nFindings\nNext steps"),
        ],
        [("h2", "Introduction"), ("body", sentences(1, 3))],
        [("h2", "Findings"), ("body", sentences(2, 3))],
    ]
    doc = load_document(build_pdf(tmp_path / "toc.pdf", pages), doc_id="toc")
    assert [b.text for b in doc.blocks if b.kind == "heading"] == [
        "Annual review",
        "Introduction",
        "Findings",
    ]
    assert doc.text.count("Findings") == 1
