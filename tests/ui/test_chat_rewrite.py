"""The chat shows a councillor's answer at once and the model's plain rewrite after it: a real
Assistant over the sample index, its rewriter talking HTTP to the fake OpenAI server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.adapters.llm import build_chat_model
from assistant.answering.llm_rewrite import parse_numbered
from assistant.app import build_rewriter
from assistant.index import Index
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.types import Answer
from tests.fake_openai_server import FakeOpenAIServer, Reply
from tests.helpers import SAMPLE_DOCUMENTS, build_index
from ui.api.deps import AppState

# Gradio (about 4 s to import, so imported inside the test that needs it: collecting this
# module must stay cheap for the unit layer) and an HTTP server: the integration layer.
pytestmark = pytest.mark.integration

THE = re.compile(r"(?i)\bthe\s+")
QUESTION = "What does the benefits realisation tracker measure?"


def drop_the(body: dict[str, Any]) -> str | Reply:
    """A 'plainer' rewrite that passes every check: each numbered sentence without "the"
    (numbers, names and content words all kept), so the rewritten text visibly differs."""
    user = body["messages"][-1]["content"]
    lines = parse_numbered(user.split("\n\n", 1)[1], 20)
    return "\n".join(f"{k}. {THE.sub('', text)}" for k, text in sorted(lines.items()))


@pytest.fixture(scope="module")
def index() -> Index:
    return build_index(SAMPLE_DOCUMENTS)


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(drop_the) as fake:
        yield fake


def rewriting_assistant(index: Index, server: FakeOpenAIServer, data_dir: Path) -> Assistant:
    settings = Settings(
        data_dir=data_dir,
        vector_store="memory",
        embedder={"provider": "fake"},
        llm={
            "provider": "openai",
            "base_url": server.base_url,
            "model": "fake",
            "councillor_rewrite": True,
            "timeout_s": 5,
        },
    )
    chat = build_chat_model(settings.llm)
    return Assistant(index, settings, chat, rewriter=build_rewriter(settings, chat, index.embedder))


def test_stream_revise_sends_the_answer_then_its_rewrite(
    index: Index, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    assistant = rewriting_assistant(index, server, tmp_path)
    events = list(assistant.stream(QUESTION, audience="councillor", revise=True))
    kinds = [e.kind for e in events]
    quick = "".join(e.data for e in events if e.kind == "token")
    revisions = [e.data for e in events if e.kind == "revision"]
    final: Answer = events[-1].data
    assert kinds[0] == "sources" and kinds[-1] == "done"
    # The quick text streams before any revision, which all come before the suggestions.
    assert kinds.index("revision") > max(i for i, k in enumerate(kinds) if k == "token")
    assert kinds.index("suggestions") > max(i for i, k in enumerate(kinds) if k == "revision")
    assert re.search(r"(?i)\bthe\b", quick), "the answer before the rewrite is shown first"
    assert revisions[-1] == final.text != quick
    assert set(re.findall(r"\[\d+\]", final.text)) == set(re.findall(r"\[\d+\]", quick))
    assert "plain_rewrite" in final.timings_ms
    assert server.requests, "the rewrite went over HTTP to the model server"


def test_stream_without_revise_streams_only_the_final_text(
    index: Index, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    assistant = rewriting_assistant(index, server, tmp_path)
    events = list(assistant.stream(QUESTION, audience="councillor"))
    assert "revision" not in [e.kind for e in events]
    final: Answer = events[-1].data
    assert "".join(e.data for e in events if e.kind == "token") == final.text
    assert final.text == assistant.ask(QUESTION, audience="councillor").text


def test_officer_answers_get_no_revision(
    index: Index, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    assistant = rewriting_assistant(index, server, tmp_path)
    events = list(assistant.stream(QUESTION, audience="officer", revise=True))
    assert "revision" not in [e.kind for e in events] and not server.requests


def test_chat_shows_the_answer_at_once_then_the_plain_version(
    index: Index, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    assistant = rewriting_assistant(index, server, tmp_path)
    from ui.chat.handlers import ChatHandlers

    handlers = ChatHandlers(AppState(assistant.settings, assistant=assistant))
    steps = list(handlers.respond(QUESTION, [], [], "councillor", [], []))
    shown = [step[0][-1]["content"] for step in steps]
    final: Answer = steps[-1][3]
    assert isinstance(final, Answer)
    first_word = final.text.split()[0]
    # Some step showed the text with "the" before the last (rewritten) one replaced it.
    partials = [c for c in shown[:-1] if first_word in c]
    assert any(re.search(r"(?i)\bthe\b", re.sub(r"<[^>]+>", " ", c)) for c in partials)
    assert steps[-1][2][-1]["content"] == final.text  # the history keeps the rewritten text
