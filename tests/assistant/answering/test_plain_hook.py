"""The plain-English hook: councillor extractive answers go through text/plain.py when
``answer.plain_english`` is on (the default), officer answers never."""

from __future__ import annotations

from assistant.adapters.fakes import HashEmbedder
from assistant.answering.answerer import Answerer
from assistant.settings import AnswerSettings, Settings
from assistant.text.plain import LEAD
from assistant.types import Chunk, Hit
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


def answer(audience: str, **settings: object) -> str:
    answerer = Answerer(
        embedder=HashEmbedder(),
        chat_model=None,
        settings=Settings(answer=AnswerSettings(**settings)),  # type: ignore[arg-type]
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
