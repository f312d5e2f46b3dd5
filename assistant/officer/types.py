"""What the officer tools take and return: small frozen values shared by the UI, API and CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.types import Audience, Citation, Suggestion

PackFormat = Literal["docx", "md"]


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """A request to the case-study finder.

    ``theme`` matches a theme id or label fragment; ``council_type`` and ``region`` match the
    gazetteer's values (case-insensitive, partial). ``min_score_ratio`` drops councils scoring
    under that share of the best one (the evidence pack keeps only close matches).
    """

    query: str | None = None
    theme: str | None = None
    council_type: str | None = None
    region: str | None = None
    limit: int = 10
    min_score_ratio: float = 0.0


@dataclass(frozen=True, slots=True)
class PackRequest:
    """A request for an evidence pack: the question, who it is for, its format and how many
    extra case studies to add to the answer's peers."""

    question: str
    audience: Audience = "officer"
    fmt: PackFormat = "docx"
    cases: int = 5


@dataclass(frozen=True, slots=True)
class CaseResult:
    """A council and what it did, with the passages that say so."""

    council: str
    council_type: str | None
    region: str | None
    themes: tuple[str, ...]
    what: str
    citations: tuple[Citation, ...]
    score: float


@dataclass(frozen=True, slots=True)
class AreaResult:
    """One of the weakest self-assessment areas and what to do about it.

    Citation numbers in ``next_steps``, ``resources`` and ``peers`` refer to ``citations``.
    """

    area: str  # element id, e.g. "capacity_to_deliver"
    label: str  # "TIEx: capacity to deliver"
    rating: int
    next_steps: tuple[Suggestion, ...]
    resources: tuple[Suggestion, ...]
    peers: tuple[Suggestion, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Assessment:
    """The ratings as understood (area id -> rating) and the weak areas, weakest first: every
    area at or below the weak rating, and always the lowest rated."""

    ratings: tuple[tuple[str, int], ...]
    weakest: tuple[AreaResult, ...]
    labels: tuple[tuple[str, str], ...] = ()  # (area id, label) of every rated area, for a chart

    def chart_rows(self) -> tuple[tuple[str, int, bool], ...]:
        """(label, rating, weak) of every rated area, in the order rated: what a chart shows."""
        names = dict(self.labels)
        weak = {a.area for a in self.weakest}
        return tuple(
            (names.get(area, area.replace("_", " ")), r, area in weak) for area, r in self.ratings
        )
