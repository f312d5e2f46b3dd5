"""Follow-up resolution: what "she", "they", "it", "that council", "the fifth one" point at.

``track(history)`` reads the conversation (user AND assistant turns) into a ``Discourse``: the
people (capitalised names with a title, a role after them "Susan Attard, Head of ...", or
initials "Susan Attard (SA)"), the councils (gazetteer), other organisations, the programmes /
resources / topics (capitalised multi-word spans and the noun phrase each user turn asked about)
and the items of the most recent list (numbered or bulleted lines, "(i) ... (ii) ...", or an
inline "a, b and c"), each with the turn and position it was last seen at.

``resolve(question, history)`` rewrites the references of ``question`` against it:

- he / she / him / her / his -> the most recent person;
- they / them / their -> the council a "which council ...?" turn was answered with, else a plural
  topic ("the action learning sets"), else the most recent council or organisation;
- it / this / that (pronoun) -> the topic of the previous user turn, else the latest programme;
- "that council", "this programme", "those headings" -> the latest entity of that kind (a list's
  items for a plural noun that names them);
- "the second one", "the last one", "number 3" -> that item of the latest list;
- a definite noun phrase whose noun the previous turns used ("what are the three themes?") ->
  "of <topic>" is added.

It returns None when the question holds none of these (the caller then applies its older
rules); the output is meant for retrieval but stays readable, since users see it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.knowledge.gazetteer import find_councils
from assistant.text.glossary import GLOSSARY
from assistant.text.terms import FUNCTION_WORDS
from assistant.types import Turn

# -- people ---------------------------------------------------------------------------------
_TITLE = (
    r"(?:Cllr\.?|Councillor|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Miss|Sir|Dame|Lord|Baroness|Professor|Prof\.?)"
)
_NAME_WORD = r"[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?"
_FULL_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}}"
_ROLE_WORDS = re.compile(
    r"\b(?:head|director|chair|chairman|chairwoman|vice[- ]chair|chief|officer|manager|leader|"
    r"lead|minister|secretary|executive|adviser|advisor|councillor|mayor|member|portfolio|"
    r"holder|principal|consultant|programme manager|coordinator|co-ordinator|analyst|"
    r"president|deputy|assistant|cabinet|mp|chancellor|prime)\b",
    re.I,
)
_PERSON_PATTERNS = (
    re.compile(rf"\b(?P<title>{_TITLE})\s+(?P<name>{_FULL_NAME})"),
    re.compile(rf"\b(?P<name>{_FULL_NAME})\s*\((?P<initials>[A-Z]{{2,4}})\)"),
    re.compile(
        rf"\b(?P<name>{_FULL_NAME}),\s+(?:the\s+|then\s+|now\s+|a\s+)?(?P<role>[^,.;()]{{3,90}})"
    ),
    re.compile(
        rf"\b(?P<name>{_FULL_NAME})\s+(?:said|says|told|explained|described|noted|argued|"
        r"welcomed|presented|raised|asked|suggested|chairs|chaired|leads|led)\b"
    ),
    # A question about what someone said or did: "What did Susan Attard tell the board?"
    re.compile(
        rf"\b(?:did|does|do|has|had|will|would|could)\s+(?P<name>{_FULL_NAME})\s+(?:say|tell|"
        r"present|report|mention|suggest|describe|propose|introduce|explain|think|ask|raise|"
        r"chair|lead|announce|recommend)\b"
    ),
    re.compile(
        rf"\b(?:Minister|Secretary of State|Chancellor|Prime Minister|Chair|Chairman|Leader|"
        rf"Mayor|Director|Chief Executive)\s+(?:for\s+[\w ]+?\s+)?(?P<name>{_FULL_NAME})"
    ),
)
# Capitalised words that make a span an organisation or a programme, never a person.
_NOT_NAME = {
    "council",
    "councils",
    "network",
    "programme",
    "association",
    "board",
    "government",
    "group",
    "exchange",
    "innovation",
    "transformation",
    "local",
    "authority",
    "county",
    "city",
    "borough",
    "district",
    "support",
    "the",
    "and",
    "of",
    "lga",
    "team",
    "model",
    "operating",
    "framework",
    "almanac",
    "digital",
    "service",
    "services",
    "department",
    "ministry",
    "office",
    "fund",
    "partnership",
    "company",
    "learning",
    "action",
    "sets",
    "conference",
    "improvement",
    "productivity",
    "head",
    "chair",
}

# -- organisations, programmes ----------------------------------------------------------------
_ORG_TAIL = re.compile(
    r"\b(?:Association|Board|Government|Group|Society|Partnership|Department|Ministry|Office|"
    r"Intelligence|Agency|Institute|Trust|Commission|Authority)$"
)
_ORG_ACRONYMS = {"LGA", "DLUHC", "MHCLG", "DHSC", "DfE", "NHS", "ONS", "CIPFA", "SOLACE", "Solace"}
_CAP_WORD = r"(?:[A-Z][\w'’&-]*|[0-9]+[A-Z][\w]*)"
_CAP_SPAN = re.compile(
    rf"(?<![\w'’])(?:the\s+)?{_CAP_WORD}(?:\s+(?:and|of|the|for|on|in|to|-)\s+{_CAP_WORD}|\s+{_CAP_WORD})*"
)
_SKIP_START = {
    "what",
    "which",
    "who",
    "when",
    "where",
    "why",
    "how",
    "is",
    "are",
    "was",
    "were",
    "do",
    "does",
    "did",
    "can",
    "could",
    "and",
    "ok",
    "okay",
    "so",
    "yes",
    "no",
    "it",
    "its",
    "they",
    "there",
    "this",
    "that",
    "these",
    "those",
    "tell",
    "a",
    "an",
    "i",
    "has",
    "have",
    "had",
    "in",
    "on",
    "for",
}

# -- the topic of a user turn -----------------------------------------------------------------
_AUX = r"(?:is|are|was|were|did|do|does|has|have|had|can|could|will|would|should|might|may)"
_LEAD_TOPIC = re.compile(
    r"^\s*(?:(?:can|could)\s+you\s+)?(?:please\s+)?"
    r"(?:tell\s+me\s+(?:more\s+)?about|what['’]s(?:\s+in)?|what\s+(?:is|are|was|were)(?:\s+in)?|"
    r"who\s+(?:is|are|was|were)|describe|explain|summari[sz]e|"
    r"give\s+me\s+an?\s+(?:overview|summary)\s+of|what\s+do\s+you\s+know\s+about)"
    r"\s+(?P<x>.+?)\s*[?.!]*\s*$",
    re.I,
)
# "How often did the action learning set groups meet?" -> "the action learning set groups".
_AUX_TOPIC = re.compile(
    r"^\s*(?:how(?:\s+(?:often|many|much|long|well|far))?|when|where|why|"
    rf"(?:what|which)(?:\s+[a-z]+){{0,2}})\s+{_AUX}\s+"
    r"(?P<x>(?:the|a|an|its|their|(?-i:[A-Z])[\w'’-]*)\b.*?)\s*[?.!]*\s*$",
    re.I,
)
# "Who launched the Transformation and Innovation Exchange?" -> the object.
_VERB_TOPIC = re.compile(
    rf"^\s*(?i:who|what)\s+(?!(?i:{_AUX})\b)[a-z]+\s+(?P<x>(?:the|a|an)\s+.+?|[A-Z].+?)\s*[?.!]*\s*$"
)
# "Who updated the Transformation Network on the capability framework?" -> what they were told
# about, not whom they told.
_TOLD_TOPIC = re.compile(
    r"^\s*(?i:who|what)\s+(?i:updated|briefed|told|advised|informed|reminded|warned|consulted)\s+"
    r".+?\s+(?i:on|about)\s+(?P<x>(?i:the|a|an)\s+.+?|[A-Z].+?)\s*[?.!]*\s*$"
)
# Acronyms by their lower-case spelling ("tiex" -> "TIEx"), for a topic typed in lower case.
_ACRONYMS_LOWER = {a.lower(): a for a in GLOSSARY}
# "Does the LGA have a behavioural insights offer?", "Is there a councillor toolkit?" -> the
# thing asked after (what "it" is next), not the organisation asked about.
_HAVE_TOPIC = re.compile(
    r"^\s*(?:(?:does|do|did|has|have)\s+(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,3}?\s+"
    r"(?:have|had|offer|run|provide|publish)|is\s+there|are\s+there)\s+"
    r"(?P<x>(?:an?|any|the)\s+[^?.!]+?)\s*[?.!]*\s*$",
    re.I,
)
# "What did Derby do with AI chatbots?" -> the chatbots ("who built them?"), not Derby
_WITH_TOPIC = re.compile(
    r"^\s*(?:what|how)\s+(?:did|does|do|has|have|is|are|was|were)\s+[^?]+?\s+"
    r"(?:do|doing|done|did)\s+with\s+(?P<x>[^?.!]+?)\s*[?.!]*\s*$",
    re.I,
)
# "... about X?" -> X ("what did they talk about at the network?" strands "about": what
# follows is no topic)
ABOUT_TOPIC = re.compile(
    r"\babout\s+(?!(?:at|in|on|to|for|with|during|from|when|after|before)\b)"
    r"(?P<x>[^?.!]{3,80}?)\s*[?.!]*\s*$",
    re.I,
)
_WHICH_COUNCIL = re.compile(
    r"^\s*(?:which|what|who)\s+(?:councils?|local\s+authorit(?:y|ies)|authorit(?:y|ies))\b", re.I
)
_WHICH_POSSESSIVE = re.compile(
    r"^\s*which\s+(?:council|authority|organisation)['’]s\s+(?P<head>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)\s+"
    + _AUX,
    re.I,
)

# -- lists ----------------------------------------------------------------------------------
_LIST_LINE = re.compile(r"^\s*(?:[-*•]|\(?\d{1,2}[.)]|\(?[ivx]{1,4}\)|[a-h]\))\s+(?P<x>.+?)\s*$")
_ROMAN_INLINE = re.compile(r"\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\)\s*")
# How many items a list or a reference to one names ("eight themes:", "those three").
_TWO_TO_TWELVE = "two three four five six seven eight nine ten eleven twelve"
# Words before a list's noun that are not part of it ("eight themes:", "the following areas:").
_LEAD_WORDS_TEXT = f"{_TWO_TO_TWELVE} several many some the its their these those following"
_LEAD_WORDS = frozenset(_LEAD_WORDS_TEXT.split())
_NOT_LIST_NOUNS_TEXT = "includes is was says said covers this"
_NOT_LIST_NOUNS = frozenset(_NOT_LIST_NOUNS_TEXT.split())
_NUMBERED_INLINE = re.compile(r"(?:(?<=\s)|^)\(?(?P<n>\d{1,2})\)\s+")  # "1) a; 2) b"
# An inline "item" that starts like a clause or an adverbial is no list item ("in 2024").
_NOT_ITEM = re.compile(
    r"^(?:in|on|at|by|with|from|to|for|it|they|he|she|we|there|this|that|which|who|but)\b", re.I
)
_CITATION = re.compile(r"\s*\[\d+(?:,\s*\d+)*\]")
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "ninth": 9,
    "9th": 9,
    "tenth": 10,
    "10th": 10,
    "last": -1,
    "final": -1,
}
_ORDINAL_REF = re.compile(
    r"\b(?:the\s+)?(?P<ord>"
    + "|".join(_ORDINALS)
    + r")\s+(?:of\s+(?:those|these|them)\b|(?P<noun>one|ones|[a-z]+)\b(?!\s+(?:of|in)\b))",
    re.I,
)
_NUMBER_REF = re.compile(r"\b(?:number|no\.?|item|point)\s+(?P<n>\d{1,2})\b", re.I)

# -- references in the question ---------------------------------------------------------------
_DEMONSTRATIVE = re.compile(
    r"\b(?P<det>that|this|those|these|the\s+same)\s+(?:same\s+)?(?P<noun>[a-z][\w-]*)\b", re.I
)
# "what did susan attard present to the board?": a first and last name typed in lower case
_TYPED_NAME = re.compile(
    r"^\s*(?:and\s+)?(?:what|how|when|why)\s+(?:did|does|has)\s+"
    r"(?P<name>(?!(?:the|a|an|our|my|their|its|this|that|board|council|network|lga)\b)"
    r"[a-z]{2,}\s+(?!(?:say|said|tell|present|report|explain|add|mention|propose|think|do|"
    r"members|councillors|officers)\b)[a-z]{2,})\s+(?:say|tell|present|report|explain|add|"
    r"mention|propose|think)\b"
)
_HE_SHE = re.compile(r"^\s*(?:she|he)\b", re.I)
_SAID_IN = re.compile(
    r"^\s*(?:so\s+|and\s+)?what\s+(?:did|does|do)\s+(?P<src>(?:the\s+)?(?:[\w'\u2019-]+\s+){0,5}?"
    r"(?:document|report|minutes|notes|paper|toolkit|guide|article|press\s+release|"
    r"white\s+paper))\s+(?:say|write|cover|mention|suggest|recommend|find|conclude)\s+"
    r"(?:about|on)\s+\S",
    re.I,
)
# Part of a document: "that section", "this theme", "that bit"
_PART_NOUNS = frozenset(["section", "theme", "part", "bit", "chapter"])
_IN_THERE = re.compile(r"\bin\s+there\b", re.I)
# "did it point to / link to / say ...": "it" is the document that speaks
_IT_SAYS = re.compile(
    r"\s+(?:actually\s+|also\s+|ever\s+)?(?:say|said|point|link|mention|list|suggest|"
    r"recommend|name|give|cover)\b",
    re.I,
)
_THEIR_COUNCIL = re.compile(r"\b(?:her|his)\s+(?:own\s+)?(?:council|authority)\b", re.I)
_PRONOUN = re.compile(r"\b(?P<p>he|she|him|her|his|hers|they|them|their|theirs|it|its)\b", re.I)
_PRON_THAT = re.compile(
    rf"(?:^\s*(?:and\s+)?{_AUX}\s+(?P<a>that|this)\b|\b(?P<b>that|this)(?=\s+{_AUX}\b|\s*[?.!]*\s*$))",
    re.I,
)
_COUNCIL_NOUNS = {"council", "councils", "authority", "authorities", "borough"}
_NAMED_ONE = re.compile(r"\bthe\s+(?P<x>[a-z][\w\s-]{2,40}?)\s+one\b", re.I)
# "the second guy", "the first speaker": a person the last reply named
# "the councillor one", "the minister guy": the person of the last reply holding that post
_ROLE_ONE = re.compile(
    r"\bthe\s+(?P<x>councillor|minister|chair|chairman|chairwoman|mayor|leader|director|"
    r"officer|mp)\s+(?:one|guy|person|man|woman|lady|chap|bloke)\b",
    re.I,
)
_ORDINAL_PEOPLE = frozenset(
    ["one", "person", "speaker", "guy", "man", "woman", "lady", "chap", "bloke", "gentleman"]
)
# "which council was it and what did they do?": "they" is the council the question asks for
_WHICH_ONE = re.compile(
    r"\b(?:which|what)\s+(?:council|authority|organisation|organization|body|team|group)\b",
    re.I,
)
_PERSON_NOUNS = {"person", "man", "woman", "officer", "councillor", "chair", "speaker", "minister"}
_FILLERS = re.compile(r"^\s*(?:ok(?:ay)?|so|right|great|thanks|thank\s+you|and|but)[,\s]+", re.I)
_TRAILING_THEN = re.compile(r"\s*,?\s+then(?=\s*[?.!]*\s*$)", re.I)
_SHORT_LIST_WORDS = 12
# Words that do not describe the noun after them ("the right skills" -> "the skills").
_STOP_BEFORE = {
    "the",
    "a",
    "an",
    "right",
    "same",
    "other",
    "some",
    "any",
    "many",
    "more",
    "most",
    "new",
    "all",
    "these",
    "those",
    "this",
    "that",
    "their",
    "its",
    "our",
    "your",
    "and",
    "or",
    "of",
    "in",
    "on",
    "to",
    "for",
    "with",
    "need",
    "needs",
    "have",
    "has",
    "had",
    "is",
    "are",
    "was",
    "were",
    "be",
    "good",
    "key",
    "main",
    "different",
}
_PLURAL_VERB = {"was": "were", "is": "are", "does": "do", "has": "have"}


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity seen in the conversation: ``kind`` is person / council / org / thing."""

    kind: str
    text: str
    turn: int
    pos: int
    role: str | None = None
    plural: bool = False


