"""Plain English for councillor answers, no model needed (pure functions).

``plain_english`` takes a composed answer (sentences each ending with a ``[n]`` citation) and,
sentence by sentence:

1. drops asides (", however,") and parentheticals without numbers or names,
2. swaps jargon for plain words (the reviewed list in ``plain_words.yaml``),
3. splits long sentences at safe joints ("; ", ", and they ...", ", but ...", ", which ..."),

then spells out each acronym once, puts a one-line "In short: ..." lead first and keeps the
whole within a word cap.

Safety, checked in code: every sentence it writes carries its original citation marker, and
every step must keep each number and each name (capitalised word) of the sentence it rewrites;
a step that would lose one is not applied to that sentence (it stays as it was).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.text.glossary import GLOSSARY, expand_acronyms, known_acronyms
from assistant.text.openings import POINTING_WORDS
from assistant.text.terms import FUNCTION_WORDS, content_terms
from assistant.types import Citation, Hit

PLAIN_WORDS_PATH = Path(__file__).with_name("plain_words.yaml")
LEAD = "In short:"

_MARKER = r"\[\d+(?:\s*[,;]\s*\d+)*\]"
# One answer sentence: its text, then its marker(s), then its closing punctuation.
_UNIT = re.compile(rf"\s*(?P<body>.*?)\s*(?P<marker>(?:{_MARKER})+)(?P<punct>[.!?]*)(?=\s|$)", re.S)
_LIST_LINE = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s", re.M)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\u2019\-]*|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS_TEXT = """
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy
    eighty ninety hundred thousand million billion half quarter first second third fourth
    fifth once twice dozen
    """
_NUMBER_WORDS = frozenset(_NUMBER_WORDS_TEXT.split())
_WORDS = re.compile(r"[A-Za-z0-9\u00a3][\w'\u2019\-%.,\u00a3]*")


# ---------------------------------------------------------------------------------------------
# What must survive a rewrite


_UNITS_TEXT = """zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen"""
_TENS_TEXT = "twenty thirty forty fifty sixty seventy eighty ninety"
_UNIT_VALUES = {w: i for i, w in enumerate(_UNITS_TEXT.split())}
_TEN_VALUES = {w: 10 * i for i, w in enumerate(_TENS_TEXT.split(), 2)}
_DIGIT_WORDS = "|".join(w for w, v in _UNIT_VALUES.items() if 1 <= v <= 9)  # one ... nine
_TEEN_WORDS = "|".join(w for w, v in _UNIT_VALUES.items() if v >= 10)  # ten ... nineteen
_NUMBER_PHRASE = re.compile(
    rf"\b(?P<tens>{'|'.join(_TEN_VALUES)})(?:[-\s](?P<unit>{_DIGIT_WORDS})\b)?"
    rf"|\b(?P<teen>{_TEEN_WORDS})\b",
    re.I,
)
_PER_CENT = re.compile(r"(?<=\d) per cent\b", re.I)


def numerals(text: str) -> str:
    """Numbers from ten up written as numerals and "per cent" as "%", as GOV.UK writes them:
    "Ninety-nine per cent of twelve councils" -> "99% of 12 councils". A number word inside
    a name ("Twenty Twenty Programme") is left alone."""

    def value(match: re.Match[str]) -> str:
        after = text[match.end() :].lstrip(" -")
        if after[:1].isupper() and match.group(0)[:1].isupper():
            return match.group(0)  # part of a name
        if match.group("teen"):
            return str(_UNIT_VALUES[match.group("teen").lower()])
        n = _TEN_VALUES[match.group("tens").lower()]
        return str(n + (_UNIT_VALUES[match.group("unit").lower()] if match.group("unit") else 0))

    return _PER_CENT.sub("%", _NUMBER_PHRASE.sub(value, text))


def numbers_of(text: str) -> Counter[str]:
    """Numbers in ``text`` (digits with separators folded, and number words), counted; number
    words from ten up count as their numerals, so "twelve" and "12" are the same number."""
    text = numerals(text)
    found = Counter(n.replace(",", "") for n in _NUMBER.findall(text))
    found.update(w.lower() for w in _TOKEN.findall(text) if w.lower() in _NUMBER_WORDS)
    return found


_COMMON_STARTS_TEXT = """
    the a an this that these those it its they their there we our you your he she his her in
    on at for by with from to of as if when while where what which who how why all each
    every some many most more much other others both either neither no not one two three
    councils council councillors members officers staff participants peers partners
    residents people local digital transformation good strong clear and but or so also after
    before during since because although however further additionally furthermore moreover
    therefore consequently subsequently initially ultimately nevertheless prior
    """
_COMMON_STARTS = frozenset(_COMMON_STARTS_TEXT.split())


@lru_cache(maxsize=1)
def _common_starts() -> frozenset[str]:
    """Words that are capitalised only because they start a sentence: common words, function
    words and the first words of the plain-word phrases."""
    firsts = {r.phrase.lstrip("^").split()[0].strip(",") for r in load_rules()}
    return _COMMON_STARTS | FUNCTION_WORDS | firsts


def names_of(text: str) -> Counter[str]:
    """Capitalised words of ``text`` (names, places, acronyms), counted. The first word counts
    only if it is not a common word capitalised because it starts the sentence."""
    tokens = [t for t in _TOKEN.findall(text) if not t[0].isdigit()]
    out: Counter[str] = Counter()
    for i, token in enumerate(tokens):
        if not token[0].isupper():
            continue
        if i == 0 and token.isalpha() and token.lower() in _common_starts():
            continue
        if i == 0 and (token.lower() in _NUMBER_WORDS or _NUMBER_PHRASE.fullmatch(token)):
            continue  # "Thirty councils...": a number (checked as one), not a name
        out[token] += 1
    return out


def keeps_facts(original: str, rewritten: str) -> bool:
    """Does ``rewritten`` still hold every number and every name of ``original``?"""
    numbers = numbers_of(rewritten)
    if any(numbers[n] < k for n, k in numbers_of(original).items()):
        return False
    names = Counter(t for t in _TOKEN.findall(rewritten) if t[0].isupper())
    return all(names[n] >= k for n, k in names_of(original).items())


# ---------------------------------------------------------------------------------------------
# The plain words


@dataclass(frozen=True, slots=True)
class Rule:
    """One jargon phrase and its plain replacement."""

    pattern: re.Pattern[str]
    replacement: str  # "{x}" carries the gap over; "past|participle" picks by context
    phrase: str
    before_plural: bool = False
    # A word the text must hold (lower-cased) for the pattern to match: the phrase's longest
    # literal word. Checking it first skips almost every rule's regex (most sentences hold
    # none of ~270 phrases); the plain layer ran on every councillor answer at ~15% of a
    # crowd's server CPU before (py-spy, 50 clients).
    needle: str = ""
    # Words (lower case) before / after which the phrase is part of a name and stays
    # ("LGA transformation masterclasses"); set for the `in_context` entries only.
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()


_PARTICIPLE_AFTER = re.compile(
    r"\b(?:have|has|had|having|be|been|being|is|are|was|were)\s+(?:\w+ly\s+|not\s+|also\s+)?$",
    re.I,
)


def _rule(
    phrase: str,
    replacement: str,
    *,
    before_plural: bool = False,
    not_after: Iterable[str] = (),
    not_before: Iterable[str] = (),
) -> Rule:
    start = phrase.startswith("^")
    words = phrase.lstrip("^")
    body = r"\s+".join(
        r"(?P<x>(?:\S+\s+){0,3}?\S+)" if w == "{x}" else re.escape(w) for w in words.split()
    )
    # Capitalised only at the start of a sentence: mid-sentence capitals belong to names.
    first, rest = body[:1], body[1:]
    if first.isalpha():
        head = (
            f"(?:{first.lower()}|{first.upper()})"
            if not start
            else f"[{first.lower()}{first.upper()}]"
        )
        body = head + rest
    lead = r"^" if start else r"(?<![\w\-])"
    tail = (
        r"(?=\s+[a-z][\w\-]*s\b)"
        if before_plural
        else (r"" if words.endswith(",") else r"(?![\w\-])")
    )
    literal = [w.rstrip(",").lower() for w in words.split() if w != "{x}"]
    needle = max(literal, key=len, default="")
    return Rule(
        re.compile(lead + body + tail),
        replacement,
        phrase,
        before_plural,
        needle,
        frozenset(w.lower() for w in not_after),
        frozenset(w.lower() for w in not_before),
    )


@lru_cache(maxsize=4)
def _plain_words(path: Path) -> dict[str, Any]:
    """``path`` (``plain_words.yaml``) read once: the rules and the well-known acronyms."""
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=4)
def load_rules(path: Path = PLAIN_WORDS_PATH) -> tuple[Rule, ...]:
    """The plain-word rules of ``path``, longest phrase first (so "in order to" beats "order")."""
    data = _plain_words(path)
    rules = [_rule(str(k), str(v)) for k, v in (data.get("words") or {}).items()]
    rules += [
        _rule(str(k), str(v), before_plural=True)
        for k, v in (data.get("before_plural") or {}).items()
    ]
    rules += [
        _rule(
            str(k),
            str(v["plain"]),
            not_after=v.get("not_after") or (),
            not_before=v.get("not_before") or (),
        )
        for k, v in (data.get("in_context") or {}).items()
    ]
    # Phrases that look at the next word first ("a range of stakeholders"), then longest first
    # (so "in order to" beats "order").
    return tuple(sorted(rules, key=lambda r: (not r.before_plural, -len(r.phrase))))


@lru_cache(maxsize=4)
def load_well_known(path: Path = PLAIN_WORDS_PATH) -> frozenset[str]:
    """Acronyms councillors know without a gloss (``well_known`` in ``path``)."""
    data = _plain_words(path)
    return frozenset(str(a) for a in data.get("well_known") or ())


def _a_or_an(word: str) -> str:
    w = word.lower()
    if re.match(r"(?:eu|uni|use|usu|one|once)", w):
        return "a"
    return "an" if w[:1] in "aeiou" or w.startswith(("hour", "honest")) else "a"


_WORD_AT = re.compile(r"[A-Za-z][\w'\u2019\-]*")


def _in_a_name(match: re.Match[str], rule: Rule) -> bool:
    """Is the matched word of an `in_context` rule part of a name or fixed phrase here: after
    a word of ``rule.not_after``, before one of ``rule.not_before``, or within three words of
    its own replacement ("transformation and change" must not become "change and change")?"""
    before = _WORD_AT.findall(match.string[: match.start()])
    after = _WORD_AT.findall(match.string[match.end() :])
    if before and before[-1].lower() in rule.not_after:
        return True
    if after and after[0].lower() in rule.not_before:
        return True
    near = {w.lower() for w in before[-3:] + after[:3]}
    plain = {w.lower() for w in _WORD_AT.findall(rule.replacement)}
    return bool(near & {p + e for p in plain for e in ("", "s", "d", "es")})


def _echoes(match: re.Match[str], replacement: str) -> bool:
    """Would ``replacement`` repeat a content word written within three words of the match?"""
    before = _WORD_AT.findall(match.string[: match.start()])[-3:]
    after = _WORD_AT.findall(match.string[match.end() :])[:3]
    near = content_terms(" ".join(before + after))
    return bool(near & content_terms(replacement))


# After a capitalised word, the rest of a name: a capitalised word, maybe after a joiner.
_NAME_GOES_ON = re.compile(r"\s*(?:(?:and|of|for|&|in|the)\s+){0,2}[A-Z]")


def replace_words(text: str, rules: Sequence[Rule] | None = None) -> str:
    """``text`` with each jargon phrase of ``rules`` replaced by its plain words.

    A phrase is replaced where it is written in lower case, or capitalised as the first word of
    the sentence (the replacement is then capitalised too); "a"/"an" before it is corrected.
    """
    rules = load_rules() if rules is None else rules
    lowered = text.lower()
    for rule in rules:
        if rule.needle not in lowered:
            continue

        def swap(match: re.Match[str], rule: Rule = rule) -> str:
            found = match.group(0)
            at_start = match.start() == 0
            if found[:1].isupper() and not at_start:
                return found  # part of a name or title
            if found[:1].isupper() and _NAME_GOES_ON.match(match.string[match.end() :]):
                # "Transformation Programme Board ...", "Transformation and Innovation
                # Exchange (TIEx) ...": a name opening a sentence
                return found
            fixed = found
            if "x" in match.re.groupindex and match.group("x") is not None:
                fixed = found.replace(match.group("x"), "")  # the gap may hold names
            if any(c.isupper() for c in fixed[1:]):
                return found
            if (rule.not_after or rule.not_before) and _in_a_name(match, rule):
                return found
            new = rule.replacement
            if "|" in new:
                past, participle = new.split("|", 1)
                new = (
                    participle if _PARTICIPLE_AFTER.search(match.string[: match.start()]) else past
                )
            if "{x}" in new:
                new = new.replace("{x}", match.group("x"))
            if _echoes(match, new):
                return found  # "training and upskilling" must not read "training and training"
            if found[:1].isupper():
                new = new[:1].upper() + new[1:]
            return "\x00" + new

        changed = rule.pattern.sub(swap, text)
        if changed != text:
            text, lowered = changed, changed.lower()
    text = re.sub(
        r"\b([Aa])n?(\s+)\x00(\w+)",
        lambda m: (
            (_a_or_an(m.group(3)).capitalize() if m.group(1) == "A" else _a_or_an(m.group(3)))
            + m.group(2)
            + m.group(3)
        ),
        text,
    )
    return text.replace("\x00", "")


# ---------------------------------------------------------------------------------------------
# Asides and parentheticals

_ASIDE = re.compile(
    r",\s+(?:however|therefore|of course|in turn|indeed|in fact|as such|in effect|"
    r"it should be noted|it is worth noting),(?=\s)",
    re.I,
)
_PARENTHETICAL = re.compile(r"\s*\(([^()]{1,160})\)")
_DASH_ASIDE = re.compile(r"\s+[\u2013\u2014]\s+([^\u2013\u2014]{3,120}?)\s+[\u2013\u2014](?=\s)")


# A bracket right after a name, saying what that item is: "Bristol City Council (change
# champion networks)" (not an enumerator such as "(ii)")
_NAMED_ITEM_NOTE = re.compile(r"[A-Z][\w'\u2019-]*\s+\((?![ivx]+\))(?=[a-z])[^()]{3,160}\)")


def drop_asides(text: str) -> str:
    """``text`` without discourse asides (", however,") and without bracketed or dashed asides
    that hold no number and no capitalised word (a name or an acronym's definition). Brackets
    that annotate a list's items ("Kent County Council (systems thinking), Bristol City
    Council (change champion networks), ...") are kept: they tell the items apart."""
    text = _ASIDE.sub("", text)
    notes: list[str] = []  # placeholders of its own: the text may hold ``_mask``'s already
    if len(_NAMED_ITEM_NOTE.findall(text)) >= 2:

        def hide(match: re.Match[str]) -> str:
            notes.append(match.group(0))
            return f"\x01{len(notes) - 1}\x01"

        text = _NAMED_ITEM_NOTE.sub(hide, text)
    text = _PARENTHETICAL.sub(_drop_plain, text)
    text = _DASH_ASIDE.sub(_drop_plain, text)
    text = re.sub("\x01(\\d+)\x01", lambda m: notes[int(m.group(1))], text)
    return re.sub(r"\s+([,.;:!?])", r"\1", text)


def _drop_plain(match: re.Match[str]) -> str:
    """An aside dropped, unless it holds a number or a capitalised word."""
    inner = match.group(1)
    if re.search(r"\d|[A-Z]|\u00a3|%", inner):
        return match.group(0)
    return ""


# ---------------------------------------------------------------------------------------------
# Splitting long sentences

# A past tense or participle by its ending, not the words that only end like one ("need").
_PAST = (
    r"(?!(?:need|speed|feed|seed|deed|greed|breed|heed|creed|proceed|exceed|succeed|indeed|"
    r"hundred|kindred|shed)\b)[a-z]{2,}ed"
)
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|can|could|should|may|might|must|"
    r"do|does|did|need|needs|said|says|say|include|includes|included|offer|offers|provide|"
    r"provides|help|helps|make|makes|made|take|takes|took|give|gives|gave|mean|means|meant|"
    r"show|shows|work|works|found|find|finds|led|lead|leads|set|sets|felt|feel|feels|"
    rf"{_PAST})\b"
)
# Verbs that are rarely nouns: evidence that the words after a joint make a clause.
_FINITE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|do|does|"
    rf"did|said|says|took|gave|made|found|led|felt|meant|began|became|saw|told|{_PAST})\b"
)
# A present-tense verb after its subject: "its members meet", "the toolkit lists".
_VERB_S = re.compile(r"^(?:\S+\s+){1,3}(?:[a-z]{3,}s|meet|work|want|use)\b(?!\s+(?:of|and|for)\b)")
_PRONOUN = re.compile(r"^(?:we|they|it|he|she|there|this|these|those|i|you)\s", re.I)
_SUBJECT = re.compile(
    r"^(?:we|they|it|this|these|those|there|he|she|i|you|the|their|our|its|his|her|each|all|"
    r"most|many|some|other|others|both|several|councils|members|officers|staff|participants|"
    r"residents|councillors|peers|partners)\b",
    re.I,
)
_SUBORDINATE = re.compile(
    r"^(?:although|though|while|whilst|if|when|whenever|because|as|since|unless|whether|"
    r"despite|after|before|once|until|where|so that|in order)\b",
    re.I,
)
MIN_SPLIT_WORDS = 5
LONG_SENTENCE = 18  # words: shorter sentences are left whole


