"""The catalogue files load through the ingest Markdown loader with the metadata citations need."""

from __future__ import annotations

import pytest

from assistant.knowledge import council_names
from assistant.knowledge.catalogue import catalogue_files, default_corpus_dir, split_front_matter
from ingest.loaders import load_document

CORPUS = default_corpus_dir()
FILES = catalogue_files(CORPUS)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_loader_keeps_catalogue_metadata(path) -> None:  # type: ignore[no-untyped-def]
    data, _ = split_front_matter(path.read_text(encoding="utf-8"))
    document = load_document(path, doc_id=str(path.relative_to(CORPUS)))
    assert document.title == data["title"]
    assert document.doc_type == data["doc_type"]
    assert document.url == data.get("url")
    extra = dict(document.extra)
    if data["doc_type"] == "case_study":
        assert extra["council"] == data["council"]
        # The text the index stores names the council, so the chunk gets tagged with it.
        assert data["council"] in council_names(document.text)
    if data["doc_type"] != "readme":
        assert document.blocks[0].kind == "heading"
        assert "## " not in document.text  # headings parsed, not left as Markdown


def test_readme_is_marked_as_not_content() -> None:
    document = load_document(CORPUS / "README.md", doc_id="README.md")
    assert document.doc_type == "readme"
    assert dict(document.extra).get("ingest") == "false"