@dataclass(slots=True)
class Discourse:
    """What the conversation so far is about (``mentions`` oldest first)."""

    mentions: list[Mention] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    list_topic: str | None = None
    topic: str | None = None
    topic_plural: bool = False
    # "What did the action learning document say about data?": the document asked about, so
    # "that section", "in there" and "did it link to ..." can point into it
    source: str | None = None
    answered_council: str | None = None
    last_user: str = ""
    last_user_turn: int = -1
    last_reply: str = ""

    def latest(self, *kinds: str) -> Mention | None:
        found = [m for m in self.mentions if m.kind in kinds]
        return max(found, key=lambda m: (m.turn, m.pos)) if found else None


def _clean(text: str) -> str:
    return _CITATION.sub("", text).strip()


def _is_plural(phrase: str) -> bool:
    last = re.sub(r"[^\w]", "", phrase.split()[-1]) if phrase.split() else ""
    return (
        (last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3)
        or last.endswith("Cs")
        or last.lower() in {"people", "children", "staff"}
    )


def find_people(text: str) -> list[tuple[int, str, str | None]]:
    """(position, full name, role or initials) of the people ``text`` names."""
    out: dict[str, tuple[int, str, str | None]] = {}
    councils = {m.surface for m in find_councils(text)}
    for pattern in _PERSON_PATTERNS:
        for m in pattern.finditer(text):
            name = m.group("name")
            words = name.split()
            if any(w.lower() in _NOT_NAME for w in words) or any(name in c for c in councils):
                continue
            groups = m.groupdict()
            role = groups.get("role")
            if "role" in groups and not (role and _ROLE_WORDS.search(role)):
                continue
            detail = role or groups.get("initials") or groups.get("title") or None
            detail = detail.strip() if detail else None
            if name not in out or (detail and not out[name][2]):
                out[name] = (m.start("name"), name, detail)
    return sorted(out.values())


