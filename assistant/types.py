"""Boundary types shared by every layer: small frozen values, no behaviour beyond derivations.

Data flows one way: loaders make ``Document``s, the chunker makes ``Chunk``s, retrieval returns
``Hit``s, answering returns an ``Answer`` holding ``Citation``s and ``Suggestion``s.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

Audience = Literal["councillor", "officer"]
AUDIENCES: tuple[Audience, ...] = ("councillor", "officer")
BlockKind = Literal["heading", "paragraph", "list_item", "table"]
SuggestionKind = Literal["peer", "resource", "next_step"]


def sha256_text(text: str) -> str:
    """Hex SHA-256 of UTF-8 text; used for content hashes and deterministic ids."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Block:
    """One structural piece of a loaded document (a heading, a paragraph, a list item...).

    ``heading_path`` is the chain of headings the block sits under (the block's own text is
    included when ``kind == "heading"``); ``page`` is 1-based for paged formats, else ``None``.
    """

    text: str
    kind: BlockKind = "paragraph"
    heading_path: tuple[str, ...] = ()
    page: int | None = None
    level: int = 0  # heading level (1..6) for headings, 0 otherwise


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded source document, as structured blocks plus its metadata.

    ``id`` is stable across runs for the same source (derived from its path relative to the
    folder it was ingested from, or the catalogue entry's slug); ``content_hash`` changes when
    its text or metadata changes, which is what makes re-ingestion idempotent.
    """

    id: str
    title: str
    source: str  # path or catalogue reference, shown to users
    blocks: tuple[Block, ...]
    doc_type: str = "document"  # guidance | case_study | news | minutes | learning_document | ...
    publisher: str | None = None
    published: str | None = None  # year or ISO date, as given by the source
    url: str | None = None
    author: str | None = None
    extra: tuple[tuple[str, str], ...] = ()  # further string metadata (themes, council, ...)

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)

    @property
    def content_hash(self) -> str:
        meta = "|".join(
            str(v)
            for v in (
                self.title,
                self.doc_type,
                self.publisher,
                self.published,
                self.url,
                self.author,
                self.extra,
            )
        )
        body = "\n".join(
            f"{b.kind}:{b.level}:{b.page}:{'/'.join(b.heading_path)}:{b.text}" for b in self.blocks
        )
        return sha256_text(meta + "\n" + body)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable passage of a document.

    The id is deterministic: document id + position + text hash, so re-ingesting unchanged text
    gives the same ids and upserts are idempotent. Offsets index into ``Document.text``.
    """

    id: str
    document_id: str
    position: int
    text: str
    heading_path: tuple[str, ...] = ()
    page_start: int | None = None
    page_end: int | None = None
    char_start: int = 0
    char_end: int = 0
    # Denormalised document metadata so a hit can be cited without another lookup.
    title: str = ""
    source: str = ""
    url: str | None = None
    doc_type: str = "document"
    publisher: str | None = None
    published: str | None = None
    councils: tuple[str, ...] = ()  # canonical council names mentioned (gazetteer tags)
    themes: tuple[str, ...] = ()  # theme tags from the taxonomy

    @staticmethod
    def make_id(document_id: str, position: int, text: str) -> str:
        return f"{document_id}::{position:04d}::{sha256_text(text)[:12]}"

    @property
    def section(self) -> str | None:
        return " > ".join(self.heading_path) if self.heading_path else None

    @property
    def public_source(self) -> str:
        """Where the passage came from, safe to show anyone (see ``public_source``)."""
        return public_source(self.source, self.document_id)


_SERVER_PATH = re.compile(r"^(?:/|\\|~|[A-Za-z]:[\\/]|file:)")


def public_source(source: str, document_id: str) -> str:
    """What users may see of a document's origin: never a path on the server.

    ``source`` is the file the document was read from (an absolute path, kept in the catalogue
    for re-ingest and prune); the document id is ``<ingest folder>/<path inside it>``, i.e. the
    path relative to its ingest root, so that is shown instead. Other sources (relative
    references, in-memory documents) are already safe and shown as they are."""
    return document_id if _SERVER_PATH.match(source) else source


CATALOGUE_PUBLISHER = "lga-assistant"  # how the project's own catalogue files' publisher starts


def is_catalogue(chunk: Chunk) -> bool:
    """Is ``chunk`` from the project's own catalogue (corpus/), a paraphrase of LGA sources?"""
    return (chunk.publisher or "").startswith(CATALOGUE_PUBLISHER)


@dataclass(frozen=True, slots=True)
class Hit:
    """A chunk returned by retrieval with the evidence from each retriever.

    Ranks are 1-based; ``None`` means that retriever did not return the chunk.
    """

    chunk: Chunk
    score: float  # final score used for ordering (fused, possibly re-scored)
    dense_rank: int | None = None
    dense_score: float | None = None
    keyword_rank: int | None = None
    keyword_score: float | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """A numbered reference ``[n]`` in an answer, pointing at the exact passage quoted."""

    n: int
    chunk: Chunk
    quote: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A peer council, an LGA resource or a next step offered alongside an answer.

    ``title`` is the council name, resource name or the step's text. ``framework`` names the
    framework element a next step serves ("7Cs: Capacity", "TIEx: capacity to deliver", ...).
    ``citations`` are numbers of the answer's citations that evidence the suggestion.
    """

    kind: SuggestionKind
    title: str
    why: str
    citations: tuple[int, ...] = ()
    url: str | None = None
    framework: str | None = None
    council_type: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class Filters:
    """Metadata filters for retrieval; empty tuples mean no filter on that field."""

    doc_types: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    councils: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.doc_types or self.publishers or self.years or self.themes or self.councils)

    def matches(self, chunk: Chunk) -> bool:
        if self.doc_types and chunk.doc_type not in self.doc_types:
            return False
        if self.publishers and not any(
            p.lower() in (chunk.publisher or "").lower() for p in self.publishers
        ):
            return False
        if self.years and not any((chunk.published or "").startswith(y) for y in self.years):
            return False
        if self.themes and not set(self.themes) & set(chunk.themes):
            return False
        return not (self.councils and not set(self.councils) & set(chunk.councils))


@dataclass(frozen=True, slots=True)
class Answer:
    """The assistant's reply. A refusal is an Answer with ``refused=True``, not an error."""

    id: str
    question: str
    standalone_question: str
    audience: Audience
    text: str  # markdown with [n] markers
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    refusal_reason: str | None = None
    peers: tuple[Suggestion, ...] = ()
    resources: tuple[Suggestion, ...] = ()
    next_steps: tuple[Suggestion, ...] = ()
    hits: tuple[Hit, ...] = ()  # what retrieval returned (for traces and evals)
    warnings: tuple[str, ...] = ()  # e.g. "personal data detected and removed"
    timings_ms: dict[str, float] = field(default_factory=dict)
