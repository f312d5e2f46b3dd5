"""Query expansion: the words people ask with, mapped to the words the LGA's documents use
(``synonyms.yaml``, a reviewed list), for the keyword search (dense retrieval already matches
meaning; BM25 needs the document's own words) and for the answerer's question terms."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

SYNONYMS_PATH = Path(__file__).with_name("synonyms.yaml")


@functools.lru_cache(maxsize=4)
def load_synonyms(
    path: Path = SYNONYMS_PATH,
) -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    """(whole-phrase pattern, the document words it adds) per entry, longest phrase first."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = sorted(data.items(), key=lambda kv: -len(kv[0]))
    return tuple(
        (re.compile(rf"\b{_phrase(phrase)}\b", re.I), tuple(words)) for phrase, words in entries
    )


def _phrase(phrase: str) -> str:
    """The pattern of a phrase: its words, a "*" standing for up to three words between."""
    return r"\s+(?:\S+\s+){0,3}".join(
        r"\s+".join(re.escape(w) for w in part.split()) for part in phrase.split("*")
    )


# An acronym ending in S as a question writes it ("ALS", "CMS"): its plural ("ALSs") is a
# different word to the keyword index's stemmer (which folds "TIExs" onto "TIEx" itself).
_ACRONYM_IN_S = re.compile(r"\b(?=(?:[a-z]*[A-Z]){2})[A-Z][A-Za-z]{1,4}S\b")


def expand_query(query: str, path: Path = SYNONYMS_PATH) -> str:
    """``query`` with the document words of each phrase it uses appended (each word once), and
    the plural of each acronym ending in S ("ALS" -> "ALSs": documents write "action learning
    sets (ALSs)")."""
    added: list[str] = []
    for pattern, words in load_synonyms(path):
        if pattern.search(query):
            added += [w for w in words if w.lower() not in query.lower() and w not in added]
    for acronym in _ACRONYM_IN_S.findall(query):
        plural = acronym + "s"
        if plural.lower() not in query.lower() and plural not in added:
            added.append(plural)
    return f"{query} {' '.join(added)}" if added else query
