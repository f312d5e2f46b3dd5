"""Text handling shared by ingest and answering: sentences, terms and stopwords, the glossary."""

from assistant.text.glossary import GLOSSARY, expand_acronyms, known_acronyms, with_expansions
from assistant.text.sentences import (
    Sentence,
    drop_filler_opening,
    leans_on_previous,
    normalise_whitespace,
    sentence_spans,
    split_sentences,
)
from assistant.text.terms import FUNCTION_WORDS, STOPWORDS, content_terms, numbers_in, stem

__all__ = [
    "FUNCTION_WORDS",
    "GLOSSARY",
    "STOPWORDS",
    "Sentence",
    "content_terms",
    "drop_filler_opening",
    "expand_acronyms",
    "known_acronyms",
    "leans_on_previous",
    "normalise_whitespace",
    "numbers_in",
    "sentence_spans",
    "split_sentences",
    "stem",
    "with_expansions",
]
