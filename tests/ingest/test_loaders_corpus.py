"""The loaders and chunker on the real shared corpus, when it is present (structure only).

No corpus text is copied here: the checks are about shape (headings, pages, chrome, sizes).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from ingest.chunking import approx_token_count, chunk_document
from ingest.loaders import SUPPORTED_EXTENSIONS, load_document, read_sources_csv
from tests.conftest import SHARED_CORPUS

pytestmark = pytest.mark.skipif(
    not (SHARED_CORPUS / "sources.csv").is_file(), reason="shared corpus not available"
)


def _documents():
    overrides = read_sources_csv(SHARED_CORPUS)
    for path in sorted(SHARED_CORPUS.iterdir()):
        if path.suffix.lower() in SUPPORTED_EXTENSIONS:
            yield path, load_document(path, doc_id=path.stem, overrides=overrides.get(path.name))


def test_every_corpus_file_loads_with_catalogue_metadata() -> None:
    overrides = read_sources_csv(SHARED_CORPUS)
    loaded = dict(_documents())
    assert {p.name for p in loaded} == set(overrides)
    for path, doc in loaded.items():
        assert doc.title == overrides[path.name]["title"]
        assert doc.doc_type == overrides[path.name]["doc_type"]
        assert any(b.kind == "heading" for b in doc.blocks), path.name
        assert all(b.text == b.text.strip() and b.text for b in doc.blocks)


def test_corpus_pdf_keeps_pages_and_drops_running_lines() -> None:
    for path, doc in _documents():
        if path.suffix != ".pdf":
            continue
        pages = [b.page for b in doc.blocks]
        assert None not in pages and pages == sorted(pages)
        assert max(pages) > 5
        texts = Counter(b.text for b in doc.blocks if b.kind == "paragraph")
        assert not any(re.fullmatch(r"\d+", t) for t in texts)  # bare page numbers
        firsts: dict[int, str] = {}
        for block in doc.blocks:
            firsts.setdefault(block.page or 0, re.sub(r"\d+", "#", block.text))
        repeated = [t for t, n in Counter(firsts.values()).items() if n >= max(pages) // 2]
        assert repeated == []  # no running header survives at the top of the pages
        assert sum(b.kind == "heading" for b in doc.blocks) >= 10


def test_corpus_html_has_no_site_chrome() -> None:
    for path, doc in _documents():
        if path.suffix == ".html":
            lowered = doc.text.lower()
            assert "cookie" not in lowered
            assert "breadcrumb" not in lowered
            assert ("description", "") not in doc.extra


def test_corpus_chunks_are_sound() -> None:
    for _, doc in _documents():
        chunks = chunk_document(doc, count_tokens=approx_token_count)
        assert chunks
        for chunk in chunks:
            assert doc.text[chunk.char_start : chunk.char_end] == chunk.text
            assert approx_token_count(chunk.text) <= 350
            assert chunk.heading_path
