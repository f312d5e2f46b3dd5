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


_WORD_RE = re.compile(r"[\w']+")


def _normalise(text: str) -> str:
    # Same length as the input, so match offsets stay valid.
    return text.lower().replace("\u2019", "'")


def _phrase_regex(phrase: str) -> re.Pattern[str]:
    """Lower-case phrase -> regex: flexible spaces/hyphens, optional plural, ``*`` = any ending."""
    phrase = _normalise(phrase.strip())
    wildcard = phrase.endswith("*")
    words = [w for w in re.split(r"[\s\-]+", phrase.rstrip("*")) if w]
    body = r"[\s\-]+".join(re.escape(w) for w in words)
    ending = r"\w*" if wildcard else r"(?:s|es)?"
    return re.compile(rf"{body}{ending}(?![\w])")


def _first_word(phrase: str) -> str:
    match = _WORD_RE.search(_normalise(phrase))
    return match.group() if match else ""


class Taxonomy:
    """The themes plus an index of their phrases by first word (one pass over a text's words)."""

    def __init__(self, themes: tuple[Theme, ...]):
        self.themes = themes
        self._by_id = {t.id: t for t in themes}
        self._order = {t.id: i for i, t in enumerate(themes)}
        # first word -> [(phrase regex, theme id)]; acronyms: exact token -> theme ids.
        self._phrases: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        self._acronyms: dict[str, set[str]] = {}
        for theme in themes:
            for phrase in theme.phrases:
                key = _first_word(phrase)
                if key:
                    self._phrases.setdefault(key, []).append((_phrase_regex(phrase), theme.id))
            for acronym in theme.acronyms:
                self._acronyms.setdefault(acronym, set()).add(theme.id)

    def tag(self, text: str) -> tuple[str, ...]:
        """Ids of the themes ``text`` mentions, in taxonomy order."""
        lowered = _normalise(text)
        found: set[str] = set()
        phrases, acronyms = self._phrases, self._acronyms
        for word in _WORD_RE.finditer(lowered):
            start = word.start()
            if start and lowered[start - 1] == "-":
                continue  # inside a hyphenated word ("non-prevention")
            token = word.group()
            keys = [token]
            if token.endswith("s"):
                keys += [token[:-1], token[:-2]] if token.endswith("es") else [token[:-1]]
            for key in keys:
                for regex, theme_id in phrases.get(key, ()):
                    if theme_id not in found and regex.match(lowered, start):
                        found.add(theme_id)
            original = text[start : word.end()]
            if original.endswith(("'s", "\u2019s")):
                original = original[:-2]  # "AI's role"
            if original in acronyms:
                found.update(acronyms[original])
        return tuple(sorted(found, key=self._order.__getitem__))

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
