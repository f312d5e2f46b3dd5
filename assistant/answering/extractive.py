"""The extractive answer: the passages' best sentences, each with its citation.

Relevance (embedding cosine + keyword overlap + the passage's retrieval rank), coverage of the
question's parts and no redundancy (MMR), within a word budget set by the audience. Every
sentence is copied from a passage and carries that passage's citation ``[n]``; the only words
added are acronym expansions for councillors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assistant.answering.analysis import Analysis, Candidate, coverage
from assistant.answering.draft import WEAK_EVIDENCE_REASON, Draft, refusal
from assistant.answering.prompts import system_prompt_leaked
from assistant.answering.weights import WEIGHTS, AnsweringWeights
from assistant.text.glossary import expand_acronyms, known_acronyms
from assistant.text.sentences import Sentence, normalise_whitespace
from assistant.types import Audience, Chunk, Citation, Hit

ANAPHORA = re.compile(r"^(?:This|These|That|Those|It|They|He|She|Such|However|Also|But)\b")
_META = re.compile(
    r"^(?:This|The|Our)\s+(?:theme|section|chapter|document|report|paper|page|guide|note|"
    r"summary|discussion)s?\s+(?:explores?|describes?|sets? out|looks? at|covers?|aims?|"
    r"highlights?|summarises?|outlines?|focus(?:es)? on|considers?)\b"
    r"|^Challenges (?:that were discussed )?(?:included|covered|described)\b",
    re.IGNORECASE,
)
_SPECIFIC = re.compile(
    r"\d|\u00a3|%|\b(?:[A-Z][a-z]+\s+){1,3}(?:City |Borough |County |District )?Council\b"
    r"|\b(?:for example|such as|case stud(?:y|ies)|pilot|programme)\b"
)
_COUNCIL_NAME = re.compile(
    r"\b[A-Z][a-z]+(?:\s+(?:and\s+)?[A-Z][a-z]+)*\s+(?:City |Borough |County |District |Metropolitan Borough )?Council\b"
)
_LEADING_CONNECTIVE = re.compile(
    r"^(?:For example|For instance|However|In addition|Additionally|Also|Finally|Furthermore|"
    r"Moreover|In particular|As such|Similarly|Likewise|In turn|Therefore|Overall),\s+(?=\w)"
)


def extract_answer(
    analysis: Analysis,
    hits: Sequence[Hit],
    *,
    audience: Audience,
    budget: int,
    weights: AnsweringWeights = WEIGHTS,
) -> Draft:
    """The extractive answer within ``budget`` words, or a refusal if nothing fits."""
    chosen = select_sentences(analysis, audience=audience, budget=budget, weights=weights)
    if not chosen:
        return refusal(WEAK_EVIDENCE_REASON, evidence=analysis.evidence)
    text, citations = compose(
        [analysis.candidates[i] for i in chosen], hits, max_chars=weights.candidates.quote_max_chars
    )
    if audience == "councillor":
        text = expand_acronyms(text, known_acronyms(hits))
    if system_prompt_leaked(
        text, shingle=weights.support.leak_shingle, allowed=weights.support.leak_allowed
    ):
        return refusal(WEAK_EVIDENCE_REASON, evidence=analysis.evidence)
    return Draft(text, citations, False, None, analysis.evidence)


def base_scores(
    analysis: Analysis, audience: Audience, weights: AnsweringWeights = WEIGHTS
) -> np.ndarray:
    """Relevance of each candidate on its own: cosine to the question, weighted keyword
    coverage, its section's match to the question, the passage's retrieval rank, and
    audience preferences (short sentences for councillors, specifics for officers)."""
    w = weights.relevance
    term_weights = analysis.question_terms
    names = analysis.question_names
    scores = np.zeros(len(analysis.candidates), dtype=np.float32)
    for i, cand in enumerate(analysis.candidates):
        s = cand.sentence
        keyword = coverage(cand.terms, term_weights)
        prior = max(w.rank_floor, 1.0 - w.rank_step * cand.hit_index)
        section = max(0.0, float(analysis.context[i]) - w.section_floor)
        score = (
            w.cosine * float(analysis.sims[i])
            + w.keyword * keyword
            + w.rank_prior * prior
            + w.section * section
        )
        if not s.complete:
            score -= w.incomplete
        if names and not (cand.terms & names) and _COUNCIL_NAME.search(s.text):
            score -= w.other_council  # about another council than the one asked about
        if ANAPHORA.match(s.text):
            score -= w.anaphora  # leans on the sentence before it
        if _META.match(s.text):
            score -= w.meta  # describes the document ("This theme explores...") more than the topic
        if audience == "officer":
            if _SPECIFIC.search(s.text):
                score += w.officer_specific
        else:
            if s.words > w.councillor_long_words:
                score -= w.councillor_long_step * min(
                    w.councillor_long_cap, (s.words - w.councillor_long_words) / 3
                )
            elif s.words <= w.councillor_short_words:
                score += w.councillor_short
        scores[i] = score
    return scores


def select_sentences(
    analysis: Analysis, *, audience: Audience, budget: int, weights: AnsweringWeights = WEIGHTS
) -> list[int]:
    """Indices of the candidates to use, best first (MMR with question-term coverage).

    Each step takes the candidate with the best relevance + new coverage of the question's
    content words - redundancy with what is already chosen, among those that fit the word
    budget and are not much weaker than the first choice.
    """
    w = weights.selection
    n = len(analysis.candidates)
    if n == 0:
        return []
    base = base_scores(analysis, audience, weights)
    term_weights = analysis.question_terms
    q_terms = set(term_weights)
    first = int(np.argmax(base))
    floor = max(w.floor_ratio * float(base[first]), float(base[first]) - w.floor_gap)
    chosen = [first]
    words = analysis.candidates[first].sentence.words
    covered = set(analysis.candidates[first].terms & q_terms)
    limit = int(budget * w.overshoot)
    while words < budget * w.fill:
        best, best_score = -1, -1e9
        chosen_vecs = analysis.vectors[chosen]
        redundancy = (analysis.vectors @ chosen_vecs.T).max(axis=1)
        for i in range(n):
            if i in chosen or base[i] < floor:
                continue
            cand = analysis.candidates[i]
            if words + cand.sentence.words > limit or redundancy[i] > w.max_redundancy:
                continue
            new = coverage((cand.terms & q_terms) - covered, term_weights)
            score = (
                float(base[i])
                + w.coverage_gain * new
                - w.redundancy * max(0.0, float(redundancy[i]) - w.redundancy_free)
            )
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        chosen.append(best)
        words += analysis.candidates[best].sentence.words
        covered |= analysis.candidates[best].terms & q_terms
    return chosen


def quote_for(chunk: Chunk, sentences: Sequence[Sentence], max_chars: int = 2400) -> str:
    """The verbatim span of ``chunk`` covering ``sentences`` (so every sentence citing it is
    inside its quote), or the first of them if the span is unusually long."""
    ordered = sorted(sentences, key=lambda s: s.start)
    span = normalise_whitespace(chunk.text[ordered[0].start : ordered[-1].end])
    if len(span) <= max_chars:
        return span
    return sentences[0].quote


def readable(sentence: Sentence, *, follows_previous: bool = False) -> str:
    """The sentence as shown: a dangling connective ("For example, ...") dropped when the
    sentence it connected to is not shown, unbalanced quote marks removed, a full stop added."""
    text = sentence.text
    if not follows_previous:
        stripped = _LEADING_CONNECTIVE.sub("", text)
        if stripped != text:
            text = stripped[:1].upper() + stripped[1:]
    for opening, closing in (("\u201c", "\u201d"), ("\u2018", "\u2019")):
        if text.count(opening) > text.count(closing) and text.startswith(opening):
            text = text[1:]
        if text.count(closing) > text.count(opening) and text.rstrip(".").endswith(closing):
            text = text.replace(closing, "", 1) if text.endswith(closing) else text
    if text.count('"') % 2 == 1:
        text = text.replace('"', "", 1) if text.startswith('"') else text
    return text if re.search(r"[.!?][\"'\u2019\u201d)]*$", text) else text + "."


def with_marker(text: str, n: int | str) -> str:
    """``text`` with `` [n]`` before its closing punctuation."""
    if re.search(r"[\"\u201d\u2019]$", text):
        return f"{text} [{n}]"  # after a closing quote: the quotation stays whole
    match = re.search(r"[.!?]+$", text)
    cut = match.start() if match else len(text)
    return f"{text[:cut]} [{n}]{text[cut:]}"


def compose(
    picks: Sequence[Candidate], hits: Sequence[Hit], *, max_chars: int = 2400
) -> tuple[str, tuple[Citation, ...]]:
    """Order the picked sentences into paragraphs and number their citations.

    Passages appear in the order their first sentence was picked (so the most direct answer
    leads); within a passage sentences keep document order. Citations are numbered 1..n by
    first appearance.
    """
    groups: dict[int, list[Candidate]] = {}
    for pick in picks:
        groups.setdefault(pick.hit_index, []).append(pick)
    paragraphs = []
    citations = []
    for n, (hit_index, members) in enumerate(groups.items(), start=1):
        members.sort(key=lambda c: c.sentence.index)
        lead = next(c for c in picks if c.hit_index == hit_index)
        if members[0] is not lead and not ANAPHORA.match(lead.sentence.text):
            members.remove(lead)  # the most direct answer first, the rest in document order
            members.insert(0, lead)
        shown = {c.sentence.index for c in members}
        paragraphs.append(
            " ".join(
                with_marker(readable(c.sentence, follows_previous=c.sentence.index - 1 in shown), n)
                for c in members
            )
        )
        chunk = hits[hit_index].chunk
        best_first = [c.sentence for c in picks if c.hit_index == hit_index]
        citations.append(Citation(n=n, chunk=chunk, quote=quote_for(chunk, best_first, max_chars)))
    return "\n\n".join(paragraphs), tuple(citations)