def _things(text: str, taken: Sequence[str]) -> list[tuple[int, str, str]]:
    """(position, span, kind) of capitalised spans that are not people or councils."""
    out: list[tuple[int, str, str]] = []
    for m in _CAP_SPAN.finditer(text):
        span = m.group(0)
        words = span.split()
        start = m.start()
        while words and words[0].lower() in _SKIP_START and words[0].lower() != "the":
            start += len(words[0]) + 1
            words = words[1:]
        if (
            words
            and words[0].lower() == "the"
            and len(words) > 1
            and words[1].lower() in _SKIP_START
        ):
            words = words[2:]
        if not words or (len(words) == 1 and words[0].lower() == "the"):
            continue
        span = " ".join(words)
        core = span[4:] if span.lower().startswith("the ") else span
        sentence_start = start == 0 or text[:start].rstrip().endswith((".", "?", "!", ":"))
        if len(core.split()) == 1 and sentence_start and not re.search(r"[A-Z].*[A-Z]|\d", core):
            continue  # a capitalised first word of a sentence, not a name
        if any(core in t or t in core for t in taken):
            continue
        core = re.sub(r"['’]s$", "", core)
        kind = "org" if core in _ORG_ACRONYMS or _ORG_TAIL.search(core) else "thing"
        out.append((start, span if not span.endswith(("'s", "’s")) else span[:-2], kind))
    return out


