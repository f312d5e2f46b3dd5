"""Input guardrails: clean what users type, spot personal data, redact it from what we store.

Pure functions. The Assistant cleans every question; the API and trace store redact personal
data before anything is written to disk or logs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.errors import InputError

# Personal data patterns (UK-centred). Order matters: the longer, more specific ones first.
_PII_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (
        "national_insurance",
        re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I),
    ),
    (
        "address",
        # A house number, up to 60 characters of street and town, then a UK postcode.
        re.compile(r"\b\d{1,4}[a-z]?\s+[^\n\d]{2,60}?\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I),
    ),
    (
        "phone",
        re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}\b"),
    ),
)
_PII_LABELS = {
    "email": "[EMAIL]",
    "national_insurance": "[NI NUMBER]",
    "address": "[ADDRESS]",
    "phone": "[PHONE]",
}
_WHITESPACE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


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
    return "".join(out)


def find_pii(text: str) -> tuple[str, ...]:
    """Kinds of personal data present in ``text`` (email, phone, national_insurance, address)."""
    return tuple(kind for kind, pattern in _PII_PATTERNS if pattern.search(text))


def redact_pii(text: str) -> str:
    """``text`` with personal data replaced by labels such as ``[EMAIL]``."""
    for kind, pattern in _PII_PATTERNS:
        text = pattern.sub(_PII_LABELS[kind], text)
    return text


def clean_input(text: str, *, max_chars: int = 1000) -> CleanInput:
    """Normalise a question: NFKC, invisible characters removed, whitespace folded.

    Raises ``InputError`` when nothing is left or the text is longer than ``max_chars``.
    """
    if not isinstance(text, str):
        raise InputError("The question must be text.")
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
