"""Sentence and heading vectors embedded at ingest, stored with the chunk and reused when
answering: a first-time answer then embeds only the question."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.adapters.fakes import HashEmbedder
from assistant.answering.analysis import Analyser
from assistant.answering.passage_vectors import (
    embed_passages,
    merge,
    passage_texts,
    text_key,
    vectors_for,
)
from assistant.index import Index
from assistant.service import Assistant
from assistant.settings import Settings
from tests.helpers import SAMPLE_DOCUMENTS, build_index


class CountingEmbedder(HashEmbedder):
    """The fake embedder, counting the texts it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return super().embed(texts)


def _hits(index: Index, n: int = 3):
    from assistant.types import Hit

    chunks = index.catalog.chunks(sorted(index.catalog.all_chunk_ids()))[:n]
    return [Hit(chunk=c, score=1.0 - i / 10) for i, c in enumerate(chunks)]


def test_stored_vectors_equal_embedding_and_unknown_texts_fall_back() -> None:
    embedder = HashEmbedder()
    index = build_index(SAMPLE_DOCUMENTS)
    chunk = index.catalog.chunks(sorted(index.catalog.all_chunk_ids()))[0]
    stored = merge(embed_passages(embedder, [chunk]).values())
    texts = passage_texts(chunk)
    assert {text_key(t) for t in texts} == set(stored)
    calls: list[list[str]] = []

    def embed(batch: Sequence[str]) -> np.ndarray:
        calls.append(list(batch))
        return embedder.embed(batch)

    got = vectors_for(["a new question", *texts], stored, embed)
    np.testing.assert_allclose(got, embedder.embed(["a new question", *texts]), atol=1e-6)
    assert calls == [["a new question"]]  # only what was not stored


def test_analyser_embeds_only_the_question_when_vectors_are_stored() -> None:
    index = build_index(SAMPLE_DOCUMENTS)
    hits = _hits(index)
    embedder = CountingEmbedder()
    index.catalog.put_text_vectors(embed_passages(embedder, [h.chunk for h in hits]))
    cold = Analyser(embedder).analyse("How do councils track benefits?", hits)
    embedder.texts.clear()
    analyser = Analyser(embedder, stored_vectors=index.catalog.text_vectors)
    warm = analyser.analyse("How do councils track benefits?", hits)
    assert len(embedder.texts) == 1  # the question only
    np.testing.assert_allclose(warm.sims, cold.sims, atol=1e-6)  # same analysis
    np.testing.assert_allclose(warm.context, cold.context, atol=1e-6)
    assert [c.sentence.text for c in warm.candidates] == [c.sentence.text for c in cold.candidates]


def test_analyser_falls_back_to_embedding_when_the_index_has_no_vectors() -> None:
    index = build_index(SAMPLE_DOCUMENTS)
    hits = _hits(index)
    embedder = CountingEmbedder()
    nothing_stored = lambda ids: {}  # noqa: E731 - an index built before vectors were stored
    Analyser(embedder, stored_vectors=nothing_stored).analyse("benefits?", hits)
    assert len(embedder.texts) > 1  # the passages' sentences were embedded


def test_ingest_stores_vectors_for_every_chunk_and_answers_reuse_them() -> None:
    index = build_index(SAMPLE_DOCUMENTS)
    assert index.catalog.count_chunks() > 0
    assert index.catalog.chunks_without_text_vectors() == set()  # ingest stored them
    assistant = Assistant(index, Settings(vector_store="memory"))
    counting = CountingEmbedder()
    assistant.embedder.inner = counting  # the shared cache's model
    assistant.ask("What is the almanac?")
    # The question (and its retrieval forms), never the passages' sentences.
    sentences = {
        t
        for c in index.catalog.chunks(list(index.catalog.all_chunk_ids()))
        for t in passage_texts(c)
    }
    assert not sentences.intersection(counting.texts)


def test_extra_texts_are_stored_with_the_chunk() -> None:
    index = build_index(SAMPLE_DOCUMENTS)
    chunk = index.catalog.chunks(sorted(index.catalog.all_chunk_ids()))[0]
    stored = embed_passages(HashEmbedder(), [chunk], extra=lambda c: ["An extra text", c.title])
    keys = merge(stored.values())
    assert text_key("An extra text") in keys and text_key(chunk.title) in keys
    assert all(text_key(t) in keys for t in passage_texts(chunk))