def _words(text: str) -> int:
    return len(text.split())


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _is_clause(text: str) -> bool:
    """A rough test for an independent clause: a pronoun subject, or a subject-like start and
    a finite verb early on ("the need to understand ..." is not one)."""
    head = " ".join(text.split()[:7])
    if _PRONOUN.match(text):
        return bool(_VERB.search(head))
    return bool(_SUBJECT.match(text)) and bool(_FINITE.search(head))


_THEY_FORM = {"has": "have", "is": "are", "was": "were", "does": "do"}
_AFTER_THEY = re.compile(
    r"(?:are|were|have|had|will|would|can|could|should|may|might|must|do|did|also|said|took|"
    rf"gave|made|found|led|felt|meant|began|became|saw|told|ran|spoke|{_PAST})"
)


def _plural_verb(verb: str) -> str | None:
    """The form of the verb after "who" that follows "They" ("has" -> "have", "provides" ->
    "provide", "provided" as it is), or None when the word is not a verb we can tell."""
    if verb in _THEY_FORM:
        return _THEY_FORM[verb]
    if _AFTER_THEY.fullmatch(verb):
        return verb
    if re.fullmatch(r"[a-z]{3,}(?:ch|sh|ss|x)es", verb):
        return verb[:-2]
    if re.fullmatch(r"[a-z]{2,}[^aeiou]ies", verb):
        return verb[:-3] + "y"
    if re.fullmatch(r"[a-z]{3,}[^su]s", verb):
        return verb[:-1]
    return None


