"""Vectors of the passages' sentences and headings, computed at ingest and stored with the chunk.

At question time the analyser needs a vector for every sentence and heading of the retrieved
passages. Embedding them per request cost most of a first-time answer (~275 of ~370 ms p50 on
the real corpus), so ingest embeds them once (``embed_passages``) and the catalogue stores them
keyed by chunk id (``Catalog.put_text_vectors``/``text_vectors``); the analyser then embeds
only the question and whatever is missing (``vectors_for``).

A vector is looked up by a digest of the exact text the analyser embeds (``text_key``), so a
change in what it embeds (the glossary expansions, the sentence splitter) finds no stored vector
and falls back to embedding: stale vectors can cost time, never change an answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from assistant.ports import Embedder, TextVectors
from assistant.text.glossary import with_expansions
from assistant.text.sentences import split_sentences
from assistant.types import Chunk

KEY_BYTES = 8


def text_key(text: str) -> bytes:
    """A short digest of one text to embed (the stored vector's key)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=KEY_BYTES).digest()


def passage_texts(chunk: Chunk) -> list[str]:
    """The texts answering embeds for ``chunk``: each sentence as the analyser embeds it (with
    its glossary expansions) and as retrieval and suggestions embed it (plain), the chunk's
    heading path and the headings inside it; no duplicates."""
    sentences = split_sentences(chunk.text)
    texts = [with_expansions(s.text) for s in sentences]
    texts += [s.text for s in sentences]
    texts += list(chunk.heading_path)
    texts += [s.heading for s in sentences if s.heading]
    return list(dict.fromkeys(texts))


def embed_passages(
    embedder: Embedder,
    chunks: Iterable[Chunk],
    extra: Callable[[Chunk], Sequence[str]] | None = None,
) -> dict[str, TextVectors]:
    """Chunk id -> its texts' vectors, in one embedding batch (ingest). ``extra`` adds texts
    other steps embed from a chunk (the peer suggestions' evidence sentences)."""
    per_chunk = {
        c.id: list(dict.fromkeys(passage_texts(c) + (list(extra(c)) if extra else [])))
        for c in chunks
    }
    texts = list(dict.fromkeys(t for ts in per_chunk.values() for t in ts))
    if not texts:
        return {}
    matrix = np.asarray(embedder.embed(texts), dtype=np.float32)
    row = {t: i for i, t in enumerate(texts)}
    return {
        cid: to_text_vectors([text_key(t) for t in ts], matrix[[row[t] for t in ts]])
        for cid, ts in per_chunk.items()
        if ts
    }


def to_text_vectors(keys: Sequence[bytes], matrix: np.ndarray) -> TextVectors:
    """The stored form of one chunk's vectors (rows in the order of ``keys``)."""
    rows = np.ascontiguousarray(matrix, dtype=np.float32)
    return TextVectors(b"".join(keys), rows.tobytes())


def merge(stored: Iterable[TextVectors]) -> dict[bytes, np.ndarray]:
    """Digest -> vector over several chunks' stored vectors."""
    out: dict[bytes, np.ndarray] = {}
    for tv in stored:
        count = len(tv.keys) // KEY_BYTES
        if not count:
            continue
        matrix = np.frombuffer(tv.vectors, dtype=np.float32).reshape(count, -1)
        for i in range(count):
            out[tv.keys[i * KEY_BYTES : (i + 1) * KEY_BYTES]] = matrix[i]
    return out


def vectors_for(
    texts: Sequence[str],
    stored: Mapping[bytes, np.ndarray],
    embed: Callable[[Sequence[str]], np.ndarray],
) -> np.ndarray:
    """One row per text: the stored vector when there is one, else embedded (one batch)."""
    keys = [text_key(t) for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in stored]
    fresh = np.asarray(embed([texts[i] for i in missing]), dtype=np.float32) if missing else None
    if fresh is not None and len(missing) == len(texts):
        return fresh
    dim = next(iter(stored.values())).shape[0] if stored else fresh.shape[1]  # type: ignore[union-attr]
    out = np.empty((len(texts), dim), dtype=np.float32)
    for i, key in enumerate(keys):
        if key in stored:
            out[i] = stored[key]
    if fresh is not None:
        out[missing] = fresh
    return out
