"""Domain knowledge: the council gazetteer, the theme taxonomy and the structured catalogue."""

from __future__ import annotations


def tag_text(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(canonical council names, theme ids) mentioned in ``text``; used to tag chunks at ingest."""
    return (), ()
