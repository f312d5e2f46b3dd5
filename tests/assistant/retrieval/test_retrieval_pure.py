"""Pure retrieval helpers: fusion, shingle dedupe, sentence split, neighbour merge, embed cache."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from assistant.adapters.fakes import HashEmbedder
from assistant.retrieval import (
    CachedEmbedder,
    dedupe,
    fuse,
    merge_neighbours,
    overlap,
    shingles,
)
from assistant.types import Chunk, Hit


def _chunk(cid: str, text: str, **kw: object) -> Chunk:
    return Chunk(id=cid, document_id="doc", position=0, text=text, **kw)  # type: ignore[arg-type]


class TestFuse:
    def test_item_in_both_lists_beats_items_in_one(self) -> None:
        fused = fuse([("a", 0.9), ("b", 0.8)], [("b", 12.0), ("c", 10.0)], k=60)
        assert [f.id for f in fused] == ["b", "a", "c"]
        b = fused[0]
        assert b.fused == pytest.approx(1 / 62 + 1 / 61)
        assert (b.dense_rank, b.dense_score, b.kw_rank, b.kw_score) == (2, 0.8, 1, 12.0)

    def test_missing_side_is_none(self) -> None:
        fused = {f.id: f for f in fuse([("a", 0.5)], [("c", 3.0)])}
        assert fused["a"].kw_rank is None and fused["a"].kw_score is None
        assert fused["c"].dense_rank is None and fused["c"].dense_score is None
        assert fused["c"].kw_rank == 1

    def test_weights_shift_the_order(self) -> None:
        dense, keyword = [("a", 0.9), ("b", 0.1)], [("b", 5.0), ("a", 1.0)]
        assert fuse(dense, keyword, weights=(2.0, 1.0))[0].id == "a"
        assert fuse(dense, keyword, weights=(1.0, 2.0))[0].id == "b"
        only_kw = fuse(dense, keyword, weights=(0.0, 1.0))
        assert only_kw[0].id == "b" and only_kw[0].fused == pytest.approx(1 / 61)

    def test_a_dominant_keyword_match_counts_as_a_top_dense_match(self) -> None:
        # "k" shares the question's rare words (scores twice the runner-up) but the embedding
        # missed it; "x" is middling in both lists.
        dense = [("a", 0.6), ("b", 0.59), ("x", 0.58)]
        keyword = [("k", 8.0), ("x", 4.0), ("a", 3.9)]
        assert fuse(dense, keyword)[0].id == "a"  # plain RRF: a single first place loses
        boosted = fuse(dense, keyword, dominance=1.5)
        assert boosted[0].id == "k"
        assert boosted[0].fused == pytest.approx(2 / 61)
        # A keyword lead that is not dominant changes nothing.
        close = [("k", 8.0), ("x", 7.0), ("a", 3.9)]
        assert fuse(dense, close, dominance=1.5) == fuse(dense, close)

    def test_smaller_k_rewards_top_ranks_more(self) -> None:
        dense = [("a", 1.0), ("p", 0.9), ("q", 0.8), ("x", 0.5)]
        keyword = [("r", 9.0), ("s", 8.0), ("t", 7.5), ("x", 7.0)]
        # x is 4th in both lists: with a small k a single first place beats it, with k=60 not.
        assert fuse(dense, keyword, k=1)[0].id == "a"
        assert fuse(dense, keyword, k=60)[0].id == "x"

    def test_ties_are_deterministic(self) -> None:
        fused = fuse([("b", 0.5)], [("a", 3.0)])
        # Same fused score: the dense-ranked one first.
        assert [f.id for f in fused] == ["b", "a"]
        assert fuse([], []) == []

    def test_duplicate_ids_keep_their_best_rank(self) -> None:
        fused = fuse([("a", 0.9), ("a", 0.1)], [])
        assert len(fused) == 1 and fused[0].dense_rank == 1 and fused[0].dense_score == 0.9


class TestDedupe:
    base = (
        "The council set up a benefits realisation tracker to measure savings, service quality "
        "and resident satisfaction across every transformation project in the programme."
    )

    def test_overlapping_chunk_of_same_section_dropped(self) -> None:
        near = self.base + " It reports monthly."
        other = "Peer challenges help councils review leadership and governance with colleagues."
        hits = [
            Hit(_chunk("1", self.base), 0.9),
            Hit(_chunk("2", near), 0.8),
            Hit(_chunk("3", other), 0.7),
        ]
        assert [h.chunk.id for h in dedupe(hits)] == ["1", "3"]

    def test_contained_short_chunk_is_a_duplicate(self) -> None:
        short = "a benefits realisation tracker to measure savings, service quality"
        hits = [Hit(_chunk("1", self.base), 0.9), Hit(_chunk("2", short), 0.8)]
        assert [h.chunk.id for h in dedupe(hits)] == ["1"]

    def test_the_better_hit_is_kept_whatever_its_length(self) -> None:
        short = "a benefits realisation tracker to measure savings, service quality"
        hits = [Hit(_chunk("2", short), 0.9), Hit(_chunk("1", self.base), 0.8)]
        assert [h.chunk.id for h in dedupe(hits)] == ["2"]

    def test_threshold_controls(self) -> None:
        half = " ".join(self.base.split()[:12]) + " and something else entirely different here ok"
        hits = [Hit(_chunk("1", self.base), 0.9), Hit(_chunk("2", half), 0.8)]
        assert len(dedupe(hits, threshold=0.95)) == 2
        assert len(dedupe(hits, threshold=0.3)) == 1

    def test_overlap_measures(self) -> None:
        a = shingles("one two three four five")
        assert overlap(a, a) == 1.0
        assert overlap(a, shingles("six seven eight nine")) == 0.0
        assert overlap(frozenset(), a) == 0.0
        assert shingles("Two words") == frozenset({("two", "words")})


class TestMergeNeighbours:
    doc = "Alpha beta gamma. Delta epsilon zeta. Eta theta iota. Kappa lambda mu."

    def _piece(self, cid: str, pos: int, start: int, end: int, page: int) -> Chunk:
        return Chunk(
            id=cid,
            document_id="d",
            position=pos,
            text=self.doc[start:end],
            char_start=start,
            char_end=end,
            page_start=page,
            page_end=page,
        )

    def test_overlap_written_once_and_id_kept(self) -> None:
        prev = self._piece("p", 0, 0, 37, 1)
        cur = self._piece("c", 1, 18, 54, 2)  # overlaps prev by "Delta epsilon zeta."
        nxt = self._piece("n", 2, 37, len(self.doc), 3)
        merged = merge_neighbours(prev, cur, nxt)
        assert merged.text == self.doc
        assert merged.id == "c"
        assert (merged.char_start, merged.char_end) == (0, len(self.doc))
        assert (merged.page_start, merged.page_end) == (1, 3)

    def test_inconsistent_offsets_join_with_blank_line(self) -> None:
        prev = _chunk("p", "Before text.")
        cur = _chunk("c", "Middle text.")
        assert merge_neighbours(prev, cur, None).text == "Before text.\n\nMiddle text."
        assert merge_neighbours(None, cur, None) == cur


class _CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().embed(texts)


def test_cached_embedder_embeds_each_text_once_and_evicts() -> None:
    inner = _CountingEmbedder()
    cache = CachedEmbedder(inner, max_entries=2)
    first = cache.embed(["a b", "c d", "a b"])
    assert inner.seen == ["a b", "c d"]
    np.testing.assert_allclose(first[0], first[2])
    np.testing.assert_allclose(cache.embed(["c d"])[0], inner.embed(["c d"])[0])
    assert inner.seen.count("c d") == 2  # once via the cache, once directly above
    cache.embed(["e f"])  # evicts "a b" (least recently used)
    assert cache.size == 2
    cache.embed(["a b"])
    assert inner.seen.count("a b") == 2
    assert cache.embed([]).shape == (0, 384)
    assert cache.model_id == inner.model_id and cache.count_tokens("a b") == 2
