"""What a passage's sentences are: names, numbers, dates, section roles and lists.

Pure functions over chunk text. They let the answerer prefer the sentence that holds the kind
of thing a question asks for (a person's name, a figure, a date, a suggested approach rather
than the problem it addresses), answer a list question with the list itself, and say plainly
when the passages hold no figure or date of the kind asked for.

Section roles come from cue lines and headings ("Challenges include:", "Practical suggestions
and steps:", "Solutions suggested by other participants:", "Members' comments and
questions:"...). A chunk that starts inside a section inherits its role from the chunks of the
same document before it (``document_roles``), so the role survives chunk boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.types import Chunk

Role = Literal["challenge", "suggestion", "action", "example", "discussion", "decision"]

# Cue lines (short, usually ending with ":") that open a section of a given role.
_ROLE_CUES: tuple[tuple[Role, re.Pattern[str]], ...] = (
    (
        "suggestion",
        re.compile(
            r"\b(?:possible approaches|practical (?:suggestions|steps)|suggestions?\b|"
            r"solutions? suggested|suggested (?:approaches|solutions|steps)|recommendations?|"
            r"what (?:could|can|might) help|ideas (?:included|suggested)|tips\b|"
            r"approaches (?:emerging|included|suggested)|steps to consider|how to address)",
            re.I,
        ),
    ),
    (
        "action",
        re.compile(
            r"\b(?:planned to|next steps?|reflections?|actions? agreed|will now|the response)\b"
            r"|^response$",
            re.I,
        ),
    ),
    (
        "challenge",
        re.compile(
            r"^(?:challenges?|issues?|problems?|barriers?)\b|\bchallenges? (?:include|included|"
            r"raised|discussed|covered|faced)|^the (?:issue|challenge|problem) (?:is|was)\b"
            r"|^context:?$",
            re.I,
        ),
    ),
    (
        "discussion",
        re.compile(r"\b(?:comments and questions|members['\u2019]? comments|discussion)\b", re.I),
    ),
    ("decision", re.compile(r"\b(?:resolved|decisions?|agreed that|noted the)\b", re.I)),
    ("example", re.compile(r"^(?:figure \d+|illustration|case study|example)\b", re.I)),
)
_CUE_MAX_WORDS = 12

_PERSON = re.compile(
    r"\b(?:(?:Cllr|Councillor|Dr|Mr|Mrs|Ms|Mx|Professor|Sir|Dame|Lord|Baroness)\.?\s+)?"
    r"(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+(?:[A-Z]\.?\s+)?(?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
    r"(?=\s*(?:\([A-Z]{2,4}\)|,|\s+from\b|\s+of\b|\s+is\b|\s+was\b|\s+has\b|\s+provided\b|"
    r"\s+presented\b|\s+said\b|\s+introduced\b|\s+reported\b|\s+chairs?\b|\s+leads?\b))"
)
_NOT_NAME_TEXT = """Local Government Association Council Councils Network Programme Board Transformation
    Framework Exchange Innovation Improvement Support Sector City Borough County District
    Combined Authority Department Ministry Partnerships Intelligence Capability Leadership
    Digital Data Change Peer Challenge Action Learning The This That These Those Our Their
    England United Kingdom Chief Executive Head Director Officer Members Member Group Team
    Service Services Public Health National Graduate Development Financial Planning Toolkit
    Community Communities Corporate Essentials Academy Conference Hub Tracker Paper White
    Annual Showcase Technology Behaviour Behavioural Insights Assurance Value Best Plan Plans
    Productivity Operating Model Models Strategy Partner Partners Pilot Peers Agenda Item"""
_NOT_NAME_WORDS = frozenset(_NOT_NAME_TEXT.split())
_ROLE_WORDS = re.compile(
    r"\b(?:Head|Director|Chair(?:man|woman|person)?|Vice[- ]chair|Chief|Leader|Minister|Manager|"
    r"Officer|Councillor|Cllr|Secretary|Lead|Adviser|Advisor|President|Mayor|Executive)\b"
)
_INITIALS_DEF = re.compile(
    r"(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2})\s*\((?P<abbr>[A-Z]{2,4})\)"
    r"(?:\s*,\s*(?P<role>[A-Z][^,.;()]{3,60}?)(?=,|\.|;|\s+to\b|$))?"
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fifteen|twenty|"
    r"thirty|forty|fifty|hundred|thousand|million|billion|dozen|half|quarter"
)
NUMBER_WORD_PATTERN = _NUMBER_WORDS  # alternation of number words, for other modules' patterns
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b|\bper\s*cent\b|%|\u00a3", re.I)
_MONEY = re.compile(r"\u00a3\s?\d|\b\d[\d,.]*\s*(?:million|m|bn|billion|k)\b|\bpounds\b", re.I)
# When: a year, a month, a weekday or a season...
_CALENDAR_TEXT = (
    r"\b(?:19|20)\d\d\b|\b(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday)\b|\b(?:spring|summer|autumn|winter)\b"
)
_CALENDAR = re.compile(_CALENDAR_TEXT)
# ...or how often
_DATE = re.compile(
    _CALENDAR_TEXT + r"|\b(?:weekly|monthly|quarterly|annually|fortnightly|yearly|every\s+\w+\s+"
    r"(?:weeks|months|years)|(?:once|twice|three times)\s+a)\b"
    r"|\b(?:\d+|one|two|three|four|five|six)\s+times\b",
)
_LIST_ITEM = re.compile(
    r"^\s*(?:\d{1,2}[.)]|\(?[ivx]{1,4}\)|[a-h][.)]|[-*\u2022\u00b7\u25aa\u25cf])\s+(?P<x>.+)$"
)


def has_number(text: str) -> bool:
    """Does ``text`` hold a figure (digits, a number word, a percentage or an amount)?"""
    return bool(_NUMBER.search(text))


_DIGITS = re.compile(r"\d+(?:[.,/]\d+)*")
_YEAR = re.compile(r"^(?:19|20)\d\d(?:/\d{2,4})?$")
_WORD_FIGURE = re.compile(rf"\b(?:{_NUMBER_WORDS})\b|\bper\s*cent\b|%|\u00a3", re.I)
_FULL_DATE = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\b|\b(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}[/.]\d{1,2}[/.](?:19|20)?\d\d\b",
    re.I,
)


def figures_in(text: str) -> list[str]:
    """The figures written in digits in ``text``, thousands separators removed ("1,200" ->
    "1200", "2023/24" kept whole)."""
    return [m.group().replace(",", "") for m in _DIGITS.finditer(text)]


def is_year(figure: str) -> bool:
    """Is ``figure`` (from ``figures_in``) a year or a financial year ("2019", "2023/24")?"""
    return bool(_YEAR.match(figure))


def has_figure(text: str, *, ignore: frozenset[str] = frozenset()) -> bool:
    """Does ``text`` give a figure other than a year or one of ``ignore`` (the figures the
    question itself states)? "In 2023/24 the programme grew" gives none."""
    if any(not is_year(found) and found not in ignore for found in figures_in(text)):
        return True
    return bool(_WORD_FIGURE.search(text))


def has_full_date(text: str) -> bool:
    """Does ``text`` give a day of a month ("12 March", "March 12th", "12/03/2024")?"""
    return bool(_FULL_DATE.search(text))


def has_money(text: str) -> bool:
    return bool(_MONEY.search(text))


def has_date(text: str) -> bool:
    """Does ``text`` hold a date, a year, a month, a weekday or a frequency?"""
    return bool(_DATE.search(text))


def has_calendar_date(text: str) -> bool:
    """Does ``text`` say when: a year, a month, a weekday or a season (not how often)?"""
    return bool(_CALENDAR.search(text))


def person_names(text: str) -> list[str]:
    """Full names of people in ``text`` ("Susan Attard", "Cllr Abi Brown" -> "Abi Brown")."""
    out = []
    for match in _PERSON.finditer(text):
        name = match.group("name")
        if any(word in _NOT_NAME_WORDS for word in name.replace("-", " ").split()):
            continue
        out.append(name)
    return out


def has_person(text: str) -> bool:
    return bool(person_names(text))


def has_role_title(text: str) -> bool:
    """Does ``text`` give someone's job title ("Head of Productivity", "Chair")?"""
    return bool(_ROLE_WORDS.search(text))


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str | None


