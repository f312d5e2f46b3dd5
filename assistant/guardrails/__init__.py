"""Guardrails: input cleaning (``input.py``: invisible characters, length, PII, audience) and
scope rules (``scope.py``: what the assistant declines, instruction-like and partisan text)."""

from assistant.guardrails.input import (
    CleanInput,
    check_audience,
    clean_input,
    find_pii,
    pii_spans,
    redact_pii,
    strip_invisible,
)
from assistant.guardrails.scope import (
    CORPUS_COVERS,
    ScopeRule,
    check_scope,
    looks_like_instruction,
    looks_partisan,
    match_scope_rule,
    refusal_text,
)

__all__ = [
    "CORPUS_COVERS",
    "CleanInput",
    "ScopeRule",
    "check_audience",
    "check_scope",
    "clean_input",
    "find_pii",
    "looks_like_instruction",
    "looks_partisan",
    "match_scope_rule",
    "pii_spans",
    "redact_pii",
    "refusal_text",
    "strip_invisible",
]
