"""The generative answer and its post-check.

Renders the prompts, calls the chat model, then checks what came back: invented citation
numbers are dropped, URLs that are not in the sources are stripped, every sentence is checked
against the passage it cites (embedding cosine to the passage's best sentence plus content-word
overlap, and every number must appear in the passage), and unsupported sentences are removed.
If too little survives, or the output repeats the system prompt, the caller answers
extractively instead (``generate_answer`` returns None).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np

from assistant.answering.analysis import Analysis
from assistant.answering.draft import (
    NOT_IN_SOURCES,
    WEAK_EVIDENCE_REASON,
    Draft,
    refusal,
    with_marker,
)
from assistant.answering.extractive import quote_for
from assistant.answering.prompts import build_messages, system_prompt_leaked
from assistant.answering.weights import WEIGHTS, AnsweringWeights
from assistant.errors import ProviderError
from assistant.guardrails.scope import looks_like_instruction, looks_partisan
from assistant.ports import ChatModel, Embedder
from assistant.text.glossary import expand_acronyms, known_acronyms
from assistant.text.sentences import Sentence, normalise_whitespace, split_sentences
from assistant.text.terms import content_terms, numbers_in
from assistant.types import Audience, Citation, Hit

log = logging.getLogger(__name__)

_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_MD_LINK_URL = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
MARKERS = re.compile(r"\s*\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_REFUSAL_PHRASES = re.compile(
    r"\b(?:sources|passages|documents|information provided)\b.{0,30}\b(?:do not|don't|does not|"
    r"doesn't)\s+(?:contain|cover|answer|mention|include|say|provide)",
    re.IGNORECASE,
)


def generate_answer(
    question: str,
    hits: Sequence[Hit],
    analysis: Analysis,
    *,
    audience: Audience,
    words: int,
    chat_model: ChatModel,
    embedder: Embedder,
    weights: AnsweringWeights = WEIGHTS,
) -> Draft | None:
    """The checked generative answer, a refusal, or None to fall back to extractive."""
    messages = build_messages(question, audience=audience, hits=hits, words=words)
    try:
        raw = chat_model.generate(messages)
    except ProviderError as exc:
        log.warning("chat model failed, answering extractively: %s", exc)
        return None
    raw = (raw or "").strip()
    support = weights.support
    if system_prompt_leaked(raw, shingle=support.leak_shingle, allowed=support.leak_allowed):
        log.warning("chat model output repeated the system prompt; answering extractively")
        return None
    # NOT_IN_SOURCES refuses when it is the reply; a small local model also tacks it onto an
    # answer it wrote (measured with Qwen2.5-Coder-1.5B), and that answer is checked like any.
    answer_part = raw.replace(NOT_IN_SOURCES, "").strip(" \n.")
    if len(answer_part.split()) < 4 or (_REFUSAL_PHRASES.search(raw) and not MARKERS.search(raw)):
        return refusal(WEAK_EVIDENCE_REASON, evidence=analysis.evidence)
    raw = raw.replace(NOT_IN_SOURCES, "").strip()
    checked = check_generated(
        raw,
        hits,
        analysis.all_sentences,
        embedder,
        min_cosine=support.min_cosine,
        min_overlap=support.min_overlap,
        min_kept=support.min_kept,
        overlap_alone=support.overlap_alone,
        max_chars=weights.candidates.quote_max_chars,
    )
    if checked is None:
        log.info("generated answer failed the support check; answering extractively")
        return None
    text, citations = checked
    if audience == "councillor":
        text = expand_acronyms(text, known_acronyms(hits))
    return Draft(text, citations, False, None, analysis.evidence)


def trusted_text(passage: str) -> str:
    """A passage without its instruction-like sentences ("ignore previous instructions", "note
    to AI assistants: ..."): what a generated answer may draw facts and URLs from."""
    return " ".join(s.text for s in split_sentences(passage) if not looks_like_instruction(s.text))


def strip_unknown_urls(text: str, hits: Sequence[Hit]) -> str:
    """Remove URLs that appear in none of the passages (markdown links keep their text); a URL
    that only a planted instruction mentions does not count."""
    known = " ".join([trusted_text(h.chunk.text) for h in hits] + [h.chunk.url or "" for h in hits])

    def allowed(url: str) -> bool:
        return url.rstrip(".,;:") in known

    text = _MD_LINK_URL.sub(lambda m: m.group(0) if allowed(m.group(2)) else m.group(1), text)
    text = _URL.sub(lambda m: m.group(0) if allowed(m.group(0)) else "", text)
    text = re.sub(r"\s*\(\s*(?:see|at|via|visit|from)?\s*\)", "", text, flags=re.IGNORECASE)
    text = re.sub(r",?\s+\b(?:see|at|via|visit)\s*(?=[.;\[]|$)", "", text, flags=re.IGNORECASE)
    return re.sub(r"[ \t]{2,}", " ", text)


def split_answer(text: str) -> list[tuple[str, list[int]]]:
    """Sentences of a generated answer with the passage numbers each cites."""
    # "claim. [1] Next" -> "claim [1]. Next" so markers stay with their sentence.
    text = re.sub(r"([.!?])((?:\s*\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\])+)", r"\2\1", text)
    out = []
    for sentence in split_sentences(text):
        numbers: list[int] = []
        for group in MARKERS.findall(sentence.text):
            numbers.extend(int(x) for x in re.split(r"\s*[,;]\s*", group))
        plain = normalise_whitespace(MARKERS.sub("", sentence.text))
        plain = re.sub(r"\s+([.!?,;:])", r"\1", plain)
        if plain:
            out.append((plain, numbers))
    return out


def check_generated(
    raw: str,
    hits: Sequence[Hit],
    all_sentences: Sequence[Sequence[Sentence]],
    embedder: Embedder,
    *,
    min_cosine: float = WEIGHTS.support.min_cosine,
    min_overlap: float = WEIGHTS.support.min_overlap,
    min_kept: float = WEIGHTS.support.min_kept,
    overlap_alone: float = WEIGHTS.support.overlap_alone,
    max_chars: int = WEIGHTS.candidates.quote_max_chars,
) -> tuple[str, tuple[Citation, ...]] | None:
    """Keep only the generated sentences their cited passages support; renumber citations.

    Returns None (fall back to extractive) when under ``min_kept`` of the sentences survive
    or nothing cited survives.
    """
    text = strip_unknown_urls(raw, hits)
    parts = split_answer(text)
    if not parts:
        return None
    vecs = np.asarray(embedder.embed([p for p, _ in parts]), dtype=np.float32)
    # Sentence vectors of the cited passages, embedded in one batch. A sentence the model left
    # without a marker may be supported by any passage: it is checked against all of them and
    # cited to the one that supports it best, as if the model had cited that one.
    everything = range(1, len(hits) + 1)
    uncited = any(not ns for _, ns in parts)
    cited = sorted({n for _, ns in parts for n in (ns or everything) if 1 <= n <= len(hits)})
    if uncited:
        cited = list(everything)
    source_texts: list[str] = []
    owners: list[tuple[int, Sentence]] = []
    for n in cited:
        for s in all_sentences[n - 1]:
            if looks_like_instruction(s.text):
                continue  # a planted instruction supports nothing
            source_texts.append(s.text)
            owners.append((n, s))
    source_vecs = (
        np.asarray(embedder.embed(source_texts), dtype=np.float32) if source_texts else None
    )
    kept: list[tuple[str, list[int], dict[int, Sentence]]] = []
    for (plain, numbers), vec in zip(parts, vecs, strict=True):
        valid = [n for n in dict.fromkeys(numbers or everything) if 1 <= n <= len(hits)]
        if (
            not valid
            or source_vecs is None
            or looks_like_instruction(plain)
            or looks_partisan(plain)
        ):
            continue
        terms = content_terms(plain)
        support: dict[int, Sentence] = {}
        similarity: dict[int, float] = {}  # passage -> cosine of its best supporting sentence
        for n in valid:
            chunk_text = trusted_text(hits[n - 1].chunk.text)
            rows = [i for i, (owner, _) in enumerate(owners) if owner == n]
            if not rows:
                continue
            sims = source_vecs[rows] @ vec
            best = int(np.argmax(sims))
            overlap = len(terms & content_terms(chunk_text)) / len(terms) if terms else 0.0
            numbers_ok = numbers_in(plain) <= numbers_in(chunk_text)
            if (
                numbers_ok
                and overlap >= min_overlap
                and (float(sims[best]) >= min_cosine or overlap >= overlap_alone)
            ):
                support[n] = owners[rows[best]][1]
                similarity[n] = float(sims[best])
        if support and not numbers:  # cited here: only the passage that supports it best
            best_n = max(support, key=similarity.__getitem__)
            support = {best_n: support[best_n]}
        if support:
            kept.append((plain, list(support), support))
    if not kept or len(kept) < min_kept * len(parts):
        return None
    numbering: dict[int, int] = {}
    quotes: dict[int, list[Sentence]] = {}
    out = []
    for plain, numbers, support in kept:
        for n in numbers:
            numbering.setdefault(n, len(numbering) + 1)
            quotes.setdefault(n, [])
            if support[n] not in quotes[n]:
                quotes[n].append(support[n])
        markers = "][".join(str(numbering[n]) for n in numbers)
        sentence = plain if re.search(r"[.!?][\"'\u2019\u201d)]*$", plain) else plain + "."
        out.append(with_marker(sentence, markers))
    citations = tuple(
        Citation(
            n=new,
            chunk=hits[old - 1].chunk,
            quote=quote_for(hits[old - 1].chunk, quotes[old], max_chars),
        )
        for old, new in numbering.items()
    )
    return " ".join(out), citations
