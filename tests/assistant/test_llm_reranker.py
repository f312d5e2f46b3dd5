"""The LLM reranker: yes/no scoring from logprobs, the re-ordering, failures keeping order."""

from __future__ import annotations

import json
import math

import httpx
import pytest

from assistant.adapters.llm_reranker import (
    LLMReranker,
    RerankWeights,
    first_token_alternatives,
    rerank_by,
    yes_probability,
)
from assistant.errors import ProviderError
from assistant.ports import Reranker
from assistant.types import Chunk, Hit


def hits(*texts: str) -> list[Hit]:
    out = []
    for i, text in enumerate(texts):
        chunk = Chunk(
            id=Chunk.make_id(f"d{i}", 0, text),
            document_id=f"d{i}",
            position=0,
            text=text,
            title=f"doc {i}",
            source=f"d{i}.md",
        )
        out.append(Hit(chunk=chunk, score=1.0 - i / 10))
    return out


def test_yes_probability() -> None:
    assert yes_probability([("Yes", math.log(0.6)), ("No", math.log(0.2))]) == pytest.approx(0.75)
    assert yes_probability(
        [(" yes", math.log(0.3)), ("YES", math.log(0.3)), ("no", math.log(0.4))]
    ) == pytest.approx(0.6)
    assert yes_probability([("Maybe", -0.1)]) == 0.5
    assert yes_probability([]) == 0.5


def test_first_token_alternatives_chat_and_completion_formats() -> None:
    chat = {
        "choices": [
            {
                "logprobs": {
                    "content": [
                        {
                            "token": "Yes",
                            "logprob": -0.1,
                            "top_logprobs": [
                                {"token": "Yes", "logprob": -0.1},
                                {"token": "No", "logprob": -2.4},
                            ],
                        }
                    ]
                }
            }
        ]
    }
    assert first_token_alternatives(chat) == [("Yes", -0.1), ("No", -2.4)]
    completion = {"choices": [{"logprobs": {"top_logprobs": [{" no": -0.2, " yes": -1.7}]}}]}
    assert first_token_alternatives(completion) == [(" no", -0.2), (" yes", -1.7)]
    assert first_token_alternatives({"choices": [{"logprobs": None}]}) == []
    assert first_token_alternatives({}) == []


def test_rerank_by_relevance_with_a_rank_prior() -> None:
    h = hits("a", "b", "c")
    out = rerank_by(h, [0.2, 0.9, 0.5], rank_prior=0.05)
    assert [x.chunk.text for x in out] == ["b", "c", "a"]
    # An unsure model (all equal) keeps retrieval's order.
    same = rerank_by(h, [0.5, 0.5, 0.5], rank_prior=0.05)
    assert [x.chunk.text for x in same] == ["a", "b", "c"]
    # The prior breaks near-ties in favour of the better retrieval rank.
    near = rerank_by(h, [0.50, 0.52, 0.1], rank_prior=0.05)
    assert [x.chunk.text for x in near] == ["a", "b", "c"]


def test_reranker_reorders_only_the_top() -> None:
    relevance = {"a": 0.1, "b": 0.2, "c": 0.95, "d": 1.0}
    reranker = LLMReranker(scorer=lambda q, p: relevance[p[-1]], top=3)
    assert isinstance(reranker, Reranker)
    out = reranker.rerank("q", hits("a", "b", "c", "d"))
    assert [x.chunk.text for x in out] == ["c", "b", "a", "d"]
    assert reranker.last_ms >= 0


def test_reranker_failure_keeps_retrieval_order() -> None:
    def broken(question: str, passage: str) -> float:
        raise ProviderError("down")

    original = hits("a", "b", "c")
    assert LLMReranker(scorer=broken).rerank("q", original) == original


def test_server_scoring_request_and_timeout() -> None:
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        passage = body["messages"][1]["content"]
        yes = -0.05 if "triage team" in passage else -3.0
        top = [{"token": "Yes", "logprob": yes}, {"token": "No", "logprob": -1.0}]
        return httpx.Response(
            200,
            json={
                "choices": [
                    {
                        "logprobs": {
                            "content": [{"token": "Yes", "logprob": yes, "top_logprobs": top}]
                        }
                    }
                ]
            },
        )

    reranker = LLMReranker(base_url="http://127.0.0.1:1/v1", model="m", top=2)
    reranker._client = httpx.Client(transport=httpx.MockTransport(handler))
    out = reranker.rerank("How did triage work?", hits("leaflets", "triage team"))
    assert [x.chunk.text for x in out] == ["triage team", "leaflets"]
    assert seen[0]["max_tokens"] == 1 and seen[0]["logprobs"] is True
    assert seen[0]["model"] == "m"

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    reranker._client = httpx.Client(transport=httpx.MockTransport(timeout))
    original = hits("leaflets", "triage team")
    assert reranker.rerank("q", original) == original


def test_passage_is_cut_to_the_weight() -> None:
    seen: list[str] = []
    reranker = LLMReranker(
        scorer=lambda q, p: seen.append(p) or 0.5, weights=RerankWeights(passage_chars=10)
    )
    reranker.rerank("q", hits("x" * 50, "y" * 50))
    assert all(len(p) <= len("doc 0\n") + 10 for p in seen)
