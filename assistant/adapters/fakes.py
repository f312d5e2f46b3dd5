"""In-process fakes for the ports: deterministic, fast, no torch, no Chroma, no network.

- ``HashEmbedder``: hashed word unigrams and bigrams in 384 dimensions, L2-normalised, so texts
  sharing words are similar (good enough for retrieval tests, not for quality);
  ``HashQueryPassageEmbedder`` the same for the second dense retriever.
- ``MemoryVectorStore``: exact cosine search over a dict of vectors.
- ``MemoryCatalog``: the catalogue and a small in-Python BM25 keyword index.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np

from assistant.index.keywords import query_terms
from assistant.ports import DocumentRecord, TextVectors
from assistant.types import Chunk

_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=1 << 16)  # words repeat across texts and tests: hash each one once
def _bucket(feature: str, dimension: int) -> tuple[int, float]:
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dimension, 1.0 if (value >> 63) & 1 else -1.0


class HashEmbedder:
    """Deterministic hashing embedder implementing ``ports.Embedder`` (model_id "fake-hash-384")."""

    def __init__(self, dimension: int = 384, model_id: str | None = None) -> None:
        self.dimension = dimension
        self.model_id = model_id or f"fake-hash-{dimension}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dimension, dtype=np.float32)
        words = _WORD.findall(text.lower())
        features = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
        for feature in features:
            index, sign = _bucket(feature, self.dimension)
            vec[index] += sign
        norm = float(np.linalg.norm(vec))
        if norm == 0.0:
            vec[0] = 1.0  # empty text: a fixed unit vector keeps the output normalised
            return vec
        return vec / norm

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimension) float32, each row L2-normalised."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)

    def count_tokens(self, text: str) -> int:
        """Words and punctuation marks: close enough to a WordPiece count for chunk sizing."""
        return len(_TOKEN.findall(text))


class HashQueryPassageEmbedder:
    """``ports.QueryPassageEmbedder`` over ``HashEmbedder`` (questions and passages alike), the
    fake second retriever's model (model_id "fake-hash-qp-384")."""

    def __init__(self, dimension: int = 384, model_id: str | None = None) -> None:
        self._hash = HashEmbedder(dimension, model_id or f"fake-hash-qp-{dimension}")
        self.model_id = self._hash.model_id
        self.dimension = dimension

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._hash.embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._hash.embed(texts)


class MemoryVectorStore:
    """``ports.VectorStore`` in a dict; exact (brute-force) cosine similarity."""

    def __init__(self, model_id: str | None = None, dimension: int | None = None) -> None:
        self._model = (model_id, dimension) if model_id and dimension else None
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        with self._lock:
            for chunk, vector in zip(chunks, vectors, strict=True):
                self._vectors[chunk.id] = np.asarray(vector, dtype=np.float32)

    def delete(self, chunk_ids: Sequence[str]) -> None:
        with self._lock:
            for cid in chunk_ids:
                self._vectors.pop(cid, None)

    def ids(self) -> set[str]:
        with self._lock:
            return set(self._vectors)

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        with self._lock:
            if not self._vectors or k <= 0:
                return []
            ids = list(self._vectors)
            matrix = np.stack([self._vectors[i] for i in ids])
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        norms = np.linalg.norm(matrix, axis=1) * (float(np.linalg.norm(query)) or 1.0)
        sims = matrix @ query / np.where(norms == 0, 1.0, norms)
        order = np.argsort(-sims, kind="stable")[:k]
        return [(ids[i], float(sims[i])) for i in order]

    def count(self) -> int:
        with self._lock:
            return len(self._vectors)

    def embedding_model(self) -> tuple[str, int] | None:
        return self._model


def _bm25_tokens(text: str) -> list[str]:
    """Every lower-cased word of ``text`` (duplicates kept) for BM25 term counts."""
    return _WORD.findall(text.lower())


