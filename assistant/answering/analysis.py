"""Question analysis: the question and its passages split into sentences and embedded once.

Both answerers work from the ``Analysis``: candidate sentences (those that can stand in an
answer), their vectors and cosines to the question, how well each one's section matches the
question, the question's weighted terms, and the refusal score.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from cachetools import LRUCache

from assistant.answering.evidence import refusal_score
from assistant.answering.passage_vectors import merge, vectors_for
from assistant.answering.question import QuestionAnalysis, analyse_question, without_framing
from assistant.answering.structure import (
    Person,
    Role,
    defined_initials,
    document_roles,
    list_blocks,
    role_at,
    role_spans,
)
from assistant.answering.weights import WEIGHTS, AnsweringWeights, CandidateRules
from assistant.guardrails.scope import looks_like_instruction, looks_partisan
from assistant.ports import Embedder, TextVectors
from assistant.retrieval.synonyms import expand_query
from assistant.text.glossary import with_expansions
from assistant.text.openings import ATTRIBUTION_LINE, HONORIFICS
from assistant.text.sentences import Sentence, normalise_whitespace, split_sentences
from assistant.text.terms import content_terms, question_names
from assistant.types import Chunk, Hit, is_catalogue

_CALL_TO_ACTION = re.compile(
    r"\b(?:please visit|click here|find out more|sign up|register (?:now|here)|contact us|"
    r"email us|visit (?:our|the) website|follow us|download (?:the|our))\b",
    re.IGNORECASE,
)
_LINK_LIST_HEADING = re.compile(
    r"^\s*(?:related(?: \w+)?|see also|useful links?|further (?:reading|information)|links|"
    r"references|sources|contacts?|contact us|more information)\b",
    re.IGNORECASE,
)


_SAID_LINE = re.compile(
    rf"^(?:{HONORIFICS})?\s*[A-Z][a-z]+ [A-Z][a-z]+,"
    r"[^,]{3,120},\s*(?:said|says|added)\s*:$"
)


_LIST_ITEM_MAX_WORDS = 25


def list_sentences(text: str, every: Sequence[Sentence]) -> list[Sentence]:
    """A list of lower-case items after a lead ("Councillors in a leadership role are expected
    to:" / "approve business cases and resources;" / ...) as one sentence: its items are no
    sentences on their own, so they could never be part of an answer."""
    out = []
    for block in list_blocks(text):
        items = [item.rstrip(" ;.,") for item in block.items]
        if (
            not block.lead.endswith(":")
            or not 2 <= len(items) <= 8
            or not all(item[:1].islower() for item in items)
            or any(len(item.split()) > _LIST_ITEM_MAX_WORDS for item in items)
        ):
            continue
        first = next((x for x in every if x.start >= block.start), None)
        if first is None:
            continue
        joined = "; ".join(items[:-1]) + f"; and {items[-1]}"
        out.append(
            Sentence(
                text=f"{block.lead} {joined}.",
                quote=normalise_whitespace(text[block.start : block.end]),
                start=block.start,
                end=block.end,
                index=first.index,
                complete=True,
                heading=first.heading,
            )
        )
    return out


def added_ranks(hits: Sequence[Hit], added: set[str]) -> tuple[int, ...]:
    """Each hit's retrieval rank: a chunk in ``added`` (a section's suggestions put after a
    hit by ``Analyser.with_suggestions``) shares the rank of the hit before it."""
    out: list[int] = []
    rank = -1
    for hit in hits:
        if hit.chunk.id not in added or rank < 0:
            rank += 1
        out.append(rank)
    return tuple(out)


def _in_quoted_paragraph(text: str, sentence: Sentence) -> bool:
    """Does the paragraph holding ``sentence`` open with a quotation mark (a quotation's
    paragraphs each do, in the LGA's press releases)?"""
    start = text.rfind("\n", 0, sentence.start) + 1
    return text[start : sentence.start + 1].lstrip()[:1] in ("\u201c", '"')


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence that may stand in an answer, with where it comes from."""

    sentence: Sentence
    hit_index: int  # 0-based position of the passage in the hits
    terms: frozenset[str]
    headings: frozenset[str]  # headings the sentence sits under (chunk path + in-chunk heading)
    role: Role | None = None  # the section role it sits in (challenge, suggestion...)
    catalogue: bool = False  # from the project's own catalogue, not a primary document
    document_id: str = ""


@dataclass(frozen=True, slots=True)
class ChunkInfo:
    """A chunk's sentences, split and embedded once (cached by chunk id)."""

    sentences: tuple[Sentence, ...]  # every sentence (for quotes and support checks)
    usable: tuple[Sentence, ...]  # those that may stand in an answer
    vectors: np.ndarray  # one row per usable sentence
    questions: tuple[Sentence, ...]  # the document's own questions ("How can councils...?")
    question_vectors: np.ndarray


@dataclass(frozen=True, slots=True)
class Analysis:
    """The question and passages, embedded once: what both answerers work from."""

    question_vec: np.ndarray
    question_terms: dict[str, float]  # content term -> weight (rarer in the passages: higher)
    question_names: frozenset[str]  # stemmed names in the question ("brighton", "hove")
    candidates: tuple[Candidate, ...]
    vectors: np.ndarray  # one row per candidate
    sims: np.ndarray  # cosine of each candidate to the question
    context: np.ndarray  # how well each candidate's section matches the question
    all_sentences: tuple[tuple[Sentence, ...], ...]  # per hit, every sentence (for quotes)
    evidence: float  # the refusal score
    question: QuestionAnalysis = field(default_factory=lambda: analyse_question(""))
    people: dict[str, Person] = field(default_factory=dict)  # initials the documents define
    question_text: str = ""  # the question as asked
    # candidate -> the candidate naming the speaker it quotes ("Cllr Abi Brown, Chairman of
    # the LGA's Improvement and Innovation Board, said:" above, or "- Rishi Sunak, Minister
    # ..." below), that line included
    speakers: dict[int, int] = field(default_factory=dict)
    # hit index -> its retrieval rank (a section's suggestions added after a hit share its
    # rank: they do not push the hits after them down); empty: the hit index itself
    ranks: tuple[int, ...] = ()


@functools.lru_cache(maxsize=16384)  # pure; the same passages' sentences come back
def usable(sentence: Sentence, rules: CandidateRules = WEIGHTS.candidates) -> bool:
    """Can this sentence stand in an answer on its own?"""
    text = sentence.text
    words = sentence.words
    if words < rules.min_words or words > rules.max_words:
        return False
    if text.endswith(":") and _SAID_LINE.match(text):
        return True  # "Cllr A B, Chair of the Board, said:": who someone is
    if ATTRIBUTION_LINE.match(text):
        return True  # "Rishi Sunak, Minister for Local Government" under a quotation
    if text.endswith(("?", ":", "?\u201d")) or text[:1].islower():
        return False
    if not sentence.complete:
        capitalised = sum(w[:1].isupper() for w in text.split())
        if (
            words < rules.fragment_min_words
            or capitalised > rules.fragment_max_capitalised * words
            or ":" in text[:40]
            or "|" in text
        ):
            return False  # a title, link text or table cell, not a statement
    letters = sum(c.isalpha() for c in text)
    if letters < rules.min_letters * len(text) or _CALL_TO_ACTION.search(text):
        return False
    return not looks_like_instruction(text) and not looks_partisan(text)


def is_doc_question(sentence: Sentence, rules: CandidateRules = WEIGHTS.candidates) -> bool:
    """Is this one of the document's own questions ("How can councils...?")?"""
    return (
        sentence.text.endswith(("?", "?\u201d")) and sentence.words >= rules.doc_question_min_words
    )


def headings_of(chunk: Chunk, sentence: Sentence) -> frozenset[str]:
    """The headings ``sentence`` sits under (the document title left out)."""
    # The first heading is usually the document title: it says nothing about the section.
    path = chunk.heading_path[1:] if len(chunk.heading_path) > 1 else chunk.heading_path
    if sentence.heading and path and sentence.heading != path[-1]:
        # Under a heading met inside the chunk: it may start a new section, so only the
        # chunk's innermost heading (possibly its parent) still applies.
        path = path[-1:]
    heads = set(path)
    if sentence.heading:
        heads.add(sentence.heading)
    return frozenset(h for h in heads if h and h != chunk.title)


def term_weights(question: str, candidates: Sequence[Candidate]) -> dict[str, float]:
    """Question content terms weighted by rarity among the candidate sentences (IDF), names
    (capitalised mid-question words) counted double."""
    terms = content_terms(question)
    if not terms:
        return {}
    names = question_names(question)
    n = max(1, len(candidates))
    weights = {}
    for term in terms:
        df = sum(term in c.terms for c in candidates)
        weight = float(np.log(1.0 + n / (1.0 + df)))
        weights[term] = weight * (2.0 if term in names else 1.0)
    return weights


def coverage(terms: frozenset[str] | set[str], weights: dict[str, float]) -> float:
    """The weighted share of the question's terms that ``terms`` covers."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in terms) / total if total else 0.0


def dedupe_hits(hits: Sequence[Hit]) -> list[Hit]:
    """``hits`` without repeated chunks, first occurrence kept."""
    seen: set[str] = set()
    out = []
    for hit in hits:
        if hit.chunk.id not in seen:
            seen.add(hit.chunk.id)
            out.append(hit)
    return out


class Analyser:
    """Builds the ``Analysis`` of a question and its hits, one embedding batch per request.

    Chunks' sentences and headings' vectors are cached (LRU) across requests: the same
    passages come back for related questions. With ``stored_vectors`` (the catalogue's
    vectors embedded at ingest) only the question, and whatever is not stored, is embedded.
    """

    def __init__(
        self,
        embedder: Embedder,
        weights: AnsweringWeights = WEIGHTS,
        document_chunks: Callable[[str], Sequence[Chunk]] | None = None,
        stored_vectors: Callable[[Sequence[str]], Mapping[str, TextVectors]] | None = None,
    ) -> None:
        self.embedder = embedder
        self.stored_vectors = stored_vectors
        self.weights = weights
        # The catalogue's chunks of a document, in order: section roles and defined initials
        # are read across the whole document, not just the retrieved chunk.
        self.document_chunks = document_chunks
        self._documents: LRUCache[str, _DocumentStructure] = LRUCache(256)
        self._chunks: LRUCache[str, ChunkInfo] = LRUCache(weights.cache_size)
        self._headings: LRUCache[str, np.ndarray] = LRUCache(weights.cache_size)
        self._lock = threading.Lock()  # cachetools caches are not thread-safe

    def analyse(
        self, question: str, hits: Sequence[Hit], ranks: Sequence[int] | None = None
    ) -> Analysis:
        """The analysis of ``question`` over ``hits`` (already de-duplicated); ``ranks``: each
        hit's retrieval rank when it is not its index (``added_ranks``)."""
        rules = self.weights.candidates
        infos: dict[str, ChunkInfo] = {}
        pending: dict[str, tuple[list[Sentence], list[Sentence], list[Sentence]]] = {}
        for hit in hits:
            cid = hit.chunk.id
            with self._lock:
                cached = self._chunks.get(cid)
            if cached is not None:
                infos[cid] = cached
            elif cid not in pending:
                every = split_sentences(hit.chunk.text)
                use = [x for x in every if usable(x, rules)]
                use += list_sentences(hit.chunk.text, every)
                questions = [x for x in every if is_doc_question(x, rules)]
                pending[cid] = (every, use, questions)
        headings = sorted(
            {h for hit in hits for h in hit.chunk.heading_path}
            | {x.heading for info in pending.values() for x in info[0] if x.heading}
            | {x.heading for info in infos.values() for x in info.sentences if x.heading}
        )
        with self._lock:
            known = {h: self._headings[h] for h in headings if h in self._headings}
        new_headings = [h for h in headings if h not in known]
        # One embedding batch: the question, new sentences, new doc questions, new headings.
        topic = without_framing(question)  # not "I need it for a report."
        texts = [with_expansions(topic)]
        for _, use, questions in pending.values():
            texts += [with_expansions(x.text) for x in use]
            texts += [with_expansions(x.text) for x in questions]
        texts += new_headings
        matrix = self._embed(texts, [hit.chunk.id for hit in hits])
        question_vec = matrix[0]
        row = 1
        for cid, (every, use, questions) in pending.items():
            vecs = matrix[row : row + len(use)]
            row += len(use)
            qvecs = matrix[row : row + len(questions)]
            row += len(questions)
            info = ChunkInfo(tuple(every), tuple(use), vecs, tuple(questions), qvecs)
            infos[cid] = info
        for heading in new_headings:
            known[heading] = matrix[row]
            row += 1
        with self._lock:
            for cid in pending:
                self._chunks[cid] = infos[cid]
            for heading in new_headings:
                self._headings[heading] = known[heading]
        heading_sim = {h: float(known[h] @ question_vec) for h in headings}

        # Sections whose own question (a document's "How can councils...?") matches ours:
        # the sentences that follow it in that section are likely the answer.
        section_match: dict[tuple[str, str], float] = {}
        for hit in hits:
            info = infos[hit.chunk.id]
            if not info.questions:
                continue
            sims = info.question_vectors @ question_vec
            for qs, sim in zip(info.questions, sims, strict=True):
                key = qs.heading or (hit.chunk.heading_path[-1] if hit.chunk.heading_path else "")
                k = (hit.chunk.document_id, key)
                section_match[k] = max(section_match.get(k, 0.0), float(sim))

        candidates: list[Candidate] = []
        attributed: dict[int, list[int]] = {}  # attribution line -> the quote's sentences
        rows: list[np.ndarray] = []
        context: list[float] = []
        seen: set[str] = set()
        all_sentences = []
        people: dict[str, Person] = {}
        speakers: dict[int, int] = {}
        for index, hit in enumerate(hits):
            info = infos[hit.chunk.id]
            all_sentences.append(info.sentences)
            speaker: int | None = None  # the said-line whose quotation runs on
            structure = self._structure(hit.chunk)
            for abbr, person in structure.people.items():
                people.setdefault(abbr, person)
            spans = role_spans(hit.chunk.text, structure.roles.get(hit.chunk.id))
            for sentence, vec in zip(info.usable, info.vectors, strict=True):
                key = sentence.text.lower()
                if key in seen:
                    continue  # overlapping chunks repeat sentences
                seen.add(key)
                inner = sentence.heading or (
                    hit.chunk.heading_path[-1] if hit.chunk.heading_path else ""
                )
                if _LINK_LIST_HEADING.match(inner):
                    continue  # "Related" / "Useful links" lists name resources, they don't answer
                heads = headings_of(hit.chunk, sentence)
                ctx = max([heading_sim.get(h, 0.0) for h in heads] or [0.0])
                for h in heads:
                    ctx = max(ctx, section_match.get((hit.chunk.document_id, h), 0.0))
                terms = frozenset(content_terms(with_expansions(sentence.text)))
                named = [
                    person.name
                    for abbr, person in structure.people.items()
                    if re.search(rf"\b{re.escape(abbr)}\b", sentence.text)
                    and person.name not in sentence.text
                ]
                if named:  # "SA added three points": a sentence about Susan Attard (SA)
                    terms |= frozenset(content_terms(" ".join(named)))
                quote = _quoted_before(candidates, index, sentence)
                if quote:  # "Rishi Sunak, Minister for Local Government" under his quote
                    terms |= frozenset().union(*(candidates[i].terms for i in quote))
                    attributed[len(candidates)] = quote
                if sentence.text.endswith(":") and _SAID_LINE.match(sentence.text):
                    speaker = len(candidates)
                elif speaker is not None and not _in_quoted_paragraph(hit.chunk.text, sentence):
                    speaker = None
                if speaker is not None:
                    speakers[len(candidates)] = speaker
                role = role_at(spans, sentence.start)
                candidates.append(
                    Candidate(
                        sentence,
                        index,
                        terms,
                        heads,
                        role,
                        is_catalogue(hit.chunk),
                        hit.chunk.document_id,
                    )
                )
                rows.append(vec)
                context.append(ctx)
        dim = question_vec.shape[0]
        vectors = np.stack(rows) if rows else np.zeros((0, dim), dtype=np.float32)
        sims = vectors @ question_vec if rows else np.zeros(0, dtype=np.float32)
        for line, quote in attributed.items():
            # Who said it is as relevant as what they said ("which minister backed it?").
            sims[line] = max(float(sims[line]), *(float(sims[i]) for i in quote))
            for i in (*quote, line):  # "- Cllr Peter Fleming, Chairman of ..." under a quote
                speakers.setdefault(i, line)
        # The documents' own words for how the question asks ("go first" -> prioritisation)
        # count as the question's words, as they do for the keyword search.
        asked = expand_query(topic)
        weights = term_weights(with_expansions(asked, skip_common=True), candidates)
        evidence = refusal_score(question, sims, hits, self.weights.evidence)
        return Analysis(
            question_vec,
            weights,
            frozenset(question_names(question)),
            tuple(candidates),
            vectors,
            sims,
            np.asarray(context, dtype=np.float32),
            tuple(all_sentences),
            evidence,
            analyse_question(question),
            people,
            question,
            speakers,
            tuple(ranks) if ranks is not None else (),
        )

    def with_suggestions(self, hits: Sequence[Hit], role: Role = "suggestion") -> list[Hit]:
        """``hits`` with, after each of the top few, the chunks of its section that hold the
        section's suggested approaches (or another ``role``: "action", what the presenter
        then planned), when retrieval found the problem and not the advice.

        A document such as the action-learning one describes a challenge, then lists
        "Practical suggestions and steps:" in the chunks that follow, then the "Response";
        an advice question's words often match the challenge best. An added chunk takes its
        source's score."""
        w = self.weights.answer_type
        if self.document_chunks is None:
            return list(hits)
        have = {hit.chunk.id for hit in hits}
        extra: dict[int, list[Hit]] = {}
        added = 0
        for rank, hit in enumerate(hits[: w.suggestion_sources]):
            chunk = hit.chunk
            if len(chunk.heading_path) < 2 or added >= w.suggestion_chunks:
                continue
            section = chunk.heading_path[:2]
            siblings = [
                c
                for c in self.document_chunks(chunk.document_id)
                if c.heading_path[:2] == section and c.id not in have
            ]
            if not siblings:
                continue
            roles = self._structure(chunk).roles
            taken = 0
            for sibling in sorted(siblings, key=lambda c: abs(c.position - chunk.position)):
                spans = role_spans(sibling.text, roles.get(sibling.id))
                if not any(found == role for _, found in spans):
                    continue
                extra.setdefault(rank, []).append(replace(hit, chunk=sibling))
                have.add(sibling.id)
                added += 1
                taken += 1
                if taken >= w.suggestion_per_source or added >= w.suggestion_chunks:
                    break
        out: list[Hit] = []
        for rank, hit in enumerate(hits):
            out.append(hit)
            out.extend(extra.get(rank, ()))
        return out

    def _embed(self, texts: list[str], chunk_ids: list[str]) -> np.ndarray:
        """Vectors of ``texts``: stored ones from the chunks' ingest-time vectors, the rest
        (always the question) embedded in one batch."""
        if self.stored_vectors is None or len(texts) == 1:
            return np.asarray(self.embedder.embed(texts), dtype=np.float32)
        stored = merge(self.stored_vectors(chunk_ids).values())
        return vectors_for(texts, stored, self.embedder.embed)

    def _structure(self, chunk: Chunk) -> _DocumentStructure:
        """Roles and defined initials of ``chunk``'s document (cached until it changes)."""
        with self._lock:
            cached = self._documents.get(chunk.document_id)
        if cached is not None and chunk.id in cached.roles:
            return cached
        chunks: Sequence[Chunk] = ()
        if self.document_chunks is not None:
            chunks = self.document_chunks(chunk.document_id)
        if not any(c.id == chunk.id for c in chunks):
            chunks = [chunk]
        people: dict[str, Person] = {}
        for c in chunks:
            for abbr, person in defined_initials(c.text).items():
                people.setdefault(abbr, person)
        structure = _DocumentStructure(document_roles(chunks), people)
        with self._lock:
            self._documents[chunk.document_id] = structure
        return structure


@dataclass(frozen=True, slots=True)
class _DocumentStructure:
    roles: dict[str, Role | None]  # chunk id -> role in force where the chunk starts
    people: dict[str, Person]


_QUOTE_SENTENCES = 3  # an attribution line names who said at most this many sentences before it


def _quoted_before(candidates: Sequence[Candidate], hit_index: int, line: Sentence) -> list[int]:
    """The candidates (indices) of the quotation an attribution line ("Rishi Sunak, Minister
    for Local Government") closes: the sentences just before it in its passage, back to the
    one opening the quote; [] when ``line`` is no attribution line."""
    if not ATTRIBUTION_LINE.match(line.text):
        return []
    found: list[int] = []
    for i in range(len(candidates) - 1, -1, -1):
        cand = candidates[i]
        if cand.hit_index != hit_index or cand.sentence.index < line.index - _QUOTE_SENTENCES:
            break
        if ATTRIBUTION_LINE.match(cand.sentence.text):
            break  # the line before belongs to the quotation before this one
        found.append(i)
        if cand.sentence.text.lstrip().startswith(("\u201c", '"')):
            break
    return found
