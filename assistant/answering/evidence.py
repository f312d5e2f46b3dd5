"""The refusal score and its calibrated threshold.

``refusal_score`` is the one formula ``calibration.json`` depends on: the answerer refuses when
it falls below the threshold, and ``evals/calibrate.py`` calls the same function to choose that
threshold. Change the formula or its weights and the calibration must be rerun.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from assistant.answering.weights import WEIGHTS, EvidenceWeights
from assistant.errors import ConfigurationError
from assistant.retrieval.synonyms import load_synonyms
from assistant.settings import Settings
from assistant.text.glossary import with_expansions
from assistant.text.terms import content_terms
from assistant.types import Hit

CALIBRATION_PATH = Path(__file__).resolve().parent / "calibration.json"
UNCALIBRATED_MIN_EVIDENCE = WEIGHTS.uncalibrated_min_evidence


def refusal_score(
    question: str,
    sims: np.ndarray,
    hits: Sequence[Hit],
    weights: EvidenceWeights = WEIGHTS.evidence,
) -> float:
    """How well the passages support an answer to ``question`` (higher: better supported).

    ``sims`` are the cosines of the candidate sentences to the question (``Analysis.sims``);
    the score mixes the best two of them, the best dense passage score and the share of the
    question's content words (acronyms expanded) found in the top passages.
    """
    question_terms = content_terms(with_expansions(question))
    if sims.size == 0:
        return 0.0
    top = np.sort(sims)[::-1]
    best = float(top[0])
    second = float(top[1]) if top.size > 1 else best
    sentence_part = weights.best_sentence * best + weights.second_sentence * second
    dense = [h.dense_score for h in hits if h.dense_score is not None]
    dense_part = max(dense) if dense else sentence_part
    if question_terms:
        found: set[str] = set()
        for hit in hits[: weights.keyword_passages]:
            found |= content_terms(hit.chunk.text)
        found |= said_otherwise(question, found)
        keyword_part = len(question_terms & found) / len(question_terms)
    else:
        keyword_part = 0.0
    return round(
        weights.sentence_part * sentence_part
        + weights.dense_part * dense_part
        + weights.keyword_part * keyword_part,
        4,
    )


def said_otherwise(question: str, found: set[str]) -> set[str]:
    """The question's words for which the passages use the documents' own words
    (``synonyms.yaml``): "bring them round" is found where a passage says "persuading"."""
    out: set[str] = set()
    for pattern, words in load_synonyms():
        match = pattern.search(question)
        if match and any((terms := content_terms(w)) and terms <= found for w in words):
            out |= content_terms(match.group(0))
    return out


def resolve_min_evidence(settings: Settings, model_id: str) -> float:
    """The refusal threshold: the setting if given, else the calibration for this embedder."""
    if settings.answer.min_evidence is not None:
        return settings.answer.min_evidence
    calibration = load_calibration()
    if calibration and calibration.get("model_id") == model_id:
        return float(str(calibration["threshold"]))
    return UNCALIBRATED_MIN_EVIDENCE


@cache
def load_calibration(path: Path = CALIBRATION_PATH) -> dict[str, object] | None:
    """The stored calibration ({threshold, model_id, dataset, precision, recall, date})."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigurationError(
            f"{path} is unreadable ({exc}): run `python -m evals.calibrate` to rebuild it."
        ) from exc
    return data if isinstance(data, dict) and "threshold" in data else None
