"""The officer tools (case-study finder, self-assessment, evidence pack) behind one object.

Both the API and the chat UI use this, so they call the same code with the same assistant.
The functions live in ``assistant.officer`` and ``assistant.pack``; they are imported on first
use so the API tests can run with a fake in their place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.types import Answer

PACK_FORMATS = ("docx", "md")
PACK_MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}
# The five focus areas of the Transformation and Innovation Exchange (TIEx) self-assessment,
# used when the officer module does not publish its own list.
TIEX_AREAS = (
    "Leadership and culture",
    "Capacity to deliver",
    "Data and digital",
    "Working with residents and partners",
    "Learning and improvement",
)


class OfficerTools:
    """Case studies, self-assessment and evidence packs over the assistant's index."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant

    def _index_and_catalogue(self) -> tuple[Any, Any]:
        index = self.assistant.index
        return index, getattr(index, "catalog", None)

    def areas(self) -> tuple[str, ...]:
        """Names of the self-assessment areas (rated 1-5)."""
        try:
            from assistant import officer
        except ImportError:
            return TIEX_AREAS
        return tuple(getattr(officer, "TIEX_AREAS", TIEX_AREAS))

    def cases(
        self,
        *,
        query: str | None = None,
        theme: str | None = None,
        council_type: str | None = None,
        region: str | None = None,
        limit: int = 10,
    ) -> Sequence[Any]:
        """Councils and what they did, best match first."""
        from assistant.officer import find_cases

        index, catalogue = self._index_and_catalogue()
        return find_cases(
            index,
            catalogue,
            query=query,
            theme=theme,
            council_type=council_type,
            region=region,
            limit=limit,
        )

    def assess(self, ratings: Mapping[str, int]) -> Any:
        """Next steps, resources and peers for the weakest areas of a self-assessment."""
        from assistant.officer import assess

        index, catalogue = self._index_and_catalogue()
        return assess(dict(ratings), index=index, catalogue=catalogue, assistant=self.assistant)

    def pack(self, answer: Answer, *, fmt: str = "docx") -> bytes:
        """An evidence pack (DOCX or Markdown) for ``answer`` with matching case studies."""
        from assistant.pack import build_pack

        cases = self.cases(query=answer.standalone_question or answer.question, limit=5)
        return build_pack(answer, cases, fmt=fmt)


def pack_filename(question: str, fmt: str) -> str:
    """A safe download name such as ``evidence-pack-how-have-councils-used.docx``."""
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in question).split()
    slug = "-".join(words[:6]) or "answer"
    return f"evidence-pack-{slug}.{fmt}"