class MemoryCatalog:
    """``ports.Catalog`` and ``ports.KeywordIndex`` in memory, with a small BM25 (k1=1.2, b=0.75).

    Writes are atomic under a lock, like the SQLite catalogue's transactions.
    """

    K1 = 1.2
    B = 0.75

    def __init__(self) -> None:
        self._docs: dict[str, DocumentRecord] = {}
        self._chunks: dict[str, Chunk] = {}
        self._terms: dict[str, Counter[str]] = {}
        self._meta: dict[str, str] = {}
        self._text_vectors: dict[str, TextVectors] = {}
        self._lock = threading.RLock()

    def document(self, document_id: str) -> DocumentRecord | None:
        with self._lock:
            return self._docs.get(document_id)

    def documents(self) -> list[DocumentRecord]:
        with self._lock:
            return [self._docs[k] for k in sorted(self._docs)]

    def documents_at(self, url: str) -> list[DocumentRecord]:
        wanted = url.rstrip("/")
        return [d for d in self.documents() if d.url and d.url.rstrip("/") == wanted]

    def _remove(self, document_id: str, keep: frozenset[str] = frozenset()) -> None:
        record = self._docs.pop(document_id, None)
        if record is not None:
            for cid in record.chunk_ids:
                self._chunks.pop(cid, None)
                self._terms.pop(cid, None)
                if cid not in keep:
                    self._text_vectors.pop(cid, None)

    def replace_document(self, record: DocumentRecord, chunks: Sequence[Chunk]) -> None:
        ordered = sorted(chunks, key=lambda c: c.position)
        with self._lock:
            self._remove(record.id, keep=frozenset(c.id for c in ordered))
            self._docs[record.id] = replace(record, chunk_ids=tuple(c.id for c in ordered))
            for chunk in ordered:
                self._chunks[chunk.id] = chunk
                text = " ".join((chunk.text, chunk.title, " ".join(chunk.heading_path)))
                self._terms[chunk.id] = Counter(_bm25_tokens(text))

    def remove_document(self, document_id: str) -> None:
        with self._lock:
            self._remove(document_id)

    def chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        with self._lock:
            return [self._chunks[i] for i in chunk_ids if i in self._chunks]

    def put_text_vectors(self, vectors: Mapping[str, TextVectors]) -> None:
        with self._lock:
            for cid, tv in vectors.items():
                if cid in self._chunks:
                    self._text_vectors[cid] = tv

    def text_vectors(self, chunk_ids: Sequence[str]) -> dict[str, TextVectors]:
        with self._lock:
            return {i: self._text_vectors[i] for i in chunk_ids if i in self._text_vectors}

    def chunks_without_text_vectors(self) -> set[str]:
        with self._lock:
            return set(self._chunks) - set(self._text_vectors)

    def document_chunks(self, document_id: str) -> list[Chunk]:
        with self._lock:
            record = self._docs.get(document_id)
            return [] if record is None else [self._chunks[i] for i in record.chunk_ids]

    def all_chunk_ids(self) -> set[str]:
        with self._lock:
            return set(self._chunks)

    def count_chunks(self) -> int:
        with self._lock:
            return len(self._chunks)

    def count_documents(self) -> int:
        with self._lock:
            return len(self._docs)

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            return self._meta.get(key)

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._meta[key] = value

    def keyword_ids(self) -> set[str]:
        with self._lock:
            return set(self._terms)

    def close(self) -> None:
        """Nothing to release (kept for symmetry with ``SqliteCatalog``)."""

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score) over text + title + heading path; higher is better."""
        terms = query_terms(query)
        with self._lock:
            if not terms or not self._terms or k <= 0:
                return []
            n = len(self._terms)
            avg_len = sum(sum(c.values()) for c in self._terms.values()) / n
            df = {t: sum(1 for c in self._terms.values() if t in c) for t in terms}
            scores: list[tuple[str, float]] = []
            for cid, counts in self._terms.items():
                length = sum(counts.values())
                score = 0.0
                for term in terms:
                    tf = counts.get(term, 0)
                    if not tf:
                        continue
                    idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                    denom = tf + self.K1 * (1 - self.B + self.B * length / (avg_len or 1.0))
                    score += idf * tf * (self.K1 + 1) / denom
                if score > 0:
                    scores.append((cid, score))
        scores.sort(key=lambda s: (-s[1], s[0]))
        return scores[:k]
