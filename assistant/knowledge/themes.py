"""Theme taxonomy and a precise, fast tagger.

The taxonomy (``themes.yaml``) holds the eight action-learning themes, the Transformation
Network's priority topics, the 7Cs, the five TIEx focus areas and a few cross-cutting themes.
``tag_themes(text)`` returns the ids of the themes a text is about, in taxonomy order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.errors import ConfigurationError

THEMES_FILE = Path(__file__).with_name("themes.yaml")
FAMILIES = ("action_learning", "network_topic", "7cs", "tiex", "general")


@dataclass(frozen=True, slots=True)
class Theme:
    """One theme: a stable id, a human label, its family and the phrases that signal it."""

    id: str
    label: str
    family: str
    phrases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()


def _phrase_regex(phrase: str) -> str:
    """Lower-case phrase -> regex: flexible spaces/hyphens, optional plural, ``*`` = any ending."""
    phrase = phrase.strip().lower().replace("\u2019", "'")
    wildcard = phrase.endswith("*")
    words = re.split(r"[\s]+", phrase.rstrip("*"))
    body = r"[\s\-]+".join(re.escape(w).replace("'", "['\u2019]") for w in words)
    ending = r"\w*" if wildcard else r"(?:s|es)?"
    return rf"(?<![\w-]){body}{ending}(?![\w])"


class Taxonomy:
    """The themes plus one compiled regex per theme."""

    def __init__(self, themes: tuple[Theme, ...]):
        self.themes = themes
        self._by_id = {t.id: t for t in themes}
        self._regexes: list[tuple[str, re.Pattern[str] | None, re.Pattern[str] | None]] = []
        for theme in themes:
            lower = (
                re.compile("|".join(_phrase_regex(p) for p in theme.phrases))
                if theme.phrases
                else None
            )
            exact = (
                re.compile("|".join(rf"(?<![\w-]){re.escape(a)}(?![\w])" for a in theme.acronyms))
                if theme.acronyms
                else None
            )
            self._regexes.append((theme.id, lower, exact))

    @classmethod
    def from_file(cls, path: Path = THEMES_FILE) -> Taxonomy:
        """Load and validate the taxonomy YAML."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigurationError(
                f"Cannot read the theme taxonomy {path}: {exc}. Restore it from git."
            ) from exc
        themes: list[Theme] = []
        seen: set[str] = set()
        for item in data.get("themes") or []:
            theme = Theme(
                id=str(item["id"]),
                label=str(item["label"]),
                family=str(item["family"]),
                phrases=tuple(str(p) for p in item.get("phrases") or ()),
                acronyms=tuple(str(a) for a in item.get("acronyms") or ()),
            )
            if theme.family not in FAMILIES:
                raise ConfigurationError(
                    f"Theme {theme.id!r} in {path} has unknown family {theme.family!r}; "
                    f"use one of {', '.join(FAMILIES)}."
                )
            if theme.id in seen:
                raise ConfigurationError(f"Theme id {theme.id!r} appears twice in {path}.")
            seen.add(theme.id)
            themes.append(theme)
        return cls(tuple(themes))

    def get(self, theme_id: str) -> Theme | None:
        """The theme with this id, or ``None``."""
        return self._by_id.get(theme_id)

    def by_family(self, family: str) -> tuple[Theme, ...]:
        """Themes of one family, in taxonomy order."""
        return tuple(t for t in self.themes if t.family == family)

    def tag(self, text: str) -> tuple[str, ...]:
        """Ids of the themes ``text`` mentions, in taxonomy order."""
        lowered = text.lower()
        found: list[str] = []
        for theme_id, lower, exact in self._regexes:
            if (lower is not None and lower.search(lowered)) or (
                exact is not None and exact.search(text)
            ):
                found.append(theme_id)
        return tuple(found)

    def resolve(self, name: str) -> Theme | None:
        """A theme by id or label, case-insensitive ("AI", "culture_change", "7Cs: Capacity")."""
        wanted = name.strip().lower()
        for theme in self.themes:
            if wanted in {theme.id.lower(), theme.label.lower()}:
                return theme
        return None


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    """The packaged taxonomy, loaded once."""
    return Taxonomy.from_file()


def all_themes() -> tuple[Theme, ...]:
    """Every theme in the packaged taxonomy."""
    return default_taxonomy().themes


def get_theme(theme_id: str) -> Theme | None:
    """Look a theme up by id or label."""
    return default_taxonomy().resolve(theme_id)


def tag_themes(text: str) -> tuple[str, ...]:
    """Theme ids ``text`` is about (see ``themes.yaml`` for the phrases), in taxonomy order."""
    return default_taxonomy().tag(text)
