"""What the API and the chat UI add to the officer tools: pack media types and file names.

The tools themselves (``assistant.officer.OfficerTools``) are built once in ``assistant.app``
and reach the API and the chat through ``AppState.officer``.
"""

from __future__ import annotations

from assistant.officer.pack import PACK_FORMATS

PACK_MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
}
assert set(PACK_MEDIA_TYPES) == set(PACK_FORMATS), "a media type for every pack format"


def pack_filename(question: str, fmt: str) -> str:
    """A safe download name such as ``evidence-pack-how-have-councils-used.docx``."""
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in question).split()
    slug = "-".join(words[:6]) or "answer"
    return f"evidence-pack-{slug}.{fmt}"