# A sentence saying what something is ("The Review is a free version of TIEx ..."): its
# subject, then "is"/"are" before any comma.
_IS_A = re.compile(r"^(?:The|An?|[A-Z][\w'\u2019-]*)\b[^,;:()]*?\s(?P<be>is|are|was|were)\s")
# "..., funded by MHCLG and run by Local Partnerships" closing it: what was done to the subject.
_DONE_BY = re.compile(
    r",\s+(?P<rest>(?:(?:mainly|jointly|largely|partly)\s+)?(?:funded|run|led|delivered|developed|"
    r"built|commissioned|proposed|published|organised|hosted|supported|grouped|agreed|designed|"
    r"written|created|produced|launched)\s+(?:by|with|in|under|around|through)\b[^;:]*)$"
)
_GOES_ON = re.compile(r",\s+(?:that|which|who|whose|where|in\s+which|on|for|to|with)\b")
_PAST_OF = {"is": "was", "are": "were"}
MAX_SUBJECT_WORDS = 8  # a subject said again no longer than this


def _described_by(text: str) -> list[str] | None:
    """ "The Review is a free version of TIEx, funded by MHCLG and run by Local Partnerships" as
    "The Review is a free version of TIEx" and "The Review is funded by MHCLG and run by Local
    Partnerships" (a year early in the clause makes it "... was developed in 2023/24"); None
    unless the sentence says what its subject is, in a few words, and the clause closes it."""
    described = _IS_A.match(text)
    done = _DONE_BY.search(text)
    if described is None or done is None or done.start() <= described.end():
        return None
    rest = done.group("rest")
    if _GOES_ON.search(rest) or _words(rest) < MIN_SPLIT_WORDS - 1:
        return None  # "..., proposed by DLUHC ..., that matches councils": it goes on
    left = text[: done.start()]
    if _words(left) < MIN_SPLIT_WORDS + 1:
        return None
    be = described.group("be")
    if re.search(r"\b(?:19|20)\d\d\b", " ".join(rest.split()[:4])):
        be = _PAST_OF.get(be, be)  # "developed in 2023/24": done then
    # The subject said again, as the catalogue writes its sentences: each one stands alone
    # (and stays close enough to its passage for the support check; "It is ..." was not).
    subject = text[: described.start("be")].strip()
    if _words(subject) > MAX_SUBJECT_WORDS:
        return None
    return [left, f"{subject} {be} {rest}"]


