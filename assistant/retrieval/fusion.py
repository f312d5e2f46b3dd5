"""Pure helpers of hybrid retrieval: rank fusion, near-duplicate removal, neighbour merge."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple

from assistant.types import Chunk, Hit


class Fused(NamedTuple):
    """One fused candidate: ``(id, fused, dense_rank, dense_score, kw_rank, kw_score)``."""

    id: str
    fused: float
    dense_rank: int | None
    dense_score: float | None
    kw_rank: int | None
    kw_score: float | None


def fuse_dense(
    first: Sequence[tuple[str, float]],
    second: Sequence[tuple[str, float]],
    *,
    k: int = 60,
    weight: float = 1.0,
) -> list[tuple[str, float | None]]:
    """One dense ranking from two models' rankings of ``(id, cosine)``, best first.

    Reciprocal rank fusion: ``1 / (k + first_rank) + weight / (k + second_rank)`` with 1-based
    ranks; a list that misses an id contributes nothing. Each id keeps the first model's cosine
    (None when only the second found it): the two models' cosines are on different scales, and
    the refusal evidence was calibrated on the first's. Ties keep the better first rank.
    """
    first_rank: dict[str, int] = {}
    cosine: dict[str, float] = {}
    for rank, (cid, score) in enumerate(first, start=1):  # an id counts at its best rank
        first_rank.setdefault(cid, rank)
        cosine.setdefault(cid, float(score))
    second_rank: dict[str, int] = {}
    for rank, (cid, _) in enumerate(second, start=1):
        second_rank.setdefault(cid, rank)
    big = 1 << 30

    def fused(cid: str) -> float:
        a, b = first_rank.get(cid), second_rank.get(cid)
        return (1 / (k + a) if a else 0.0) + (weight / (k + b) if b else 0.0)

    ids = sorted(
        first_rank.keys() | second_rank.keys(),
        key=lambda c: (-fused(c), first_rank.get(c, big), second_rank.get(c, big), c),
    )
    return [(cid, cosine.get(cid)) for cid in ids]


def fuse(
    dense: Sequence[tuple[str, float | None]],
    keyword: Sequence[tuple[str, float]],
    *,
    k: int = 60,
    weights: tuple[float, float] = (1.0, 1.0),
    dominance: float = 0.0,
) -> list[Fused]:
    """Weighted reciprocal rank fusion of two ranked lists of ``(id, score)``, best first.

    ``fused = w_dense / (k + dense_rank) + w_keyword / (k + keyword_rank)`` with 1-based ranks;
    a list that misses an id contributes nothing. Ties keep the better dense rank first, then
    the better keyword rank, then the id (deterministic).

    With ``dominance`` > 0, a keyword match that scores at least ``dominance`` times the
    runner-up's (a passage sharing the question's rare words, when the embedding missed it)
    counts as if it also topped the dense list.
    """
    w_dense, w_keyword = weights
    dense_pos: dict[str, tuple[int, float | None]] = {}
    for rank, (cid, score) in enumerate(dense, start=1):
        dense_pos.setdefault(cid, (rank, None if score is None else float(score)))
    kw_pos: dict[str, tuple[int, float]] = {}
    for rank, (cid, score) in enumerate(keyword, start=1):
        kw_pos.setdefault(cid, (rank, float(score)))
    dominant = None
    if dominance > 0 and len(keyword) >= 2 and keyword[0][1] >= dominance * keyword[1][1] > 0:
        dominant = keyword[0][0]
    out: list[Fused] = []
    for cid in dense_pos.keys() | kw_pos.keys():
        d = dense_pos.get(cid)
        w = kw_pos.get(cid)
        dense_part = w_dense / (k + d[0]) if d else 0.0
        if cid == dominant:
            dense_part = max(dense_part, w_dense / (k + 1))
        fused = dense_part + (w_keyword / (k + w[0]) if w else 0.0)
        out.append(
            Fused(
                cid,
                fused,
                d[0] if d else None,
                d[1] if d else None,
                w[0] if w else None,
                w[1] if w else None,
            )
        )
    big = 1 << 30
    out.sort(key=lambda f: (-f.fused, f.dense_rank or big, f.kw_rank or big, f.id))
    return out


_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=4096)  # a passage is de-duplicated again by every question that finds it
def shingles(text: str, size: int = 3) -> frozenset[tuple[str, ...]]:
    """Word ``size``-grams of lower-cased ``text`` (the whole text if it is shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) <= size:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def overlap(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    """Overlap of two shingle sets: Jaccard, or containment of the smaller when that is higher.

    Containment catches a short chunk that is wholly inside a longer one, which Jaccard misses.
    """
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return max(inter / (len(a) + len(b) - inter), inter / min(len(a), len(b)))


def dedupe(hits: Sequence[Hit], *, threshold: float = 0.8, shingle_size: int = 3) -> list[Hit]:
    """Hits in order, without any whose text overlaps a better (earlier) kept hit > threshold."""
    kept: list[Hit] = []
    kept_shingles: list[frozenset[tuple[str, ...]]] = []
    for hit in hits:
        sh = shingles(hit.chunk.text, shingle_size)
        if any(overlap(sh, other) > threshold for other in kept_shingles):
            continue
        kept.append(hit)
        kept_shingles.append(sh)
    return kept


def merge_neighbours(prev: Chunk | None, chunk: Chunk, next_: Chunk | None) -> Chunk:
    """``chunk`` widened with its neighbours' text, keeping its id (it stays the cited chunk).

    Overlapping text (chunks share an overlap window) is written once when the character offsets
    are consistent with the texts; otherwise the texts are joined with a blank line.
    """

    def consistent(c: Chunk) -> bool:
        return c.char_end - c.char_start == len(c.text) and c.char_end > c.char_start

    text = chunk.text
    char_start, char_end = chunk.char_start, chunk.char_end
    page_start, page_end = chunk.page_start, chunk.page_end
    offsets_ok = consistent(chunk)
    if prev is not None:
        if offsets_ok and consistent(prev) and prev.char_start <= chunk.char_start <= prev.char_end:
            text = prev.text[: chunk.char_start - prev.char_start] + text
        else:
            text = prev.text + "\n\n" + text
        char_start = min(char_start, prev.char_start)
        page_start = _min_page(page_start, prev.page_start)
    if next_ is not None:
        if (
            offsets_ok
            and consistent(next_)
            and next_.char_start <= chunk.char_end <= next_.char_end
        ):
            text = text + next_.text[chunk.char_end - next_.char_start :]
        else:
            text = text + "\n\n" + next_.text
        char_end = max(char_end, next_.char_end)
        page_end = _max_page(page_end, next_.page_end)
    return replace(
        chunk,
        text=text,
        char_start=char_start,
        char_end=char_end,
        page_start=page_start,
        page_end=page_end,
    )


def _min_page(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _max_page(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)