def topic_of(question: str) -> str | None:
    """The noun phrase a user turn asked about, or None."""
    q = _FILLERS.sub("", question.strip())
    for pattern in (_WITH_TOPIC, _LEAD_TOPIC, _TOLD_TOPIC, _HAVE_TOPIC, _VERB_TOPIC):
        m = pattern.match(q)
        if m:
            x = re.sub(r"\s+(?:for|about|like|on|of|to)$", "", m.group("x").strip(), flags=re.I)
            x = re.sub(r"^(?:an?|any)\s+", "the ", x, flags=re.I)  # "a ... offer" -> "the ..."
            if 0 < len(x.split()) <= 10:
                return x
    # "who launched tiex?": an acronym typed in lower case is the topic, in its own spelling
    m = re.match(r"^\s*(?i:who|what)\s+[a-z]+\s+(?P<x>[a-z]{2,7})\s*[?.!]*\s*$", q)
    if m and m.group("x").lower() in _ACRONYMS_LOWER:
        return _ACRONYMS_LOWER[m.group("x").lower()]
    m = ABOUT_TOPIC.search(q)
    if m and 0 < len(m.group("x").split()) <= 6:
        return m.group("x").strip()
    m = _AUX_TOPIC.match(q)
    if m:
        words = m.group("x").split()
        # Drop the trailing verb ("... groups meet"), keep a short noun phrase.
        if len(words) >= 3 and words[-1].islower():
            words = words[:-1]
        if 0 < len(words) <= 8:
            return " ".join(words)
    return None


def find_list(text: str) -> list[str]:
    """The items of the list in ``text`` (lines, "(i) ... (ii)", or an inline "a, b and c")."""
    lines = [_LIST_LINE.match(line) for line in text.splitlines()]
    items = [_clean(m.group("x")).rstrip(".;,") for m in lines if m]
    if len(items) >= 2:
        return items
    if len(_ROMAN_INLINE.findall(text)) >= 2:
        parts = [p for p in _ROMAN_INLINE.split(text)[1:] if p.strip()]
        return [
            _clean(re.sub(r"[;,]?\s*(?:and|or)?\s*$", "", p.strip())).rstrip(".;,") for p in parts
        ]
    numbered = list(_NUMBERED_INLINE.finditer(text))
    if len(numbered) >= 2 and [int(m.group("n")) for m in numbered] == list(
        range(1, len(numbered) + 1)
    ):
        ends = [m.start() for m in numbered[1:]] + [len(text)]
        parts = [text[m.end() : end] for m, end in zip(numbered, ends, strict=True)]
        return [
            _clean(re.sub(r"[;,]?\s*(?:and|or)?\s*$", "", p.strip().rstrip("."))).rstrip(".;,")
            for p in parts
        ]
    semicolons = _semicolon_list(text)
    if semicolons:
        return semicolons
    best: list[str] = []
    # "There are three illustrations: a, b, and c": items as long as a clause when a count
    # before the colon says how many there are
    counted = COUNTED_LEAD.search(text)
    stated = _COUNT_VALUES.get(counted.group("n").lower()) if counted else None
    for segment in re.split(r"[:;]|(?<=[a-z)])\.\s", _clean(text)):
        # commas inside brackets are not the list's: "leadership (leaders, portfolio holders)"
        parts = [p.strip() for p in re.split(r",(?![^()]*\))", segment)]
        if len(parts) < 2:
            continue
        last = parts[-1]
        if re.match(r"^(?:and|or)\s+", last):
            parts[-1] = re.sub(r"^(?:and|or)\s+", "", last)
        elif re.search(r"\s(?:and|or)\s", last):
            split = re.split(r"\s+(?:and|or)\s+(?!.*\s(?:and|or)\s)", last, maxsplit=1)
            parts[-1:] = split
        else:
            continue  # "a, b, c" without "and"/"or" before the last is not a list
        parts = [p.strip(" .") for p in parts if p.strip(" .")]
        # "They are Clarity, ...", "The 7Cs are Clarity, ...": the first item after its lead
        lead = (
            re.match(
                r"^.{0,60}?\b(?:are|were|include|includes|included|including|cover|covers|"
                r"covering|on|about|such\s+as)\s+(?=\S)",
                parts[0],
            )
            if parts
            else None
        )
        if lead:
            parts[0] = parts[0][lead.end() :]
        longest = _COUNTED_ITEM_WORDS if stated == len(parts) else 8
        if (
            len(parts) >= 3
            and all(len(p.split()) <= longest for p in parts)
            and not any(_NOT_ITEM.match(p) for p in parts)
            and len(parts) > len(best)
        ):
            best = parts
    return best