def _split_once(text: str) -> list[str] | None:
    """Two sentences from ``text`` at its first safe joint, or None."""
    if _words(text) <= LONG_SENTENCE:
        return None
    # "; " between two clauses (not a list: no colon before it).
    for match in re.finditer(r";\s+", text):
        left, right = text[: match.start()], text[match.end() :]
        if ":" in left or _words(left) < MIN_SPLIT_WORDS or _words(right) < MIN_SPLIT_WORDS:
            continue
        right = re.sub(r"^(?:and|so)\s+", "", right)
        if right.startswith("or "):
            continue
        # Outside a colon list a semicolon joins two statements; a verb on each side is
        # enough evidence.
        if _VERB.search(left) and (
            _is_clause(right) or _FINITE.search(right) or _VERB_S.search(right)
        ):
            return [left, _capitalise(right)]
    # ", but ..." and ", and <clause>".
    for match in re.finditer(r",\s+(and|but|so)\s+", text):
        left, right = text[: match.start()], text[match.end() :]
        if _words(left) < MIN_SPLIT_WORDS + 1 or _words(right) < MIN_SPLIT_WORDS:
            continue
        if _SUBORDINATE.match(left) or not _VERB.search(left) or ":" in left:
            continue
        if match.group(1) == "but":
            if _VERB.search(" ".join(right.split()[:7])):
                return [left, "But " + right]
        elif match.group(1) == "so":
            if _is_clause(right):
                return [left, "So " + right]
        elif _is_clause(right):
            return [left, _capitalise(right)]
    # " and it was ...": a pronoun and its verb start a clause even without a comma.
    for match in re.finditer(r"\s+and\s+(?=(?:it|they|he|she|we)\s)", text):
        left, right = text[: match.start()], text[match.end() :]
        if _words(left) < MIN_SPLIT_WORDS + 1 or _words(right) < MIN_SPLIT_WORDS:
            continue
        if _SUBORDINATE.match(left) or not _VERB.search(left) or ":" in left or "," in left:
            continue
        if _FINITE.match(right.split(maxsplit=1)[1]):
            return [left, _capitalise(right)]
    # "..., who provided an update": the clause after a complete sentence becomes "They ...".
    who = re.search(r",\s+who\s+(?P<verb>[a-z]+)(?P<rest>\s.*)$", text)
    if who:
        left, verb = text[: who.start()], _plural_verb(who.group("verb"))
        if (
            verb is not None
            and _words(left) >= MIN_SPLIT_WORDS + 1
            and _words(who.group("rest")) >= MIN_SPLIT_WORDS - 1
            and _FINITE.search(left)
            and not _SUBORDINATE.match(left)
            and ":" not in left
        ):
            return [left, f"They {verb}{who.group('rest')}"]
    # "X is a package of support, funded by ... and run by ...": "X is funded by ...".
    described = _described_by(text)
    if described:
        return described
    # ", which <verb> ..." closing the sentence: a new sentence "This <verb> ...".
    which = re.search(r",\s+which\s+(?P<rest>[^,;:()\u2013\u2014]+)$", text)
    if which:
        left, rest = text[: which.start()], which.group("rest")
        if (
            _words(left) >= MIN_SPLIT_WORDS + 1
            and _words(rest) >= MIN_SPLIT_WORDS - 2
            and _VERB.search(left)
            and not _SUBORDINATE.match(left)
            and (re.match(_VERB.pattern, rest) or re.match(r"[a-z]{3,}s\b", rest))
        ):
            subject = (
                "These" if re.match(r"(?:are|were|have|include|mean|help|make)\b", rest) else "This"
            )
            return [left, f"{subject} {rest}"]
    return None


