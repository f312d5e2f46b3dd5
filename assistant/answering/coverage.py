"""Names the question asks about that the passages never mention.

A question that names a council, a person, a programme or an acronym ("What has Hertfordshire
County Council done...", "What are our TUPE obligations...") is answerable only from passages
that mention that name. When none of the retrieved passages does, the corpus does not cover the
question and an answer would be about something else: the answerer says so instead.

Pure functions, high precision by design: only capitalised words inside the question (not its
first word), acronyms and words with inner capitals count as names; words every name in this
domain shares ("County", "Council", "Programme") never decide alone; a name matches its
glossary expansion, its plural or possessive, and a close spelling ("Tewksbury").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from assistant.answering.draft import related_material
from assistant.text.glossary import known_acronyms
from assistant.text.terms import STOPWORDS, stem, without_possessive
from assistant.types import Hit

# Words that are capitalised in names but say nothing about which one.
_GENERIC_TEXT = """
    council councils county city borough district metropolitan unitary combined authority
    authorities government association local national public uk england english britain british
    wales scotland great london royal board programme programmes network team teams service
    services department ministry office group committee cabinet member members councillor
    councillors cllr mayor leader chief executive officer officers director head chair deputy
    mr mrs ms mx dr sir dame lord lady st saint i im ive id monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september october
    november december new act bill white paper strategy plan policy fund framework
    cmt slt clt elt smt dmt
    """
# (the last line: a council's own management teams - "a summary for CMT" - say who the answer
# is for, not what it is about)
_GENERIC = frozenset(_GENERIC_TEXT.split())
GENERIC_NAME_WORDS = _GENERIC  # for other checks of "the same names"
# "7Cs" is one word (a figure first, so no name): not "7" and a name "Cs"
_TOKEN = re.compile(r"\d+[A-Za-z]+\b|[A-Za-z][A-Za-z'\u2019]*|\d+(?:[./]\d+)*")
_PASSAGE_WORD = re.compile(r"[A-Za-z0-9]+")
_QUOTED = re.compile(  # text the user quotes ("summarise this note: '...'") is not asked about
    r"(?:(?<=\s)|(?<=^)|(?<=[:(]))['\u2018\"\u201c][^'\u2019\"\u201d]{2,}?['\u2019\"\u201d]"
    r"(?=[\s.,;:!?)]|$)"
)
_MAX_NAME_WORDS = 5  # longer runs of capitals are shouting or a title, not a name
_CLOSE_SPELLING = 0.85  # SequenceMatcher ratio at which a longer name counts as a misspelling


def _is_name_token(token: str, position: int) -> bool:
    """Is ``token`` (the ``position``-th word of its sentence) part of a name?"""
    if token[0].isdigit():
        return False
    letters = token.replace("'", "").replace("\u2019", "")
    if len(letters) >= 2 and letters.isupper():
        return True  # an acronym: SEND, TUPE, NJC
    if any(c.isupper() for c in letters[1:]):
        return True  # ChatGPT, TIEx
    return position > 0 and letters[:1].isupper()


def question_name_phrases(question: str) -> list[list[str]]:
    """Runs of name words in ``question``, a number right after a name kept with it
    ("Section 114", "Procurement Act 2023"): [["Hertfordshire", "County", "Council"], ...]."""
    phrases: list[list[str]] = []
    unquoted = _QUOTED.sub(" . ", question)
    for sentence in re.split(r"(?<=[.?!:;])\s+|\n+", unquoted):
        current: list[str] = []
        for position, token in enumerate(_TOKEN.findall(sentence)):
            if _is_name_token(token, position) or (current and token[0].isdigit()):
                current.append(token)
                if token.endswith(("'s", "\u2019s")):  # "LGA's Future Councils": two names
                    phrases.append(current)
                    current = []
                continue
            if current:
                phrases.append(current)
            current = []
        if current:
            phrases.append(current)
    unique = {" ".join(p): p for p in phrases if len(p) <= _MAX_NAME_WORDS}
    return list(unique.values())


def _normal(word: str) -> str:
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return word.strip("'")


def _distinctive(phrase: Sequence[str]) -> list[str]:
    """The words of a name phrase that pick it out (not "County", "Council", stopwords)."""
    out = []
    for word in phrase:
        norm = _normal(word)
        if not norm or norm in _GENERIC or norm in STOPWORDS:
            continue
        if not norm[0].isdigit() and len(norm) < 2:
            continue
        out.append(norm)
    return out


def _passage_vocabulary(hits: Iterable[Hit]) -> tuple[set[str], set[str]]:
    """Every word of the passages, their titles and sections: as written and stemmed."""
    words: set[str] = set()
    for hit in hits:
        chunk = hit.chunk
        for text in (chunk.text, chunk.title or "", chunk.section or ""):
            words.update(w.lower() for w in _PASSAGE_WORD.findall(text))
    return words, {stem(w) for w in words}


# A word written as a name: capitalised inside a sentence (after a lower-case word or a
# comma), or followed by another capitalised word ("Priya Okafor said...").
_NAME_IN_TEXT = re.compile(r"(?<=[a-z,;)] )[A-Z][A-Za-z]+|\b[A-Z][A-Za-z]+(?= [A-Z])")


# A run of capitalised words, joined by small words or hyphens: "Stockton-on-Tees Borough
# Council", "Future Sheffield".
_NAME_PHRASE = re.compile(
    r"[A-Z][\w'\u2019]*(?:(?:\s+|-)(?:(?:of|and|for|the|on|upon|in|under)(?:\s+|-))?[A-Z][\w'\u2019]*)*"
)


@dataclass(frozen=True, slots=True)
class _PassageNames:
    """How the passages write names: the words they capitalise as names (as written and
    stemmed), their text as one lower-case run (to find a whole phrase in), the stems of each
    name phrase, and the words they also write in lower case (common words: "future")."""

    names: set[str]
    name_stems: set[str]
    run: str
    phrases: list[set[str]]
    lower: set[str]


def _passage_names(hits: Iterable[Hit]) -> _PassageNames:
    names: set[str] = set()
    runs: list[str] = []
    phrases: list[set[str]] = []
    lower: set[str] = set()
    for hit in hits:
        chunk = hit.chunk
        for text in (chunk.text, chunk.title or "", chunk.section or ""):
            names.update(w.lower() for w in _NAME_IN_TEXT.findall(text))
            words = _PASSAGE_WORD.findall(text)
            runs.append(" ".join(w.lower() for w in words))
            lower.update(w for w in words if w.islower())
            for found in _NAME_PHRASE.findall(text):
                phrases.append({stem(w.lower()) for w in re.split(r"[\s-]+", found) if w})
    return _PassageNames(
        names, {stem(n) for n in names}, " " + " | ".join(runs) + " ", phrases, lower
    )


def _phrase_held(phrase: Sequence[str], distinctive: Sequence[str], seen: _PassageNames) -> bool:
    """Is a name of several words ("Future Councils") in the passages as a name: the whole
    phrase (a plural or possessive allowed), or each distinctive word written as a name? A
    common word that the passages only use as a word ("future meetings") does not count, and
    one they also write in lower case must be a name beside another word of the phrase ("Future
    Sheffield" is not "Future Councils"; "Stockton-on-Tees Borough Council" is "Stockton
    Council")."""
    words = [_normal(w) for w in phrase]
    pattern = r"\s".join(rf"{re.escape(w)}(?:s|es)?" for w in words if w)
    if re.search(rf"\s{pattern}\s", seen.run):
        return True
    for word in distinctive:
        if word[0].isdigit():
            continue
        if not _held(word, seen.names, seen.name_stems, {}):
            return False
        if word in seen.lower:
            others = {stem(w) for w in words if w and w != word}
            if not any(stem(word) in p and p & others for p in seen.phrases):
                return False
    return True


def _held(word: str, words: set[str], stems: set[str], expansions: dict[str, str]) -> bool:
    if word in words or stem(word) in stems:
        return True
    if word + "s" in words and len(word) <= 6:
        return True  # an acronym the passages use in the plural only ("ALS": "ALSs")
    if word[0].isdigit():
        return all(part in words for part in re.split(r"[./]", word) if part)
    expansion = expansions.get(word)
    if expansion and all(
        w.lower() in words or w.lower() in STOPWORDS for w in _PASSAGE_WORD.findall(expansion)
    ):
        return True
    if len(word) >= 6:  # a misspelt name ("Tewksbury") still counts as mentioned
        return any(
            abs(len(w) - len(word)) <= 2
            and SequenceMatcher(None, w, word).ratio() >= _CLOSE_SPELLING
            for w in words
        )
    return False


def _defined_in(question: str) -> dict[str, str]:
    """Acronyms the question spells out itself: "our adult social care ... the ASC team" ->
    {"ASC": "adult social care"} (the initials of consecutive words before it)."""
    words = re.findall(r"[A-Za-z][\w'-]*", question)
    out: dict[str, str] = {}
    for i, word in enumerate(words):
        if not (2 <= len(word) <= 6 and word.isupper()):
            continue
        n = len(word)
        for start in range(0, i - n + 1):
            run = words[start : start + n]
            if "".join(w[0] for w in run).upper() == word:
                out[word] = " ".join(run)
                break
    return out


def missing_names(question: str, hits: Sequence[Hit]) -> list[str]:
    """The names in ``question`` that no passage of ``hits`` mentions, as the question wrote
    them (empty when every name is covered, or the question names nothing)."""
    phrases = question_name_phrases(question)
    if not phrases or not hits:
        return []
    words, stems = _passage_vocabulary(hits)
    expansions = {k.lower(): v for k, v in known_acronyms(hits).items()}
    defined = _defined_in(question)
    passage_names: _PassageNames | None = None
    missing = []
    for phrase in phrases:
        if all(without_possessive(w) in defined for w in phrase):
            continue  # "the ASC team" after "adult social care": the question's own shorthand
        distinctive = _distinctive(phrase)
        if not distinctive:
            continue
        if not all(_held(w, words, stems, expansions) for w in distinctive):
            missing.append(" ".join(phrase))
        elif len(phrase) > 1 and not any(_normal(w) in expansions for w in phrase):
            if passage_names is None:
                passage_names = _passage_names(hits)
            if not _phrase_held(phrase, distinctive, passage_names):
                missing.append(" ".join(phrase))
    return missing


def not_covered_reason(names: Sequence[str], hits: Sequence[Hit]) -> str:
    """The refusal for a question about names the sources do not mention."""
    shown = [f"\u201c{n}\u201d" for n in names[:2]]
    named = shown[0] if len(shown) == 1 else f"{shown[0]} or {shown[1]}"
    return (
        f"The sources I have don't mention {named}, so I can't answer that from them."
        + related_material(hits)
    )
