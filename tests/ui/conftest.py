"""A small scripted assistant and officer tools for the API and chat tests (no models, no index).

``FakeAssistant`` has the ``assistant.service.Assistant`` interface: ``ask``, ``stream`` (the
same event kinds and payloads), ``search``, ``documents``, ``document``, ``document_chunks``,
``warm_up``, ``ready``, ``describe``. Questions mentioning "poem" or "election" are refused;
"boom" makes the stream fail mid-way with a ProviderError.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import InputError
from assistant.guardrails import clean_input
from assistant.officer import (
    AreaResult,
    Assessment,
    CaseQuery,
    CaseResult,
    PackFormat,
    tiex_area_names,
)
from assistant.ports import DocumentRecord
from assistant.service import split_tokens
from assistant.settings import Settings
from assistant.traces import TraceStore
from assistant.types import Answer, Audience, Chunk, Citation, Filters, Hit, Suggestion, Turn


@dataclass(frozen=True, slots=True)
class FakeEvent:
    kind: str
    data: Any


def _chunk(doc: str, n: int, text: str, **kw: Any) -> Chunk:
    return Chunk(
        id=Chunk.make_id(doc, n, text),
        document_id=doc,
        position=n,
        text=text,
        heading_path=("Learning", "What councils did"),
        page_start=n + 2,
        page_end=n + 2,
        title=kw.pop("title", "Action learning sets: learning document"),
        source=f"{doc}.pdf",
        url="https://www.local.gov.uk/example/action-learning",
        doc_type=kw.pop("doc_type", "learning_document"),
        publisher="Local Government Association",
        published="2024",
        **kw,
    )


CHUNKS = (
    _chunk(
        "als",
        0,
        "Brighton and Hove ran action learning sets for senior leaders to develop "
        "leadership skills.",
        councils=("Brighton and Hove City Council",),
        themes=("leadership",),
    ),
    _chunk(
        "als",
        1,
        "Newham co-designed services with residents through a citizens' assembly.",
        councils=("London Borough of Newham",),
        themes=("co_design",),
    ),
    _chunk(
        "network",
        0,
        "The Transformation Network brings officers together to share practice.",
        title="Transformation Network",
        doc_type="guidance",
        themes=("networks",),
    ),
)


@dataclass
class FakeAssistant:
    """Scripted answers in the shape of the real Assistant's output."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    warmed: int = 0
    max_chars: int = 1000
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # -- answering -------------------------------------------------------------------------
    def _validate(self, question: str, audience: str) -> str:
        text = clean_input(question, max_chars=self.max_chars).text
        if audience not in ("councillor", "officer"):
            raise InputError(f"Unknown audience {audience!r}: use councillor or officer.")
        return text

    def ask(
        self,
        question: str,
        *,
        audience: str = "councillor",
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
    ) -> Answer:
        text = self._validate(question, audience)
        self.calls.append(
            {"question": text, "audience": audience, "history": tuple(history), "filters": filters}
        )
        answer_id = f"ans-{next(self._ids)}"
        hits = tuple(Hit(chunk=c, score=1.0 - i / 10) for i, c in enumerate(CHUNKS))
        if any(word in text.lower() for word in ("poem", "election")):
            return Answer(
                id=answer_id,
                question=text,
                standalone_question=text,
                audience=audience,  # type: ignore[arg-type]
                text="I can help with council transformation: leadership, co-design, networks.",
                refused=True,
                refusal_reason="This is outside the LGA transformation resources.",
                hits=hits,
                timings_ms={"retrieve": 1.0, "generate": 0.0, "total": 1.5},
            )
        citations = (
            Citation(1, CHUNKS[0], CHUNKS[0].text),
            Citation(2, CHUNKS[1], CHUNKS[1].text),
        )
        standalone = text if not history else f"{text} (about {history[-2].content})"
        suffix = " Officers can compare case studies [2]." if audience == "officer" else ""
        return Answer(
            id=answer_id,
            question=text,
            standalone_question=standalone,
            audience=audience,  # type: ignore[arg-type]
            text=f"Councils have used action learning sets to build leadership [1].{suffix}",
            citations=citations,
            peers=(
                Suggestion(
                    "peer",
                    "Brighton and Hove City Council",
                    "Ran action learning sets for senior leaders.",
                    citations=(1,),
                    council_type="unitary",
                    region="South East",
                ),
            ),
            resources=(
                Suggestion(
                    "resource",
                    "Transformation Network",
                    "Brings officers together to share practice.",
                    citations=(2,),
                    url="https://www.local.gov.uk/transformation-network",
                ),
            ),
            next_steps=(
                Suggestion(
                    "next_step",
                    "Set up an action learning set for your leadership team.",
                    "Builds leadership capacity.",
                    citations=(1,),
                    framework="7Cs: Capability",
                ),
            ),
            hits=hits,
            warnings=(
                ("Your question seems to contain personal data (email).",) if "@" in text else ()
            ),
            timings_ms={"retrieve": 2.0, "generate": 3.0, "total": 6.0},
        )

    def stream(
        self,
        question: str,
        *,
        audience: str = "councillor",
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
        revise: bool = False,
    ) -> Iterator[FakeEvent]:
        self._validate(question, audience)
        answer = self.ask(question, audience=audience, history=history, filters=filters)

        def events() -> Iterator[FakeEvent]:
            yield FakeEvent("sources", answer.citations)
            if "boom" in question:
                yield FakeEvent("error", {"type": "ProviderError", "message": "Provider down."})
                return
            for piece in split_tokens(answer.text):  # the pieces join back to the text
                yield FakeEvent("token", piece)
            yield FakeEvent(
                "suggestions",
                {
                    "peers": answer.peers,
                    "resources": answer.resources,
                    "next_steps": answer.next_steps,
                    "citations": (),
                },
            )
            yield FakeEvent("done", answer)

        return events()

    # -- library ---------------------------------------------------------------------------
    def search(self, query: str, *, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        self.calls.append({"search": query, "k": k, "filters": filters})
        words = set(query.lower().split())
        scored = [
            Hit(chunk=c, score=len(words & set(c.text.lower().split())) / 10)
            for c in CHUNKS
            if filters is None or filters.matches(c)
        ]
        return sorted(scored, key=lambda h: -h.score)[:k]

    def documents(self) -> list[DocumentRecord]:
        ids = sorted({c.document_id for c in CHUNKS})
        return [r for r in (self.document(i) for i in ids) if r is not None]

    def document(self, document_id: str) -> DocumentRecord | None:
        chunks = self.document_chunks(document_id)
        if not chunks:
            return None
        first = chunks[0]
        return DocumentRecord(
            id=document_id,
            source=first.source,
            title=first.title,
            content_hash="h-" + document_id,
            chunk_ids=tuple(c.id for c in chunks),
            doc_type=first.doc_type,
            publisher=first.publisher,
            published=first.published,
            url=first.url,
            ingested_at="2026-11-24T20:00:00+00:00",
        )

    def document_chunks(self, document_id: str) -> list[Chunk]:
        return [c for c in CHUNKS if c.document_id == document_id]

    # -- lifecycle -------------------------------------------------------------------------
    def warm_up(self) -> None:
        self.warmed += 1

    def ready(self) -> bool:
        return self.warmed > 0

    def describe(self) -> dict[str, Any]:
        return {"documents": 2, "chunks": len(CHUNKS), "embedding_model": "fake"}


class FakeOfficer:
    """Officer tools over the fake data: cases, assessment, pack."""

    def __init__(self) -> None:
        self.packs: list[tuple[str, str]] = []

    def areas(self) -> tuple[str, ...]:
        # The one list of TIEx areas: the project's catalogue.
        return tiex_area_names(Settings())

    def cases(self, request: CaseQuery) -> list[CaseResult]:
        query, region, limit = request.query, request.region, request.limit
        cases = [
            CaseResult(
                "Brighton and Hove City Council",
                "unitary",
                "South East",
                ("leadership",),
                "Action learning sets",
                (Citation(1, CHUNKS[0], CHUNKS[0].text),),
                0.9,
            ),
            CaseResult(
                "London Borough of Newham",
                "london borough",
                "London",
                ("co_design",),
                "Co-design with residents",
                (Citation(2, CHUNKS[1], CHUNKS[1].text),),
                0.7,
            ),
        ]
        if region:
            cases = [c for c in cases if c.region == region]
        if query:
            cases = [c for c in cases if any(w in c.what.lower() for w in query.lower().split())]
        return cases[:limit]

    def assess(self, ratings: Mapping[str, Any], *, audience: Audience = "officer") -> Assessment:
        low = min(ratings.values())
        weakest = sorted(
            [(area, r) for area, r in ratings.items() if r <= max(2, low)], key=lambda ar: ar[1]
        )
        return Assessment(
            ratings=tuple(ratings.items()),
            labels=tuple((area, f"TIEx: {area}") for area in ratings),
            weakest=tuple(
                AreaResult(
                    area=area,
                    label=f"TIEx: {area}",
                    rating=r,
                    next_steps=(
                        Suggestion(
                            "next_step",
                            f"Improve {area.lower()}",
                            "It is the weakest area.",
                            citations=(1,),
                            framework=f"TIEx: {area}",
                        ),
                    ),
                    resources=(),
                    peers=(
                        Suggestion(
                            "peer", "Brighton and Hove City Council", "Did it.", citations=(1,)
                        ),
                    ),
                    citations=(Citation(1, CHUNKS[0], CHUNKS[0].text),),
                )
                for area, r in weakest
            ),
        )

    def pack(self, answer: Answer, *, fmt: PackFormat = "docx", cases: int = 5) -> bytes:
        self.packs.append((answer.id, fmt))
        if fmt == "md":
            return f"# Evidence pack\n\n{answer.text}\n".encode()
        import io

        from docx import Document as DocxDocument

        doc = DocxDocument()
        doc.add_heading("Evidence pack", 0)
        doc.add_paragraph(answer.text)
        doc.add_heading("References", 1)
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()


@pytest.fixture
def fake_assistant() -> FakeAssistant:
    return FakeAssistant()


@pytest.fixture
def fake_officer() -> FakeOfficer:
    return FakeOfficer()


@pytest.fixture
def api_settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, embedder={"provider": "fake"}, vector_store="memory")


@pytest.fixture
def trace_store(api_settings: Settings) -> TraceStore:
    return TraceStore(api_settings.traces_path)
