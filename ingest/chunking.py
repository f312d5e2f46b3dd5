"""Structural chunking: a ``Document``'s blocks into retrievable ``Chunk``s (pure functions).

The document is cut along its structure first: every heading starts a section. Tiny sections (a
heading alone, or a heading and one short paragraph) are carried into the next section so no
chunk is a bare heading. Each section is then packed into chunks of roughly
``min_tokens``..``max_tokens``, cutting between blocks where possible and between sentences
otherwise. Consecutive chunks of one section share a few whole sentences (``overlap_tokens``).

Every chunk's text is a contiguous slice of ``Document.text``:
``document.text[chunk.char_start:chunk.char_end] == chunk.text``; with overlap the slice starts
inside the previous chunk. Nothing is prepended to the text; the heading path is kept beside it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.text.sentences import sentence_spans
from assistant.types import Block, Chunk, Document

BLOCK_SEPARATOR = "\n\n"  # how Document.text joins blocks
# Bump when the same document would be cut into other chunks: the next ingest re-chunks (and
# re-embeds) every document of an index built before. 2: a list item is one unit.
CHUNKING_VERSION = "2"


def approx_token_count(text: str) -> int:
    """A fast stand-in for a tokenizer: about 1.3 tokens per word (for tests and fakes)."""
    words = len(text.split())
    return math.ceil(words * 1.3) if words else 0


@dataclass(frozen=True, slots=True)
class _Atom:
    """The smallest piece a chunk is cut from: one sentence, or a whole heading."""

    start: int  # offsets into Document.text
    end: int
    tokens: int
    block: int  # index of the block it comes from
    first_in_block: bool
    kind: str
    path: tuple[str, ...]
    page: int | None


def chunk_document(
    document: Document,
    *,
    count_tokens: Callable[[str], int],
    min_tokens: int = 150,
    max_tokens: int = 350,
    overlap_tokens: int = 40,
) -> list[Chunk]:
    """Cut ``document`` into chunks; the same document always gives the same chunks.

    ``count_tokens`` should count with the embedding model's tokenizer (``approx_token_count``
    is a fast approximation). Chunks carry the document's metadata; councils and themes are
    left empty for the pipeline to tag. The overlap is capped at a third of ``max_tokens`` and
    counted inside it, so no chunk exceeds ``max_tokens`` (unless a single word does).
    """
    if max_tokens < 1 or min_tokens > max_tokens:
        raise ValueError("chunk sizes need 1 <= min_tokens <= max_tokens")
    overlap_tokens = max(0, min(overlap_tokens, max_tokens // 3))
    text = document.text
    if not text.strip():
        return []
    atoms_by_block = _atomise(document.blocks, text, count_tokens, max_tokens)
    groups = _section_groups(document.blocks, atoms_by_block, min_tokens)
    spans: list[list[_Atom]] = []
    for group_index, group in enumerate(groups):
        atoms = [atom for block in group for atom in atoms_by_block[block]]
        if not atoms:
            continue
        heading_only = all(atom.kind == "heading" for atom in atoms)
        if (
            heading_only
            and group_index == len(groups) - 1
            and spans
            and sum(a.tokens for a in spans[-1]) + sum(a.tokens for a in atoms) <= max_tokens
        ):
            spans[-1].extend(atoms)  # a trailing heading with nothing under it
            continue
        spans.extend(_pack(atoms, min_tokens, max_tokens, overlap_tokens))

    chunks: list[Chunk] = []
    for position, atoms in enumerate(spans):
        start, end = atoms[0].start, atoms[-1].end
        chunk_text = text[start:end]
        pages = [a.page for a in atoms if a.page is not None]
        chunks.append(
            Chunk(
                id=Chunk.make_id(document.id, position, chunk_text),
                document_id=document.id,
                position=position,
                text=chunk_text,
                heading_path=_chunk_path(atoms),
                page_start=min(pages) if pages else None,
                page_end=max(pages) if pages else None,
                char_start=start,
                char_end=end,
                title=document.title,
                source=document.source,
                url=document.url,
                doc_type=document.doc_type,
                publisher=document.publisher,
                published=document.published,
            )
        )
    return chunks


def _atomise(
    blocks: Sequence[Block], text: str, count_tokens: Callable[[str], int], max_tokens: int
) -> list[list[_Atom]]:
    """Per block, its atoms: its sentences (a heading, or a list item that fits, is one atom)."""
    result: list[list[_Atom]] = []
    offset = 0
    for index, block in enumerate(blocks):
        base = offset
        offset += len(block.text) + len(BLOCK_SEPARATOR)
        pieces: list[tuple[int, int, int]] = []
        if block.kind == "heading":
            pieces.append((0, len(block.text), count_tokens(block.text)))
        elif block.kind == "list_item" and (whole := count_tokens(block.text)) <= max_tokens:
            # A list item is one unit ("5. Delivery models" is not cut after "5.").
            pieces.append((0, len(block.text), whole))
        else:
            for start, end in sentence_spans(block.text):
                pieces.extend(_fit(block.text, start, end, count_tokens, max_tokens))
        atoms = [
            _Atom(
                start=base + start,
                end=base + end,
                tokens=max(n, 0),
                block=index,
                first_in_block=i == 0,
                kind=block.kind,
                path=block.heading_path,
                page=block.page,
            )
            for i, (start, end, n) in enumerate(pieces)
        ]
        result.append(atoms)
    assert offset - len(BLOCK_SEPARATOR) == len(text), "block offsets must match Document.text"
    return result


def _fit(
    text: str, start: int, end: int, count_tokens: Callable[[str], int], max_tokens: int
) -> list[tuple[int, int, int]]:
    """Split an over-long sentence into word runs that each fit in ``max_tokens``."""
    tokens = count_tokens(text[start:end])
    if tokens <= max_tokens:
        return [(start, end, tokens)]
    pieces: list[tuple[int, int, int]] = []
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    budget = max(1, int(max_tokens * 0.9))
    first = 0
    while first < len(words):
        # Binary search for the longest run of words within budget (a word is >= 1 token, so
        # the run never needs more than ``budget`` words): O(log n) tokenizer calls per piece.
        low, high, best = first, min(len(words) - 1, first + budget), first
        while low <= high:
            middle = (low + high) // 2
            if count_tokens(text[words[first][0] : words[middle][1]]) <= budget:
                best, low = middle, middle + 1
            else:
                high = middle - 1
        piece = (words[first][0], words[best][1])
        pieces.append((*piece, count_tokens(text[piece[0] : piece[1]])))
        first = best + 1
    return pieces


def _section_groups(
    blocks: Sequence[Block], atoms_by_block: list[list[_Atom]], min_tokens: int
) -> list[list[int]]:
    """Block indexes per section (a heading starts one); tiny sections join the next one."""
    sections: list[list[int]] = []
    for index, block in enumerate(blocks):
        if block.kind == "heading" or not sections:
            sections.append([index])
        else:
            sections[-1].append(index)

    def tokens(section: list[int]) -> int:
        return sum(a.tokens for i in section for a in atoms_by_block[i])

    def tiny(section: list[int]) -> bool:
        body = [i for i in section if blocks[i].kind != "heading"]
        return tokens(section) < min_tokens // 2 or (
            len(body) <= 1 and tokens(section) < min_tokens
        )

    def crumb(section: list[int]) -> bool:
        # Too small to be worth a chunk of its own (a "Sources" heading over one link).
        return tokens(section) < min_tokens // 4

    # Sections directly under the document's shared heading prefix (often its title) are the
    # "top-level" ones: a tiny section joins its neighbour only inside the same one.
    prefix = _common_prefix(
        [blocks[s[0]].heading_path for s in sections if blocks[s[0]].heading_path]
    )

    def top(section: list[int]) -> str | None:
        path = blocks[section[0]].heading_path
        return path[len(prefix)] if len(path) > len(prefix) else None

    groups: list[list[int]] = []
    group_tops: list[str | None] = []
    pending: list[int] = []
    pending_top: str | None = None  # top-level of the pending sections that have body text
    for index, section in enumerate(sections):
        body = any(blocks[i].kind != "heading" for i in section)
        if pending_top is not None and body and top(section) != pending_top:
            # Do not carry a tiny section into an unrelated one: keep it with its own part.
            if groups and (group_tops[-1] == pending_top or crumb(pending)):
                groups[-1].extend(pending)
            else:
                groups.append(pending)
                group_tops.append(pending_top)
            pending, pending_top = [], None
        group = pending + section
        if tiny(group) and index < len(sections) - 1:
            pending = group
            if body:
                pending_top = top(section)
            continue
        if groups and index == len(sections) - 1 and crumb(group):
            groups[-1].extend(group)  # a crumb at the very end joins the last part
        else:
            groups.append(group)
            group_tops.append(top(section))
        pending, pending_top = [], None
    return groups


def _pack(atoms: list[_Atom], min_tokens: int, max_tokens: int, overlap: int) -> list[list[_Atom]]:
    """Pack one section's atoms into chunks, cutting at block ends where possible."""
    total = sum(a.tokens for a in atoms)
    if total <= max_tokens:
        return [atoms]
    step = max(1, max_tokens - overlap)
    count = math.ceil(max(0, total - max_tokens) / step) + 1
    target = max(min_tokens, min(max_tokens, math.ceil(total / count) + overlap))
    chunks: list[list[_Atom]] = []
    i = 0
    while i < len(atoms):
        lead = _overlap(chunks[-1], atoms[i], overlap) if chunks else []
        if sum(a.tokens for a in lead) + atoms[i].tokens > max_tokens:
            lead = []
        budget = max_tokens - sum(a.tokens for a in lead)
        goal = target - sum(a.tokens for a in lead)
        tokens = 0
        j = i
        cuts: list[tuple[int, int, bool]] = []  # (index, tokens so far, at a block boundary)
        while j < len(atoms) and (j == i or tokens + atoms[j].tokens <= budget):
            tokens += atoms[j].tokens
            j += 1
            if j < len(atoms):
                at_block = atoms[j].first_in_block and atoms[j].kind != "list_item"
                at_block = at_block or atoms[j].first_in_block and atoms[j - 1].kind == "list_item"
                cuts.append((j, tokens, at_block))
                if tokens >= goal and at_block:
                    break
        if j < len(atoms):
            fine = [c for c in cuts if c[1] >= min_tokens - sum(a.tokens for a in lead)]
            if fine:
                # Nearest the goal, preferring block ends; ties go to the later cut.
                j = min(fine, key=lambda c: (abs(c[1] - goal) + (0 if c[2] else goal / 4), -c[0]))[
                    0
                ]
            # A heading never ends a chunk: move the cut before it.
            while j - 1 > i and atoms[j - 1].kind == "heading":
                j -= 1
        chunks.append(lead + atoms[i:j])
        i = j
    # A short tail joins the chunk before it when both fit together.
    if len(chunks) >= 2:
        tail = [a for a in chunks[-1] if a not in chunks[-2]]
        if sum(a.tokens for a in tail) < min_tokens // 2 and (
            sum(a.tokens for a in chunks[-2]) + sum(a.tokens for a in tail) <= max_tokens
        ):
            chunks[-2] = chunks[-2] + tail
            chunks.pop()
    return chunks


def _overlap(previous: list[_Atom], following: _Atom, overlap: int) -> list[_Atom]:
    """Whole sentences from the end of ``previous`` (same section, not headings), <= overlap."""
    lead: list[_Atom] = []
    tokens = 0
    for atom in reversed(previous):
        if atom.kind == "heading" or atom.path != following.path:
            break
        if tokens + atom.tokens > overlap:
            break
        lead.insert(0, atom)
        tokens += atom.tokens
    return lead


def _chunk_path(atoms: Sequence[_Atom]) -> tuple[str, ...]:
    """The common heading path of the chunk's body text (headings count only on their own)."""
    paths = [a.path for a in atoms if a.kind != "heading"] or [a.path for a in atoms]
    return _common_prefix(paths)


def _common_prefix(paths: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    if not paths:
        return ()
    common = list(paths[0])
    for path in paths[1:]:
        size = 0
        while size < min(len(common), len(path)) and common[size] == path[size]:
            size += 1
        del common[size:]
    return tuple(common)
