"""The Assistant wired with the councillor rewrite and an LLM reranker (scripted fakes)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from assistant.adapters.fakes import HashEmbedder
from assistant.adapters.llm import ScriptedChatModel
from assistant.adapters.llm_reranker import LLMReranker
from assistant.answering.llm_rewrite import parse_numbered
from assistant.app import build_reranker, build_rewriter
from assistant.errors import ConfigurationError
from assistant.index import Index
from assistant.ports import ChatMessage
from assistant.service import Assistant
from assistant.settings import Settings
from tests.helpers import SAMPLE_DOCUMENTS, build_index

QUESTION = "What does the benefits realisation tracker measure?"


@pytest.fixture(scope="module")
def index() -> Index:
    return build_index(SAMPLE_DOCUMENTS)


def settings(**llm: object) -> Settings:
    return Settings(vector_store="memory", embedder={"provider": "fake"}, llm=llm)


def with_rewrite(index: Index, model: ScriptedChatModel, **llm: object) -> Assistant:
    s = settings(provider="openai", councillor_rewrite=True, **llm)
    return Assistant(index, s, model, rewriter=build_rewriter(s, model, index.embedder))


def echo_rewrite(messages: Sequence[ChatMessage]) -> str:
    """A 'rewrite' that keeps each sentence (supported by construction), marked as plainer."""
    user = messages[-1].content
    lines = parse_numbered(user.split("\n\n", 1)[1], 20)
    return "\n".join(f"{k}. {text}" for k, text in sorted(lines.items()))


def test_councillor_answers_are_rewritten_and_keep_citations(index: Index) -> None:
    model = ScriptedChatModel(echo_rewrite)
    assistant = with_rewrite(index, model)
    answer = assistant.ask(QUESTION)
    assert not answer.refused
    assert model.calls, "the rewrite asked the model"
    assert "plain_rewrite" in answer.timings_ms
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers and markers <= {c.n for c in answer.citations}
    # The model did not write the answer: the extractive answer was rewritten.
    assert all("passages" not in m.content for call in model.calls for m in call)


def test_officer_answers_are_not_rewritten(index: Index) -> None:
    model = ScriptedChatModel(echo_rewrite)
    assistant = with_rewrite(index, model)
    answer = assistant.ask(QUESTION, audience="officer")
    assert not answer.refused and not model.calls
    assert "plain_rewrite" not in answer.timings_ms


def test_rewrite_off_by_default(index: Index) -> None:
    model = ScriptedChatModel(["NOT_IN_SOURCES"])
    s = settings(provider="openai", generative_answers=False)
    assistant = Assistant(index, s, model, rewriter=build_rewriter(s, model, index.embedder))
    answer = assistant.ask(QUESTION)
    assert not answer.refused and not model.calls  # extractive, no rewrite


def test_reranker_orders_the_retrieved_passages(index: Index) -> None:
    def prefer_last(question: str, passage: str) -> float:
        return 1.0 if "tracker" not in passage.lower() else 0.0

    reranker = LLMReranker(scorer=prefer_last, top=3)
    plain = Assistant(index, settings())
    reranked = Assistant(index, settings(), reranker=reranker)
    before = [h.chunk.id for h in plain.search(QUESTION, k=3)]
    after = [h.chunk.id for h in reranked.search(QUESTION, k=3)]
    assert sorted(before) == sorted(after)
    assert "tracker" not in reranked.search(QUESTION, k=3)[0].chunk.text.lower()


def test_composition_root_refuses_rewrite_or_rerank_without_a_model() -> None:
    with pytest.raises(ConfigurationError, match="COUNCILLOR_REWRITE"):
        build_rewriter(settings(councillor_rewrite=True), None, HashEmbedder())
    with pytest.raises(ConfigurationError, match="RERANK"):
        build_reranker(settings(rerank=True))
    built = build_reranker(
        settings(provider="openai", base_url="http://127.0.0.1:9/v1", rerank=True)
    )
    assert isinstance(built, LLMReranker) and built.top == 4
