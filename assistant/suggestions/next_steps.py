"""Next steps: framework elements (7Cs, TIEx focus areas, TCF capabilities, councillor roles).

Scored by the cosine of the question to the element's description and the theme tags of the
hits; the step text comes from a per-framework template (``prompts/suggest_next_steps.yaml``)
filled with the element's description, cited to the framework's catalogue passage.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.suggestions.evidence import (
    CitationNumbering,
    ElementEntry,
    compile_names,
    cosines,
    first_sentence,
    lower_first,
    tidy,
)
from assistant.suggestions.sources import CatalogueSources
from assistant.suggestions.weights import WEIGHTS, StepWeights
from assistant.types import Audience, Hit, Suggestion


class StepSuggester:
    """Ranks framework elements and words them as steps, each cited."""

    def __init__(
        self,
        sources: CatalogueSources,
        templates: dict[str, Any],
        weights: StepWeights = WEIGHTS.steps,
    ) -> None:
        self.sources = sources
        self.weights = weights
        self.elements = sources.elements
        self._templates: dict[str, Any] = templates.get("steps", {})
        self._patterns = [compile_names((e.name,)) for e in self.elements]
        self._vectors = sources.embed_catalogue(
            [f"{e.label}. {e.name}. {e.description}" for e in self.elements]
        )

    def rank(
        self,
        qvec: np.ndarray,
        themes: dict[str, float],
        audience: Audience = "officer",
    ) -> list[tuple[float, int]]:
        """(score, element index), best first: cosine of the question to the element, theme
        support from the question and hits, and a nudge towards councillor frameworks for
        councillors (and away from them for officers)."""
        w = self.weights
        sims = cosines(self._vectors, qvec)
        scored = []
        for i, element in enumerate(self.elements):
            support = max((themes.get(t, 0.0) for t in (*element.themes, element.id)), default=0.0)
            nudge = 0.0
            if element.for_councillors:
                nudge = w.audience if audience == "councillor" else -w.audience
            scored.append((float(sims[i]) + w.theme * support + nudge, i))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return scored

    def step_text(self, element: ElementEntry, audience: Audience) -> str:
        """The actionable step for ``element``, from its framework's template."""
        templates = self._templates
        per_fw = templates.get(element.framework_id) or templates.get("default", {})
        template = per_fw.get(audience) or templates.get("default", {}).get(
            audience, "{description}"
        )
        description = first_sentence(element.description) or element.name
        return tidy(
            template.format(
                element=element.name,
                element_lc=lower_first(element.name),
                framework=element.framework_name,
                description=description,
                description_lc=lower_first(description).rstrip("."),
                action=element.action or description,
                action_lc=lower_first(element.action or description).rstrip("."),
            )
        )

    def citation(self, i: int, numbering: CitationNumbering) -> int | None:
        """Citation for element ``i``: the passage of its framework's catalogue file naming it."""
        element = self.elements[i]
        chunks = self.sources.catalogue_chunks(element.hints, element.framework_name)
        found = self.sources.best_passage(chunks, self._patterns[i], element.description)
        if found is None:
            return None
        return numbering.cite(found[0], found[1].quote, needle=found[1].needle)

    def suggest(
        self,
        qvec: np.ndarray,
        themes: dict[str, float],
        hits: Sequence[Hit],
        audience: Audience,
        numbering: CitationNumbering,
        *,
        focus: Sequence[str] = (),
    ) -> list[Suggestion]:
        """Two to four steps, each naming its framework element, at most two per framework.

        ``focus`` (element ids) puts those elements first (the self-assessment's weak areas).
        """
        w = self.weights
        ranked = self.rank(qvec, themes, audience)
        if focus:
            ranked.sort(key=lambda s: (self.elements[s[1]].id not in focus, -s[0], s[1]))
        if not ranked:
            return []
        floor = ranked[0][0] * w.relative_floor
        out: list[Suggestion] = []
        per_fw: dict[str, int] = {}
        for score, i in ranked:
            if len(out) == w.max_steps:
                break
            element = self.elements[i]
            if len(out) >= w.min_steps and score < floor and element.id not in focus:
                break
            if per_fw.get(element.framework_id, 0) >= w.per_framework:
                continue
            n = self.citation(i, numbering)
            if n is None:
                continue
            per_fw[element.framework_id] = per_fw.get(element.framework_id, 0) + 1
            out.append(
                Suggestion(
                    kind="next_step",
                    title=self.step_text(element, audience),
                    why=first_sentence(element.description),
                    citations=(n,),
                    url=element.url,
                    framework=element.label,
                )
            )
        return out
