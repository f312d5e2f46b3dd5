"""The baseline every eval report compares against: plain LangChain-style retrieval.

Recursive character chunks (1,000 characters, 200 overlap, ``RecursiveCharacterTextSplitter``)
over the same loaded documents, dense-only top-4 with the same embedder in an in-memory numpy
index, then the same ``Answerer`` as our pipeline. No hybrid search, no re-scoring, no follow-up
rewrite (the question is used as typed) and no suggestions. It has the ``Assistant.ask``
signature, so the eval runner drives it like the real service.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answering import Answerer
from assistant.ports import Embedder
from assistant.types import Answer, Audience, Chunk, Document, Filters, Hit, Turn

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4
DESCRIPTION = (
    f"LangChain-style: RecursiveCharacterTextSplitter {CHUNK_SIZE}/{CHUNK_OVERLAP} characters, "
    f"dense-only top-{TOP_K} (numpy), same embedder and answerer, no rewrite, no suggestions"
)


def split_documents(
    documents: Sequence[Document],
    *,
    chunk_size: int = CHUNK_SIZE,
    chunk_overlap: int = CHUNK_OVERLAP,
) -> list[Chunk]:
    """Chunk each document's text with LangChain's recursive character splitter.

    Chunks carry the document's metadata (title, source, url...) so they can be cited; no
    heading paths or pages (the baseline does not know the structure).
    """
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, add_start_index=True
    )
    chunks: list[Chunk] = []
    for doc in documents:
        for position, piece in enumerate(splitter.create_documents([doc.text])):
            start = int(piece.metadata.get("start_index", 0))
            text = piece.page_content
            chunks.append(
                Chunk(
                    id=Chunk.make_id(f"baseline:{doc.id}", position, text),
                    document_id=doc.id,
                    position=position,
                    text=text,
                    char_start=max(start, 0),
                    char_end=max(start, 0) + len(text),
                    title=doc.title,
                    source=doc.source,
                    url=doc.url,
                    doc_type=doc.doc_type,
                    publisher=doc.publisher,
                    published=doc.published,
                )
            )
    return chunks


@dataclass
class BaselineAssistant:
    """Dense top-k over recursive character chunks, answered by the shared ``Answerer``."""

    chunks: list[Chunk]
    vectors: np.ndarray
    embedder: Embedder
    answerer: Answerer
    top_k: int = TOP_K

    @classmethod
    def build(
        cls,
        documents: Sequence[Document],
        *,
        embedder: Embedder,
        answerer: Answerer,
        top_k: int = TOP_K,
    ) -> BaselineAssistant:
        """Chunk and embed ``documents`` (the same files our pipeline indexed)."""
        chunks = split_documents(documents)
        vectors = (
            embedder.embed([c.text for c in chunks])
            if chunks
            else np.zeros((0, embedder.dimension), dtype=np.float32)
        )
        return cls(chunks, np.asarray(vectors, dtype=np.float32), embedder, answerer, top_k)

    def retrieve(self, question: str) -> list[Hit]:
        """The top-k chunks by cosine similarity (vectors are L2-normalised)."""
        if not self.chunks:
            return []
        query = np.asarray(self.embedder.embed([question]), dtype=np.float32)[0]
        sims = self.vectors @ query
        order = np.argsort(-sims, kind="stable")[: self.top_k]
        return [
            Hit(
                chunk=self.chunks[i],
                score=float(sims[i]),
                dense_rank=rank,
                dense_score=float(sims[i]),
            )
            for rank, i in enumerate(order, start=1)
        ]

    def ask(
        self,
        question: str,
        *,
        audience: Audience = "officer",
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """Answer ``question`` as typed (``history`` and ``filters`` are ignored by design)."""
        start = time.perf_counter()
        hits = self.retrieve(question)
        retrieved = time.perf_counter()
        draft = self.answerer.answer(question, audience=audience, hits=hits)
        done = time.perf_counter()
        return Answer(
            id=uuid.uuid4().hex,
            question=question,
            standalone_question=question,
            audience=audience,
            text=draft.text,
            citations=draft.citations,
            refused=draft.refused,
            refusal_reason=draft.refusal_reason,
            hits=tuple(hits),
            timings_ms={
                "retrieve": (retrieved - start) * 1000,
                "generate": (done - retrieved) * 1000,
                "total": (done - start) * 1000,
            },
        )
