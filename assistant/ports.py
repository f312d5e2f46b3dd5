"""Protocols for every swappable dependency, and the services the UI, API and CLI call.

Adapters live in ``assistant/adapters`` (and the index backends in ``assistant/index``).

Each port has an in-package fake (``assistant/adapters/fakes.py``) so tests, the API and evals
run fast and offline. The composition root (``assistant/app.py``) builds the real or fake
adapter from ``Settings``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from assistant.types import Answer, Audience, Chunk, Citation, Filters, Hit, Suggestion, Turn

if TYPE_CHECKING:
    from assistant.officer.types import Assessment, CaseQuery, CaseResult, PackFormat


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of shape (n, dimension)."""

    model_id: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` under the model's tokenizer (for chunk sizing)."""
        ...


@runtime_checkable
class QueryPassageEmbedder(Protocol):
    """An embedding model that encodes questions and passages differently (e5's "query: " and
    "passage: " prefixes): the second dense retriever (``assistant.index.second_dense``)."""

    model_id: str
    dimension: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dimension) L2-normalised float32 vectors of questions."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dimension) L2-normalised float32 vectors of passages."""
        ...


@dataclass(frozen=True, slots=True)
class TextVectors:
    """One chunk's stored sentence and heading vectors (``assistant.answering.passage_vectors``):
    ``keys`` are the texts' digests (8 bytes each), ``vectors`` the float32 rows in that order."""

    keys: bytes
    vectors: bytes


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """What the catalogue knows about one ingested document."""

    id: str
    source: str
    title: str
    content_hash: str
    chunk_ids: tuple[str, ...]
    doc_type: str = "document"
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    ingested_at: str = ""  # ISO timestamp
    # Hash of the source file's bytes + metadata overrides: lets re-ingest skip unchanged files
    # without parsing them ("" when unknown, e.g. documents indexed from memory).
    file_hash: str = ""


@runtime_checkable
class VectorStore(Protocol):
    """Dense index of chunk vectors keyed by chunk id (Chroma in production)."""

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None: ...

    def delete(self, chunk_ids: Sequence[str]) -> None: ...

    def ids(self) -> set[str]:
        """Every chunk id held (used to reconcile after a crash)."""
        ...

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, cosine similarity), best first."""
        ...

    def count(self) -> int: ...

    def embedding_model(self) -> tuple[str, int] | None:
        """(model id, dimension) the index was built with, or None if empty/new."""
        ...


@runtime_checkable
class Catalog(Protocol):
    """The source of truth for what is indexed: documents, chunk texts and metadata.

    ``replace_document`` is atomic: readers see the old or the new version, never half.
    """

    def document(self, document_id: str) -> DocumentRecord | None: ...

    def documents(self) -> list[DocumentRecord]: ...

    def documents_at(self, url: str) -> list[DocumentRecord]:
        """The documents published at web address ``url`` (a trailing slash aside), by id."""
        ...

    def replace_document(self, record: DocumentRecord, chunks: Sequence[Chunk]) -> None: ...

    def remove_document(self, document_id: str) -> None: ...

    def chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """Chunks for the ids that exist, in the order asked."""
        ...

    def document_chunks(self, document_id: str) -> list[Chunk]: ...

    def all_chunk_ids(self) -> set[str]: ...

    def count_chunks(self) -> int: ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    # Vectors of each chunk's sentences and headings, embedded at ingest so that answering
    # embeds only the question. A chunk's vectors go when the chunk goes (replaced or removed
    # document); a chunk without them is answered by embedding its sentences (slower).
    def put_text_vectors(self, vectors: Mapping[str, TextVectors]) -> None:
        """Store (chunk id -> vectors); ids the catalogue does not hold are ignored."""
        ...

    def text_vectors(self, chunk_ids: Sequence[str]) -> dict[str, TextVectors]:
        """The stored vectors of those chunks that have them."""
        ...

    def chunks_without_text_vectors(self) -> set[str]: ...


@runtime_checkable
class KeywordIndex(Protocol):
    """Lexical (BM25-style) search over chunk texts, kept consistent with the catalogue."""

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, score), best first; higher is better."""
        ...


@runtime_checkable
class Reranker(Protocol):
    """Re-orders retrieved hits before answering (``adapters.llm_reranker.LLMReranker``)."""

    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]: ...


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: str  # "system" | "user" | "assistant"
    content: str


@runtime_checkable
class ChatModel(Protocol):
    """A generative model. ``model_id`` is recorded in traces and eval snapshots."""

    model_id: str

    def generate(self, messages: Sequence[ChatMessage]) -> str: ...

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[str]: ...


@dataclass(frozen=True, slots=True)
class SuggestionSet:
    """Suggestions for one answer. ``citations`` are extra passages the suggestions cite,
    numbered after the answer's own citations (the Assistant appends them)."""

    peers: tuple[Suggestion, ...] = ()
    resources: tuple[Suggestion, ...] = ()
    next_steps: tuple[Suggestion, ...] = ()
    citations: tuple[Citation, ...] = ()


@runtime_checkable
class Suggester(Protocol):
    """Suggests peer councils, LGA resources and framework next steps for an answer.

    ``embedder`` and ``use_embedder`` let the Assistant share its sentence cache with it.
    """

    @property
    def embedder(self) -> Embedder: ...

    def use_embedder(self, embedder: Embedder) -> None: ...

    def suggest(
        self,
        *,
        question: str,
        audience: Audience,
        citations: Sequence[Citation],
        hits: Sequence[Hit],
        refused: bool,
    ) -> SuggestionSet: ...


# --------------------------------------------------------------------------- services
# What the UI, the API and the CLI depend on. ``service.Assistant`` and
# ``officer.OfficerTools`` implement them; so do the test fakes (tests/contracts checks both).


class StreamEventLike(Protocol):
    """One event of ``AssistantService.stream`` (``service.StreamEvent``)."""

    @property
    def kind(self) -> str: ...

    @property
    def data(self) -> Any: ...


@runtime_checkable
class AssistantService(Protocol):
    """Answers questions with citations and suggestions; lists what is indexed."""

    def ask(
        self,
        question: str,
        *,
        audience: str = "councillor",
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """The cited answer (or a refusal). Raises ``InputError`` for bad input."""
        ...

    def stream(
        self,
        question: str,
        *,
        audience: str = "councillor",
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        revise: bool = False,
    ) -> Iterator[StreamEventLike]:
        """``ask`` as events: sources, tokens, suggestions, done (or error). With ``revise``,
        a councillor answer the model rewrites streams as is first, then as ``revision``
        events (the whole text so far); without, the tokens join to the final text."""
        ...

    def search(self, query: str, *, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """Ranked passages for ``query`` (no answer)."""
        ...

    def documents(self) -> list[DocumentRecord]:
        """Every indexed document."""
        ...

    def document(self, document_id: str) -> DocumentRecord | None:
        """One document's record, or None."""
        ...

    def document_chunks(self, document_id: str) -> list[Chunk]:
        """One document's chunks, in order."""
        ...

    def warm_up(self) -> None:
        """Load models and touch every store so the first request is fast."""
        ...

    def ready(self) -> bool:
        """True once warmed up with a non-empty index."""
        ...

    def describe(self) -> dict[str, Any]:
        """Model ids, corpus size and settings, for ``/readyz`` and eval snapshots."""
        ...


@runtime_checkable
class OfficerService(Protocol):
    """The officer tools: case-study finder, self-assessment, evidence packs."""

    def areas(self) -> tuple[str, ...]:
        """Names of the TIEx focus areas a council rates."""
        ...

    def cases(self, request: CaseQuery) -> Sequence[CaseResult]:
        """Councils and what they did, best match first."""
        ...

    def assess(self, ratings: Mapping[str, Any], *, audience: Audience = "officer") -> Assessment:
        """Advice for the weakest rated areas."""
        ...

    def pack(self, answer: Answer, *, fmt: PackFormat = "docx", cases: int = 5) -> bytes:
        """The evidence pack (DOCX or Markdown bytes) for an answer already given."""
        ...