_LIST_INTRO = re.compile(r"^(?P<intro>[^:;]{12,}?):\s+(?P<items>[^:]+)$")


def as_list(text: str) -> list[str] | None:
    """A sentence that lists three or more items after a colon, separated by semicolons
    ("TIEx focuses on five areas: a; b; and c"), as its lead-in and "- item" lines; None for
    any other sentence, or when an item is itself long (then it is not a list of items)."""
    match = _LIST_INTRO.match(text)
    if match is None:
        return None
    items = [re.sub(r"^(?:and|or)\s+", "", i.strip()) for i in match.group("items").split(";")]
    if len(items) < 3 or not all(1 <= _words(i) <= 16 for i in items):
        return None
    return [match.group("intro") + ":", *(f"- {i}" for i in items)]


def split_sentence(text: str, *, max_pieces: int = 4) -> list[str]:
    """``text`` (one sentence, no final full stop) as one or more sentences, split at safe
    joints while a piece is long."""
    pieces = [text]
    changed = True
    while changed and len(pieces) < max_pieces:
        changed = False
        for i, piece in enumerate(pieces):
            split = _split_once(piece)
            if split:
                pieces[i : i + 1] = split
                changed = True
                break
    return pieces


# ---------------------------------------------------------------------------------------------
# Sentences of an answer


