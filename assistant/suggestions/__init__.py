"""Suggestions on every answer: peer councils, LGA resources and framework next steps.

``build_suggester(settings, index)`` returns a ``CatalogueSuggester`` (the small facade in
``suggester.py``, implementing ``ports.Suggester``). Everything it suggests is evidenced by an
indexed passage and cited; the parts live in ``peers.py``, ``resources.py`` and
``next_steps.py``, share ``sources.py`` (index, catalogue, embedder) and ``evidence.py``
(evidence sentences, citation numbering), and take their numbers from ``weights.py``.

Citation numbers reuse the answer's own citations when the same passage is cited and otherwise
continue after them (``SuggestionSet.citations``, numbered n+1, n+2, ...).
"""

from assistant.suggestions.evidence import (
    CitationNumbering,
    ElementEntry,
    Evidence,
    ResourceEntry,
    element_entries,
    first_sentence,
    resource_entries,
    sentence_naming,
)
from assistant.suggestions.suggester import (
    CatalogueSuggester,
    build_suggester,
    build_suggester_from,
    load_catalogue,
)
from assistant.suggestions.weights import WEIGHTS, SuggestionWeights

__all__ = [
    "WEIGHTS",
    "CatalogueSuggester",
    "CitationNumbering",
    "ElementEntry",
    "Evidence",
    "ResourceEntry",
    "SuggestionWeights",
    "build_suggester",
    "build_suggester_from",
    "element_entries",
    "first_sentence",
    "load_catalogue",
    "resource_entries",
    "sentence_naming",
]