_COUNT_VALUES = {w: n for n, w in enumerate(_TWO_TO_TWELVE.split(), start=2)} | {
    str(n): n for n in range(2, 13)
}
COUNTED_LEAD = re.compile(
    r"\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\s+"
    r"(?:[\w-]+\s+){0,2}?[a-z][\w-]*s\s*:",
    re.I,
)
_COUNTED_ITEM_WORDS = 14

_SEMICOLON_LIST = re.compile(r":\s*(?P<x>[^:.]+;[^:.]+;[^:]+?)(?:\.(?:\s|$)|$)")
_SEMICOLON_ITEM_WORDS = 12


def _semicolon_list(text: str) -> list[str]:
    """The items of an inline list after a colon whose items are set off by semicolons
    ("Eight: people change; collaborative working and community capacity; ...; and finance"):
    three or more, each a short phrase (commas and "and" may sit inside an item)."""
    m = _SEMICOLON_LIST.search(_clean(text))
    if not m:
        return []
    parts = [re.sub(r"^(?:and|or)\s+", "", p.strip()).strip(" .") for p in m.group("x").split(";")]
    parts = [p for p in parts if p]
    if len(parts) < 3 or any(len(p.split()) > _SEMICOLON_ITEM_WORDS for p in parts):
        return []
    return parts


_LIST_INTRO = re.compile(r"(?P<x>(?:[A-Za-z][\w-]*\s+){0,2}[a-z][\w-]*s)\s*:")


def _list_topic(reply: str, first_item: str, topic: str | None) -> str | None:
    """What the reply's list lists: its lead-in noun ("three peer-led masterclasses: ...")
    joined to the conversation's topic when they share no word ("themes of the LGA action
    learning sets"); the topic alone without such a lead-in or when they do."""
    at = reply.find(first_item[:20])
    intro = list(_LIST_INTRO.finditer(reply[: at if at > 0 else len(reply)]))
    if not intro:
        return topic
    words: list[str] = []
    for word in reversed(intro[-1].group("x").split()):  # the noun phrase before the colon
        if word.lower() in _LEAD_WORDS or word.lower() in FUNCTION_WORDS:
            break
        words.insert(0, word)
    if not words or words[-1].lower() in _NOT_LIST_NOUNS:
        return topic
    noun = " ".join(words)
    if topic is None:
        return noun
    if any(w.lower() in topic.lower() for w in words):
        return topic  # "programme offers" of "the Transformation Support Programme"
    return f"{noun} of {_the(topic)}"


def track(history: Sequence[Turn]) -> Discourse:
    """Read the conversation into a ``Discourse`` (see the module docstring)."""
    d = Discourse()
    initials: dict[str, str] = {}  # "SA" -> "Susan Attard", as a turn defined them
    for t, turn in enumerate(history):
        text = _clean(turn.content)
        resolved = text
        if turn.role == "user" and any(h.role == "user" for h in history[:t]):
            # A follow-up is read resolved ("What does it measure?" -> "... tracker ..."),
            # against ``d`` as it stands: exactly the turns before this one, tracked once.
            resolved = _resolve_with(text, d, history[:t]) or text
        people = find_people(text)
        for pos, name, detail in people:
            d.mentions.append(Mention("person", name, t, pos, role=detail))
            if detail and re.fullmatch(r"[A-Z]{2,4}", detail):
                initials[detail] = name
        for found in re.finditer(r"(?<!\()\b[A-Z]{2,4}\b(?!\))", text):
            person = initials.get(found.group(0))
            if person:
                d.mentions.append(Mention("person", person, t, found.start(), role=found.group(0)))
        councils = find_councils(text)
        for c in councils:
            d.mentions.append(Mention("council", c.surface, t, c.start))
        taken = [p[1] for p in people] + [c.surface for c in councils]
        for pos, span, kind in _things(text, taken):
            # "Cornwall Council ... its Transformation Operating Model": the council's.
            owner = (
                councils[0].surface
                if councils and re.search(r"\b(?:its|their)\s+$", text[:pos])
                else None
            )
            named = f"{_possessive(owner)} {span}" if owner else span
            d.mentions.append(Mention(kind, named, t, pos, plural=_is_plural(span)))
        generic = re.search(r"\b(?:a|the)\s+council\b", text, re.I)
        if generic and not councils:
            d.mentions.append(Mention("council_generic", "the council", t, generic.start()))
        if turn.role == "user":
            text = resolved
            d.last_user, d.last_user_turn, d.last_reply = text, t, ""
            topic = topic_of(text)
            if topic and _PRONOUN.search(topic):
                topic = None  # keep the earlier topic
            if topic:
                d.topic = topic
                d.topic_plural = _is_plural(topic)
                d.mentions.append(Mention("topic", topic, t, 10_000, plural=d.topic_plural))
            said_in = _SAID_IN.match(text)
            if said_in or topic:
                d.source = said_in.group("src") if said_in else None
            d.answered_council = None
            d.items, d.list_topic = [], None
        else:
            d.last_reply = text
            typed = _TYPED_NAME.match(d.last_user)
            if typed and not people and _HE_SHE.match(text):
                # "what did susan attard present?" - "She introduced ...": a name typed in
                # lower case, which the reply confirms is a person
                name = " ".join(w.capitalize() for w in typed.group("name").split())
                d.mentions.append(Mention("person", name, d.last_user_turn, typed.start("name")))
            items = find_list(text)
            if items:
                d.items, d.list_topic = items, _list_topic(text, items[0], d.topic)
            previous = d.last_user
            if _WHICH_COUNCIL.match(previous) and councils:
                d.answered_council = councils[0].surface
            owns = _WHICH_POSSESSIVE.match(previous)
            if owns and councils:
                head = owns.group("head")
                owned = re.search(
                    re.escape(councils[0].surface) + r"['’]s\s+" + re.escape(head), text, re.I
                )
                d.topic = owned.group(0) if owned else f"{councils[0].surface}'s {head}"
                d.topic_plural = False
                d.answered_council = councils[0].surface
    return d


