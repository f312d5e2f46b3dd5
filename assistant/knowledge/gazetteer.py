"""Gazetteer of English councils and combined authorities, and a fast mention finder.

``find_councils(text)`` returns the councils a text names, tolerating the ways documents write
them: "London Borough of Barnet" / "Barnet", "Stockton on Tees Brough Council" (sic),
"Newcastle Under-Lyme", "St Helen Borough Council", "Brighton & Hove", "Kent CC"...

Precision rules (a wrong tag can make the assistant suggest a council no document mentions):

- place-name words must be capitalised ("Kent" or "KENT", never "kent"); connecting words
  ("and", "upon", "under", "on", "of", "with") may take any case;
- a name ends at a word boundary: "Kent" does not match "Kentish", "Derby" not "Derbyshire";
- names that are also ordinary words, surnames or other places ("Reading", "Bury", "Hart",
  "Westminster", "York"...) are tagged only with a council suffix or prefix
  ("Reading Borough Council", "City of York Council");
- "Newcastle" alone is ambiguous and never tagged; the fuller forms decide;
- a few phrases that contain a council's name but mean something else ("Greater Manchester",
  "Newcastle United") are skipped.

Matching is one pass over the capitalised words of the text: each word is looked up in a dict of
first tokens, and only the handful of patterns that can start there are tried.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.errors import ConfigurationError

COUNCILS_FILE = Path(__file__).with_name("councils.yaml")

COUNCIL_TYPES = (
    "county",
    "unitary",
    "metropolitan",
    "london_borough",
    "district",
    "combined_authority",
)
# How each type reads in a pack or a terminal (the ids stay in the API and filters).
COUNCIL_TYPE_LABELS = {
    "county": "County council",
    "unitary": "Unitary authority",
    "metropolitan": "Metropolitan borough",
    "london_borough": "London borough",
    "district": "District council",
    "combined_authority": "Combined authority",
}


def council_type_label(council_type: str | None) -> str:
    """``"london_borough"`` -> ``"London borough"``; an unknown id is made readable."""
    if not council_type:
        return ""
    return COUNCIL_TYPE_LABELS.get(council_type, council_type.replace("_", " ").capitalize())


REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)


@dataclass(frozen=True, slots=True)
class Council:
    """An English local authority: canonical name, type (one of ``COUNCIL_TYPES``), ONS region.

    ``aliases`` are the other forms that name it (its bare place name and any listed variants).
    """

    name: str
    type: str
    region: str
    aliases: tuple[str, ...] = ()

    @property
    def core(self) -> str:
        """The place name without council prefixes/suffixes ("Barnet"), or the name itself."""
        return self.aliases[0] if self.aliases else self.name


@dataclass(frozen=True, slots=True)
class CouncilMention:
    """One mention of a council in a text: ``text[start:end] == surface``."""

    council: Council
    start: int
    end: int
    surface: str


# --- name parsing -------------------------------------------------------------------------

_PREFIXES = (
    "Borough Council of ",
    "London Borough of ",
    "Royal Borough of ",
    "Metropolitan Borough of ",
    "Council of the ",
    "City of ",
)
_SUFFIXES = (
    " Mayoral Combined Authority",
    " Combined County Authority",
    " Combined Authority",
    " Metropolitan Borough Council",
    " Metropolitan District Council",
    " Borough Council",
    " District Council",
    " County Council",
    " City Council",
    " Corporation",
    " Council",
)
_CONNECTORS = frozenset({"and", "on", "upon", "under", "of", "with", "the", "in", "le", "by"})

# Between the words of a place name: spaces, or a hyphen/dash with optional spaces, or a comma.
_SEP = r"(?:\s*[-\u2010\u2011\u2013]\s*|,?\s+)"
# After a council's place name: the council words ("Borough Council", sic "Brough Council"...).
_COUNCIL_SUFFIX = (
    r"(?:\s+(?i:(?:metropolitan\s+borough|metropolitan\s+district|london\s+borough|"
    r"royal\s+borough|county\s+borough|city\s+and\s+district|borough|brough|city|county|"
    r"district|town)\s+)?(?i:council)(?![\w])"
    r"|\s+(?:MBC|LBC|CBC|BC|CC|DC)(?![\w]))"
)
_CA_SUFFIX = (
    r"(?:\s+(?i:(?:mayoral\s+)?combined\s+(?:county\s+)?authority)(?![\w])"
    r"|\s+(?:MCA|CCA|CA)(?![\w]))"
)
_PREFIX_RE = re.compile(
    r"(?:London\s+Borough\s+of|Royal\s+Borough\s+of|Metropolitan\s+Borough\s+of"
    r"|Borough\s+Council\s+of|Borough\s+of|City\s+and\s+County\s+of|City\s+of|Council\s+of\s+the"
    r"|County\s+of)\s+"
)
# Capitalised words, or all-caps acronyms: where a mention can start.
_START_RE = re.compile(r"(?<![\w&'\u2019])[A-Z][\w'\u2019]*\.?")
_TOKEN_SPLIT_RE = re.compile(r"[\s,\-\u2010\u2011\u2013]+")


def core_name(name: str) -> str:
    """Strip council prefixes and suffixes: "London Borough of Barnet" -> "Barnet"."""
    core = name
    for prefix in _PREFIXES:
        if core.startswith(prefix):
            core = core[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if core.endswith(suffix):
            core = core[: -len(suffix)]
            break
    return core.strip()


def _token_pattern(token: str, *, first: bool) -> str:
    low = token.lower()
    if low in {"st", "st."}:
        return r"(?:St\.?|ST\.?|Saint|SAINT)"
    if low in _CONNECTORS and not first:
        return f"(?i:{re.escape(token)})"
    if "'" in token or "\u2019" in token:
        base = re.escape(token.replace("\u2019", "'")).replace("'", "['\u2019]?")
        return f"(?:{base}|{base.upper()})"
    if token.isupper():
        return re.escape(token)
    return f"(?:{re.escape(token)}|{re.escape(token.upper())})"


_AND = r"(?:\s+(?i:and)\s+|\s*&\s*)"


def _phrase_pattern(phrase: str) -> str:
    """A regex for a place name: flexible separators, "and" or "&", capitalised words."""
    tokens = [t for t in _TOKEN_SPLIT_RE.split(phrase.replace("&", " & ")) if t]
    parts: list[str] = []
    for i, token in enumerate(tokens):
        if token.lower() in {"and", "&"} and 0 < i < len(tokens) - 1:
            parts.append(_AND)
            continue
        if i and parts[-1] != _AND:
            parts.append(_SEP)
        parts.append(_token_pattern(token, first=i == 0))
    return "".join(parts)


def _first_keys(phrase: str) -> set[str]:
    first = _TOKEN_SPLIT_RE.split(phrase.replace("&", " & ").strip())[0]
    key = _key(first)
    keys = {key}
    if key in {"st", "saint"}:
        keys |= {"st", "saint"}
    if "'" in key:
        keys.add(key.replace("'", ""))
    return keys


def _key(word: str) -> str:
    return word.rstrip(".").replace("\u2019", "'").lower()


# --- loading ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pattern:
    council: Council | None  # None for a negative phrase
    regex: re.Pattern[str]
    needs_affix: bool  # a bare match (no suffix, no prefix) is not enough


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    core: str | None
    aliases: tuple[str, ...] = ()
    suffixed_aliases: tuple[str, ...] = ()
    suffix_required: bool = False


def _parse_entry(entry: object) -> _Entry:
    if isinstance(entry, str):
        return _Entry(entry, core_name(entry))
    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
        name = entry["name"]
        return _Entry(
            name=name,
            core=entry["core"] if "core" in entry else core_name(name),
            aliases=tuple(str(a) for a in entry.get("aliases") or ()),
            suffixed_aliases=tuple(str(a) for a in entry.get("suffixed_aliases") or ()),
            suffix_required=bool(entry.get("suffix_required", False)),
        )
    raise ConfigurationError(
        f"Bad gazetteer entry {entry!r} in {COUNCILS_FILE}: use a name string or a mapping "
        "with 'name' (and optional 'core', 'aliases', 'suffixed_aliases', 'suffix_required')."
    )


class Gazetteer:
    """Councils plus the compiled patterns that find them in text."""

    def __init__(self, councils: Iterable[Council], patterns: dict[str, list[_Pattern]]):
        self.councils: tuple[Council, ...] = tuple(councils)
        self._by_name = {c.name.lower(): c for c in self.councils}
        self._patterns = patterns

    @classmethod
    def from_file(cls, path: Path = COUNCILS_FILE) -> Gazetteer:
        """Load the gazetteer data (YAML) and compile its patterns."""
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigurationError(
                f"Cannot read the council gazetteer {path}: {exc}. Restore it from git."
            ) from exc
        ambiguous = {s.lower() for s in data.get("suffix_required") or []}
        councils: list[Council] = []
        patterns: dict[str, list[_Pattern]] = {}

        def add(keys: set[str], pattern: _Pattern) -> None:
            for key in keys:
                patterns.setdefault(key, []).append(pattern)

        for ctype, regions in (data.get("councils") or {}).items():
            if ctype not in COUNCIL_TYPES:
                raise ConfigurationError(f"Unknown council type {ctype!r} in {path}.")
            for region, entries in regions.items():
                if region not in REGIONS:
                    raise ConfigurationError(f"Unknown region {region!r} in {path}.")
                for raw in entries:
                    entry = _parse_entry(raw)
                    core = entry.core
                    names = ([core] if core else []) + [a for a in entry.aliases if a != core]
                    council = Council(entry.name, ctype, region, tuple(names))
                    councils.append(council)
                    suffix = _CA_SUFFIX if ctype == "combined_authority" else _COUNCIL_SUFFIX
                    bare = (
                        [(core, entry.suffix_required or core.lower() in ambiguous)] if core else []
                    )
                    bare += [(a, True) for a in entry.suffixed_aliases]
                    for phrase, needs in bare:
                        regex = re.compile(
                            rf"(?P<core>{_phrase_pattern(phrase)})(?P<suffix>{suffix})?(?![\w])"
                        )
                        needs_affix = needs or ctype == "combined_authority"
                        add(_first_keys(phrase), _Pattern(council, regex, needs_affix))
                    for alias in sorted({entry.name, *entry.aliases}):
                        regex = re.compile(
                            rf"(?P<core>{_phrase_pattern(alias)})(?P<suffix>)(?![\w])"
                        )
                        add(_first_keys(alias), _Pattern(council, regex, False))
        for phrase in data.get("negative_phrases") or []:
            regex = re.compile(rf"(?P<core>{_phrase_pattern(phrase)})(?P<suffix>)(?![\w])")
            add(_first_keys(phrase), _Pattern(None, regex, False))
        return cls(councils, patterns)

    def get(self, name: str) -> Council | None:
        """The council with this canonical name (case-insensitive), else ``None``."""
        return self._by_name.get(name.strip().lower())

    def resolve(self, text: str) -> Council | None:
        """The council a short name refers to ("Kent CC", "Barnet"), or ``None``."""
        exact = self.get(text)
        if exact:
            return exact
        mentions = self.find(text)
        return mentions[0].council if len(mentions) == 1 else None

    def find(self, text: str) -> list[CouncilMention]:
        """Every council mention in ``text``, left to right, non-overlapping, longest first."""
        mentions: list[CouncilMention] = []
        patterns = self._patterns
        pos = 0
        for start_match in _START_RE.finditer(text):
            start = start_match.start()
            if start < pos:
                continue
            best_end, best = -1, None
            starts = [(start, False)]
            prefix = _PREFIX_RE.match(text, start)
            if prefix:
                starts.append((prefix.end(), True))
            for at, prefixed in starts:
                word = _START_RE.match(text, at)
                if not word:
                    continue
                key = _key(word.group())
                candidates = patterns.get(key, [])
                if key.endswith("'s"):  # "Newham's co-design standards"
                    candidates = candidates + patterns.get(key[:-2], [])
                for pattern in candidates:
                    m = pattern.regex.match(text, at)
                    if not m:
                        continue
                    if pattern.needs_affix and not prefixed and not m.group("suffix"):
                        continue
                    # A prefix only counts for the council when it is followed by the name.
                    if m.end() > best_end:
                        best_end, best = m.end(), pattern
            if best is None:
                continue
            pos = best_end
            if best.council is not None:
                mentions.append(CouncilMention(best.council, start, best_end, text[start:best_end]))
        return mentions


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The packaged gazetteer, loaded once."""
    return Gazetteer.from_file()


def find_councils(text: str) -> list[CouncilMention]:
    """Council mentions in ``text`` using the packaged gazetteer (see the module docstring)."""
    return default_gazetteer().find(text)


def mention_surfaces(text: str) -> list[str]:
    """The councils ``text`` names, as written there ("Barnet", "Kent CC"), in text order."""
    return [mention.surface for mention in find_councils(text)]


def council_names(text: str) -> tuple[str, ...]:
    """Canonical names of the councils ``text`` mentions, in order of first mention, unique."""
    seen: dict[str, None] = {}
    for mention in find_councils(text):
        seen.setdefault(mention.council.name, None)
    return tuple(seen)


def all_councils() -> tuple[Council, ...]:
    """Every council in the packaged gazetteer."""
    return default_gazetteer().councils


def get_council(name: str) -> Council | None:
    """Look a council up by canonical name or an unambiguous short form ("Kent CC")."""
    return default_gazetteer().resolve(name)