def defined_initials(text: str) -> dict[str, Person]:
    """Initials a document defines: "Susan Attard (SA), Head of Productivity" -> SA."""
    found: dict[str, Person] = {}
    for match in _INITIALS_DEF.finditer(text):
        abbr = match.group("abbr")
        name = match.group("name")
        if any(word in _NOT_NAME_WORDS for word in name.split()):
            continue  # "Local Government Association (LGA)": an organisation, not a person
        letters = "".join(w[0] for w in name.split())
        if letters != abbr and not (abbr[0] == letters[0] and abbr[-1] == letters[-1]):
            continue
        role = (match.group("role") or "").strip() or None
        if role and not _ROLE_WORDS.search(role):
            role = None
        found.setdefault(abbr, Person(name, role))
    return found


def expand_initials(sentence: str, people: dict[str, Person], done: set[str]) -> str:
    """``sentence`` with each defined initial's first use spelled out ("SA reported" ->
    "Susan Attard (SA), Head of Productivity, reported"). ``done`` tracks first uses."""

    def replace(match: re.Match[str]) -> str:
        abbr = match.group(0)
        person = people.get(abbr)
        if person is None or abbr in done or person.name in sentence:
            return abbr
        done.add(abbr)
        role = f", {person.role}," if person.role else ""
        return f"{person.name} ({abbr}){role}"

    return re.sub(r"\b[A-Z]{2,4}\b", replace, sentence)