# "Is there anything / a tool ...?": the reply's one named thing is the answer, and "it" later.
_ASKS_FOR_A_THING = re.compile(
    r"^\s*(?:is|are)\s+there\b|\banything\b|\b(?:any|an?)\s+(?:lga\s+)?(?:tools?|resources?|"
    r"guides?|toolkits?|programmes?|offers?|frameworks?)\b",
    re.I,
)
# A plural noun after a question word or a verb, earlier in the same question ("how many
# outcomes", "which councils"): a later "they/them" points at it, not at an earlier turn.
_PLURAL_NOUN_BEFORE = re.compile(
    r"\b(?:how\s+many|which|what|many|all|the|those|these)\s+(?:[a-z-]+\s+)?"
    r"(?!(?:is|was|has|this|does|us|its)\b)[a-z-]{3,}[^s\W]?s\b",
    re.I,
)


def plural_before(text: str) -> bool:
    """Does ``text`` (a question up to a "they") name a plural thing "they" can be ("how many
    groups were there, and how often did they meet?"), so it points at no earlier turn?"""
    return bool(_PLURAL_NOUN_BEFORE.search(text))


def _source_part(d: Discourse, noun: str) -> str:
    """The part of the document asked about that a follow-up points at: "the learning
    document's section on capacity" (``d.source`` and ``d.topic`` are set)."""
    return f"{_possessive(d.source or '')} {noun} on {d.topic}"


def _possessive(phrase: str) -> str:
    return phrase + ("'" if phrase.endswith("s") and not phrase[-2:].isupper() else "'s")


def _the(phrase: str) -> str:
    """ "a council trading company" -> "the council trading company" (it is known now)."""
    return re.sub(r"^(?:a|an)\s+", "the ", phrase, flags=re.I)


def _agent(d: Discourse) -> str | None:
    if d.answered_council:
        return d.answered_council
    if d.topic and d.topic_plural:
        return d.topic
    m = d.latest("council") or d.latest("council_generic") or d.latest("org")
    return m.text if m else (d.topic if d.topic else None)


def _thing(d: Discourse) -> str | None:
    """What "it" is: the topic of the last user turn, else a programme that turn named (a name
    only the reply used is too weak a guess: the caller then keeps the whole earlier question)."""
    if d.topic:
        return _the(d.topic)
    m = d.latest("thing")
    if m and m.turn == d.last_user_turn:
        return m.text
    # "Is there anything that would help?" "Yes: the Digitalisation Almanac." "What's in it?":
    # a question without a topic, answered by naming one thing, makes that thing "it".
    if not _ASKS_FOR_A_THING.search(d.last_user or ""):
        return None
    named = {x.text for x in d.mentions if x.kind == "thing" and x.turn > d.last_user_turn}
    return m.text if m and len(named) == 1 and m.turn > d.last_user_turn else None


def _person(d: Discourse) -> str | None:
    m = d.latest("person")
    return m.text if m else _unnamed_person(d.last_reply)


# "One participant asked how to get political colleagues to embrace IT ...": a person the
# reply describes by what they raised, not by name (the action learning document anonymises).
_UNNAMED_PERSON = re.compile(
    r"\b(?:one|a|the|another)\s+(?P<who>participant|person|officer|councillor|member|delegate|"
    r"attendee|leader|manager)\s+(?:who\s+)?(?P<did>asked|raised|wanted|described|brought|"
    r"outlined|explained|shared|was\s+trying)\b(?P<what>[^.;:!?]{5,140})",
    re.I,
)


def _unnamed_person(reply: str) -> str | None:
    """ "the participant who asked how to ..." for a reply's unnamed person (see above)."""
    m = _UNNAMED_PERSON.search(_clean(reply))
    if not m:
        return None
    what = m.group("what").strip().rstrip(",")
    return f"the {m.group('who').lower()} who {m.group('did').lower()} {what}"


def _last_reply_mentions(d: Discourse) -> list[Mention]:
    """What the latest reply (the last turn after the last question) mentions."""
    turns = [m.turn for m in d.mentions if m.turn > d.last_user_turn]
    if not turns:
        return []
    last = max(turns)
    return [m for m in d.mentions if m.turn == last]


def _person_with_role(d: Discourse, word: str) -> str | None:
    """The one person the latest reply names whose title or role holds ``word`` ("Cllr Peter
    Fleming" for "councillor"), or None when it names none or several such."""
    wanted = {"councillor": ("cllr", "councillor")}.get(word.lower(), (word.lower(),))
    found = [
        m.text
        for m in _last_reply_mentions(d)
        if m.kind == "person" and any(w in f"{m.text} {m.role or ''}".lower() for w in wanted)
    ]
    names = [n for n in found if not any(n != o and n in o for o in found)]  # "Cllr A B" once
    return names[0] if len(names) == 1 else None


def _named_in_last_reply(d: Discourse, kind: str) -> list[str]:
    """The people (or councils) the latest reply (the last turn after the last question)
    names, in the order it names them."""
    replies = [m for m in _last_reply_mentions(d) if m.kind == kind]
    named: list[str] = []
    for m in sorted(replies, key=lambda m: m.pos):
        if not any(m.text in n or n in m.text for n in named):  # "Cllr Peter Fleming" once
            named.append(m.text)
    return named


