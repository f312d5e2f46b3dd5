"""Collapse exact and near-duplicate chunks within one document (pure).

A page of one paragraph repeated thousands of times chunks into thousands of near-identical
windows of the same words (the windows start at different points of the paragraph, so they are
rotations, not copies). Embedding them costs minutes and retrieval then returns the same text
many times over. Two chunks are near-duplicates when their sets of word trigrams overlap by at
least ``NEAR_DUPLICATE_JACCARD``; the first of each group is kept.

Candidates are found through a bottom-k sketch (the ``SKETCH`` smallest trigram hashes): two sets
with Jaccard similarity J share their minimum hash with probability J, so near-duplicates almost
always share one of a few smallest hashes, and only those pairs are compared in full. Hashes are
CRC-32, so the result is the same in every process (chunk ids must not depend on the run).
"""

from __future__ import annotations

import heapq
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.types import Chunk

# Trigram-set Jaccard at or above which two chunks of one document count as the same text.
# Overlapping neighbours share at most the 40-token overlap (Jaccard < 0.3), and a rotation of
# a repeated paragraph scores > 0.9, so 0.8 separates them with room on both sides.
NEAR_DUPLICATE_JACCARD = 0.8
SKETCH = 4  # smallest hashes indexed per chunk
MAX_CANDIDATES = 32  # full comparisons per chunk at most

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Collapsed:
    """The chunks kept (renumbered 0..n-1 with fresh ids) and how many were dropped."""

    chunks: list[Chunk]
    exact: int = 0
    near: int = 0

    @property
    def dropped(self) -> int:
        return self.exact + self.near

    def note(self) -> str | None:
        """One line for the ingest report, or None when nothing was collapsed."""
        if not self.dropped:
            return None
        kinds = []
        if self.exact:
            kinds.append(f"{self.exact:,} exact")
        if self.near:
            kinds.append(f"{self.near:,} near-identical")
        return (
            f"collapsed {self.dropped:,} duplicate chunks ({', '.join(kinds)}); "
            f"{len(self.chunks):,} kept"
        )


def _shingles(text: str) -> frozenset[int]:
    words = _WORD.findall(text.casefold())
    if len(words) < 3:
        return frozenset({zlib.crc32(" ".join(words).encode())})
    return frozenset(
        zlib.crc32(f"{a} {b} {c}".encode())
        for a, b, c in zip(words, words[1:], words[2:], strict=False)
    )


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def collapse_duplicates(chunks: Sequence[Chunk]) -> Collapsed:
    """Drop every chunk that repeats (exactly, or nearly) an earlier chunk of the same document."""
    kept: list[Chunk] = []
    kept_shingles: list[frozenset[int]] = []
    exact_keys: set[str] = set()
    by_hash: dict[int, list[int]] = {}
    exact = near = 0
    for chunk in chunks:
        key = " ".join(chunk.text.casefold().split())
        if key in exact_keys:
            exact += 1
            continue
        shingles = _shingles(chunk.text)
        sketch = heapq.nsmallest(SKETCH, shingles)
        candidates: dict[int, int] = {}
        for h in sketch:
            for i in by_hash.get(h, ()):
                candidates[i] = candidates.get(i, 0) + 1
        best = sorted(candidates, key=lambda i: (-candidates[i], i))[:MAX_CANDIDATES]
        if any(_jaccard(shingles, kept_shingles[i]) >= NEAR_DUPLICATE_JACCARD for i in best):
            near += 1
            continue
        exact_keys.add(key)
        for h in sketch:
            by_hash.setdefault(h, []).append(len(kept))
        kept.append(chunk)
        kept_shingles.append(shingles)
    if not exact and not near:
        return Collapsed(list(chunks))
    renumbered = [
        replace(c, position=i, id=Chunk.make_id(c.document_id, i, c.text))
        for i, c in enumerate(kept)
    ]
    return Collapsed(renumbered, exact, near)
