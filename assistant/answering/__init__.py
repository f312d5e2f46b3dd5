"""Answer composition: extractive by default, generative with a post-check, refusal.

``analysis`` embeds the question and passages once; ``evidence`` holds the refusal score and
its calibrated threshold; ``extractive`` selects and composes cited sentences; ``generative``
prompts a chat model and checks its output; ``weights`` holds every tuning number; the prompt
templates live in ``prompts/``.
"""

from assistant.answering.answerer import Answerer
from assistant.answering.draft import (
    NO_SOURCES_REASON,
    NOT_IN_SOURCES,
    WEAK_EVIDENCE_REASON,
    Draft,
)
from assistant.answering.evidence import (
    CALIBRATION_PATH,
    UNCALIBRATED_MIN_EVIDENCE,
    load_calibration,
    refusal_score,
    resolve_min_evidence,
)
from assistant.answering.generative import check_generated, strip_unknown_urls
from assistant.answering.prompts import (
    build_messages,
    format_passages,
    render_prompt,
    system_prompt_leaked,
)
from assistant.answering.weights import WEIGHTS, AnsweringWeights
from assistant.text.glossary import expand_acronyms
from assistant.text.terms import content_terms

__all__ = [
    "CALIBRATION_PATH",
    "NOT_IN_SOURCES",
    "NO_SOURCES_REASON",
    "UNCALIBRATED_MIN_EVIDENCE",
    "WEAK_EVIDENCE_REASON",
    "WEIGHTS",
    "Answerer",
    "AnsweringWeights",
    "Draft",
    "build_messages",
    "check_generated",
    "content_terms",
    "expand_acronyms",
    "format_passages",
    "load_calibration",
    "refusal_score",
    "render_prompt",
    "resolve_min_evidence",
    "strip_unknown_urls",
    "system_prompt_leaked",
]
