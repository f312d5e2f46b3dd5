"""load_document's checks and errors, and sources.csv overrides."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.errors import (
    EmptyDocumentError,
    FileTooLargeError,
    IngestError,
    UnreadableFileError,
    UnsupportedFormatError,
)
from ingest.loaders import SUPPORTED_EXTENSIONS, load_document, read_sources_csv
from tests.ingest.fixtures import build_bad_inputs, build_pdf, build_sample_corpus, sentences


def test_supported_extensions() -> None:
    assert frozenset({".pdf", ".html", ".htm", ".md", ".markdown", ".txt", ".docx"}) == (
        SUPPORTED_EXTENSIONS
    )


def test_every_bad_input_gets_its_own_error_with_advice(tmp_path: Path) -> None:
    expected = build_bad_inputs(tmp_path, big_bytes=50_000)
    for name, error in expected.items():
        with pytest.raises(IngestError) as info:
            load_document(tmp_path / name, doc_id=name, max_bytes=20_000)
        assert type(info.value) is error, (name, info.value)
        message = str(info.value)
        assert message.startswith(name + ":"), message
        assert "\n" not in message
        # Each message says what to do next.
        assert any(
            verb in message
            for verb in ("re-run", "remove", "re-save", "convert", "check", "split", "add")
        ), message


def test_unsupported_extension_lists_supported(tmp_path: Path) -> None:
    path = tmp_path / "notes.rtf"
    path.write_text("{\\rtf1 hello}")
    with pytest.raises(UnsupportedFormatError) as info:
        load_document(path, doc_id="n")
    for ext in SUPPORTED_EXTENSIONS:
        assert ext in str(info.value)


def test_extension_is_case_insensitive(tmp_path: Path) -> None:
    path = build_pdf(
        tmp_path / "REPORT.PDF", [[("h1", "Upper case name"), ("body", sentences(1, 2))]]
    )
    assert load_document(path, doc_id="r").blocks[0].text == "Upper case name"


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \n"])
def test_empty_or_blank_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.md"
    path.write_bytes(content)
    with pytest.raises(EmptyDocumentError, match="blank.md"):
        load_document(path, doc_id="b")


def test_front_matter_only_markdown_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "meta.md"
    path.write_text("---\ntitle: Only metadata\n---\n\n", encoding="utf-8")
    with pytest.raises(EmptyDocumentError):
        load_document(path, doc_id="m")


def test_file_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000, encoding="utf-8")
    with pytest.raises(FileTooLargeError, match="LGA_ASSISTANT_INGEST__MAX_FILE_MB"):
        load_document(path, doc_id="big", max_bytes=1000)
    assert load_document(path, doc_id="big", max_bytes=10_000).blocks  # under the limit: fine


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="gone.txt"):
        load_document(tmp_path / "gone.txt", doc_id="g")


def test_directory_named_like_a_document(tmp_path: Path) -> None:
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(UnreadableFileError):
        load_document(tmp_path / "folder.md", doc_id="f")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_unreadable_permissions(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Title\n\nSome text.\n", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): chmod 0 does not stop reads")
        with pytest.raises(UnreadableFileError, match="chmod"):
            load_document(path, doc_id="s")
    finally:
        path.chmod(0o644)


def test_read_sources_csv(tmp_path: Path) -> None:
    (tmp_path / "sources.csv").write_text(
        "file,title,publisher,doc_type,published,url\n"
        "a.pdf,Report A,Invented Association,guidance,2024,https://example.org/a\n"
        "b.txt,,,minutes,,\n"
        ",orphan row,,,,\n",
        encoding="utf-8",
    )
    assert read_sources_csv(tmp_path) == {
        "a.pdf": {
            "title": "Report A",
            "publisher": "Invented Association",
            "doc_type": "guidance",
            "published": "2024",
            "url": "https://example.org/a",
        },
        "b.txt": {"doc_type": "minutes"},
    }


def test_missing_sources_csv_is_empty(tmp_path: Path) -> None:
    assert read_sources_csv(tmp_path) == {}


def test_sample_corpus_loads_with_overrides(tmp_path: Path) -> None:
    paths = build_sample_corpus(tmp_path, documents=5)
    overrides = read_sources_csv(tmp_path)
    assert sorted(overrides) == sorted(p.name for p in paths)
    for path in paths:
        doc = load_document(path, doc_id=path.stem, overrides=overrides[path.name])
        assert doc.title.endswith("(catalogued)")
        assert doc.doc_type == "case_study"
        assert doc.url == f"https://example.org/{path.stem}"
        headings = [b for b in doc.blocks if b.kind == "heading"]
        assert len(headings) >= 3, (path.name, [b.text for b in doc.blocks])
        assert sum(b.kind == "paragraph" for b in doc.blocks) >= 3


def test_permission_error_maps_to_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root ignores chmod, so also check the mapping with the error the OS would raise.
    path = tmp_path / "locked.txt"
    path.write_text("Title\n\nSome text.\n", encoding="utf-8")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(UnreadableFileError, match="permission denied") as info:
        load_document(path, doc_id="l")
    assert isinstance(info.value.__cause__, PermissionError)


def test_damaged_files_only_raise_ingest_errors(tmp_path: Path) -> None:
    """Randomly damaged PDFs, DOCX and HTML either load or fail with an IngestError."""
    import random

    from tests.ingest.fixtures import build_docx, build_html

    originals = {
        ".pdf": build_pdf(
            tmp_path / "base.pdf",
            [
                [("h1", "Head"), ("body", sentences(1, 5))],
                [("h2", "Two"), ("body", sentences(2, 5))],
            ],
            page_numbers="{n}",
        ).read_bytes(),
        ".docx": build_docx(
            tmp_path / "base.docx", [("title", "T"), ("body", sentences(1, 3))]
        ).read_bytes(),
        ".html": build_html(
            tmp_path / "base.html", [("h1", "T"), ("p", sentences(1, 3))]
        ).read_bytes(),
    }
    rng = random.Random(1234)
    outcomes: set[str] = set()
    for trial in range(40):
        for ext, original in originals.items():
            data = bytearray(original)
            if trial % 2:
                data = data[: rng.randrange(1, len(data))]
            else:
                for _ in range(rng.randint(1, 15)):
                    data[rng.randrange(len(data))] = rng.randrange(256)
            path = tmp_path / f"damaged-{trial}{ext}"
            path.write_bytes(bytes(data))
            try:
                load_document(path, doc_id=path.stem)
                outcomes.add("loaded")
            except IngestError as exc:
                outcomes.add(type(exc).__name__)
    assert "CorruptFileError" in outcomes  # the damage was real
