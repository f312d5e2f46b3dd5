"""Exact and near-duplicate chunks within a document collapse (#15.3)."""

from __future__ import annotations

from assistant.types import Chunk
from ingest.dedupe import collapse_duplicates


def chunk(position: int, text: str) -> Chunk:
    return Chunk(
        id=Chunk.make_id("d", position, text), document_id="d", position=position, text=text
    )


PARAGRAPH = (
    "The council trained forty officers in service design and redesigned the blue badge "
    "application so that most residents now apply online in ten minutes."
)


def test_exact_and_rotated_repeats_collapse_and_are_renumbered() -> None:
    words = (PARAGRAPH + " ") * 6
    split = words.split()
    rotated = " ".join(split[7 : 7 + 60])
    texts = [
        "Intro about housing repairs and damp in council homes.",
        words,
        words.upper(),
        rotated,
    ]
    result = collapse_duplicates([chunk(i, t) for i, t in enumerate(texts)])
    assert [c.text for c in result.chunks] == texts[:2]
    assert (result.exact, result.near) == (1, 1)
    assert [c.position for c in result.chunks] == [0, 1]
    assert result.chunks[1].id == Chunk.make_id("d", 1, words)
    assert result.note() == "collapsed 2 duplicate chunks (1 exact, 1 near-identical); 2 kept"


def test_distinct_chunks_and_overlapping_neighbours_are_kept() -> None:
    a = "One two three four five six seven eight nine ten eleven twelve thirteen fourteen."
    b = "Thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one more."
    result = collapse_duplicates([chunk(0, a), chunk(1, b)])
    assert result.dropped == 0 and result.note() is None
    assert [c.id for c in result.chunks] == [chunk(0, a).id, chunk(1, b).id]
