"""Filter values as people type them, mapped to what chunks are tagged with.

Chunks carry theme ids (``ai``) and canonical council names (``Derby City Council``); people
type ``AI``, ``Artificial intelligence`` or ``Derby``. ``resolve_filters`` maps themes by id or
label in any case, and councils through the gazetteer's variants (core place name, aliases,
short forms like ``Kent CC``). A value that names nothing raises ``UnknownFilterError`` naming
it and what is accepted, instead of quietly matching nothing.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from functools import lru_cache

from assistant.errors import UnknownFilterError
from assistant.knowledge.gazetteer import Council, all_councils, get_council
from assistant.knowledge.themes import all_themes, get_theme
from assistant.types import Filters

MAX_SUGGESTIONS = 5


def canonical_theme(value: str) -> str:
    """The theme id for an id or label in any case; ``UnknownFilterError`` otherwise."""
    theme = get_theme(value)
    if theme is not None:
        return theme.id
    ids = tuple(t.id for t in all_themes())
    raise UnknownFilterError(
        f"Unknown theme {value.strip()!r}: use a theme id or label (any case), one of "
        f"{', '.join(ids)}.",
        field="themes",
        value=value,
        choices=ids,
    )


def canonical_council(value: str) -> str:
    """The canonical council name for a name or variant ("Derby", "Kent CC"); else
    ``UnknownFilterError`` with the closest names."""
    council = get_council(value) or _by_any_case().get(" ".join(value.split()).casefold())
    if council is not None:
        return council.name
    names = [c.name for c in all_councils()]
    by_core = {c.core.casefold(): c.name for c in all_councils()}
    close = difflib.get_close_matches(value.strip(), names, n=MAX_SUGGESTIONS, cutoff=0.6)
    close += [
        by_core[c]
        for c in difflib.get_close_matches(value.strip().casefold(), list(by_core), cutoff=0.75)
        if by_core[c] not in close
    ]
    hint = f" Closest: {', '.join(close[:MAX_SUGGESTIONS])}." if close else ""
    raise UnknownFilterError(
        f"Unknown council {value.strip()!r}: use an English council's name or place name "
        f"(e.g. 'Derby', 'Kent County Council', 'Kent CC').{hint}",
        field="councils",
        value=value,
        choices=tuple(close[:MAX_SUGGESTIONS]),
    )


@lru_cache(maxsize=1)
def _by_any_case() -> dict[str, Council]:
    """Every name and variant in lower case -> its council (variants two councils share are
    left out: "derby" alone must not guess between the city and the county)."""
    found: dict[str, Council | None] = {}
    for council in all_councils():
        for form in {council.name, council.core, *council.aliases}:
            key = form.casefold()
            found[key] = None if key in found and found[key] is not council else council
    return {k: c for k, c in found.items() if c is not None}


def resolve_filters(filters: Filters | None) -> Filters | None:
    """``filters`` with themes as ids and councils as canonical names (duplicates dropped)."""
    if filters is None or not (filters.themes or filters.councils):
        return filters
    themes = tuple(dict.fromkeys(canonical_theme(t) for t in filters.themes if t.strip()))
    councils = tuple(dict.fromkeys(canonical_council(c) for c in filters.councils if c.strip()))
    return replace(filters, themes=themes, councils=councils)


def theme_for_cases(value: str | None) -> str | None:
    """The case finder's theme: an id or label, or a fragment of one ("digital"); a value
    that is none of these raises ``UnknownFilterError``."""
    if not value or not value.strip():
        return None
    theme = get_theme(value)
    if theme is not None:
        return theme.id
    fragment = " ".join(value.replace("_", " ").replace("-", " ").split()).casefold()
    for t in all_themes():
        if fragment in t.id.replace("_", " "):  # what the case finder matches on
            return value.strip()
    canonical_theme(value)  # raises, naming the choices
    return None
