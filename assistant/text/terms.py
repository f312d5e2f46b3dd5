"""Words: the one stopword list, a light stemmer and the content terms scoring compares.

Pure functions. Keyword search drops ``FUNCTION_WORDS`` only; answer and suggestion scoring
drop ``STOPWORDS``, which adds the words every question here uses ("council", "help", "make"),
so that what is left is what the question is about.
"""

from __future__ import annotations

import functools
import re

# Common English function words: they match most passages and only add noise and cost.
_FUNCTION_WORDS = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves tell give show please
    i'm i've i'd i'll we've we're we'd we'll you're you've you'd you'll they're they've they'd
    they'll don't doesn't didn't can't won't isn't aren't wasn't weren't haven't hasn't hadn't
    shouldn't wouldn't couldn't let's
    """
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
# Question filler and words of this domain that every passage shares.
_DOMAIN_WORDS = """
    also may might must shall us get got make made use used using way ways within without
    across explain describe know want need like one two many much well good council councils
    local authority authorities lga keep keeping making take taking help helping things
    thing able come came comes coming going actually really basically literally
    ive im id youre weve theyre sort
    """
STOPWORDS = FUNCTION_WORDS | frozenset(_DOMAIN_WORDS.split())

WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d+(?:[.,]\d+)*%?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


# consonant, vowel, consonant: "sav" of "saving", "mak" of "making", "us" of "using"
_SILENT_E_STEM = re.compile(r"^(?:[b-df-hj-np-tvz][aiou][b-df-hj-np-tvz]|us)$")


@functools.lru_cache(maxsize=65536)  # pure, and the same words come back in every passage
def stem(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed and -ation removed ("focuses" and "focus",
    "programmes" and "programme", "transformation" and "transforming" meet)."""
    word = word.lower().strip("'-")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    for suffix in ("ation", "ing", "ed"):
        short = len(word) == len(suffix) + 3 and word[-len(suffix) - 1] == word[-len(suffix) - 2]
        if (len(word) > len(suffix) + 3 or short) and word.endswith(suffix):
            # ...and a three-letter stem ending in a double letter ("added", "adding": add)
            word = word[: -len(suffix)]
            if suffix == "ed" and word.endswith("i") and word[-2:-1] not in "aeiou":
                word = word[:-1] + "y"  # "identified" meets "identify", "applied" "apply"
            elif len(word) >= 4 and word[-1] == word[-2] and word[-1] in "bdgmnprt":
                word = word[:-1]  # "cutting" meets "cut", "planned" "plan"
            break
        if (
            suffix != "ation"
            and word.endswith(suffix)
            and _SILENT_E_STEM.match(word[: -len(suffix)])
        ):
            # a short stem that lost its "e": "saving", "saved" meet "save"; "making" "make"
            word = word[: -len(suffix)] + "e"
            break
    if len(word) >= 8 and word.endswith("ment"):
        word = word[:-4]  # "involvement" meets "involve", "investment" "invest"
    if len(word) > 6 and word.endswith(("ate", "at")) and not word.endswith("eat"):
        # "communicate", "communicated" and "communication" meet ("ation" is gone already)
        word = word[: -3 if word.endswith("ate") else -2]
    return word.rstrip("e") if len(word) > 4 else word


def content_terms(text: str) -> set[str]:
    """Stemmed content words of ``text`` (stopwords and very short words removed)."""
    return set(_content_terms(text))


@functools.lru_cache(maxsize=16384)  # the retrieved passages' sentences, answer after answer
def _content_terms(text: str) -> frozenset[str]:
    words = WORD.findall(text)
    # A hyphenated word also counts as its parts: "stockton" finds "Stockton-on-Tees".
    words += [part for w in words if "-" in w for part in w.split("-")]
    return frozenset(
        {stem(w) for w in words if _bare(w) not in STOPWORDS and (len(w) > 2 or w.isdigit())}
    )


def without_possessive(word: str) -> str:
    """``word`` without a possessive "'s" ("LGA's" -> "LGA")."""
    return word[:-2] if word.lower().endswith(("'s", "\u2019s")) else word


def _bare(word: str) -> str:
    """``word`` in lower case without a possessive ("LGA's" -> "lga")."""
    return without_possessive(word).lower()


def numbers_in(text: str) -> set[str]:
    """The numbers ``text`` states, thousands separators removed ("1,200" -> "1200")."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def question_names(question: str) -> set[str]:
    """Stemmed capitalised words inside the question (names of councils, places, people)."""
    out: set[str] = set()
    # Each sentence's first word is capitalised anyway: "...internally. According to ..."
    for sentence in re.split(r"(?<=[.?!])\s+", question):
        words = [without_possessive(w) for w in WORD.findall(sentence)]  # "LGA's": LGA
        out |= {
            stem(w)
            for i, w in enumerate(words)
            if i > 0 and w[:1].isupper() and w.lower() not in STOPWORDS and not w.isupper()
        }
        # An acronym names something too ("the AI network"): by the words it stands for, as
        # passages' terms hold them ("LGA", in almost every passage, names nothing).
        for w in words:
            if w.isupper() and len(w) >= 2 and w not in _COMMON_ACRONYMS:
                out |= content_terms(_expanded(w))
    return out


_COMMON_ACRONYMS = frozenset(["LGA", "UK", "OK"])


def _expanded(acronym: str) -> str:
    from assistant.text.glossary import with_expansions  # the glossary reads this module

    return with_expansions(acronym)


# Shorthand people type for words the documents spell out ("how many cllrs took part?").
# "Cllr" before a name is a title and stays ("Cllr Peter Fleming").
_SHORTHAND = (
    (re.compile(r"\bcllrs\b", re.I), "councillors"),
    (re.compile(r"\bcllr\b(?!\.?\s+(?-i:[A-Z]))", re.I), "councillor"),
    (re.compile(r"\bgovt\b", re.I), "government"),
    (re.compile(r"\bdepts\b", re.I), "departments"),
    (re.compile(r"\bdept\b", re.I), "department"),
    (re.compile(r"\bmgmt\b", re.I), "management"),
)


def spell_out_shorthand(text: str) -> str:
    """``text`` with typed shorthand ("cllrs", "govt", "dept") spelled out."""
    for pattern, words in _SHORTHAND:
        text = pattern.sub(words, text)
    return text
