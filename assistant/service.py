"""The Assistant service: one object the CLI, the API, the chat UI and the evals all call.

``ask`` runs the whole pipeline for one question:

    clean input -> scope check -> follow-up rewrite -> retrieve -> answer -> suggest -> Answer

and ``stream`` yields the same answer as events (sources, then text tokens, then suggestions,
then done). The service holds only configured dependencies; everything about a request lives in
local variables, so one instance serves concurrent requests from many threads.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from assistant.answering.draft import WEAK_EVIDENCE_REASON, Draft, refusal
from assistant.answering.lookups import look_ups
from assistant.answering.question import analyse_question, without_framing
from assistant.errors import AssistantError, InputError, ProviderError
from assistant.guardrails import check_audience, clean_input, strip_invisible
from assistant.guardrails.scope import check_scope, refusal_text
from assistant.knowledge.filters import resolve_filters
from assistant.retrieval import CachedEmbedder, Retriever
from assistant.retrieval.rewrite import (
    added_topic,
    in_context,
    own_words_found,
    rewrite_question,
    rewrite_with_model,
)
from assistant.text.terms import content_terms, spell_out_shorthand
from assistant.types import CATALOGUE_PUBLISHER, Answer, Audience, Citation, Filters, Hit, Turn

if TYPE_CHECKING:
    from assistant.answering import Draft
    from assistant.answering.llm_rewrite import CouncillorRewriter, RewriteResult
    from assistant.index import Index
    from assistant.ports import ChatModel, DocumentRecord, Reranker, Suggester, SuggestionSet
    from assistant.settings import Settings
    from assistant.types import Chunk

log = logging.getLogger(__name__)

StreamKind = Literal["sources", "token", "revision", "suggestions", "done", "error"]
_TOKEN = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One event of ``Assistant.stream``.

    ``data`` by kind: ``sources`` -> tuple of ``Citation``; ``token`` -> str (a piece of the
    answer text; the pieces concatenate to ``Answer.text``, except with ``revise=True``, below);
    ``revision`` -> str (``stream(revise=True)`` only: the whole answer text so far, replacing
    what the tokens and earlier revisions said); ``suggestions`` -> the ``Answer``'s
    peers/resources/next_steps as a dict of tuples of ``Suggestion`` plus ``citations`` (the
    extra citations the suggestions brought); ``done`` -> the final ``Answer``; ``error`` ->
    ``{"type": error class name, "message": str}``.
    """

    kind: StreamKind
    data: Any


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A validated request: what ``ask`` and ``stream`` share before answering."""

    question: str
    audience: Audience
    history: tuple[Turn, ...]
    filters: Filters | None
    warnings: tuple[str, ...]
    started: float


class AnswerComposer(Protocol):
    """What the service needs from answer composition (``assistant.answering.Answerer``)."""

    def answer(self, question: str, *, audience: Audience, hits: Sequence[Hit]) -> Draft: ...


def split_tokens(text: str) -> list[str]:
    """Small pieces of ``text`` for streaming (a word with its trailing space); they join back
    to ``text`` exactly."""
    return _TOKEN.findall(text)


class Assistant:
    """Answers questions over an ``Index`` with citations, refusals and suggestions.

    ``answerer`` defaults to ``assistant.answering.Answerer`` built from the same settings
    (pass another ``AnswerComposer`` to test orchestration alone). Sentence vectors are cached (``CachedEmbedder``) and shared by retrieval's re-score and the
    answerer, so a passage's sentences are embedded once per process.
    """

    def __init__(
        self,
        index: Index,
        settings: Settings,
        chat_model: ChatModel | None = None,
        suggester: Suggester | None = None,
        answerer: AnswerComposer | None = None,
        reranker: Reranker | None = None,
        rewriter: CouncillorRewriter | None = None,
    ) -> None:
        self.index = index
        self.settings = settings
        self.chat_model = chat_model
        self.suggester = suggester
        self.embedder = CachedEmbedder(index.embedder)
        # One sentence cache for retrieval, answering and suggestions: the suggester then finds
        # the question and the hits' sentences already embedded.
        if suggester is not None and suggester.embedder.model_id == self.embedder.model_id:
            suggester.use_embedder(self.embedder)
        self.retriever = Retriever(
            index, settings.retrieval, embedder=self.embedder, reranker=reranker
        )
        if answerer is None:
            from assistant.answering import Answerer

            answerer = Answerer(
                embedder=self.embedder,
                # The model writes answers only on the generative path (not when it rewrites
                # extractive ones for councillors, or only reranks).
                chat_model=chat_model if settings.llm.writes_answers else None,
                settings=settings,
                document_chunks=index.catalog.document_chunks,
                # Sentence and heading vectors stored at ingest (a catalogue without them:
                # the analyser embeds them per request).
                stored_vectors=getattr(index.catalog, "text_vectors", None),
                check_scope=False,  # the service checks scope once, before retrieval
                documents_at=self.primary_documents_at,
            )
        self.answerer = answerer
        # The councillor rewrite by a model (llm.councillor_rewrite): shares the sentence cache.
        if rewriter is not None and rewriter.embedder.model_id == self.embedder.model_id:
            rewriter.embedder = self.embedder
        self.rewriter = rewriter
        self._warm = threading.Event()

    # -- answering ---------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        *,
        audience: str = "councillor",
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """Answer ``question`` for ``audience`` given the conversation ``history``.

        Raises ``InputError`` for an empty/over-long question or an unknown audience. Out-of-scope
        questions and questions the corpus does not answer come back as ``refused=True``.
        """
        request = self._prepare(question, audience, history, filters)
        answer = self._answer(request)
        return self._suggest(request, answer)

    def stream(
        self,
        question: str,
        *,
        audience: str = "councillor",
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        revise: bool = False,
    ) -> Iterator[StreamEvent]:
        """``ask`` as events: ``sources`` first, then ``token``s, ``suggestions``, ``done``.

        With ``revise=True`` and the councillor rewrite on, the tokens carry the answer before
        the model's rewrite (shown at once), then each rewritten batch comes as a ``revision``
        event holding the whole text so far; ``done`` holds the final answer. Without it the
        tokens concatenate to the final text (what the API streams).

        Bad input raises ``InputError`` here, before any event (so the API can answer 4xx);
        a failure later on (e.g. the model provider) becomes one ``error`` event.
        """
        request = self._prepare(question, audience, history, filters)
        return self._events(request, revise=revise)

    def _events(self, request: _Prepared, *, revise: bool = False) -> Iterator[StreamEvent]:
        try:
            answer = self._answer(request, rewrite=not revise)
            yield StreamEvent("sources", answer.citations)
            for piece in split_tokens(answer.text):
                yield StreamEvent("token", piece)
            if revise and self._rewrites(answer):
                t0 = time.perf_counter()
                text = answer.text
                for step in self._rewriter_steps(answer.text, answer.citations):
                    if step.text != text:
                        text = step.text
                        yield StreamEvent("revision", text)
                timings = {**answer.timings_ms, "plain_rewrite": _ms(t0)}
                answer = replace(answer, text=text, timings_ms=timings)
            final = self._suggest(request, answer)
            yield StreamEvent(
                "suggestions",
                {
                    "peers": final.peers,
                    "resources": final.resources,
                    "next_steps": final.next_steps,
                    "citations": final.citations[len(answer.citations) :],
                },
            )
            yield StreamEvent("done", final)
        except AssistantError as exc:  # a provider or storage failure after the stream began
            yield StreamEvent("error", {"type": type(exc).__name__, "message": str(exc)})

    def _prepare(
        self,
        question: str,
        audience: str,
        history: Sequence[Turn],
        filters: Filters | None,
    ) -> _Prepared:
        started = time.perf_counter()
        checked = check_audience(audience)
        cleaned = clean_input(question, max_chars=self.settings.api.max_question_chars)
        turns: list[Turn] = []
        for turn in history:
            if not isinstance(turn, Turn) or turn.role not in ("user", "assistant"):
                raise InputError(
                    "Each history turn needs a role ('user' or 'assistant') and content."
                )
            content = strip_invisible(turn.content).strip()
            if content:
                turns.append(Turn(turn.role, content))
        limit = self.settings.api.max_history_turns
        kept = tuple(turns[-limit:]) if limit else ()
        return _Prepared(
            question=cleaned.text,
            audience=checked,
            history=kept,
            filters=resolve_filters(filters),
            warnings=cleaned.warnings,
            started=started,
        )

    def _standalone(self, request: _Prepared) -> str:
        """The question as retrieval and the answerer read it: a follow-up spelled out from
        the conversation, typed shorthand ("cllrs") spelled out."""
        question = spell_out_shorthand(request.question)
        if not request.history:
            return question
        if self.chat_model is not None:
            try:
                return rewrite_with_model(question, request.history, self.chat_model)
            except ProviderError:
                pass  # the deterministic rewrite below is always available
        return rewrite_question(question, request.history)

    def _rewrites(self, answer: Answer) -> bool:
        """Does the model rewrite this answer (a councillor's, not refused, rewrite on)?"""
        return self.rewriter is not None and answer.audience == "councillor" and not answer.refused

    def _rewriter_steps(self, text: str, citations: Sequence[Citation]) -> Iterator[RewriteResult]:
        assert self.rewriter is not None
        return self.rewriter.stream(text, citations)

    def _answer(self, request: _Prepared, *, rewrite: bool = True) -> Answer:
        """Everything but suggestions (so ``stream`` can send the text before them); with
        ``rewrite`` the councillor rewrite (when on) has run on the text."""
        timings: dict[str, float] = {}
        answer_id = uuid.uuid4().hex
        # The steps in order: rewrite a follow-up into a standalone question, check its scope
        # (once, here), retrieve, answer; suggestions follow in ``_suggest``.
        t0 = time.perf_counter()
        standalone = self._standalone(request)
        timings["rewrite"] = _ms(t0)
        reason = check_scope(standalone)
        if reason is None and standalone != request.question:
            reason = check_scope(request.question)  # an out-of-scope question typed as a follow-up
        if reason is not None:
            timings.update(retrieve=0.0, generate=0.0)
            return Answer(
                id=answer_id,
                question=request.question,
                standalone_question=standalone,
                audience=request.audience,
                text=refusal_text(reason),
                refused=True,
                refusal_reason=reason,
                warnings=request.warnings,
                timings_ms=timings,
            )
        t0 = time.perf_counter()
        hits = self._retrieve(without_framing(standalone), request.filters)
        timings["retrieve"] = _ms(t0)
        t0 = time.perf_counter()
        draft = self.answerer.answer(standalone, audience=request.audience, hits=hits)
        if request.history:
            standalone, hits, draft = self._follow_up(request, standalone, hits, draft)
        timings["generate"] = _ms(t0)
        rewriter = self.rewriter
        if rewrite and rewriter and request.audience == "councillor" and not draft.refused:
            t0 = time.perf_counter()
            draft = replace(draft, text=rewriter.rewrite(draft.text, draft.citations).text)
            timings["plain_rewrite"] = _ms(t0)
        return Answer(
            id=answer_id,
            question=request.question,
            standalone_question=standalone,
            audience=request.audience,
            text=draft.text,
            citations=tuple(draft.citations),
            refused=draft.refused,
            refusal_reason=draft.refusal_reason,
            hits=tuple(hits),
            warnings=request.warnings,
            timings_ms=timings,
        )

    def _follow_up(
        self, request: _Prepared, standalone: str, hits: list[Hit], draft: Draft
    ) -> tuple[str, list[Hit], Draft]:
        """The (question, passages, draft) of a follow-up, checked against the conversation:
        one the rewrite left as it was and the sources could not answer alone ("how much did
        the second phase cost?") is asked again after the last question, when the passages
        found then hold its own words; one that brings a new subject ("and the weather there?",
        "what about their bin collections?") is refused unless the passages hold it (the
        earlier question's words may have found them)."""
        if draft.refused and draft.refusal_reason == WEAK_EVIDENCE_REASON:
            contextual = in_context(request.question, request.history)
            if contextual and contextual != standalone and check_scope(contextual) is None:
                again = self._retrieve(without_framing(contextual), request.filters)
                if own_words_found(request.question, [h.chunk.text for h in again[:4]]):
                    second = self.answerer.answer(contextual, audience=request.audience, hits=again)
                    if not second.refused:
                        return contextual, again, second
        added = added_topic(request.question)
        if (
            added
            and not draft.refused
            and not own_words_found(added, [h.chunk.text for h in hits[:4]])
        ):
            reason = f"I couldn't find anything about \u201c{added}\u201d in the sources I have."
            return standalone, hits, refusal(reason, evidence=draft.evidence)
        return standalone, hits, draft

    def _suggest(self, request: _Prepared, answer: Answer) -> Answer:
        timings = dict(answer.timings_ms)
        suggestions: SuggestionSet | None = None
        if self.suggester is not None:
            t0 = time.perf_counter()
            suggestions = self.suggester.suggest(
                question=answer.standalone_question,
                audience=answer.audience,
                citations=answer.citations,
                hits=answer.hits,
                refused=answer.refused,
            )
            timings["suggest"] = _ms(t0)
        else:
            timings["suggest"] = 0.0
        timings["total"] = _ms(request.started)
        if suggestions is None:
            return replace(answer, timings_ms=timings)
        return replace(
            answer,
            peers=tuple(suggestions.peers),
            resources=tuple(suggestions.resources),
            next_steps=tuple(suggestions.next_steps),
            citations=_append_citations(answer.citations, suggestions.citations),
            timings_ms=timings,
        )

    def _retrieve(self, question: str, filters: Filters | None) -> list[Hit]:
        """The question's passages; a comparison's two sides are also looked up on their own
        (``with_each_side``), and so is the post a "which minister ...?" question asks about
        (``with_post``), and what ``look_ups`` says it needs (peers' case studies, a councillor
        role's passage, the readiness check)."""
        hits = self.retriever.retrieve(question, filters=filters)
        asked = analyse_question(question)
        for look in look_ups(question, asked, doc_types_chosen=bool(filters and filters.doc_types)):
            limited = (
                replace(filters or Filters(), doc_types=look.doc_types)
                if look.doc_types
                else filters
            )
            found = self.retriever.retrieve(look.query or question, filters=limited, k=look.k)
            hits = with_each_side(hits, [look.kept(found)], k=len(hits), per_side=look.per_side)
        if asked.type == "person" and asked.role:
            found = self.retriever.retrieve(asked.role, filters=filters, k=POST_PASSAGES)
            return with_post(hits, found, question=question, role=asked.role)
        if asked.type != "comparison" or len(asked.parts) != 2:
            return hits
        sides = [self.retriever.retrieve(part, filters=filters) for part in asked.parts]
        return with_each_side(hits, sides, k=len(hits))

    # -- passthroughs ------------------------------------------------------------------------

    def search(self, query: str, *, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        """Ranked passages for ``query`` (no answer): for officers and for debugging."""
        cleaned = clean_input(query, max_chars=self.settings.api.max_question_chars)
        if not 1 <= k <= 100:
            raise InputError(f"k={k} is out of range: ask for 1 to 100 passages.")
        return self.retriever.retrieve(cleaned.text, k=k, filters=resolve_filters(filters))

    def documents(self) -> list[DocumentRecord]:
        """Every indexed document, as the catalogue records it."""
        return self.index.catalog.documents()

    def document(self, document_id: str) -> DocumentRecord | None:
        """One document's record, or None when it is not indexed."""
        return self.index.catalog.document(document_id)

    def primary_documents_at(self, url: str) -> list[str]:
        """The ids of the primary (not catalogue) documents published at web address ``url``."""
        return [
            d.id
            for d in self.index.catalog.documents_at(url)
            if not (d.publisher or "").startswith(CATALOGUE_PUBLISHER)
        ]

    def document_chunks(self, document_id: str) -> list[Chunk]:
        """The chunks of one document, in order (empty when it is not indexed)."""
        return self.index.catalog.document_chunks(document_id)

    # -- lifecycle ---------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Load the model and touch every store so the first real request is fast."""
        self.retriever.retrieve("How can councils plan and deliver transformation?", k=3)
        second = self.index.second
        if second is not None:
            lacking = len(second.missing(self.index.catalog)[1])
            if lacking:
                log.warning(
                    "The second retriever has no vectors for %d of %d passages, which it cannot "
                    "find: run `lga-assistant ingest` (with the same settings) to embed them.",
                    lacking,
                    self.index.catalog.count_chunks(),
                )
        self._warm.set()

    def ready(self) -> bool:
        """True once warmed up with a non-empty index (what ``/readyz`` reports)."""
        return self._warm.is_set() and self.index.catalog.count_chunks() > 0

    def describe(self) -> dict[str, Any]:
        """Model ids, corpus size and retrieval settings: for eval snapshots and ``/readyz``."""
        catalog = self.index.catalog
        count_documents = getattr(catalog, "count_documents", None)
        return {
            "embedding_model": self.index.embedder.model_id,
            "embedding_dimension": self.index.embedder.dimension,
            "chat_model": self.chat_model.model_id if self.chat_model else "extractive",
            "suggester": type(self.suggester).__name__ if self.suggester else None,
            "documents": count_documents() if count_documents else len(catalog.documents()),
            "chunks": catalog.count_chunks(),
            "vector_store": self.settings.vector_store,
            "second_dense_model": (
                self.index.second.embedder.model_id if self.index.second is not None else None
            ),
            "retrieval": self.settings.retrieval.model_dump(),
            "ready": self._warm.is_set(),
        }


def _append_citations(
    answer_citations: Sequence[Citation], extra: Sequence[Citation]
) -> tuple[Citation, ...]:
    """The answer's citations then the suggestions' extra ones, numbers kept (they are numbered
    after the answer's by the suggester); an extra whose number is taken is dropped."""
    taken = {c.n for c in answer_citations}
    out = list(answer_citations)
    for citation in extra:
        if citation.n not in taken:
            out.append(citation)
            taken.add(citation.n)
    return tuple(out)


def with_each_side(
    hits: Sequence[Hit], sides: Sequence[Sequence[Hit]], *, k: int, per_side: int = 2
) -> list[Hit]:
    """``hits`` (the question's passages, best first) with the best ``per_side`` passages of
    each side of a comparison put in among the first ``k``, in place of the last ones: "what
    does a cabinet member do, and what does a scrutiny member do?" needs both roles' passages,
    and the question as a whole may find only one."""
    out = list(hits[:k])
    have = {h.chunk.id for h in out}
    extra = [h for side in sides for h in side[:per_side] if h.chunk.id not in have]
    extra = list({h.chunk.id: h for h in extra}.values())
    keep = max(len(out) - len(extra), k // 2)
    return out[:keep] + extra[: k - keep]


POST_PASSAGES = 3  # passages looked up for the post alone ("minister")


def with_post(hits: Sequence[Hit], found: Sequence[Hit], *, question: str, role: str) -> list[Hit]:
    """``hits`` with the best passage naming the post asked about (``found``: the passages
    for the post's words alone) in place of the last one, when it shares a word with the
    question besides the post: "which minister backed the tool?" needs the passage where a
    minister is quoted, which the question as a whole ranks below the tool's own pages."""
    topic = content_terms(question) - content_terms(role)
    about = [h for h in found if content_terms(h.chunk.text) & topic]
    return with_each_side(hits, [about], k=len(hits), per_side=1)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