def _without_aside(item: str) -> str:
    """A list item without its bracketed aside ("operating models (1 February 2024)")."""
    return re.sub(r"\s*\([^()]*\)", "", item).strip() or item


def _item(d: Discourse, index: int) -> str | None:
    """The ``index``-th item of the last list (-1: the last), without a bracketed aside: in
    "operating models (1 February 2024)" the date tells items apart, it is not what is asked."""
    if not d.items:
        return None
    if index == -1:
        item = d.items[-1]
    elif 1 <= index <= len(d.items):
        item = d.items[index - 1]
    else:
        return None
    return _without_aside(item)


def _list_label(d: Discourse) -> str:
    return f" (from {_the(d.list_topic)})" if d.list_topic else ""


_COUNT_WORDS = frozenset(f"{_TWO_TO_TWELVE} both".split())


def resolve(question: str, history: Sequence[Turn], *, pronouns: bool = True) -> str | None:
    """``question`` with its references to earlier turns spelled out, or None when it has none
    this module can resolve. ``pronouns=False`` (a long question naming its own subject) keeps
    its pronouns and bare nouns: only list items and "that council"-style references change."""
    if not any(t.role == "user" for t in history):
        return None
    return _resolve_with(question, track(history), history, pronouns=pronouns)


def _resolve_with(
    question: str, d: Discourse, history: Sequence[Turn], *, pronouns: bool = True
) -> str | None:
    """``resolve`` against an already tracked ``Discourse`` of ``history``."""
    q = _TRAILING_THEN.sub("", _FILLERS.sub("", question.strip()))
    out = q
    changed = False

    # 1. "the fifth one", "the last one", "number 3": a list item.
    def item_sub(m: re.Match[str]) -> str:
        nonlocal changed
        index = _ORDINALS[m.group("ord").lower()]
        item = _item(d, index)
        noun = (m.group("noun") or "one").lower()  # "the last of those" points like "one"
        if item is None or (noun not in ("one", "ones") and not _mentioned_before(noun, history)):
            return m.group(0)  # "the first step" names its own step unless steps were listed
        changed = True
        return f"{item}{_list_label(d)}"

    if d.items:
        out = _ORDINAL_REF.sub(item_sub, out, count=1)
        if not changed:
            m = _NUMBER_REF.search(out)
            item = _item(d, int(m.group("n"))) if m else None
            if m and item:
                out = out[: m.start()] + f"{item}{_list_label(d)}" + out[m.end() :]
                changed = True
        if not changed:
            # "and the operating models one - which council ...?": an item named, then "one"
            for m in _NAMED_ONE.finditer(out):
                said = m.group("x").lower()
                if any(_without_aside(i).lower() == said for i in d.items):
                    out = out[: m.end("x")] + f"{_list_label(d)}" + out[m.end() :]
                    changed = True
                    break
    if not changed:
        # "What did the first one say?" after a reply naming two people: the first of them;
        # "what was the first one's model?" after a reply naming councils: the first council.
        m = _ORDINAL_REF.search(out)
        noun = (m.group("noun") or "one").lower() if m else ""
        named = _named_in_last_reply(d, "person") if noun in _ORDINAL_PEOPLE else []
        if len(named) < 2 and noun in ("one", *_COUNCIL_NOUNS):
            named = _named_in_last_reply(d, "council")
        if m and len(named) > 1:
            index = _ORDINALS[m.group("ord").lower()]
            if index == -1 or index <= len(named):
                out = out[: m.start()] + named[index if index == -1 else index - 1] + out[m.end() :]
                changed = True

    if not changed:
        # "what did the councillor one say?" after a reply quoting a councillor and a minister
        m = _ROLE_ONE.search(out)
        holder = _person_with_role(d, m.group("x")) if m else None
        if m and holder:
            out = out[: m.start()] + holder + out[m.end() :]
            changed = True

    # 2. "that council", "this programme", "those (same) headings".
    def demonstrative_sub(m: re.Match[str]) -> str:
        nonlocal changed
        noun = m.group("noun").lower()
        if m.group("det").lower() in ("this", "these") and (not pronouns or noun in _COUNCIL_NOUNS):
            return m.group(0)  # "How can this council save money?": the asker's own
        if noun in _COUNCIL_NOUNS:
            council = d.latest("council") or d.latest("council_generic")
            if council:
                changed = True
                if council.kind == "council_generic" and d.topic:
                    # An unnamed council ("a council whose savings programme ..."): name it
                    # by what was asked about, since the reply could not.
                    return f"the council in {_the(d.topic)}"
                return council.text
            return m.group(0)
        if noun in _PERSON_NOUNS:
            person = _person(d)
            if person:
                changed = True
                return person
            return m.group(0)
        if noun in _VERBS or noun in ("one", "ones"):
            return m.group(0)
        if noun in _PART_NOUNS and d.source and d.topic:
            # "that section" after "what did the learning document say about capacity?"
            changed = True
            return _source_part(d, noun)
        if any(noun.rstrip("s") in e.lower() for e in own):
            return m.group(0)  # "the Sector Support Programme ... this programme": its own
        stem = noun.rstrip("s")
        named = [
            x for x in d.mentions if x.kind in ("thing", "org") and x.text.lower().endswith(noun)
        ]
        if named:  # "that model" -> "the Transformation Operating Model"
            changed = True
            latest = max(named, key=lambda x: (x.turn, x.pos)).text
            owned = latest.lower().startswith("the ") or re.search(r"['’]s\s", latest)
            return latest if owned else f"the {latest}"
        topic = d.topic or ""
        if topic and stem and stem in topic.lower():
            changed = True
            return _the(topic)
        if d.items and _is_plural(noun):
            changed = True
            label = d.list_topic or d.topic
            items = ", ".join(d.items)
            if not label:
                return f"the {noun} {items}"
            # A long list stays readable: its topic alone ("TIEx's focus areas").
            short = len(items.split()) <= _SHORT_LIST_WORDS
            return f"{_the(label)} ({items})" if short else _the(label)
        if noun in _COUNT_WORDS or noun.isdigit():
            # "those three": the items of the reply's list, or left for the context to carry
            if not d.items:
                return m.group(0)
            changed = True
            items = ", ".join(d.items)
            label = d.list_topic or d.topic
            return f"{_the(label)} ({items})" if label else items
        # "those skills" after "... the right data skillsets": the reply's phrase.
        said = re.search(
            rf"\b(?:(?P<mod>[a-z][\w-]+)\s+)?(?P<head>{re.escape(stem)}\w*)", d.last_reply
        )
        if said and len(stem) >= 4:
            mod = said.group("mod")
            keep = mod and mod not in _STOP_BEFORE
            changed = True
            return f"the {mod + ' ' if keep else ''}{said.group('head')}"
        return m.group(0)

    own = [span for _, span, _ in _things(q, [])] + [c.surface for c in find_councils(q)]
    out = _DEMONSTRATIVE.sub(demonstrative_sub, out)
    there = _IN_THERE.search(out)
    if there and d.source and d.topic:  # "any examples in there?": in what the document said
        part = f"in {_source_part(d, 'section')}"
        out = out[: there.start()] + part + out[there.end() :]
        changed = True

    # "has her council got anything on ...?": the council the person works for, when the
    # conversation gave it ("Clare Rowley, Head of Transformation at Lincolnshire County
    # Council"). Like "that council", it points back even in a question naming its own
    # subject ("what else has her council shared with the LGA?").
    owned = _THEIR_COUNCIL.search(out)
    person = d.latest("person") if owned else None
    employer = find_councils(person.role) if person and person.role else []
    if owned and employer:
        out = out[: owned.start()] + employer[0].surface + out[owned.end() :]
        changed = True

    # 3. Pronouns.
    done: set[str] = set()

    def pronoun_sub(m: re.Match[str]) -> str:
        nonlocal changed
        p = m.group("p")
        low = p.lower()
        if low in ("he", "she", "him", "her", "his", "hers"):
            target = _person(d) or _agent(d)
        elif low in ("they", "them", "their", "theirs"):
            before = out[: m.start()]
            if plural_before(before) or _WHICH_ONE.search(before):
                return p  # "how many outcomes ... who agreed them?", "which council ... they"
            target = _agent(d)
        elif low == "it" and d.source and _IT_SAYS.match(out[m.end() :]):
            target = d.source  # "which links did it point to?": the document asked about
        else:
            target = _thing(d)
        if not target or target in done or target.lower() in out.lower():
            return p
        if any(_owns(x, target) or _owns(target, x) for x in done):
            return p  # "How well did Derby Council's chatbot work for them?": said once
        done.add(target)
        changed = True
        if low in ("his", "her", "their", "its", "hers", "theirs") and not (
            low == "her" and _object_position(out, m.start())
        ):
            return _possessive(target)
        return target

    if pronouns:
        out = _PRONOUN.sub(pronoun_sub, out)

    # "Was that online?" / "Does this apply?": "that"/"this" as a pronoun.
    def that_sub(m: re.Match[str]) -> str:
        nonlocal changed
        word = m.group("a") or m.group("b")
        target = _thing(d)
        if not target or target.lower() in out.lower():
            return m.group(0)
        changed = True
        said = m.group(0).replace(word, target, 1)
        verb = said.split()[0] if said.split() else ""
        if _is_plural(target) and verb.lower() in _PLURAL_VERB:
            plural = _PLURAL_VERB[verb.lower()]
            said = (plural.capitalize() if verb[0].isupper() else plural) + said[len(verb) :]
        return said

    if pronouns:
        out = _PRON_THAT.sub(that_sub, out, count=1)

    # 4. A definite noun phrase whose noun an earlier turn used: "what are the three themes?".
    if not changed and d.topic and not _own_entity(q):
        # Without a pronoun, only a marked phrase ("the three themes", "the other ones").
        marked = r"(?:two|three|four|five|six|seven|eight|nine|ten|\d+|other|same|remaining)\s+"
        m = re.search(
            rf"\bthe\s+{'(?:' + marked + ')' if not pronouns else marked + '?'}"
            r"(?:\w+\s+)?(?P<noun>[a-z]{3,}s)\b",
            out,
        )
        qualified = m and re.match(r"\s+(?:of|in|for|from|on|at|by|about)\b", out[m.end() :])
        if (
            m
            and not qualified
            and _mentioned_before(m.group("noun"), history)
            and d.topic.lower() not in out.lower()
        ):
            out = out[: m.end()] + f" of {_the(d.topic)}" + out[m.end() :]
            changed = True

    if not changed:
        return None
    out = out.strip()
    return out[0].upper() + out[1:]


_VERBS = {"is", "are", "was", "were", "does", "do", "did", "has", "have", "mean", "means"}


def _object_position(text: str, start: int) -> bool:
    """Whether "her" at ``start`` is an object ("asked her", "to her?"), not a possessive."""
    after = text[start + 3 :].lstrip()
    return (
        not after
        or not after[0].isalpha()
        or after.split()[0].lower()
        in _VERBS
        | {
            "about",
            "say",
            "and",
            "or",
            "to",
            "in",
            "on",
            "for",
        }
    )


def _owns(owner: str, phrase: str) -> bool:
    return phrase.lower().startswith((owner.lower() + "'s", owner.lower() + "’s"))


def _own_entity(question: str) -> bool:
    return bool(find_councils(question)) or bool(
        [s for s in _things(question, []) if s[1].lower() not in ("the",)]
    )


def _mentioned_before(noun: str, history: Sequence[Turn]) -> bool:
    stem = noun.lower().rstrip("s")
    text = " ".join(t.content.lower() for t in history[-2:])
    return bool(re.search(rf"\b{re.escape(stem)}", text))
