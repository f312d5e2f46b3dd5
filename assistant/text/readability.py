"""Readability: syllables per word and how plain a sentence's own words are.

The eval's Flesch reading ease (``evals.metrics.readability``) counts syllables with
``count_syllables``; the answerer uses ``plainness`` to prefer, for councillors, the plainer of
two sentences that answer equally well.
"""

from __future__ import annotations

import re

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def count_syllables(word: str) -> int:
    """Heuristic English syllable count (vowel groups with common corrections), at least 1."""
    w = word.lower().strip("'")
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    w = re.sub(r"'s$", "", w)
    count = len(_VOWEL_GROUPS.findall(w))
    # Silent final e ("make"), but not "-le" after a consonant ("table") or "-ee".
    # "-le" after a consonant keeps its syllable ("ta-ble").
    consonant_le = w.endswith("le") and w[-3] not in "aeiouy"
    if w.endswith("e") and not consonant_le and not w.endswith(("ee", "ye")) and count > 1:
        count -= 1
    # "-ed" is silent unless after t or d ("worked" vs "wanted").
    if w.endswith("ed") and len(w) > 3 and w[-3] not in "td" and count > 1:
        count -= 1
    # "-es" is silent except after s, x, z, ch, sh, ce, ge ("makes" vs "boxes").
    if (
        w.endswith("es")
        and len(w) > 3
        and not w.endswith(("ses", "xes", "zes", "ches", "shes", "ces", "ges"))
        and count > 1
    ):
        count -= 1
    # "ia"/"io" are two syllables ("via", "radio") except in -tion, -sion, -cial, -gion.
    count += len(re.findall(r"(?:^|[^aeiouctsgx])i[ao]", w))
    return max(count, 1)


PLAIN_SYLLABLES = 1.75  # syllables per word at which a sentence counts as neither plain nor hard
PLAINNESS_CAP = 0.4


def plainness(text: str) -> float:
    """How much plainer than usual ``text``'s common words are: PLAIN_SYLLABLES minus their
    syllables per word, within +/- PLAINNESS_CAP. Names (capitalised words) are left out: an
    answer keeps them whatever they cost. 0.0 for fewer than three common words."""
    words = [w for w in WORD.findall(text) if w.islower()]
    if len(words) < 3:
        return 0.0
    per_word = sum(count_syllables(w) for w in words) / len(words)
    return max(-PLAINNESS_CAP, min(PLAINNESS_CAP, PLAIN_SYLLABLES - per_word))
