"""``ports.Reranker`` by a chat model's yes/no log-probability (the local llama.cpp server).

For each of the top few passages the model is asked "Does this passage answer the question?
Answer yes or no." with ``max_tokens=1`` and ``logprobs``; the passage's relevance is
P(yes) / (P(yes) + P(no)) over the first token's top alternatives. The top passages are then
re-ordered by that probability plus a small prior for their retrieval rank; the rest keep their
order. Any provider failure leaves the order as retrieval made it (reranking is an
improvement, never a dependency).

Talks to any OpenAI-compatible ``/chat/completions`` that returns ``logprobs`` (llama-cpp-python's
server does; so does OpenAI) over httpx, the client the OpenAI SDK already uses.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.errors import ProviderError
from assistant.text.sentences import normalise_whitespace
from assistant.types import Hit

log = logging.getLogger(__name__)

SYSTEM = (
    "You judge whether a passage from a council document answers a question. "
    "Reply with one word: yes or no."
)
USER = "Question: {question}\n\nPassage:\n{passage}\n\nDoes the passage answer the question?"


@dataclass(frozen=True, slots=True)
class RerankWeights:
    """Tuning numbers of the LLM rerank (chosen with ``python -m evals.bench.rerank``)."""

    # Passage characters shown to the model: longer costs prompt time (~2 ms a token on 2
    # cores) for little more signal.
    passage_chars: int = 900
    # Added per place of retrieval rank (top gets top*prior): keeps retrieval's order when
    # the model is unsure, so a flat P(yes) does not shuffle good rankings.
    rank_prior: float = 0.05


def yes_probability(alternatives: Iterable[tuple[str, float]]) -> float:
    """P(yes) / (P(yes) + P(no)) from (token, log-probability) pairs of the first token.

    Tokens are compared stripped and lower-cased ("Yes", " yes" and "YES" count as yes); 0.5
    when neither yes nor no is among the alternatives (the model did not commit)."""
    yes = no = 0.0
    for token, logprob in alternatives:
        word = token.strip().lower().strip(".,!")
        if word == "yes":
            yes += math.exp(logprob)
        elif word == "no":
            no += math.exp(logprob)
    return yes / (yes + no) if yes + no > 0 else 0.5


def first_token_alternatives(response: dict[str, Any]) -> list[tuple[str, float]]:
    """(token, logprob) alternatives of the first generated token, from an OpenAI chat
    completion (``logprobs.content[0].top_logprobs``) or a completion-style response
    (``logprobs.top_logprobs[0]`` as a token -> logprob map)."""
    try:
        logprobs = response["choices"][0].get("logprobs") or {}
    except (KeyError, IndexError, TypeError, AttributeError):
        return []
    content = logprobs.get("content") if isinstance(logprobs, dict) else None
    if content:
        first = content[0]
        pairs = [(str(t["token"]), float(t["logprob"])) for t in first.get("top_logprobs") or []]
        return pairs or [(str(first.get("token", "")), float(first.get("logprob", 0.0)))]
    top = logprobs.get("top_logprobs") if isinstance(logprobs, dict) else None
    if top and isinstance(top[0], dict):
        return [(str(k), float(v)) for k, v in top[0].items()]
    return []


def rerank_by(hits: Sequence[Hit], relevance: Sequence[float], *, rank_prior: float) -> list[Hit]:
    """``hits`` re-ordered by ``relevance`` (one per hit) plus ``rank_prior`` per place of
    retrieval rank; ties keep retrieval order. Each hit's ``score`` becomes its new score."""
    n = len(hits)
    scored = [(relevance[i] + rank_prior * (n - i), i, hit) for i, hit in enumerate(hits)]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [replace(hit, score=round(score, 6)) for score, _, hit in scored]


Scorer = Callable[[str, str], float]


class LLMReranker:
    """``ports.Reranker``: the top ``top`` hits re-ordered by the model's P(yes).

    ``scorer(question, passage) -> P(yes)`` defaults to a call to the OpenAI-compatible server
    at ``base_url``; tests pass a function instead. ``last_ms`` holds the last rerank's time.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        model: str = "local",
        api_key: str = "not-needed",
        top: int = 4,
        timeout_s: float = 30.0,
        weights: RerankWeights = RerankWeights(),
        scorer: Scorer | None = None,
    ) -> None:
        if scorer is None and not base_url:
            raise ValueError("LLMReranker needs a base_url or a scorer.")
        self.base_url = (base_url or "").rstrip("/")
        self.model = model
        self.top = top
        self.timeout_s = timeout_s
        self.weights = weights
        self._api_key = api_key
        self._scorer = scorer or self._server_score
        self._client: Any = None
        self.last_ms = 0.0

    def rerank(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        """The top hits re-ordered by the model; the rest as they were. Unchanged on failure."""
        started = time.perf_counter()
        head, tail = list(hits[: self.top]), list(hits[self.top :])
        if len(head) < 2:
            return list(hits)
        try:
            relevance = [self.score(query, hit) for hit in head]
        except ProviderError as exc:
            log.warning("LLM rerank failed, keeping retrieval order: %s", exc)
            return list(hits)
        finally:
            self.last_ms = (time.perf_counter() - started) * 1000
        return rerank_by(head, relevance, rank_prior=self.weights.rank_prior) + tail

    def score(self, query: str, hit: Hit) -> float:
        """P(yes) that ``hit``'s passage answers ``query``."""
        passage = normalise_whitespace(hit.chunk.text)[: self.weights.passage_chars]
        title = hit.chunk.title or hit.chunk.source
        return self._scorer(query, f"{title}\n{passage}" if title else passage)

    def _server_score(self, question: str, passage: str) -> float:
        import httpx

        if self._client is None:
            self._client = httpx.Client(
                timeout=self.timeout_s, headers={"Authorization": f"Bearer {self._api_key}"}
            )
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": USER.format(question=question, passage=passage)},
            ],
            "max_tokens": 1,
            "temperature": 0.0,
            "logprobs": True,
            "top_logprobs": 10,
        }
        try:
            response = self._client.post(f"{self.base_url}/chat/completions", json=body)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderError(
                f"The rerank model at {self.base_url} failed ({type(exc).__name__}: "
                f"{str(exc)[:200]}): check it is running (`lga-assistant llm serve`) or set "
                "LGA_ASSISTANT_LLM__RERANK=false."
            ) from exc
        alternatives = first_token_alternatives(data)
        if not alternatives:
            raise ProviderError(
                f"The model at {self.base_url} returned no logprobs: the LLM rerank needs a "
                "server that supports them (llama-cpp-python's does)."
            )
        return yes_probability(alternatives)
