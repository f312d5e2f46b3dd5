"""Word loader: heading styles, list paragraphs, tables, core properties, damaged files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from assistant.errors import CorruptFileError, EncryptedFileError
from ingest.loaders import load_document
from tests.ingest.fixtures import build_docx, sentences

BLOCKS = [
    ("title", "Support offer 2025"),
    ("body", sentences(1, 3)),
    ("h1", "Leadership"),
    ("body", sentences(2, 2)),
    ("bullet", "Leadership essentials course"),
    ("bullet", "Mentoring for new leaders"),
    ("h2", "Peer challenge"),
    ("number", "Scope the challenge with the council"),
    ("number", "Agree the peer team"),
    (
        "table",
        [["Offer", "Audience"], ["Peer challenge", "Whole council"], ["Mentoring", "Leaders"]],
    ),
    ("h1", "Data"),
    ("body", sentences(3, 2)),
]


@pytest.fixture
def offer(tmp_path: Path):
    path = build_docx(
        tmp_path / "offer.docx", BLOCKS, title="Support offer (core)", author="A. Writer"
    )
    return load_document(path, doc_id="offer")


def test_core_properties(offer) -> None:
    assert offer.title == "Support offer (core)"
    assert offer.author == "A. Writer"


def test_headings_from_styles(offer) -> None:
    headings = [(b.text, b.level) for b in offer.blocks if b.kind == "heading"]
    assert headings == [
        ("Support offer 2025", 1),
        ("Leadership", 1),
        ("Peer challenge", 2),
        ("Data", 1),
    ]
    table = next(b for b in offer.blocks if b.kind == "table")
    assert table.heading_path == ("Leadership", "Peer challenge")
    assert offer.blocks[-1].heading_path == ("Data",)


def test_lists_and_tables(offer) -> None:
    items = [b.text for b in offer.blocks if b.kind == "list_item"]
    assert items == [
        "Leadership essentials course",
        "Mentoring for new leaders",
        "Scope the challenge with the council",
        "Agree the peer team",
    ]
    table = next(b for b in offer.blocks if b.kind == "table")
    assert table.text == "Offer | Audience\nPeer challenge | Whole council\nMentoring | Leaders"


def test_paragraphs_in_order(offer) -> None:
    paragraphs = [b.text for b in offer.blocks if b.kind == "paragraph"]
    assert paragraphs == [sentences(1, 3), sentences(2, 2), sentences(3, 2)]


def test_title_falls_back_to_first_heading(tmp_path: Path) -> None:
    path = build_docx(tmp_path / "x.docx", [("h1", "Only heading"), ("body", sentences(1, 2))])
    assert load_document(path, doc_id="x").title == "Only heading"


def test_overrides_win(tmp_path: Path) -> None:
    path = build_docx(tmp_path / "x.docx", BLOCKS, title="Core title")
    doc = load_document(path, doc_id="x", overrides={"title": "CSV title", "publisher": "LGA"})
    assert (doc.title, doc.publisher) == ("CSV title", "LGA")


def test_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CorruptFileError, match="re-save") as info:
        load_document(path, doc_id="b")
    assert info.value.__cause__ is not None


def test_zip_without_word_parts_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    with pytest.raises(CorruptFileError):
        load_document(path, doc_id="o")


def test_password_protected_docx(tmp_path: Path) -> None:
    # Encrypted Office files are OLE compound files, not zip archives.
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(EncryptedFileError, match="password"):
        load_document(path, doc_id="l")
