"""HTTP schemas (pydantic), mapped explicitly to and from the boundary dataclasses.

The answer schemas mirror ``assistant.serialize.answer_to_dict`` field for field, so the JSON
of ``POST /api/ask`` is exactly the answer contract the CLI prints, with an OpenAPI description.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.ports import DocumentRecord
from assistant.serialize import (
    answer_to_dict,
    citation_to_dict,
    hit_to_dict,
    next_step_to_dict,
    peer_to_dict,
    resource_to_dict,
)
from assistant.types import Answer, Chunk, Filters, Hit, Turn, public_source

MAX_TURN_CHARS = 8000
MAX_FILTER_VALUES = 20


# --- requests -------------------------------------------------------------------------------


class TurnIn(BaseModel):
    """One earlier turn of the conversation."""

    role: Literal["user", "assistant"]
    content: str = Field(..., max_length=MAX_TURN_CHARS)

    def to_turn(self) -> Turn:
        return Turn(role=self.role, content=self.content)


class FiltersIn(BaseModel):
    """Metadata filters; an empty list means no filter on that field."""

    doc_types: list[str] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    publishers: list[str] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    years: list[str] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    themes: list[str] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    councils: list[str] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)

    def to_filters(self) -> Filters:
        return Filters(
            doc_types=tuple(self.doc_types),
            publishers=tuple(self.publishers),
            years=tuple(self.years),
            themes=tuple(self.themes),
            councils=tuple(self.councils),
        )


class AskRequest(BaseModel):
    """A question, with the audience to answer for and the conversation so far."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "question": "How have councils used action learning sets?",
                    "audience": "councillor",
                }
            ]
        }
    )

    question: str = Field(..., description="The question (length capped by settings).")
    audience: Literal["councillor", "officer"] = "councillor"
    history: list[TurnIn] = Field(default_factory=list, description="Earlier turns, oldest first.")
    filters: FiltersIn | None = None

    def turns(self) -> tuple[Turn, ...]:
        return tuple(t.to_turn() for t in self.history)

    def to_filters(self) -> Filters | None:
        return self.filters.to_filters() if self.filters else None


class FeedbackRequest(BaseModel):
    """A thumbs up or down on an answer, with optional reasons and a comment."""

    answer_id: str = Field(..., min_length=1, max_length=200)
    rating: Literal["up", "down"]
    reasons: list[str] = Field(default_factory=list, max_length=10)
    comment: str | None = Field(None, max_length=2000)


class PackRequest(AskRequest):
    """Build an evidence pack for this question (defaults to the officer audience)."""

    audience: Literal["councillor", "officer"] = "officer"