@dataclass(slots=True)
class Unit:
    """One sentence of the answer: its text (no marker, no closing stop) and its marker."""

    body: str
    marker: str  # "[1]", "" for text without a citation (left untouched)
    punct: str  # the closing punctuation after the marker ("." usually)
    paragraph: int
    pieces: list[str] | None = None  # the plain version, one or more sentences

    def render(self) -> str:
        if not self.marker:
            return self.body
        if self.pieces is None:
            return f"{self.body} {self.marker}{self.punct}"
        if self.pieces[0].endswith(":") and self.pieces[1:] and self.pieces[1].startswith("- "):
            # A list written as bullets, as the answerer writes lists: "... areas [1]:" and
            # "- item [1]" lines.
            items = "".join(f"\n{item} {self.marker}" for item in self.pieces[1:])
            return f"{self.pieces[0][:-1]} {self.marker}:{items}"
        return " ".join(f"{p} {self.marker}{self.punct or '.'}" for p in self.pieces)


def parse_units(text: str) -> list[Unit]:
    """The sentences of a composed answer, each with its citation marker and paragraph."""
    units: list[Unit] = []
    for p, paragraph in enumerate(re.split(r"\n\s*\n", text.strip())):
        if _LIST_LINE.search(paragraph):
            # A list keeps its lines: its items are already short, and left as they are.
            units.append(Unit(paragraph, "", "", p))
            continue
        pos = 0
        for match in _UNIT.finditer(paragraph):
            if match.start() > pos and paragraph[pos : match.start()].strip():
                units.append(Unit(paragraph[pos : match.start()].strip(), "", "", p))
            body = match.group("body").strip()
            units.append(Unit(body, match.group("marker"), match.group("punct"), p))
            pos = match.end()
        if paragraph[pos:].strip():
            units.append(Unit(paragraph[pos:].strip(), "", "", p))
    return units


def render(units: Iterable[Unit]) -> str:
    paragraphs: dict[int, str] = {}
    for unit in units:
        text, before = unit.render(), paragraphs.get(unit.paragraph)
        if before is None:
            paragraphs[unit.paragraph] = text
        else:
            # After a list, the paragraph goes on below it, not on its last item's line.
            joint = "\n\n" if re.search(r"\n- [^\n]*$", before) else " "
            paragraphs[unit.paragraph] = before + joint + text
    return "\n\n".join(p for p in paragraphs.values() if p)


def _core(body: str) -> tuple[str, str]:
    """``body`` without its closing stop, and that stop (a closing quote keeps the stop)."""
    match = re.search(r"[.!?]+$", body)
    if not match:
        return body, ""
    return body[: match.start()], match.group(0)


def plain_sentence(
    body: str, rules: Sequence[Rule] | None = None, keep: Sequence[str] = ()
) -> list[str]:
    """One answer sentence (no marker) in plain English: one or more sentences without their
    closing full stop. Each step is applied only if it keeps every number and name of
    ``body``; a sentence ending in a quotation is only given plain words. The phrases of
    ``keep`` (names of the cited documents, "LGA councillor development for transformation")
    are left exactly as written."""
    core, stop = _core(body)
    if stop and stop != ".":
        return [body]  # questions and exclamations stay as written
    masked, restore = _mask(core, keep)
    text = masked
    for step in (drop_asides, lambda t: replace_words(t, rules), numerals):
        candidate = step(text)
        if candidate.strip() and keeps_facts(masked, candidate):
            text = candidate
    if re.search(r"[\"\u201d\u2019]$", text):
        return [restore(text)]
    listed = as_list(text)
    if listed is not None and keeps_facts(masked, " ".join(listed)):
        return [restore(p) for p in listed]
    pieces = split_sentence(text)
    if len(pieces) > 1 and not keeps_facts(masked, " ".join(pieces)):
        pieces = [text]
    return [restore(p) for p in pieces]


def _mask(text: str, keep: Sequence[str]) -> tuple[str, Callable[[str], str]]:
    """``text`` with each phrase of ``keep`` it holds (any case) swapped for a placeholder no
    step touches (private-use characters, no letters or digits), and the function that puts
    them back."""
    found: list[str] = []

    def hide(match: re.Match[str]) -> str:
        found.append(match.group(0))
        return f"\ue000{chr(0xE010 + len(found) - 1)}\ue001"

    for phrase in sorted(set(keep), key=len, reverse=True):
        if len(found) >= 200:
            break
        text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", hide, text, flags=re.I)

    def restore(out: str) -> str:
        return re.sub("\ue000(.)\ue001", lambda m: found[ord(m.group(1)) - 0xE010], out)

    return text, restore


# ---------------------------------------------------------------------------------------------
# The lead and the word cap


def word_count(text: str) -> int:
    """Words as the reader counts them (markers and "In short:" included; close to the
    eval's count)."""
    return len(re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)?", re.sub(_MARKER, "", text)))


def short_lead(sentence: str, *, max_words: int = 16) -> str | None:
    """A shortened first sentence for the "In short:" line: the sentence itself when short,
    else its main clause cut at a comma or dash, provided the cut-off part holds no number or
    name. None when no safe short form exists."""
    if _words(sentence) <= max_words:
        return sentence
    for match in re.finditer(
        r",\s+|\s+[\u2013\u2014]\s+|\s+(?=(?:including|such as|as well as|which|who)\b)", sentence
    ):
        left, tail = sentence[: match.start()], sentence[match.end() :]
        n = _words(left)
        if n < MIN_SPLIT_WORDS + 1:
            continue
        if n > max_words:
            break
        if _SUBORDINATE.match(left) or not _VERB.search(left):
            continue
        if numbers_of(tail) or names_of("x " + tail):
            continue
        if left.count("(") != left.count(")") or left.count("\u201c") != left.count("\u201d"):
            continue
        return left
    return None


