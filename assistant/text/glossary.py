"""Acronyms: the glossary, and spelling them out for councillors (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.text.sentences import normalise_whitespace
from assistant.text.terms import STOPWORDS
from assistant.types import Hit

# Acronyms spelled out for councillors when the passages don't define them themselves.
GLOSSARY: dict[str, str] = {
    "LGA": "Local Government Association",
    "TIEx": "Transformation and Innovation Exchange",
    "TCF": "Transformation Capability Framework",
    "DLUHC": "Department for Levelling Up, Housing and Communities",
    "MHCLG": "Ministry of Housing, Communities and Local Government",
    "CPC": "corporate peer challenge",
    "LGR": "local government reorganisation",
    "PMO": "programme management office",
    "ALMO": "arms-length management organisation",
    "ALS": "action learning set",
    "ALSs": "action learning sets",
    "IIB": "Improvement and Innovation Board",
    "SEND": "special educational needs and disabilities",
    "ASC": "adult social care",
    "ICS": "integrated care system",
    "NHS": "National Health Service",
    "AI": "artificial intelligence",
    "CRM": "customer relationship management",
    "KPI": "key performance indicator",
    "KPIs": "key performance indicators",
    "ROI": "return on investment",
    "MTFS": "medium-term financial strategy",
    "ICT": "information and communications technology",
    "SME": "small and medium-sized enterprise",
    "SMEs": "small and medium-sized enterprises",
    "VCS": "voluntary and community sector",
    "VCSE": "voluntary, community and social enterprise",
    "CIPFA": "Chartered Institute of Public Finance and Accountancy",
    "Socitm": "Society for Innovation, Technology and Modernisation",
    "GDS": "Government Digital Service",
}

_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]{1,6}\b")  # looked up: only known acronyms expand


def with_expansions(text: str, *, skip_common: bool = False) -> str:
    """``text`` with the glossary expansion of each acronym it uses appended, so that "TIEx"
    and "Transformation and Innovation Exchange" match when scoring (never shown to users).
    ``skip_common`` leaves out acronyms every passage shares ("LGA"): in a question's terms,
    "Local Government Association" would outweigh what the question is about."""
    found = [
        GLOSSARY[a]
        for a in dict.fromkeys(_ACRONYM.findall(text))
        if a in GLOSSARY and not (skip_common and a.lower() in STOPWORDS)
    ]
    extra = [e for e in found if e.lower() not in text.lower()]
    return f"{text} ({'; '.join(extra)})" if extra else text


_DEFINED = re.compile(
    r"((?:[A-Z][\w\-]*\s+(?:(?:and|of|for|the|in|&)\s+)*){1,8})\(([A-Z][A-Za-z]{1,6})\)"
)


def known_acronyms(hits: Sequence[Hit]) -> dict[str, str]:
    """The glossary plus acronyms the passages define, e.g. "Shared Intelligence (Si)"."""
    found = dict(GLOSSARY)
    for hit in hits:
        for acronym, expansion in defined_acronyms(hit.chunk.text):
            found.setdefault(acronym, expansion)
    return found


@lru_cache(maxsize=4096)  # every answer asks it of each passage it draws on
def defined_acronyms(text: str) -> tuple[tuple[str, str], ...]:
    """The acronyms ``text`` defines, in order, each with its expansion."""
    out: list[tuple[str, str]] = []
    for match in _DEFINED.finditer(normalise_whitespace(text)):
        words = match.group(1).split()
        acronym = match.group(2)
        letters = "".join(c for c in acronym if c.isupper())
        if len(letters) < 2:
            continue
        expansion = words[-_span_for(words, len(letters)) :]
        initials = "".join(w[0] for w in expansion if w[0].isupper())
        if initials == letters:
            out.append((acronym, " ".join(expansion)))
    return tuple(out)


def _span_for(words: list[str], capitals: int) -> int:
    """How many trailing words hold ``capitals`` capitalised words (joining words included)."""
    seen = 0
    for i in range(len(words) - 1, -1, -1):
        if words[i][0].isupper():
            seen += 1
            if seen == capitals:
                return len(words) - i
    return len(words)


def expand_acronyms(text: str, acronyms: dict[str, str]) -> str:
    """Spell out each known acronym at its first use, unless its expansion is already there
    (before it, or just after: "TIEx stands for ...")."""
    done: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        acronym = match.group(0)
        expansion = acronyms.get(acronym)
        if not expansion or acronym in done:
            return acronym
        done.add(acronym)
        before = text[max(0, match.start() - len(expansion) - 3) : match.start()]
        if expansion.lower() in text[: match.start()].lower() or before.endswith("("):
            return acronym
        if expansion.lower() in before.lower():
            return acronym
        after = text[match.end() : match.end() + len(expansion) + 30]
        if expansion.lower() in after.lower():
            return acronym  # "TIEx stands for Transformation and Innovation Exchange"
        return f"\x00{expansion} ({acronym})"

    expanded = _ACRONYM.sub(replace, text)
    # "an LGA hub" becomes "a Local Government Association (LGA) hub": the article follows the
    # expansion's first sound now, not the acronym's.
    expanded = re.sub(
        r"\b([Aa])n?(\s+)\x00(\w)",
        lambda m: (
            f"{m.group(1)}{'n' if m.group(3).lower() in 'aeiou' else ''}{m.group(2)}{m.group(3)}"
        ),
        expanded,
    )
    return expanded.replace("\x00", "")
