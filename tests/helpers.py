"""Shared test helpers: invented documents and small indexes built from them.

API (import as ``from tests.helpers import ...``):

- ``make_document(doc_id, sections, *, title=..., doc_type=..., publisher=..., published=...,
  url=..., extra=...) -> Document``: ``sections`` maps a heading to its paragraphs (a list of
  strings); each section becomes a heading block plus paragraph blocks, page = section number.
- ``make_chunk(document_id, position, text, **fields) -> Chunk``: a chunk with a deterministic
  id and consistent metadata defaults (title = document id).
- ``memory_index(embedder=None) -> Index``: an empty in-memory index (fakes: ``HashEmbedder``,
  ``MemoryVectorStore``, ``MemoryCatalog``), nothing on disk.
- ``index_chunks(index, chunks) -> Index``: write exact chunks (grouped by document) straight
  into the catalogue, keyword index and vectors, bypassing the chunker: for tests that need
  precise chunk boundaries, overlaps and positions.
- ``build_index(documents, *, settings=None) -> Index``: an in-memory index with ``documents``
  ingested by the real ``ingest.pipeline.Pipeline`` (chunking, tagging, embedding).
- ``build_data_dir(data_dir, documents) -> Settings``: an on-disk index (SQLite catalogue +
  Chroma) in ``data_dir`` with the fake embedder, built by the pipeline; the returned settings
  open it (``vector_store="chroma"``, ``embedder.provider="fake"``). Set
  ``LGA_ASSISTANT_EMBEDDER__PROVIDER=fake`` and ``--data-dir data_dir`` for CLI runs on it.
- ``catalogue_settings(data_dir) -> Settings``: the real services over the project's catalogue
  (``corpus/``) in memory with the fake embedder; the session fixture ``catalogue_index``
  (tests/conftest.py) is that catalogue ingested once, shared by the tests that only read it.
- ``SAMPLE_DOCUMENTS``: three invented documents (guidance, case study, news) about council
  transformation, used by retrieval, service and CLI tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.index import META_DIMENSION, META_MODEL, Index
from assistant.ports import DocumentRecord, Embedder
from assistant.settings import Settings
from assistant.types import Block, Chunk, Document

# The JSON answer contract's top-level keys (issue 3), as every entry point must return them.
ANSWER_CONTRACT_KEYS = frozenset(
    {
        "id",
        "question",
        "standalone_question",
        "audience",
        "answer",
        "refused",
        "refusal_reason",
        "citations",
        "peers",
        "resources",
        "next_steps",
        "timings_ms",
    }
)


def make_document(
    doc_id: str,
    sections: Mapping[str, Sequence[str]],
    *,
    title: str | None = None,
    doc_type: str = "guidance",
    publisher: str | None = "Local Government Association",
    published: str | None = "2024",
    url: str | None = None,
    extra: tuple[tuple[str, str], ...] = (),
) -> Document:
    """A Document with one heading block and its paragraphs per section (page = section no.)."""
    title = title or doc_id.replace("-", " ").capitalize()
    blocks: list[Block] = []
    for page, (heading, paragraphs) in enumerate(sections.items(), start=1):
        path = (heading,)
        blocks.append(Block(heading, kind="heading", heading_path=path, page=page, level=2))
        blocks.extend(Block(p, heading_path=path, page=page) for p in paragraphs)
    return Document(
        id=doc_id,
        title=title,
        source=f"{doc_id}.md",
        blocks=tuple(blocks),
        doc_type=doc_type,
        publisher=publisher,
        published=published,
        url=url,
        extra=extra,
    )


def make_chunk(document_id: str, position: int, text: str, **fields: Any) -> Chunk:
    """A Chunk with a deterministic id; ``fields`` override any other Chunk field."""
    values: dict[str, Any] = {
        "title": document_id,
        "source": f"{document_id}.md",
        "char_start": 0,
        "char_end": len(text),
    }
    values.update(fields)
    return Chunk(
        id=Chunk.make_id(document_id, position, text),
        document_id=document_id,
        position=position,
        text=text,
        **values,
    )


def memory_index(embedder: Embedder | None = None) -> Index:
    """An empty in-memory index (fake embedder, memory vector store and catalogue)."""
    return Index.in_memory(embedder)


def index_chunks(index: Index, chunks: Sequence[Chunk]) -> Index:
    """Write ``chunks`` as given (one catalogue record per document id) and their vectors."""
    by_doc: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in chunks:
        by_doc[chunk.document_id].append(chunk)
    for doc_id, doc_chunks in by_doc.items():
        first = doc_chunks[0]
        record = DocumentRecord(
            id=doc_id,
            source=first.source,
            title=first.title,
            content_hash=doc_id,
            chunk_ids=tuple(c.id for c in doc_chunks),
            doc_type=first.doc_type,
            publisher=first.publisher,
            published=first.published,
            url=first.url,
        )
        index.vectors.upsert(doc_chunks, index.embedder.embed([c.text for c in doc_chunks]))
        index.catalog.replace_document(record, doc_chunks)
    return index


def build_index(documents: Sequence[Document], *, settings: Settings | None = None) -> Index:
    """An in-memory index holding ``documents``, ingested by the real pipeline."""
    from ingest.pipeline import Pipeline

    settings = settings or Settings(vector_store="memory", embedder={"provider": "fake"})
    index = Index.in_memory(settings=settings)
    report = Pipeline(index, settings).index_documents(documents)
    failed = [d for d in report.documents if d.status == "failed"]
    assert not failed, f"test documents failed to ingest: {failed}"
    return index


def catalogue_settings(data_dir: Path) -> Settings:
    """Settings for the real services over the project's catalogue (``corpus/``) in memory:
    fake embedder, memory vector store, traces in ``data_dir``. The session fixture
    ``catalogue_index`` (tests/conftest.py) is ``corpus/`` ingested once with these."""
    from assistant.settings import PROJECT_ROOT

    return Settings(
        data_dir=data_dir,
        embedder={"provider": "fake"},
        vector_store="memory",
        corpus_dir=PROJECT_ROOT / "corpus",
    )


def build_data_dir(data_dir: Path, documents: Sequence[Document]) -> Settings:
    """An on-disk index (SQLite + Chroma, fake embedder) in ``data_dir``; returns its settings."""
    from assistant.app import build_embedder, open_index
    from ingest.pipeline import Pipeline

    settings = Settings(data_dir=data_dir, vector_store="chroma", embedder={"provider": "fake"})
    index = open_index(settings, build_embedder(settings), create=True)
    try:
        Pipeline(index, settings).index_documents(documents)
        assert index.catalog.get_meta(META_MODEL) and index.catalog.get_meta(META_DIMENSION)
    finally:
        index.close()
    return settings


SAMPLE_DOCUMENTS: tuple[Document, ...] = (
    make_document(
        "benefits-tracker-case-study",
        {
            "Benefits realisation at Newcastle-under-Lyme": [
                "Newcastle-under-Lyme Borough Council built a benefits realisation tracker to "
                "follow every transformation project from business case to delivery.",
                "The tracker measures cashable savings, staff time released and resident "
                "satisfaction, and it is reviewed monthly by the leadership team.",
            ],
            "Lessons learned": [
                "Officers said the tracker worked best when each benefit had a named owner and "
                "a baseline agreed before the project started.",
            ],
        },
        title="Benefits realisation tracker: Newcastle-under-Lyme case study",
        doc_type="case_study",
        published="2024",
        url="https://example.org/tracker",
    ),
    make_document(
        "digital-almanac",
        {
            "About the almanac": [
                "The digitalisation almanac collects practical examples of councils using "
                "digital tools, data and automation to redesign services for residents.",
                "It is meant to help officers find a proven approach before commissioning new "
                "technology, and to connect them with councils that have done it.",
            ],
            "Artificial intelligence": [
                "Several councils have piloted artificial intelligence to summarise case notes "
                "in adult social care, saving social workers hours every week.",
            ],
        },
        title="Digitalisation almanac",
        doc_type="guidance",
        published="2025",
    ),
    make_document(
        "transformation-network-news",
        {
            "Brighton and Hove shares its leadership programme": [
                "Brighton and Hove City Council shared its leadership development programme "
                "with the Transformation Network, explaining how managers were coached to lead "
                "change.",
                "Members of the network met online each quarter to compare progress on "
                "efficiency plans in high-demand services such as children's social care.",
            ],
        },
        title="Transformation Network update",
        doc_type="news",
        publisher="LGA First",
        published="2023",
    ),
)
