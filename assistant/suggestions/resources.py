"""LGA resources: catalogue resources relevant to the question, each cited.

Scored by the cosine of the question to the resource's name + summary, theme overlap with the
question and hits, and whether a hit names it; cited to the resource's own catalogue passage
(the catalogue is ingested) or a passage naming it. For refused questions, ``pointers`` name
what the corpus covers instead.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from assistant.suggestions.evidence import (
    CitationNumbering,
    compile_names,
    cosines,
    first_sentence,
)
from assistant.suggestions.sources import CatalogueSources
from assistant.suggestions.weights import WEIGHTS, ResourceWeights
from assistant.types import Hit, Suggestion


class ResourceSuggester:
    """Ranks and cites the catalogue's resources."""

    def __init__(
        self,
        sources: CatalogueSources,
        templates: dict[str, Any],
        weights: ResourceWeights = WEIGHTS.resources,
    ) -> None:
        self.sources = sources
        self.weights = weights
        self.entries = sources.resources
        self._pointer_template: str = templates.get("pointer", "{summary}")
        self._patterns = [compile_names(r.names) for r in self.entries]
        # Which resources a passage names, found once per passage text: every answer asked
        # this of each resource for each hit (about 10% of a crowd's server CPU, py-spy).
        self.named_in = lru_cache(maxsize=4096)(self._find_named)
        self._vectors = sources.embed_catalogue([f"{r.name}. {r.summary}" for r in self.entries])
        self._lock = threading.Lock()
        self._pointer_order: list[int] | None = None

    def _find_named(self, text: str) -> frozenset[int]:
        return frozenset(
            i for i, pattern in enumerate(self._patterns) if pattern and pattern.search(text)
        )

    def citation(self, i: int, hits: Sequence[Hit], numbering: CitationNumbering) -> int | None:
        """Citation for resource ``i``: an answer passage naming it, else its catalogue
        passage, else another hit naming it; ``None`` when no indexed passage evidences it."""
        resource, pattern = self.entries[i], self._patterns[i]
        named: list[Hit] = [h for h in hits if i in self.named_in(h.chunk.text)]
        for hit in named:
            known = numbering.answer_number(hit.chunk.id)
            if known is not None:
                return known
        own = self.sources.best_passage(
            self.sources.catalogue_chunks(resource.hints, resource.name), pattern, resource.summary
        )
        if own is not None:
            return numbering.cite(own[0], own[1].quote, needle=own[1].needle)
        for hit in named:
            found = self.sources.best_passage([hit.chunk], pattern, resource.summary)
            if found is not None:
                return numbering.cite(found[0], found[1].quote, needle=found[1].needle)
        return None

    def suggest(
        self,
        qvec: np.ndarray,
        themes: dict[str, float],
        hits: Sequence[Hit],
        numbering: CitationNumbering,
    ) -> list[Suggestion]:
        """Up to ``max_resources`` catalogue resources relevant to the question, each cited."""
        w = self.weights
        if not self.entries:
            return []
        sims = cosines(self._vectors, qvec)
        cited = [h for h in hits if h.chunk.id in numbering.cited_ids]
        top = list(hits[: w.named_top_hits])
        scored = []
        for i, resource in enumerate(self.entries):
            theme_score = max((themes.get(t, 0.0) for t in resource.themes), default=0.0)
            named = 0.0
            if any(i in self.named_in(h.chunk.text) for h in cited):
                named = w.named_cited
            elif any(i in self.named_in(h.chunk.text) for h in top):
                named = w.named_top
            scored.append((float(sims[i]) + w.theme * theme_score + named, i))
        # A resource whose own catalogue entry the answer cites comes first, in the answer's
        # order: the answer is built on it ("TIEx" when the answer quotes the TIEx entry).
        first = self._cited_entries(numbering)
        scored.sort(key=lambda s: (first.get(s[1], len(first)), -s[0], s[1]))
        floor: float | None = None  # relative to the best resource that can be cited
        out: list[Suggestion] = []
        for score, i in scored:
            if len(out) == w.max_resources:
                break
            if floor is not None and score < floor and i not in first:
                break
            n = self.citation(i, hits, numbering)
            if n is None:
                continue  # no indexed passage evidences it (catalogue file not ingested)
            if floor is None and i not in first:
                floor = score * w.relative_floor
            resource = self.entries[i]
            out.append(
                Suggestion(
                    kind="resource",
                    title=resource.name,
                    why=first_sentence(resource.summary) or resource.name,
                    citations=(n,),
                    url=resource.url,
                )
            )
        return out

    def _cited_entries(self, numbering: CitationNumbering) -> dict[int, int]:
        """Resource index -> rank, for resources whose own catalogue document the answer
        cites, in the order of the answer's citations, and the one resource the answer's lead
        document is about (its title names it)."""
        cited = list(numbering.in_order)
        if not cited:
            return {}
        own: dict[str, int] = {}
        for i, resource in enumerate(self.entries):
            document = self.sources.catalogue_document(resource.hints, resource.name)
            if document is not None:
                own.setdefault(document, i)
        ranked: list[int] = []
        for k, citation in enumerate(cited):
            chunk = citation.chunk
            if chunk.document_id in own:
                found = [own[chunk.document_id]]
            elif k == 0:  # the answer's lead source is a document about one resource:
                # "Transforming improvement (Transformation and Innovation Exchange)"
                named = self.named_in(chunk.title or "")
                found = list(named) if len(named) == 1 else []
            else:
                found = []
            ranked.extend(i for i in found if i not in ranked)
        return {i: rank for rank, i in enumerate(ranked)}

    def pointers(self, numbering: CitationNumbering, limit: int | None = None) -> list[Suggestion]:
        """For refused questions: the catalogue entries the index holds most evidence about."""
        limit = self.weights.pointers if limit is None else limit
        out: list[Suggestion] = []
        for i in self._pointer_ranking():
            if len(out) == limit:
                break
            n = self.citation(i, (), numbering)
            if n is None:
                continue
            resource = self.entries[i]
            out.append(
                Suggestion(
                    kind="resource",
                    title=resource.name,
                    why=self._pointer_template.format(
                        name=resource.name, summary=first_sentence(resource.summary)
                    ).strip(),
                    citations=(n,),
                    url=resource.url,
                )
            )
        return out

    def _pointer_ranking(self) -> list[int]:
        """Resources to point to when refusing: the LGA frameworks (what the corpus is built
        around) first, each group ordered by how many indexed passages name it."""
        with self._lock:
            if self._pointer_order is not None:
                return self._pointer_order
        index = self.sources.index
        counts = []
        for i, resource in enumerate(self.entries):
            pattern = self._patterns[i]
            ids = [cid for cid, _ in index.keyword.search(resource.name, 100)]
            named = 0
            if pattern is not None and ids:
                named = sum(1 for c in index.catalog.chunks(ids) if pattern.search(c.text))
            counts.append((not resource.framework, -named, i))
        order = [i for *_, i in sorted(counts)]
        with self._lock:
            self._pointer_order = order
        return order
