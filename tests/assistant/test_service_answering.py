"""The Assistant with the real extractive Answerer (and the real suggester) over invented
documents in an in-memory index: the parts fit together end to end."""

from __future__ import annotations

import re

import pytest

from assistant.answering.draft import WEAK_EVIDENCE_REASON, refusal
from assistant.app import build_suggester
from assistant.index import Index
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.types import Turn
from tests.helpers import SAMPLE_DOCUMENTS, build_index


@pytest.fixture(scope="module")
def index() -> Index:
    return build_index(SAMPLE_DOCUMENTS)


@pytest.fixture(scope="module")
def assistant(index: Index) -> Assistant:
    settings = Settings(vector_store="memory", embedder={"provider": "fake"})
    return Assistant(index, settings, suggester=build_suggester(settings, index))


def test_answer_cites_retrieved_passages(assistant: Assistant) -> None:
    answer = assistant.ask("What does the benefits realisation tracker measure?")
    assert not answer.refused, answer.refusal_reason
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    numbers = [c.n for c in answer.citations]
    assert markers and markers <= set(numbers)
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    hit_ids = {h.chunk.id for h in answer.hits}
    answer_citations = [c for c in answer.citations if c.n in markers]
    assert all(c.chunk.id in hit_ids for c in answer_citations)
    assert any(c.chunk.document_id == "benefits-tracker-case-study" for c in answer_citations)
    assert "savings" in answer.text
    # Every suggestion cites an existing citation number.
    for s in (*answer.peers, *answer.resources, *answer.next_steps):
        assert set(s.citations) <= set(numbers)


def test_out_of_scope_and_follow_up(assistant: Assistant) -> None:
    refused = assistant.ask("Who won the 2022 football World Cup?")
    assert refused.refused and refused.citations == () and refused.hits == ()
    history = [
        Turn("user", "Tell me about Newcastle-under-Lyme's benefits realisation tracker"),
        Turn("assistant", "It follows every transformation project [1]."),
    ]
    follow_up = assistant.ask("How often is it reviewed?", history=history)
    assert "tracker" in follow_up.standalone_question
    assert not follow_up.refused, follow_up.refusal_reason
    assert follow_up.citations[0].chunk.document_id == "benefits-tracker-case-study"


def test_stream_matches_ask(assistant: Assistant) -> None:
    events = list(assistant.stream("What is the digitalisation almanac for?", audience="officer"))
    kinds = [e.kind for e in events]
    assert kinds[0] == "sources" and kinds[-1] == "done"
    final = events[-1].data
    assert "".join(e.data for e in events if e.kind == "token") == final.text
    assert not final.refused and final.citations[0].chunk.document_id == "digital-almanac"


def test_the_suggester_shares_the_assistants_sentence_cache(assistant: Assistant) -> None:
    assert assistant.suggester is not None
    assert assistant.suggester.embedder is assistant.embedder  # type: ignore[attr-defined]


def test_a_follow_up_the_sources_cannot_answer_alone_is_asked_after_the_last_question(
    index: Index,
) -> None:
    settings = Settings(vector_store="memory", embedder={"provider": "fake"})
    assistant = Assistant(index, settings)
    real = assistant.answerer.answer
    asked: list[str] = []

    def answer(question: str, *, audience, hits):  # type: ignore[no-untyped-def]
        # the sources answer only with the conversation's subject in the question
        asked.append(question)
        if "almanac" not in question.lower():
            return refusal(WEAK_EVIDENCE_REASON, evidence=0.1)
        return real(question, audience=audience, hits=hits)

    assistant.answerer.answer = answer  # type: ignore[method-assign]
    history = [
        Turn("user", "Tell me about the digitalisation almanac"),
        Turn("assistant", "It collects practical examples of councils using digital tools [1]."),
    ]
    follow_up = assistant.ask("which social workers saved hours?", history=history)
    assert asked == [
        "which social workers saved hours?",
        "Tell me about the digitalisation almanac? which social workers saved hours?",
    ]
    assert not follow_up.refused, follow_up.refusal_reason
    assert follow_up.standalone_question == asked[-1]
    assert follow_up.citations[0].chunk.document_id == "digital-almanac"
    # ...but not when the passages found then lack the follow-up's own words
    asked.clear()
    other = assistant.ask("how many parks were sold?", history=history)
    assert other.refused and len(asked) == 1


def test_what_about_something_the_sources_do_not_hold_is_refused_not_answered_from_before(
    assistant: Assistant,
) -> None:
    history = [
        Turn("user", "Tell me about Newcastle-under-Lyme's benefits realisation tracker"),
        Turn("assistant", "It follows every transformation project [1]."),
    ]
    for question in ("and the weather there?", "what about their bin collections?"):
        answer = assistant.ask(question, history=history)
        assert answer.refused and "couldn't find anything about" in answer.text, question
    answer = assistant.ask("and the lessons learned?", history=history)
    assert not answer.refused, answer.refusal_reason
