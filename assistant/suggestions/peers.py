"""Peer councils: councils named in passages relevant to the question, each cited.

Only councils the gazetteer finds in an indexed passage are ever suggested. Candidate passages
are the answer's hits plus a dense search of the question over the index; each (council,
passage) pair is scored by the passage's cosine to the question and the cosine of the sentence
naming the council, and ``why`` is that sentence (the catalogue case study's, when there is one).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from cachetools import LRUCache

from assistant.knowledge.gazetteer import Council, CouncilMention
from assistant.suggestions.evidence import (
    CitationNumbering,
    Evidence,
    cosines,
    fold,
    in_heading_line,
    names_a_place,
    sentence_naming,
)
from assistant.suggestions.sources import CatalogueSources
from assistant.suggestions.weights import WEIGHTS, PeerWeights
from assistant.types import Chunk, Hit, Suggestion


@dataclass(frozen=True, slots=True)
class PeerCandidate:
    """A council named in a passage, with the sentence naming it and its score."""

    council: str
    council_type: str | None
    region: str | None
    chunk: Chunk
    evidence: Evidence
    score: float


def council_mentions(
    text: str, find_councils: Callable[[str], Sequence[CouncilMention]]
) -> list[tuple[Council, Evidence]]:
    """(Council, evidence sentence) for each distinct council named in ``text``; when one is
    named several times, a whole sentence outside a heading line wins."""
    by_council: dict[str, list[tuple[int, Council, Evidence]]] = {}
    for m in find_councils(text):
        if names_a_place(text, m.start, m.surface):
            continue  # "launched in Birmingham" says where, not what a council did
        evidence = sentence_naming(text, m.start, m.end, m.surface)
        rank = (0 if evidence.whole else 2) + (1 if in_heading_line(text, m.start) else 0)
        by_council.setdefault(m.council.name, []).append((rank, m.council, evidence))
    out = []
    for found in by_council.values():
        _, council, evidence = min(found, key=lambda f: f[0])
        out.append((council, evidence))
    return out


def own_part(evidence: Evidence) -> str | None:
    """What ``evidence`` says of its council when its sentence lists councils with what each
    did ("... from Cornwall Council (its Transformation Operating Model), Bristol City Council
    (change champion networks) ..."): the council's name and its bracket; else None."""
    if not evidence.needle:
        return None
    sentence = evidence.quote
    start = fold(sentence).find(fold(evidence.needle))
    if start < 0:
        return None
    after = sentence[start + len(evidence.needle) :]
    # "Kent County Council and the London Borough of Barnet (systems thinking)": both did it
    found = re.match(
        r"(?:\s+and\s+(?:the\s+)?[A-Z][\w'\u2019-]*(?:\s+(?:of\s+)?[A-Z][\w'\u2019-]*){0,5})?"
        r"\s*\(([^()]{3,120})\)",
        after,
    )
    if found is None:
        return None
    return f"{sentence[start : start + len(evidence.needle)]} ({found.group(1)})"


def within_lists(
    sims: np.ndarray, groups: Sequence[Sequence[int]], own: dict[int, float]
) -> np.ndarray:
    """``sims`` with each group of listed councils set to the group's mean plus how much
    better or worse its own part (``own``) matches than the group's parts on average."""
    out = sims.astype(np.float32, copy=True)
    for group in groups:
        level = float(np.mean([sims[i] for i in group]))
        mean = float(np.mean([own[i] for i in group]))
        for i in group:
            out[i] = level + float(own[i]) - mean
    return out


def peer_evidence_texts(chunk: Chunk) -> list[str]:
    """The texts peer suggestions embed for ``chunk`` (each named council's evidence
    sentence, with the packaged gazetteer): ingest stores their vectors with the chunk's
    (``assistant.answering.passage_vectors.embed_passages``), so a first-time answer's peers
    embed nothing."""
    from assistant.knowledge.gazetteer import find_councils

    texts = []
    for _, evidence in council_mentions(chunk.text, find_councils):
        texts.append(evidence.text)
        part = own_part(evidence)
        if part is not None:
            texts.append(part)
    return texts


class PeerFinder:
    """Finds councils named in passages and scores them against a question."""

    def __init__(self, sources: CatalogueSources, weights: PeerWeights = WEIGHTS.peers) -> None:
        self.sources = sources
        self.weights = weights
        # Chunk id + text -> its mentions: the same passages come back question after question.
        self._mentions: LRUCache[tuple[str, str], list[tuple[Council, Evidence]]] = LRUCache(4096)
        self._lock = threading.Lock()

    def mentions(self, chunk: Chunk) -> list[tuple[Council, Evidence]]:
        """(Council, evidence sentence) for each distinct council named in ``chunk``'s text.

        When a council is named several times, a whole sentence outside a heading line wins.
        Cached per chunk (id and text).
        """
        key = (chunk.id, chunk.text)
        with self._lock:
            found = self._mentions.get(key)
        if found is None:
            found = self._find_mentions(chunk)
            with self._lock:
                self._mentions[key] = found
        return list(found)

    def _find_mentions(self, chunk: Chunk) -> list[tuple[Council, Evidence]]:
        return council_mentions(chunk.text, self.sources.find_councils)

    def candidates(
        self, question: str, qvec: np.ndarray, hits: Sequence[Hit], cited: set[str]
    ) -> list[PeerCandidate]:
        """(council, passage) pairs from the hits and nearby passages, scored, best first.

        Passages are scored by their cosine to the question (plus a bonus when the answer
        cites them or retrieval returned them); each council keeps its best few passages, and
        only those sentences are embedded to score how well they match the question.
        """
        w = self.weights
        index = self.sources.index
        dense = dict(index.vectors.query(qvec, w.candidates))
        chunks: dict[str, Chunk] = {h.chunk.id: h.chunk for h in hits}
        hit_ids = set(chunks)
        extra_ids = [cid for cid in dense if cid not in chunks]
        for chunk in index.catalog.chunks(extra_ids):
            chunks[chunk.id] = chunk
        passage: dict[str, float] = {
            h.chunk.id: h.dense_score for h in hits if h.dense_score is not None
        }
        for cid, score in dense.items():
            passage.setdefault(cid, score)

        def passage_score(chunk_id: str) -> float:
            bonus = (
                w.cited_bonus if chunk_id in cited else w.hit_bonus if chunk_id in hit_ids else 0.0
            )
            return w.passage * float(passage.get(chunk_id, 0.0)) + bonus

        per_council: dict[str, list[tuple[float, Chunk, Council, Evidence]]] = {}
        for chunk in chunks.values():
            score = passage_score(chunk.id)
            for council, evidence in self.mentions(chunk):
                per_council.setdefault(council.name, []).append((score, chunk, council, evidence))
        found = [
            item
            for items in per_council.values()
            for item in sorted(items, key=lambda i: (-i[0], i[1].id))[: w.passages_per_council]
        ]
        if not found:
            return []
        ids = [c.id for _, c, *_ in found]
        sims = cosines(self.sources.vectors([e.text for *_, e in found], ids), qvec)
        # Councils listed with what each did ("Cornwall Council (its Transformation Operating
        # Model), Bristol City Council (...)") share the list's mean cosine (each one's window
        # of it is an accident of where it stands); within the list, each is ranked by its own
        # part against the others'.
        parts = [own_part(e) for *_, e in found]
        listed: dict[str, list[int]] = {}  # one passage's councils named with a bracket each
        for i, ((_, chunk, _, _), part) in enumerate(zip(found, parts, strict=True)):
            if part is not None:
                listed.setdefault(chunk.id, []).append(i)
        groups = [g for g in listed.values() if len(g) > 1]
        if groups:
            members = [i for g in groups for i in g]
            own = cosines(self.sources.vectors([parts[i] or "" for i in members], ids), qvec)
            sims = within_lists(sims, groups, dict(zip(members, own, strict=True)))
        out = [
            PeerCandidate(
                council=council.name,
                council_type=council.type,
                region=council.region,
                chunk=chunk,
                evidence=evidence,
                score=score + w.sentence * float(sim),
            )
            for (score, chunk, council, evidence), sim in zip(found, sims, strict=True)
        ]
        out.sort(key=lambda c: (-c.score, c.council, c.chunk.id))
        return out

    def case_study_options(self, council: str) -> list[tuple[Chunk, Evidence]]:
        """The sentences of the council's catalogue case study that name it."""
        study = self.sources.catalogue.case_study(council)
        if study is None:
            return []
        return [
            (chunk, evidence)
            for chunk in self.sources.catalogue_chunks((study.path, study.id), study.title)
            for c, evidence in self.mentions(chunk)
            if c.name == council and evidence.whole
        ]

    def case_study_evidence(self, council: str, qvec: np.ndarray) -> tuple[Chunk, Evidence] | None:
        """The sentence of the council's catalogue case study that names it and best matches
        the question (the catalogue says what the council did, in plain words)."""
        options = self.case_study_options(council)
        if not options:
            return None
        sims = cosines(self.sources.vectors([e.text for _, e in options]), qvec)
        return options[int(np.argmax(sims))]

    def warm_case_studies(self) -> int:
        """Embed the case-study sentences naming each council once, up front (they are what
        peers quote); returns how many. Safe on an empty index (nothing to embed)."""
        texts = {
            evidence.text
            for study in self.sources.catalogue.case_studies
            for _, evidence in self.case_study_options(study.council)
        }
        self.sources.precompute(sorted(texts))
        return len(texts)

    def suggest(
        self, question: str, qvec: np.ndarray, hits: Sequence[Hit], numbering: CitationNumbering
    ) -> list[Suggestion]:
        """Up to ``max_peers`` councils named in relevant passages, each cited."""
        best: dict[str, PeerCandidate] = {}
        for cand in self.candidates(question, qvec, hits, numbering.cited_ids):
            best.setdefault(cand.council, cand)
        # A council whose case study the answer cites is a peer first, in the answer's order:
        # an answer that says "The St Helens case study says..." lists St Helens as a peer.
        answered = [
            council
            for c in numbering.in_order
            if c.chunk.doc_type == "case_study"
            for council in c.chunk.councils
        ]
        first = {council: i for i, council in enumerate(dict.fromkeys(answered))}
        ranked = sorted(
            best.values(), key=lambda c: (first.get(c.council, len(first)), -c.score, c.council)
        )
        if not ranked:
            return []
        floor = max(c.score for c in ranked) * self.weights.relative_floor
        out = []
        for cand in ranked[: self.weights.max_peers]:
            if cand.score < floor and cand.council not in first:
                break
            # The catalogue case study says what the council did in plain words: prefer it,
            # unless the answer already quotes the council from this passage.
            if cand.chunk.doc_type != "case_study" and not numbering.quotes(
                cand.chunk.id, cand.evidence.needle
            ):
                better = self.case_study_evidence(cand.council, qvec)
                if better is not None:
                    cand = replace(cand, chunk=better[0], evidence=better[1])
            n = numbering.cite(cand.chunk, cand.evidence.quote, needle=cand.evidence.needle)
            out.append(
                Suggestion(
                    kind="peer",
                    title=cand.council,
                    why=cand.evidence.text,
                    citations=(n,),
                    council_type=cand.council_type,
                    region=cand.region,
                )
            )
        return out