_STATEMENT = re.compile(r"^[A-Z0-9\u00a3].*\b(?:" + _VERB.pattern[5:-3] + r")\b")
# "this opportunity", "these changes": a reference back, inside the sentence (not "this year").
_POINTS_INSIDE = re.compile(
    r"\b(?:this|these|those|such)\s+(?!(?:year|years|month|months|week|weeks|time|round|"
    r"summer|spring|autumn|winter)\b)[a-z]+"
)
_WEAK_START = re.compile(
    rf"^(?:{POINTING_WORDS}|And|Or|For example|"
    r"Discussion|Discussions|Challenges|Examples?|Developing|Changing|Sharing|Reviewing|"
    r"Looking|Review|Use|Ensure|Make|Be)\b"
)


def _lead(units: list[Unit], accept: Accept | None = None) -> Unit | None:
    """The "In short:" line from the first cited sentence, or None. When the whole first
    sentence is short enough it moves into the lead (it is not said twice). A lead that is
    only the first piece of a split sentence must pass ``accept`` as shown ("In short: ...")."""
    first = next((u for u in units if u.marker), None)
    if first is None:
        return None
    pieces = first.pieces or [_core(first.body)[0]]
    if not _STATEMENT.match(pieces[0]) or _WEAK_START.match(pieces[0]):
        return None  # a fragment, or a sentence leaning on another: no summary in it
    if _POINTS_INSIDE.search(pieces[0]):
        return None  # "... take up this opportunity": what it points at is not in the lead
    if re.search(r"[\"\u201d\u2019?!:]$", pieces[0]) or len(pieces[0]) < 2:
        return None  # a quotation, a question, or a list's lead-in
    short = short_lead(pieces[0])
    if short is None or short != pieces[0]:
        # Only a whole first sentence becomes the lead: a shortened one can lose what made
        # it true (held-out dev: three of four cut-down leads were no longer supported).
        return None
    if len(pieces) > 1 and accept is not None:
        cites = tuple(map(int, re.findall(r"\d+", first.marker)))
        if not accept([Rewrite(_core(first.body)[0], cites, (f"{LEAD} {short}",))])[0]:
            return None
    if short == pieces[0]:
        if len(pieces) > 1:
            first.pieces = pieces[1:]
        else:
            units.remove(first)
    return Unit(f"{LEAD} {short}", first.marker, ".", -1, None)


def _without_orphan_labels(units: list[Unit]) -> list[Unit]:
    """``units`` without a source's lead-in ("LGA officer development says:") whose sentences
    have all moved into the "In short" line or been dropped by the word cap: a label over
    nothing."""

    def label(u: Unit) -> bool:
        return not u.marker and u.body.rstrip().endswith(":")

    paragraphs = {u.paragraph for u in units if not label(u)}
    return [u for u in units if not label(u) or u.paragraph + 1 in paragraphs]


def _redundant(unit: Unit, earlier: Sequence[Unit]) -> bool:
    """Does an earlier sentence already say most of what ``unit`` says (and every number)?"""
    terms = content_terms(unit.render())
    if len(terms) < 3:
        return False
    for other in earlier:
        said = other.render()
        if len(terms & content_terms(said)) >= 0.7 * len(terms) and not (
            numbers_of(unit.render()) - numbers_of(said)
        ):
            return True
    return False


def _specific(unit: Unit) -> tuple[int, int]:
    """How specific a sentence is: whether it states a number, and how many names."""
    text = unit.render()
    return (1 if numbers_of(text) else 0, sum(names_of(text).values()))


def _rank_in(unit: Unit, priority: Sequence[frozenset[str]]) -> int:
    """Where ``unit`` stands in ``priority`` (the content words of the answer's sentences,
    most relevant first): the index of the sentence sharing most of its content words."""
    terms = content_terms(unit.body)
    if not terms:
        return len(priority)
    shares = [len(terms & p) / len(terms) for p in priority]
    best = max(range(len(shares)), key=shares.__getitem__)
    return best if shares[best] >= 0.5 else len(priority)


KEEP_TOP = 2  # cap_words never drops the sentences the answerer picked first and second


def cap_words(units: list[Unit], max_words: int, priority: Sequence[str] = ()) -> list[Unit]:
    """Keep the answer within ``max_words`` by dropping whole sentences: first those that
    repeat an earlier one, then the least relevant (last in ``priority``, the order the
    answerer picked them in) or, without it, the least specific (no number, fewest names),
    later ones first. Never the lead, the first sentence, the answerer's first two picks, or
    the last sentence carrying a citation (every citation stays cited, so the numbering stays
    1..n)."""
    units = list(units)
    total = sum(word_count(u.render()) for u in units)
    # Each sentence's rank, found once: dropping sentences does not change the others'.
    ranked = [frozenset(content_terms(p)) for p in priority]
    rank = {id(u): _rank_in(u, ranked) if ranked else 0 for u in units}

    def least_wanted(i: int) -> tuple[int, int, int, int]:
        return (-rank[id(units[i])], *_specific(units[i]), -i)

    def droppable(i: int) -> bool:
        unit = units[i]
        if not unit.marker or unit.paragraph < 0:
            return False  # uncited text and the lead stay
        if ranked and rank[id(unit)] < KEEP_TOP:
            return False  # the answerer's first picks are the answer ("Rishi Sunak, Minister")
        earlier = [u for u in units[:i] if u.marker and u.paragraph >= 0]
        return bool(earlier) and any(u.marker == unit.marker for u in earlier)

    while total > max_words:
        candidates = [i for i in range(len(units)) if droppable(i)]
        if not candidates:
            break
        repeats = [i for i in candidates if _redundant(units[i], units[:i])]
        pick = repeats[-1] if repeats else min(candidates, key=least_wanted)
        total -= word_count(units[pick].render())
        units.pop(pick)
    return units


