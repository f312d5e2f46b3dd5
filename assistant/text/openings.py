"""How a sentence opens: does it point back at the sentence before it?

One list of words for the three questions answering asks (``answering.extractive``: a small
penalty, keeping a dangling sentence with its antecedent, the lead of a paragraph) and the
plain-English lead (``text.plain``). Case-sensitive: these are sentence openings.
"""

from __future__ import annotations

import re
from typing import Literal

_PRONOUNS = "This|These|That|Those|It|They|He|She"
_GENERIC_NOUNS = (
    "council|authority|participant|theme|programme|project|company|organisation|group|issue|"
    "tool|model|approach"
)
_NOT_A_DEFINITION = r"(?!\s+(?:is|are)\s+(?:a|an|the)\s)"  # "This is a..." defines, stands alone
# Points at the sentence before: a pronoun, "Such" or a connective ("However, ...").
POINTING_WORDS = f"{_PRONOUNS}|Such|However|Also|But"
_POINTS_BACK = re.compile(rf"^(?:{POINTING_WORDS})\b")
# A subject that names nothing on its own, of two kinds: a pronoun ("It...", "The same
# document...") never stands alone; a generic subject ("The council...", "Such...") may open
# a passage, which names what it is.
# An opening phrase before the subject ("A few years ago, the council...")...
FRONTED_PHRASE = r"[A-Z][^,.;:()]{0,40},\s+"
# ...that is not a connective pointing back ("However, the council ...").
_FRONTED = rf"(?:(?!(?:{POINTING_WORDS}|For|In addition)\b){FRONTED_PHRASE})"
_DANGLING_SUBJECT = re.compile(
    rf"^(?:(?P<pronoun>(?:{_PRONOUNS})\b{_NOT_A_DEFINITION}|The\s+same\b)"
    rf"|(?P<generic>Such\b{_NOT_A_DEFINITION}|The\s+(?:{_GENERIC_NOUNS})\b"
    rf"|{_FRONTED}the\s+(?:{_GENERIC_NOUNS})\b(?!\s+of\b)))"
)

# The line under a quotation naming who said it: "Rishi Sunak, Minister for Local Government",
# "Cllr Peter Fleming, Chairman of the LGA's Improvement and Innovation Board".
HONORIFICS = "Cllr|Councillor|Dr|Mr|Mrs|Ms|Sir|Dame|Lord|Baroness"
ATTRIBUTION_LINE = re.compile(
    rf"^(?:(?:{HONORIFICS})\s+)?[A-Z][a-z'\u2019-]+"
    r"(?:\s+[A-Z][a-z'\u2019-]+){1,2},\s+(?:the\s+)?[A-Z][\w'\u2019&,\- ]{3,100}[a-z]$"
)


# A sentence that spells out the one before it: "This could include ...", "For example, ...".
_ELABORATES = re.compile(
    r"^(?:(?:This|These)\s+(?:(?:could|can|may|might|would|will|should)\s+)?"
    r"(?:include|includes|involve|involves|mean|means|be\s+(?:done|achieved))\b"
    r"|For\s+(?:example|instance)\b|Examples?\s+(?:include|of\s+this)\b)"
)


def elaborates(text: str) -> bool:
    """The sentence spells out the sentence before it ("This could include ...", "For
    example, ..."): what it says is that sentence's point in detail."""
    return _ELABORATES.match(text) is not None


def points_back(text: str) -> bool:
    """The sentence opens with a pronoun or connective that points at the sentence before."""
    return _POINTS_BACK.match(text) is not None


def dangling_subject(text: str) -> Literal["pronoun", "generic"] | None:
    """How the sentence's subject needs the sentence before it: ``"pronoun"`` ("It...", "They
    ...", "The same...": never alone), ``"generic"`` ("The council...", "Such...": alone only
    where the passage names it), or None (it names its subject)."""
    if ATTRIBUTION_LINE.match(text):
        return "generic"  # who said the quotation before it: shown with it where it can be
    found = _DANGLING_SUBJECT.match(text)
    if found is None:
        return None
    return "pronoun" if found["pronoun"] else "generic"
