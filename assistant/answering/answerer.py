"""The Answerer: a question and retrieved hits in, a cited ``Draft`` (or a refusal) out.

The steps, each in its own module: analyse the question and passages (``analysis``), refuse
when the evidence is weaker than the calibrated threshold (``evidence``), try the generative
answer with its post-check when a chat model is configured (``generative``), and otherwise, or
when that fails the check, answer extractively (``extractive``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial

import numpy as np

from assistant.answering.analysis import Analyser, Analysis, added_ranks, dedupe_hits
from assistant.answering.coverage import missing_names, not_covered_reason
from assistant.answering.draft import NO_SOURCES_REASON, WEAK_EVIDENCE_REASON, Draft, refusal
from assistant.answering.evidence import resolve_min_evidence
from assistant.answering.extractive import (
    contact_answer,
    extract_answer,
    missing_specific,
    participants_not_named,
    with_person_passages,
    with_primary_lists,
    years_not_covered,
)
from assistant.answering.generative import generate_answer
from assistant.answering.question import analyse_question
from assistant.answering.weights import WEIGHTS, AnsweringWeights
from assistant.guardrails.scope import check_scope
from assistant.ports import ChatModel, Embedder, TextVectors
from assistant.settings import Settings
from assistant.text.plain import Rewrite, plain_english
from assistant.text.sentences import with_stop
from assistant.types import Audience, Chunk, Citation, Hit


class Answerer:
    """Turns a question and retrieved hits into a cited ``Draft`` (or a refusal)."""

    def __init__(
        self,
        *,
        embedder: Embedder,
        chat_model: ChatModel | None,
        settings: Settings,
        weights: AnsweringWeights = WEIGHTS,
        document_chunks: Callable[[str], Sequence[Chunk]] | None = None,
        stored_vectors: Callable[[Sequence[str]], Mapping[str, TextVectors]] | None = None,
        check_scope: bool = True,
        documents_at: Callable[[str], Sequence[str]] | None = None,
    ) -> None:
        self.embedder = embedder
        # False when the caller (the Assistant service) has checked the question's scope.
        self.scope_rules = check_scope
        self.chat_model = chat_model
        self.settings = settings
        self.weights = weights
        self.min_evidence = resolve_min_evidence(settings, embedder.model_id)
        self.analyser = Analyser(embedder, weights, document_chunks, stored_vectors)
        # A web address -> the primary documents published there: the LGA pages a catalogue
        # entry was written from, for citing the LGA's own words.
        self.documents_at = documents_at

    def answer(self, question: str, *, audience: Audience, hits: Sequence[Hit]) -> Draft:
        """A cited answer to ``question`` from ``hits`` for ``audience``, or a refusal."""
        reason = check_scope(question) if self.scope_rules else None
        if reason is not None:
            return refusal(reason, evidence=0.0)
        hits = dedupe_hits(hits)
        if not hits:
            return refusal(NO_SOURCES_REASON, evidence=0.0)
        ranks = None
        asked = analyse_question(question)
        found = {hit.chunk.id for hit in hits}
        if asked.type == "advice":
            hits = self.analyser.with_suggestions(hits)  # the advice, not only the problem
        elif asked.planned:  # "what did they decide to do?": the response, not the problem
            hits = self.analyser.with_suggestions(hits, role="action")
        elif asked.type == "list":  # the LGA document's own list, not only our retelling
            hits = with_primary_lists(asked, hits, self.analyser.document_chunks)
        hits = with_person_passages(asked, hits, self.analyser.document_chunks)
        if len(hits) > len(found):
            ranks = added_ranks(hits, {h.chunk.id for h in hits} - found)
        analysis = self.analyser.analyse(question, hits, ranks)
        if analysis.evidence < self.min_evidence or not analysis.candidates:
            return refusal(WEAK_EVIDENCE_REASON, evidence=analysis.evidence)
        names = missing_names(question, hits)
        if names:  # a council, person or programme no passage mentions
            return refusal(not_covered_reason(names, hits), evidence=analysis.evidence)
        contact = contact_answer(question, hits, self.analyser.document_chunks)
        if contact is not None:  # "a phone number for them?": a document's contact block
            return replace(contact, evidence=analysis.evidence)
        missing = (
            missing_specific(analysis, hits, self.weights)
            or participants_not_named(question, hits, self.analyser.document_chunks)
            or years_not_covered(question, hits)
        )
        if missing is not None:  # a figure, date or name the passages do not hold
            return refusal(missing, evidence=analysis.evidence)
        words = self._budget(audience)
        if self.chat_model is not None:
            draft = generate_answer(
                question,
                hits,
                analysis,
                audience=audience,
                words=words,
                chat_model=self.chat_model,
                embedder=self.embedder,
                weights=self.weights,
            )
            if draft is not None:
                return draft
        draft = extract_answer(
            analysis,
            hits,
            audience=audience,
            budget=words,
            weights=self.weights,
            document_chunks=self.analyser.document_chunks,
            documents_at=self.documents_at,
        )
        if audience == "councillor" and self.settings.answer.plain_english and not draft.refused:
            text = plain_english(
                draft.text,
                draft.citations,
                max_words=words,
                priority=draft.priority,
                accept=partial(self._supported, draft.citations),
            )
            draft = replace(draft, text=text)
        return draft

    def analyse(self, question: str, hits: Sequence[Hit]) -> Analysis:
        """The analysis of ``question`` over ``hits`` (its ``evidence`` is the refusal score)."""
        return self.analyser.analyse(question, dedupe_hits(hits))

    def evidence(self, question: str, hits: Sequence[Hit]) -> float:
        """The refusal score alone (``evidence.refusal_score`` over this question's analysis)."""
        hits = dedupe_hits(hits)
        return self.analyser.analyse(question, hits).evidence if hits else 0.0

    def _supported(self, citations: Sequence[Citation], rewrites: Sequence[Rewrite]) -> list[bool]:
        """Which plain versions may replace their sentence: each plain sentence occurs in, or
        is as close (cosine) to, a passage it cites as ``support.plain_min_cosine`` or as the
        original sentence was. One embedding call for the whole answer."""
        quotes = {c.n: c.quote for c in citations}
        texts: list[str] = []
        for r in rewrites:
            # Each as shown, closing stop and all: a stop moves a sentence's vector (the eval
            # measures "... journeys." where the pieces read "... journeys")
            # (A list's items as their words, without the "- " that shows them as bullets.)
            texts.extend(with_stop(t.removeprefix("- ")) for t in (r.original, *r.pieces))
        cited = sorted({n for r in rewrites for n in r.cites if n in quotes})
        vectors = np.asarray(self.embedder.embed([*texts, *(quotes[n] for n in cited)]))
        of_quote = {n: vectors[len(texts) + i] for i, n in enumerate(cited)}
        floor = self.weights.support.plain_min_cosine
        verdicts: list[bool] = []
        at = 0
        for r in rewrites:
            own = vectors[at : at + 1 + len(r.pieces)]
            at += 1 + len(r.pieces)
            theirs = [of_quote[n] for n in r.cites if n in of_quote]
            if not theirs:
                verdicts.append(True)
                continue
            passages = np.stack(theirs)
            scores = (passages @ own.T).max(axis=0)  # each sentence's best cited passage
            said = " ".join(_folded(quotes[n]) for n in r.cites if n in quotes)
            # A sentence quoted word for word is supported whatever its cosine: its plain
            # version must reach the floor itself (not only its original's cosine).
            need = floor if _folded(r.original) in said else min(floor, float(scores[0]))
            verdicts.append(
                all(
                    score >= need or _folded(piece.removeprefix("- ")) in said
                    for piece, score in zip(r.pieces, scores[1:], strict=True)
                )
            )
        return verdicts

    def _budget(self, audience: Audience) -> int:
        answer = self.settings.answer
        return answer.councillor_words if audience == "councillor" else answer.officer_words


def _folded(text: str) -> str:
    """``text`` lower-cased with its whitespace collapsed (for "occurs in the passage")."""
    return " ".join(text.lower().split())
