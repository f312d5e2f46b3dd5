"""Shared pieces of the loaders: raw blocks, heading paths, metadata, text decoding."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorruptFileError
from assistant.types import Block, BlockKind, Document
from ingest.names import readable_stem, safe_path

METADATA_KEYS = ("title", "publisher", "doc_type", "published", "url")

# Bullet glyphs seen in exported documents ("\x7f" is how some PDF producers' bullets decode).
BULLET_CHARS = "•●▪■◦○‣⁃∙·\x7f\uf0b7\uf0a7"
_BULLET_RE = re.compile(rf"^\s*(?:[{re.escape(BULLET_CHARS)}]|[-*+](?=\s))\s*")
_NUMBERED_RE = re.compile(r"^\s*(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})[.)]\s+(?=\S)")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")


@dataclass(frozen=True, slots=True)
class RawBlock:
    """A block before heading paths are assigned (what each format parser emits)."""

    text: str
    kind: BlockKind = "paragraph"
    level: int = 0
    page: int | None = None


def clean_inline(text: str) -> str:
    """Collapse runs of spaces, drop zero-width and control characters, strip the ends."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    return _SPACES_RE.sub(" ", text).strip()


def split_bullet(text: str) -> tuple[bool, str]:
    """``(True, rest)`` when ``text`` starts with a bullet glyph, else ``(False, text)``."""
    match = _BULLET_RE.match(text)
    if match and text[match.end() :].strip():
        return True, text[match.end() :].strip()
    return False, text


def is_numbered_item(text: str) -> bool:
    return bool(_NUMBERED_RE.match(text))


def assemble_blocks(raw: Iterable[RawBlock]) -> tuple[Block, ...]:
    """Give every block the chain of headings it sits under (a heading includes itself)."""
    stack: list[tuple[int, str]] = []
    blocks: list[Block] = []
    for item in raw:
        text = item.text.strip()
        if not text:
            continue
        if item.kind == "heading":
            level = max(1, min(6, item.level or 1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, text))
            path = tuple(t for _, t in stack)
            blocks.append(
                Block(text=text, kind="heading", heading_path=path, page=item.page, level=level)
            )
        else:
            path = tuple(t for _, t in stack)
            blocks.append(Block(text=text, kind=item.kind, heading_path=path, page=item.page))
    return tuple(blocks)


def first_heading(blocks: Iterable[Block]) -> str | None:
    for block in blocks:
        if block.kind == "heading":
            return block.text
    return None


def stem_title(path: Path) -> str:
    """A readable title from a file name: ``sector-support_2023.pdf`` -> ``Sector support 2023``."""
    words = re.sub(r"[-_.]+", " ", readable_stem(path)).strip()
    return words[:1].upper() + words[1:] if words else path.name


def build_document(
    path: Path,
    *,
    doc_id: str,
    blocks: tuple[Block, ...],
    inferred: Mapping[str, str | None],
    overrides: Mapping[str, str] | None,
    extra: Iterable[tuple[str, str]] = (),
) -> Document:
    """Make the ``Document``: overrides (sources.csv) win over inferred metadata."""
    meta: dict[str, str | None] = {
        k: (v.strip() if isinstance(v, str) else v) for k, v in inferred.items()
    }
    for key, value in (overrides or {}).items():
        if key in METADATA_KEYS + ("author",) and value and value.strip():
            meta[key] = value.strip()
    title = meta.get("title") or first_heading(blocks) or stem_title(path)
    return Document(
        id=doc_id,
        title=title,
        source=safe_path(path),
        blocks=blocks,
        doc_type=meta.get("doc_type") or "document",
        publisher=meta.get("publisher") or None,
        published=meta.get("published") or None,
        url=meta.get("url") or None,
        author=meta.get("author") or None,
        extra=tuple(extra),
    )


def decode_text(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM); fall back to cp1252 only when it clearly is text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise CorruptFileError(
                f"{path.name}: not valid UTF-8 text ({utf8_error.reason} at byte "
                f"{utf8_error.start}); re-save it as UTF-8 and re-run."
            ) from utf8_error
        if not looks_like_text(text):
            raise CorruptFileError(
                f"{path.name}: not valid UTF-8 text and not readable in any other encoding "
                f"(looks binary); re-save it as UTF-8 and re-run."
            ) from utf8_error
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if not looks_like_text(text):
        raise CorruptFileError(
            f"{path.name}: contains binary data, not text; check the file and re-save it as UTF-8."
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_like_text(text: str) -> bool:
    """Few control characters (other than whitespace) and mostly printable characters."""
    if not text:
        return True
    sample = text[:20000]
    control = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return control / len(sample) < 0.01