def cue_role(line: str) -> Role | None:
    """The role a short cue line or heading opens, or None."""
    text = line.strip().strip("*#").strip()
    if not text or len(text.split()) > _CUE_MAX_WORDS:
        return None
    for role, pattern in _ROLE_CUES:
        if pattern.search(text):
            return role
    return None


# A paragraph opening "Possible approaches emerging from the discussions included ..." is the
# advice after a list of challenges, though it is no short cue line.
_APPROACHES_PARAGRAPH = re.compile(
    r"(?:possible|suggested|proposed|recommended)\s+(?:approaches|solutions)\s+"
    r"(?:emerging|from|included|highlighted|were)\b",
    re.I,
)


def role_spans(text: str, start_role: Role | None = None) -> list[tuple[int, Role | None]]:
    """(offset, role) at each cue line of ``text``: the role from that offset on."""
    spans: list[tuple[int, Role | None]] = [(0, start_role)]
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        role = (
            cue_role(stripped)
            if stripped and (stripped.endswith(":") or len(stripped.split()) <= 6)
            else "suggestion"
            if _APPROACHES_PARAGRAPH.match(stripped)
            else None
        )
        if role is not None:
            spans.append((offset, role))
        offset += len(line)
    return spans


def role_at(spans: Sequence[tuple[int, Role | None]], offset: int) -> Role | None:
    role: Role | None = None
    for start, value in spans:
        if start > offset:
            break
        role = value
    return role


def _section_key(chunk: Chunk) -> tuple[str, ...]:
    return chunk.heading_path[:2]


def document_roles(chunks: Sequence[Chunk]) -> dict[str, Role | None]:
    """Chunk id -> the role in force where the chunk starts, carried across chunk boundaries
    within one top-level section (a new section resets it). ``chunks`` in document order."""
    out: dict[str, Role | None] = {}
    role: Role | None = None
    key: tuple[str, ...] | None = None
    for chunk in sorted(chunks, key=lambda c: c.position):
        if _section_key(chunk) != key:
            role, key = None, _section_key(chunk)
        out[chunk.id] = role
        spans = role_spans(chunk.text, role)
        # The role at the chunk's end carries on; overlap with the next chunk is re-read there.
        role = spans[-1][1]
    return out