class AssessRequest(BaseModel):
    """Self-assessment ratings, 1 (weak) to 5 (strong), keyed by area name."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"ratings": {"capacity to deliver": 2}}]}
    )

    ratings: dict[str, int] = Field(..., min_length=1, max_length=20)


# --- answer contract ------------------------------------------------------------------------


class CitationOut(BaseModel):
    n: int
    document_id: str
    chunk_id: str
    title: str
    source: str
    url: str | None
    publisher: str | None
    published: str | None
    page: int | None
    section: str | None
    quote: str


class PeerOut(BaseModel):
    name: str
    type: str | None
    region: str | None
    why: str
    citations: list[int]


class ResourceOut(BaseModel):
    name: str
    url: str | None
    why: str
    citations: list[int]


class NextStepOut(BaseModel):
    text: str
    framework: str | None
    why: str
    citations: list[int]


class TimingsOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    retrieve: float
    generate: float
    total: float


class AnswerOut(BaseModel):
    """The answer contract (see the README): markdown with ``[n]`` markers and its sources."""

    id: str
    question: str
    standalone_question: str
    audience: Literal["councillor", "officer"]
    answer: str
    refused: bool
    refusal_reason: str | None
    citations: list[CitationOut]
    peers: list[PeerOut]
    resources: list[ResourceOut]
    next_steps: list[NextStepOut]
    warnings: list[str]
    timings_ms: TimingsOut

    @classmethod
    def from_answer(cls, answer: Answer) -> AnswerOut:
        return cls.model_validate(answer_to_dict(answer))


# --- search and documents -------------------------------------------------------------------


class HitOut(BaseModel):
    chunk_id: str
    document_id: str
    title: str
    source: str
    url: str | None
    page: int | None
    section: str | None
    text: str
    score: float
    dense_rank: int | None
    dense_score: float | None
    keyword_rank: int | None
    keyword_score: float | None

    @classmethod
    def from_hit(cls, hit: Hit) -> HitOut:
        return cls.model_validate(hit_to_dict(hit))


class SearchResponse(BaseModel):
    query: str
    k: int
    results: list[HitOut]


class DocumentOut(BaseModel):
    id: str
    title: str
    source: str
    doc_type: str
    publisher: str | None
    published: str | None
    url: str | None
    ingested_at: str
    chunks: int

    @classmethod
    def from_record(cls, record: DocumentRecord) -> DocumentOut:
        return cls(
            id=record.id,
            title=record.title,
            source=public_source(record.source, record.id),
            doc_type=record.doc_type,
            publisher=record.publisher,
            published=record.published,
            url=record.url,
            ingested_at=record.ingested_at,
            chunks=len(record.chunk_ids),
        )


class ChunkOut(BaseModel):
    id: str
    position: int
    text: str
    section: str | None
    page_start: int | None
    page_end: int | None
    themes: list[str]
    councils: list[str]

    @classmethod
    def from_chunk(cls, chunk: Chunk) -> ChunkOut:
        return cls(
            id=chunk.id,
            position=chunk.position,
            text=chunk.text,
            section=chunk.section,
            page_start=chunk.page_start,
            page_end=chunk.page_end,
            themes=list(chunk.themes),
            councils=list(chunk.councils),
        )


class DocumentDetailOut(BaseModel):
    """A document's metadata and every chunk indexed from it, in order."""

    document: DocumentOut
    chunks: list[ChunkOut]


class DocumentsResponse(BaseModel):
    count: int
    documents: list[DocumentOut]


# --- feedback, health, admin ----------------------------------------------------------------


class FeedbackStored(BaseModel):
    status: Literal["stored"] = "stored"
    answer_id: str


class Health(BaseModel):
    status: str
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class GapQuestion(BaseModel):
    answer_id: str
    question: str
    reason: str
    asked_at: str


class GapGroup(BaseModel):
    theme: str
    count: int
    questions: list[GapQuestion]


class GapsResponse(BaseModel):
    groups: list[GapGroup]


# --- officer tools --------------------------------------------------------------------------


class CaseOut(BaseModel):
    """A council and what it did, with the passages that say so."""

    council: str
    type: str | None
    region: str | None
    themes: list[str]
    what: str
    score: float
    citations: list[CitationOut]

    @classmethod
    def from_case(cls, case: Any) -> CaseOut:
        """From an ``assistant.officer.CaseResult``."""
        return cls(
            council=case.council,
            type=case.council_type,
            region=case.region,
            themes=list(case.themes),
            what=case.what,
            score=float(case.score),
            citations=[CitationOut.model_validate(citation_to_dict(c)) for c in case.citations],
        )


class CasesResponse(BaseModel):
    count: int
    cases: list[CaseOut]


class AreaOut(BaseModel):
    """One weak area: next steps, resources and peers; citation numbers refer to its own list."""

    area: str
    label: str
    rating: int
    next_steps: list[NextStepOut]
    resources: list[ResourceOut]
    peers: list[PeerOut]
    citations: list[CitationOut]


class AssessmentOut(BaseModel):
    """The ratings as understood, and advice for the weakest areas."""

    ratings: dict[str, int]
    weakest: list[AreaOut]

    @classmethod
    def from_result(cls, result: Any) -> AssessmentOut:
        """From an ``assistant.officer.Assessment``."""
        return cls(
            ratings=dict(result.ratings),
            weakest=[
                AreaOut(
                    area=a.area,
                    label=a.label,
                    rating=a.rating,
                    next_steps=[
                        NextStepOut.model_validate(next_step_to_dict(s)) for s in a.next_steps
                    ],
                    resources=[
                        ResourceOut.model_validate(resource_to_dict(s)) for s in a.resources
                    ],
                    peers=[PeerOut.model_validate(peer_to_dict(s)) for s in a.peers],
                    citations=[
                        CitationOut.model_validate(citation_to_dict(c)) for c in a.citations
                    ],
                )
                for a in result.weakest
            ],
        )
