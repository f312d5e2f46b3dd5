"""What the keyword index of both catalogues searches: one tokeniser, the query terms and the
BM25 constants.

SQLite FTS5 (``tokenize = 'porter unicode61 remove_diacritics 2'``, ``bm25()``) is the reference.
``PostgresCatalog`` reproduces it: the same tokens (``keyword_tokens``: runs of letters and
digits, lower-cased, diacritics removed, nothing dropped), Porter stemming (PostgreSQL's Snowball
``porter``), the same column weights and FTS5's bm25 formula with its k1 and b
(``bm25_term_score``, which the PostgreSQL query computes in SQL).

Known difference: FTS5's Porter stemmer has the two departures of Martin Porter's C version
("bli" -> "ble", "logi" -> "log" in step 2), Snowball's ``porter`` does not, so FTS5 stems
"responsibly" and "technology" to "respons" and "technolog", PostgreSQL to "responsibli" and
"technologi" (``python -m evals.bench.pg_parity`` counts the questions whose top 40 differ).
"""

from __future__ import annotations

import math
import re
import unicodedata

from assistant.text.terms import FUNCTION_WORDS

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_TERMS = 32

# bm25() column weights: the passage text counts most; title and heading repeat across a
# document's chunks, so they count less. FTS5 takes them in column order (text, title, heading).
TEXT_WEIGHT = 1.0
TITLE_WEIGHT = 0.3
HEADING_WEIGHT = 0.6
# FTS5's bm25 constants (fts5_aux.c): term-frequency saturation and length normalisation.
BM25_K1 = 1.2
BM25_B = 0.75
# FTS5's floor for the idf of a term in more than half the rows (log of a ratio <= 1).
MIN_IDF = 1e-6


# FTS5's porter tokenizer stems only tokens of 3 to 64 bytes ("us" stays "us", and so does the
# stem of "using"); PostgreSQL's Snowball porter would stem "us" to "u".
STEM_MIN_BYTES = 3
STEM_MAX_BYTES = 64


def is_stemmed(token: str) -> bool:
    """Whether FTS5's porter tokenizer stems ``token`` (else it is indexed as it is)."""
    return STEM_MIN_BYTES <= len(token.encode("utf-8")) <= STEM_MAX_BYTES


def keyword_tokens(text: str) -> list[str]:
    """The tokens FTS5's unicode61 tokenizer makes of ``text`` (before stemming): runs of
    letters and digits, lower-cased, with diacritics removed; no stopword is dropped."""
    folded = unicodedata.normalize("NFD", text.lower())
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn")
    return _WORD.findall(folded)


def query_terms(query: str) -> list[str]:
    """Content words of ``query`` (``keyword_tokens`` without stopwords, one-letter words or
    search syntax), de-duplicated, in order; at most ``MAX_QUERY_TERMS``."""
    seen: dict[str, None] = {}
    for word in keyword_tokens(query):
        if word not in FUNCTION_WORDS and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_TERMS]


def bm25_idf(rows: int, hits: int) -> float:
    """FTS5's idf of a term found in ``hits`` of ``rows`` rows."""
    idf = math.log((rows - hits + 0.5) / (hits + 0.5))
    return idf if idf > 0 else MIN_IDF


def bm25_term_score(idf: float, tf: float, length: float, avg_length: float) -> float:
    """FTS5's bm25 contribution of one query term to one row: ``tf`` is the column-weighted
    count of the term in the row, ``length`` the row's tokens (every column)."""
    norm = 1 - BM25_B + BM25_B * length / avg_length
    return idf * tf * (BM25_K1 + 1) / (tf + BM25_K1 * norm)