_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")  # letters whose names start with a vowel


def unexpand(text: str, acronyms: Iterable[str]) -> str:
    """``text`` with a well-known acronym's spelled-out form ("Local Government Association
    (LGA)", as a passage may write it) shortened to the acronym."""
    for acronym in acronyms:
        expansion = GLOSSARY.get(acronym)
        if not expansion:
            continue
        # The article follows the acronym's first letter as it is said: "an LGA hub".
        article = "an" if acronym[0] in _VOWEL_SOUND_LETTERS else "a"

        def shorten(match: re.Match[str], acronym: str = acronym, article: str = article) -> str:
            a = match.group("a")
            return f"{a}{article[1:]} {acronym}" if a else acronym

        text = re.sub(
            rf"\b(?:(?P<a>[Aa])n? )?{re.escape(expansion)} \({re.escape(acronym)}\)",
            shorten,
            text,
        )
    return text


def expand_once(text: str, acronyms: dict[str, str]) -> str:
    """Each acronym spelled out at its first use only: later "Expansion (ACR)" become "ACR"."""
    for acronym, expansion in acronyms.items():
        spelled = re.compile(rf"{re.escape(expansion)} \({re.escape(acronym)}\)", re.I)
        matches = list(spelled.finditer(text))
        for match in reversed(matches[1:]):
            text = text[: match.start()] + acronym + text[match.end() :]
    return text


# ---------------------------------------------------------------------------------------------
# The layer


def document_names(citations: Sequence[Citation]) -> list[str]:
    """The cited documents' titles and their parts ("Councillor roles in transformation
    (Councillor Transformation Toolkit)" gives both names): names the plain layer never
    rewords."""
    names: set[str] = set()
    for citation in citations:
        title = (citation.chunk.title or "").strip()
        if not title:
            continue
        names.add(title)
        names.update(p.strip() for p in re.split(r"\s*[():]\s*", title) if p.strip())
    return sorted(names)


@dataclass(frozen=True, slots=True)
class Rewrite:
    """One answer sentence and the plain sentences that would replace it (for ``accept``)."""

    original: str
    cites: tuple[int, ...]
    pieces: tuple[str, ...]


Accept = Callable[[Sequence[Rewrite]], Sequence[bool]]


def plain_english(
    text: str,
    citations: Sequence[Citation] = (),
    *,
    acronyms: dict[str, str] | None = None,
    max_words: int | None = None,
    lead: bool = True,
    rules: Sequence[Rule] | None = None,
    priority: Sequence[str] = (),
    accept: Accept | None = None,
) -> str:
    """A composed, cited answer in plain English (see the module docstring).

    Acronyms (``acronyms``, default: the glossary plus those the ``citations``' passages define,
    less the well-known ones of ``plain_words.yaml``) are spelled out once, and a well-known
    one's spelled-out form is shortened to it; ``max_words`` caps the length by dropping whole
    sentences from the end (never a citation's last one), the least relevant first when
    ``priority`` (the answer's sentences, most relevant first) is given. ``accept`` (when
    given) sees every sentence's plain version at once and says which may replace their
    original (the answerer checks they are still supported by their cited passage).
    """
    units = parse_units(text)
    if not any(u.marker for u in units):
        return text
    # Only a name the word swaps would change needs hiding ("... for transformation"): a
    # placeholder also hides the name from the splitting and lead rules. Found once per answer.
    keep = [
        name
        for name in document_names(citations)
        if len(name) >= 8 and replace_words(f"x {name}", rules) != f"x {name}"
    ]
    changed: list[tuple[Unit, list[str]]] = []
    for unit in units:
        if unit.marker:
            pieces = plain_sentence(unit.body, rules, keep)
            if pieces != [_core(unit.body)[0]]:
                changed.append((unit, pieces))
    verdicts = (
        accept(
            [
                Rewrite(_core(u.body)[0], tuple(map(int, re.findall(r"\d+", u.marker))), tuple(p))
                for u, p in changed
            ]
        )
        if accept is not None and changed
        else [True] * len(changed)
    )
    for (unit, pieces), ok in zip(changed, verdicts, strict=True):
        if ok:
            unit.pieces = pieces
    if lead:
        first = _lead(units, accept)
        if first is not None:
            units.insert(0, first)
            units = _without_orphan_labels(units)
    if max_words is not None:
        # A source's lead-in whose sentences the cap dropped goes with them.
        units = _without_orphan_labels(cap_words(units, max_words, priority))
    out = render(units)
    well_known = load_well_known()
    if acronyms is None:
        known = known_acronyms([Hit(chunk=c.chunk, score=0.0) for c in citations])
        acronyms = {a: e for a, e in known.items() if a not in well_known}
    out = unexpand(out, well_known - acronyms.keys())
    return expand_once(expand_acronyms(out, acronyms), acronyms)