HEADED_ITEM_WORDS = 20  # a line under a heading is a list item only when this short


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A list in a passage: the line that introduces it and its items, with offsets."""

    lead: str
    items: tuple[str, ...]
    start: int
    end: int


def list_blocks(
    text: str,
    *,
    min_items: int = 2,
    max_item_words: int = 40,
    heading: str = "",
    headed_item_words: int = HEADED_ITEM_WORDS,
) -> list[ListBlock]:
    """Lists in ``text``: numbered or bulleted lines, or short paragraphs after a line that
    ends with ":" ("These are:", "Challenges include:"). With ``heading``, the passage's
    section heading as its first line leads a list of short lines too (a markdown bullet list
    loses its markers at ingest: "Strategic questions councillors can ask\n\nWhy is change
    needed?\n\n..."), each line at most ``headed_item_words`` long."""
    lines: list[tuple[int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            lines.append((offset, line.strip()))
        offset += len(line)
    blocks: list[ListBlock] = []
    i = 0
    while i < len(lines):
        start, line = lines[i]
        marked = _LIST_ITEM.match(line)
        headed = i == 0 and bool(heading) and line == heading.strip()
        if line.endswith(":") or marked or headed:
            lead = line if (line.endswith(":") or headed) and not marked else ""
            limit = headed_item_words if headed and not marked else max_item_words
            j = i + 1 if lead else i
            items: list[str] = []
            end = start + len(line)
            numbered = None
            while j < len(lines):
                item_start, item = lines[j]
                m = _LIST_ITEM.match(item)
                if m:
                    numbered = True if numbered is None else numbered
                    body = m.group("x").strip()
                elif numbered:
                    break
                elif lead and len(item.split()) <= limit and not item.endswith(":"):
                    numbered = False
                    body = item
                else:
                    break
                if cue_role(item) is not None and not m:
                    break
                items.append(body)
                end = item_start + len(item)
                j += 1
            if len(items) >= min_items:
                if not lead and i > 0 and lines[i - 1][1].endswith(":"):
                    lead = lines[i - 1][1]
                blocks.append(ListBlock(lead, tuple(items), start, end))
                i = j
                continue
        blocks += _inline_lists(line, start)
        i += 1
    return blocks


# A list written in one sentence, its items between semicolons: "The almanac covers
# connectivity; data; ...; and value." (at least four items, or three after a colon; commas
# are too ambiguous). The lead runs to a colon or to a listing verb, which splits it from the
# first item.
_INLINE_LIST = re.compile(
    r"(?:^|(?<=[.!?]\s))(?P<lead>[^.!?;:]*?(?::|\b(?:covers?|covered|includes?|included|"
    r"including|are|were|such as|namely)\b))\s+(?P<items>[^;.!?:]+(?:;\s+[^;.!?:]+){2,})"
)


def _inline_lists(line: str, offset: int) -> list[ListBlock]:
    out = []
    for m in _INLINE_LIST.finditer(line):
        items = [re.sub(r"^(?:and|or)\s+", "", x.strip()) for x in m.group("items").split(";")]
        enough = 3 if m.group("lead").endswith(":") else 4
        if len(items) >= enough and all(0 < len(x.split()) <= 8 for x in items):
            lead = m.group("lead").strip()
            out.append(ListBlock(lead, tuple(items), offset + m.start(), offset + m.end()))
    return out


__all__ = [
    "HEADED_ITEM_WORDS",
    "ListBlock",
    "Person",
    "Role",
    "cue_role",
    "defined_initials",
    "document_roles",
    "expand_initials",
    "NUMBER_WORD_PATTERN",
    "has_calendar_date",
    "has_date",
    "figures_in",
    "has_figure",
    "is_year",
    "has_full_date",
    "has_money",
    "has_number",
    "has_person",
    "has_role_title",
    "list_blocks",
    "person_names",
    "role_at",
    "role_spans",
]
