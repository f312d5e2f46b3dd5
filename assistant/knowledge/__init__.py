"""Domain knowledge: the council gazetteer, the theme taxonomy and the structured catalogue.

- ``tag_text(text)`` -> (council names, theme ids): what the ingest pipeline stores on each chunk.
- ``find_councils`` / ``get_council`` / ``all_councils``: the gazetteer (``gazetteer.py``).
- ``tag_themes`` / ``get_theme`` / ``all_themes``: the taxonomy (``themes.py``).
- ``load_catalogue`` / ``framework_label`` / ``framework_elements``: the catalogue in ``corpus/``.
"""

from __future__ import annotations

from assistant.knowledge.catalogue import (
    CaseStudy,
    Catalogue,
    ElementRef,
    Framework,
    FrameworkElement,
    Resource,
    default_corpus_dir,
    framework_elements,
    framework_label,
    load_catalogue,
)
from assistant.knowledge.gazetteer import (
    Council,
    CouncilMention,
    all_councils,
    council_names,
    find_councils,
    get_council,
    mention_surfaces,
)
from assistant.knowledge.themes import Theme, all_themes, get_theme, tag_themes

__all__ = [
    "CaseStudy",
    "Catalogue",
    "Council",
    "CouncilMention",
    "ElementRef",
    "Framework",
    "FrameworkElement",
    "Resource",
    "Theme",
    "all_councils",
    "all_themes",
    "council_names",
    "default_corpus_dir",
    "find_councils",
    "framework_elements",
    "framework_label",
    "get_council",
    "get_theme",
    "load_catalogue",
    "mention_surfaces",
    "tag_text",
    "tag_themes",
]


def tag_text(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(canonical council names, theme ids) mentioned in ``text``; used to tag chunks at ingest."""
    return council_names(text), tag_themes(text)
