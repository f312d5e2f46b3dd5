"""The plain-English hook: councillor extractive answers go through text/plain.py when
``answer.plain_english`` is on (the default), officer answers never."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from assistant.adapters.fakes import HashEmbedder
from assistant.answering.answerer import Answerer
from assistant.answering.weights import WEIGHTS
from assistant.settings import AnswerSettings, Settings
from assistant.text.plain import LEAD, Rewrite
from assistant.types import Chunk, Citation, Hit
from evals.metrics import citation_markers, split_sentences

TEXT = (
    "In order to facilitate improvement, councils utilise a range of methodologies with "
    "stakeholders across 12 services. Prior to the programme, Riverton Council commissioned "
    "Shared Intelligence to review its approach to digital services in relation to residents."
)
QUESTION = "How do councils facilitate improvement with stakeholders?"


def hits_for(text: str) -> list[Hit]:
    chunk = Chunk(
        id=Chunk.make_id("doc-0", 0, text),
        document_id="doc-0",
        position=0,
        text=text,
        title="Doc 0",
        source="doc-0.pdf",
        page_start=1,
    )
    return [Hit(chunk=chunk, score=1.0, dense_rank=1)]


# The support floor off: the hashing embedder scores a six-word swap as a different sentence.
TRUSTING = replace(WEIGHTS, support=replace(WEIGHTS.support, plain_min_cosine=-1.0))


def answer(audience: str, **settings: object) -> str:
    answerer = Answerer(
        embedder=HashEmbedder(),
        chat_model=None,
        settings=Settings(answer=AnswerSettings(**settings)),  # type: ignore[arg-type]
        weights=TRUSTING,
    )
    draft = answerer.answer(QUESTION, audience=audience, hits=hits_for(TEXT))  # type: ignore[arg-type]
    assert not draft.refused
    return draft.text


def test_councillor_answers_are_plain_by_default() -> None:
    text = answer("councillor")
    assert text.startswith(LEAD)
    assert "utilise" not in text and "methodologies" not in text
    assert "12" in text
    assert all(citation_markers(s) for s in split_sentences(text))


def test_the_setting_turns_it_off_and_officers_never_get_it() -> None:
    assert not answer("councillor", plain_english=False).startswith(LEAD)
    assert "utilise" in answer("officer")


class OneWordEmbedder(HashEmbedder):
    """Two directions only: texts that say "utilise" and texts that do not."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = [[1.0, 0.0] if "utilise" in t.lower() else [0.0, 1.0] for t in texts]
        return np.asarray(rows, dtype=np.float32)


def test_a_plain_sentence_that_drifts_from_its_passage_is_refused() -> None:
    answerer = Answerer(embedder=OneWordEmbedder(), chat_model=None, settings=Settings())
    quote = "Councils utilise data. They share it with partners."
    citations = [Citation(n=1, chunk=hits_for(quote)[0].chunk, quote=quote)]
    verdicts = answerer._supported(
        citations,
        [
            # drifts: the passage's direction lost
            Rewrite("Councils utilise data", (1,), ("Councils use data",)),
            # still says what the passage says
            Rewrite("Councils utilise data well", (1,), ("Councils utilise data",)),
            # a piece the passage holds word for word, whatever its vector
            Rewrite("Councils utilise it; they share it", (1,), ("They share it",)),
            # the original was no better supported: the plain version may stand
            Rewrite("They give it to partners", (1,), ("They give it",)),
            # ...unless the original is the passage's own words: those are supported as they
            # stand, and a plain version must reach the floor itself
            Rewrite("They share it with partners", (1,), ("They pass it on to partners",)),
            # a citation the answer does not hold: nothing to check against
            Rewrite("Councils utilise data", (9,), ("Councils use data",)),
        ],
    )
    assert verdicts == [False, True, True, True, False, True]


class StopEmbedder(HashEmbedder):
    """Two directions only: a text closing on a full stop and one that does not (a stand-in
    for a real model, whose vector a closing stop moves)."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = [[1.0, 0.0] if t.rstrip().endswith(".") else [0.0, 1.0] for t in texts]
        return np.asarray(rows, dtype=np.float32)


def test_a_plain_sentence_is_checked_as_it_is_shown_with_its_closing_stop() -> None:
    answerer = Answerer(embedder=StopEmbedder(), chat_model=None, settings=Settings())
    quote = "Councils share data with partners."  # ends in a stop, as every passage does
    citations = [Citation(n=1, chunk=hits_for(quote)[0].chunk, quote=quote)]
    # The answer shows "Councils pass data on to partners [1].": checked with its stop, it is
    # as close to the passage as the original (checked without it, it would not be).
    rewrite = Rewrite("Councils share data with partners", (1,), ("Councils pass data on",))
    assert answerer._supported(citations, [rewrite]) == [True]
