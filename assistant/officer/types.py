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
    """The ratings as understood (area id -> rating) and the weakest areas, weakest first."""

    ratings: tuple[tuple[str, int], ...]
    weakest: tuple[AreaResult, ...]
