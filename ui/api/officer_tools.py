"""The officer tools (case-study finder, self-assessment, evidence pack) behind one object.

Both the API and the chat UI use this, so they call the same code with the same assistant.
The functions live in ``assistant.officer`` and ``assistant.pack``; they are imported on first
use so the API tests can run with a fake in their place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.errors import AssistantError
from assistant.settings import Settings
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


def assessment_area_names(settings: Settings) -> tuple[str, ...]:
    """Names of the five TIEx focus areas from the catalogue (a built-in list if unreadable)."""
    try:
        from assistant.suggestions import element_entries, load_catalogue

        elements = element_entries(load_catalogue(settings))
    except (ImportError, AssistantError):
        return TIEX_AREAS
    names = tuple(e.name for e in elements if "tiex" in e.framework_id.casefold())
    return names or TIEX_AREAS


class OfficerTools:
    """Case studies, self-assessment and evidence packs over the assistant's index."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant

    def _context(self) -> dict[str, Any]:
        """index, catalogue and suggester, as ``assistant.officer``'s functions take them."""
        suggester = getattr(self.assistant, "suggester", None)
        catalogue = getattr(suggester, "catalogue", None)
        if catalogue is None:
            from assistant.suggestions import load_catalogue

            catalogue = load_catalogue(self.assistant.settings)
        from assistant.suggestions import CatalogueSuggester

        own = suggester if isinstance(suggester, CatalogueSuggester) else None
        return {"index": self.assistant.index, "catalogue": catalogue, "suggester": own}

    def areas(self) -> tuple[str, ...]:
        """Names of the self-assessment areas (rated 1-5)."""
        return assessment_area_names(self.assistant.settings)

    def cases(
        self,
        *,
        query: str | None = None,
        theme: str | None = None,
        council_type: str | None = None,
        region: str | None = None,
        limit: int = 10,
    ) -> Sequence[Any]:
        """Councils and what they did (``assistant.officer.CaseResult``), best match first."""
        from assistant.officer import find_cases

        context = self._context()
        return find_cases(
            context["index"],
            context["catalogue"],
            query=query,
            theme=theme,
            council_type=council_type,
            region=region,
            limit=limit,
            suggester=context["suggester"],
        )

    def assess(self, ratings: Mapping[str, int]) -> Any:
        """``assistant.officer.Assessment``: advice for the weakest areas of a self-assessment."""
        from assistant.officer import assess

        context = self._context()
        return assess(
            dict(ratings),
            index=context["index"],
            catalogue=context["catalogue"],
            assistant=self.assistant,
            suggester=context["suggester"],
        )

    def pack(self, answer: Answer, *, fmt: str = "docx") -> bytes:
        """An evidence pack (DOCX or Markdown) for ``answer`` with closely matching case studies
        (none for a refused answer)."""
        from assistant.officer import pack_for_answer

        context = self._context()
        return pack_for_answer(
            answer,
            index=context["index"],
            catalogue=context["catalogue"],
            fmt=fmt,  # type: ignore[arg-type]
            assistant=self.assistant,
            suggester=context["suggester"],
        )


def pack_filename(question: str, fmt: str) -> str:
    """A safe download name such as ``evidence-pack-how-have-councils-used.docx``."""
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in question).split()
    slug = "-".join(words[:6]) or "answer"
    return f"evidence-pack-{slug}.{fmt}"
