"""Vectors kept between runs: reused per text and model, ignored when stale or broken."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.adapters.fakes import HashEmbedder
from assistant.retrieval.vector_file import VectorFile


class Counting(HashEmbedder):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += list(texts)
        return super().embed(texts)


def test_vectors_are_reused_across_runs_and_only_new_texts_are_embedded(tmp_path: Path) -> None:
    path = tmp_path / "data" / "vectors.npz"
    first = Counting()
    store = VectorFile(first, path)
    texts = ["Peer challenge", "Digital inclusion", "Peer challenge"]
    vectors = store.embed(texts)
    assert first.embedded == ["Peer challenge", "Digital inclusion"]
    assert store.save() and path.is_file()
    assert not store.save()  # nothing new: not rewritten

    second = Counting()
    again = VectorFile(second, path)
    assert np.array_equal(again.embed(texts), vectors)
    assert second.embedded == []  # all read from the file
    again.embed(["Digital inclusion", "A changed catalogue entry"])
    assert second.embedded == ["A changed catalogue entry"]
    assert again.save()
    assert VectorFile(Counting(), path).size == 3


def test_another_models_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "vectors.npz"
    store = VectorFile(HashEmbedder(model_id="model-a"), path)
    store.embed(["Peer challenge"])
    store.save()
    other = Counting(model_id="model-b")
    assert VectorFile(other, path).size == 0
    assert VectorFile(Counting(dimension=64, model_id="model-a"), path).size == 0
    replaced = VectorFile(other, path)
    replaced.embed(["Peer challenge"])
    assert other.embedded == ["Peer challenge"] and replaced.save()
    assert VectorFile(Counting(model_id="model-b"), path).size == 1


def test_a_broken_or_unwritable_file_costs_only_the_embedding(tmp_path: Path) -> None:
    path = tmp_path / "vectors.npz"
    path.write_bytes(b"not a zip file")
    embedder = Counting()
    store = VectorFile(embedder, path)
    assert store.size == 0
    assert store.embed(["Peer challenge"]).shape == (1, 384)
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    unwritable = VectorFile(embedder, blocked / "vectors.npz")
    unwritable.embed(["Peer challenge"])
    assert unwritable.save() is False
    assert store.embed([]).shape == (0, 384)
