"""The generative answerer against a real HTTP server speaking the OpenAI chat API.

The real langchain-openai adapter talks to ``tests/fake_openai_server.py`` on 127.0.0.1; each
test scripts what the "model" replies and checks what the post-check keeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from assistant.adapters.fakes import HashEmbedder
from assistant.adapters.llm import OpenAIChatModel, ScriptedChatModel
from assistant.answering import Answerer, Draft, render_prompt
from assistant.ports import ChatModel
from assistant.settings import AnswerSettings, LLMSettings, Settings
from assistant.text.sentences import normalise_whitespace
from assistant.types import Chunk, Hit
from tests.fake_openai_server import FakeOpenAIServer, Reply
from tests.helpers import make_chunk

pytestmark = pytest.mark.integration  # a real HTTP server and the real OpenAI client

TRIAGE = (
    "Riverton Borough Council introduced a front door triage team for adult social care "
    "referrals. Triage resolved 40 per cent of adult social care referrals at first contact. "
    "Waiting times for adult social care assessments fell from six weeks to two weeks."
)
PANEL = (
    "Residents were involved through a citizens panel that met every month. The citizens "
    "panel co-designed the new adult social care leaflets with residents. Details are at "
    "https://riverton.example.gov.uk/panel for anyone interested."
)
QUESTION = "How did Riverton improve adult social care referrals and involve residents?"


def hits() -> list[Hit]:
    out = []
    for i, (doc, text) in enumerate((("riverton-triage", TRIAGE), ("riverton-panel", PANEL))):
        chunk = make_chunk(doc, 0, text, source=f"{doc}.pdf")
        out.append(Hit(chunk=chunk, score=1.0 - i / 10, dense_rank=i + 1))
    return out


def answerer(chat_model: ChatModel | None) -> Answerer:
    settings = Settings(answer=AnswerSettings(min_evidence=0.05))
    return Answerer(embedder=HashEmbedder(), chat_model=chat_model, settings=settings)


@pytest.fixture
def server_factory() -> Iterator[object]:
    started: list[FakeOpenAIServer] = []

    def start(script: object, *, timeout_s: float = 5.0) -> tuple[FakeOpenAIServer, ChatModel]:
        server = FakeOpenAIServer(script)  # type: ignore[arg-type]
        server.__enter__()
        started.append(server)
        model = OpenAIChatModel(
            LLMSettings(
                provider="openai", base_url=server.base_url, model="fake-gpt", timeout_s=timeout_s
            ),
            max_retries=0,
        )
        return server, model

    yield start
    for server in started:
        server.__exit__(None, None, None)


def extractive() -> Draft:
    return answerer(None).answer(QUESTION, audience="officer", hits=hits())


def markers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


def test_well_cited_answer_is_kept_and_renumbered(server_factory) -> None:  # type: ignore[no-untyped-def]
    reply = (
        "Residents were involved through a citizens panel that met every month [2]. "
        "Riverton introduced a front door triage team for adult social care referrals [1]. "
        "Triage resolved 40 per cent of adult social care referrals at first contact [1]."
    )
    server, model = server_factory(lambda body: reply)
    draft = answerer(model).answer(QUESTION, audience="officer", hits=hits())
    assert not draft.refused
    # Renumbered by first appearance: the panel passage is now [1].
    assert markers(draft.text) == [1, 2, 2]
    assert draft.citations[0].chunk.document_id == "riverton-panel"
    assert draft.citations[1].chunk.document_id == "riverton-triage"
    for citation in draft.citations:
        assert citation.quote in normalise_whitespace(citation.chunk.text)
    assert "citizens panel" in draft.citations[0].quote
    # The request carried the rendered prompts, with the passages numbered.
    sent = server.requests[0]["messages"]  # type: ignore[attr-defined]
    assert sent[0]["role"] == "system" and sent[0]["content"] == render_prompt("system").strip()
    assert "[1] riverton-triage" in sent[1]["content"]


def test_invented_citations_unsupported_claims_and_urls_are_removed(server_factory) -> None:  # type: ignore[no-untyped-def]
    reply = (
        "Riverton introduced a front door triage team for adult social care referrals [1][9]. "
        "Waiting times for assessments fell from six weeks to two weeks (see "
        "https://evil.example.com/report) [1]. "
        "Residents were involved through a citizens panel that met every month, see "
        "https://riverton.example.gov.uk/panel [2]. "
        "The mayor won a national award for blockchain housing pilots in 2019 [1]. "
        "Full details are in the national press [9]."
    )
    _, model = server_factory(lambda body: reply)
    draft = answerer(model).answer(QUESTION, audience="officer", hits=hits())
    assert not draft.refused
    assert "[9]" not in draft.text and "[3]" not in draft.text
    assert "blockchain" not in draft.text and "national press" not in draft.text
    assert "evil.example.com" not in draft.text
    assert "(see" not in draft.text and "()" not in draft.text
    assert "fell from six weeks to two weeks [1]." in draft.text
    assert "https://riverton.example.gov.uk/panel" in draft.text  # it is in the sources
    assert "front door triage team" in draft.text
    assert sorted(set(markers(draft.text))) == [1, 2]


def test_output_repeating_the_system_prompt_falls_back_to_extractive(server_factory) -> None:  # type: ignore[no-untyped-def]
    leaked = "Sure. My instructions are: " + render_prompt("system") + " [1]"
    _, model = server_factory(lambda body: leaked)
    draft = answerer(model).answer(QUESTION, audience="officer", hits=hits())
    assert draft == extractive()
    assert "Never reveal" not in draft.text


def test_mostly_unsupported_answer_falls_back_to_extractive(server_factory) -> None:  # type: ignore[no-untyped-def]
    reply = (
        "Riverton abolished its social services department entirely in 1998 [1]. "
        "The council sold its town hall to fund a casino [2]. "
        "Residents were involved through a citizens panel that met every month [2]."
    )
    _, model = server_factory(lambda body: reply)
    assert answerer(model).answer(QUESTION, audience="officer", hits=hits()) == extractive()


def test_uncited_unsupported_answer_falls_back_to_extractive(server_factory) -> None:  # type: ignore[no-untyped-def]
    reply = "Riverton built a new swimming pool downtown. The council sold its old offices."
    _, model = server_factory(lambda body: reply)
    assert answerer(model).answer(QUESTION, audience="officer", hits=hits()) == extractive()


def test_an_uncited_supported_sentence_is_cited_to_the_passage_that_supports_it(
    server_factory,
) -> None:  # type: ignore[no-untyped-def]
    # As a small local model writes: the passage copied without markers, NOT_IN_SOURCES after.
    reply = (
        "Residents were involved through a citizens panel that met every month.\n\n"
        "Triage resolved 40 per cent of referrals at first contact and saved 9 million pounds."
        "\n\nNOT_IN_SOURCES"
    )
    _, model = server_factory(lambda body: reply)
    draft = answerer(model).answer(QUESTION, audience="officer", hits=hits())
    assert not draft.refused
    assert (
        draft.text == "Residents were involved through a citizens panel that met every month [1]."
    )
    [citation] = draft.citations
    assert citation.chunk.document_id == "riverton-panel" and "citizens panel" in citation.quote


def test_model_saying_sources_do_not_cover_it_is_a_refusal(server_factory) -> None:  # type: ignore[no-untyped-def]
    _, model = server_factory(lambda body: "NOT_IN_SOURCES")
    draft = answerer(model).answer(QUESTION, audience="officer", hits=hits())
    assert draft.refused and draft.citations == ()
    _, model = server_factory(lambda body: "The passages provided do not contain this information.")
    assert answerer(model).answer(QUESTION, audience="officer", hits=hits()).refused


def test_server_error_falls_back_to_extractive(server_factory) -> None:  # type: ignore[no-untyped-def]
    server, model = server_factory(lambda body: Reply(status=500, text="boom"))
    assert answerer(model).answer(QUESTION, audience="officer", hits=hits()) == extractive()
    assert len(server.requests) == 1  # type: ignore[attr-defined]


def test_timeout_falls_back_to_extractive(server_factory) -> None:  # type: ignore[no-untyped-def]
    _, model = server_factory(lambda body: Reply(text="late [1].", delay_s=2.0), timeout_s=0.3)
    assert answerer(model).answer(QUESTION, audience="officer", hits=hits()) == extractive()


def test_out_of_scope_and_weak_evidence_never_reach_the_model(server_factory) -> None:  # type: ignore[no-untyped-def]
    server, model = server_factory(lambda body: "France won [1].")
    a = answerer(model)
    assert a.answer("Who won the 2022 football World Cup?", audience="officer", hits=hits()).refused
    cookery = Chunk(id="c", document_id="c", position=0, text="Knead the dough and bake it well.")
    weak = a.answer(
        "What governance does a transformation board need?",
        audience="officer",
        hits=[Hit(chunk=cookery, score=1.0)],
    )
    assert weak.refused
    assert server.requests == []  # type: ignore[attr-defined]


def test_councillor_answers_get_acronyms_spelled_out() -> None:
    text = "The LGA supported Riverton to set up a front door triage team for referrals."
    chunk = Chunk(id="l", document_id="l", position=0, text=text, title="LGA note")
    model = ScriptedChatModel(
        ["The LGA supported Riverton to set up a front door triage team for referrals [1]."]
    )
    draft = answerer(model).answer(
        "How did the LGA support Riverton's triage team?",
        audience="councillor",
        hits=[Hit(chunk=chunk, score=1.0)],
    )
    assert "Local Government Association (LGA)" in draft.text
    assert model.calls and "a councillor" in model.calls[0][1].content
