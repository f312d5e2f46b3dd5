"""``OfficerTools``: the case-study finder, self-assessment and evidence packs behind one object.

Built once in ``assistant.app`` from the same index, catalogue and suggester as the Assistant,
and handed to the CLI, the API and the chat UI (it implements ``ports.OfficerService``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assistant.errors import InputError
from assistant.officer.assessment import assess, tiex_areas
from assistant.officer.cases import find_cases
from assistant.officer.pack import PACK_FORMATS, build_pack
from assistant.officer.types import Assessment, CaseQuery, CaseResult, PackFormat, PackRequest
from assistant.officer.weights import WEIGHTS, OfficerWeights
from assistant.suggestions import CatalogueSuggester
from assistant.types import Answer, Audience, Hit


class OfficerTools:
    """Case studies, self-assessment and evidence packs over one index and catalogue.

    ``ask`` answers a question (the Assistant's ``ask``) and ``retrieve`` finds passages (its
    retriever), so a pack and an assessment see what an answer would.
    """

    def __init__(
        self,
        *,
        suggester: CatalogueSuggester,
        ask: Callable[..., Answer],
        retrieve: Callable[[str], Sequence[Hit]],
        weights: OfficerWeights = WEIGHTS,
    ) -> None:
        self.suggester = suggester
        self.weights = weights
        self._ask = ask
        self._retrieve = retrieve

    def areas(self) -> tuple[str, ...]:
        """Names of the TIEx focus areas a council rates (from the catalogue)."""
        return tuple(e.name for e in tiex_areas(self.suggester.elements))

    def cases(self, request: CaseQuery) -> list[CaseResult]:
        """Councils and what they did, best match first (see ``CaseQuery``)."""
        return find_cases(self.suggester, request, weights=self.weights.cases)

    def assess(self, ratings: Mapping[str, Any], *, audience: Audience = "officer") -> Assessment:
        """Advice for the weakest areas of a self-assessment (ratings 1-5 by area)."""
        return assess(
            dict(ratings),
            suggester=self.suggester,
            retrieve=self._retrieve,
            audience=audience,
            weights=self.weights.assessment,
        )

    def pack(self, answer: Answer, *, fmt: PackFormat = "docx", cases: int = 5) -> bytes:
        """The evidence pack for an answer already given: up to ``cases`` closely matching case
        studies (none for a refused answer) added to its peers, as DOCX or Markdown bytes."""
        if fmt not in PACK_FORMATS:
            raise InputError(f"Unknown pack format {fmt!r}: use one of {', '.join(PACK_FORMATS)}.")
        found: list[CaseResult] = []
        if not answer.refused and cases > 0:
            found = self.cases(
                CaseQuery(
                    query=answer.standalone_question or answer.question,
                    limit=cases,
                    min_score_ratio=self.weights.pack.case_ratio,
                )
            )
        return build_pack(answer, found, fmt=fmt)

    def make_pack(self, request: PackRequest) -> bytes:
        """Ask ``request.question``, then ``pack`` its answer (a refused question gets a pack
        that says so, with no case studies)."""
        answer = self._ask(request.question, audience=request.audience)
        return self.pack(answer, fmt=request.fmt, cases=request.cases)
