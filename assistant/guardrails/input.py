"""Input guardrails: clean what users type, spot personal data, redact it from what we store.

Pure functions. The Assistant cleans every question; the API and trace store redact personal
data before anything is written to disk or logs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.errors import InputError
from assistant.types import AUDIENCES, Audience

# Personal data patterns (UK-centred). Each match is then validated (``_valid``) so that years,
# budgets, reference numbers and bare postcodes (an area, not a person) are not flagged.
_POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"
_STREET = (
    r"(?:road|rd|street|st|lane|ln|avenue|ave|close|cl|drive|dr|way|place|pl|crescent|cres|"
    r"court|ct|gardens|gdns|terrace|grove|hill|square|sq|row|walk|park|mews|green|rise|view|"
    r"parade|broadway|boulevard|gate|yard|wharf|quay|end|lea|meadows?|fields?|cottages?|house|"
    r"flats?|estate|croft|chase|vale|wood|heights|passage|circus|embankment)"
)
_PII_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (
        "national_insurance",
        # Valid prefixes only (no D, F, I, Q, U, V; no O second); upper case when spaced, any
        # case when written as one word ("ab123456c").
        re.compile(
            r"\b(?:[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]"
            r"|(?i:[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z]\d{6}[a-d]))\b"
        ),
    ),
    (
        "address",
        # A house number, a street (ending in a street word), up to 60 characters of town,
        # then a UK postcode: "12 Acacia Avenue, Stockton TS18 1AA". Years are not house numbers.
        re.compile(
            r"(?<![\d£$€.,:/-])\b(?!(?:19|20)\d\d\b)\d{1,4}[a-z]?,?\s+(?:[A-Za-z'\-]+\s+){0,4}"
            + _STREET
            + r"\b[^\n]{0,60}?"
            + _POSTCODE,
            re.I,
        ),
    ),
    (
        "phone",
        re.compile(
            r"(?<![\w+£$€.])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}\b"
        ),
    ),
)
_PII_LABELS = {
    "email": "[EMAIL]",
    "national_insurance": "[NI NUMBER]",
    "address": "[ADDRESS]",
    "phone": "[PHONE]",
}
_WHITESPACE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Invisible characters that are not in the Cc/Cf/Co/Cs/Cn categories: variation selectors
# (VS1-16 and the supplement VS17-256, a known channel for smuggling bytes), the Hangul and
# braille blanks and combining grapheme joiner that render as nothing.
_INVISIBLE_EXTRA = re.compile(
    "[\ufe00-\ufe0f\U000e0100-\U000e01ef\u034f\u115f\u1160\u3164\uffa0\u2800]"
)
# Hard cap before any processing, so a huge body cannot make normalisation expensive.
_RAW_LIMIT_FACTOR = 4


def _valid(kind: str, match: str) -> bool:
    """Second look at a match: a phone number has 10 or 11 digits (with the leading 0)."""
    if kind == "phone":
        digits = re.sub(r"\D", "", match)
        if digits.startswith("44"):
            digits = "0" + digits[2:].lstrip("0")
        return len(digits) in (10, 11)
    return True


def pii_spans(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping ``(start, end, kind)`` spans of personal data in ``text``, in order."""
    spans: list[tuple[int, int, str]] = []
    for kind, pattern in _PII_PATTERNS:
        for m in pattern.finditer(text):
            if not _valid(kind, m.group(0)):
                continue
            if any(m.start() < end and start < m.end() for start, end, _ in spans):
                continue  # the earlier, more specific pattern already covers it
            spans.append((m.start(), m.end(), kind))
    return sorted(spans)


@dataclass(frozen=True, slots=True)
class CleanInput:
    """A cleaned question, with the kinds of personal data found and warnings for the user."""

    text: str
    pii_kinds: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def strip_invisible(text: str) -> str:
    """Drop control, format (zero-width, bidi) and Unicode tag characters; keep newlines/tabs."""
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Co", "Cs", "Cn"):
            continue  # controls, zero-width/bidi/tag characters, private use, unassigned
        out.append(ch)
    return _INVISIBLE_EXTRA.sub("", "".join(out))


def find_pii(text: str) -> tuple[str, ...]:
    """Kinds of personal data present in ``text`` (email, phone, national_insurance, address)."""
    return tuple(dict.fromkeys(kind for _, _, kind in pii_spans(text)))


def redact_pii(text: str) -> str:
    """``text`` with personal data replaced by labels such as ``[EMAIL]``."""
    out: list[str] = []
    last = 0
    for start, end, kind in pii_spans(text):
        out.append(text[last:start])
        out.append(_PII_LABELS[kind])
        last = end
    out.append(text[last:])
    return "".join(out)


def clean_input(text: str, *, max_chars: int = 1000) -> CleanInput:
    """Normalise a question: NFKC, invisible characters removed, whitespace folded.

    Raises ``InputError`` when nothing is left or the text is longer than ``max_chars``.
    """
    if not isinstance(text, str):
        raise InputError("The question must be text.")
    if len(text) > max_chars * _RAW_LIMIT_FACTOR:
        raise InputError(
            f"The question is {len(text)} characters long; the limit is {max_chars}. "
            "Shorten it or split it into separate questions."
        )
    cleaned = strip_invisible(unicodedata.normalize("NFKC", text))
    cleaned = "\n".join(_WHITESPACE.sub(" ", line).strip() for line in cleaned.splitlines())
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned).strip()
    if not cleaned:
        raise InputError("The question is empty: type a question about council transformation.")
    if len(cleaned) > max_chars:
        raise InputError(
            f"The question is {len(cleaned)} characters long; the limit is {max_chars}. "
            "Shorten it or split it into separate questions."
        )
    kinds = find_pii(cleaned)
    warnings = (
        (
            "Your question seems to contain personal data ("
            + ", ".join(k.replace("_", " ") for k in kinds)
            + "). It has been removed from what we store. Please don't share personal details.",
        )
        if kinds
        else ()
    )
    return CleanInput(text=cleaned, pii_kinds=kinds, warnings=warnings)


def check_audience(audience: str) -> Audience:
    """``audience`` as an ``Audience``; ``InputError`` naming the choices when it is not one."""
    for known in AUDIENCES:
        if audience == known:
            return known
    raise InputError(f"Unknown audience {audience!r}: use one of {', '.join(AUDIENCES)}.")
