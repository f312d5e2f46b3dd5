"""Markdown and plain text: YAML front matter, ``#`` headings or short title-like lines, bullets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import CorruptFileError
from ingest.loaders._common import RawBlock, clean_inline, is_numbered_item, split_bullet

FRONT_MATTER_FIELDS = ("title", "doc_type", "publisher", "published", "url", "author")

_ATX_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT_RE = re.compile(r"^(=+|-+)\s*$")
_MD_LIST_RE = re.compile(r"^(\s*)(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_TABLE_SEP_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_LINK_RE = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR_RE = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_EM_UNDER_RE = re.compile(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
_CODE_RE = re.compile(r"`([^`]+)`")
_STRIKE_RE = re.compile(r"~~(.+?)~~")
_HTML_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
_END_PUNCT = ".!?,;:"
_HTML_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_HIDDEN_ELEMENT_RE = re.compile(
    r"<([a-zA-Z][\w-]*)\b[^>]*?(?:\shidden\b|display\s*:\s*none|visibility\s*:\s*hidden|"
    r"aria-hidden\s*=\s*[\"']?true)[^>]*>.*?</\1\s*>",
    re.DOTALL | re.IGNORECASE,
)


# --------------------------------------------------------------------------- front matter


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """Separate a leading ``---`` YAML block from the body; the mapping is ``{}`` without one."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            raw = "\n".join(lines[1:index])
            try:
                data = yaml.safe_load(raw) if raw.strip() else {}
            except yaml.YAMLError as exc:
                raise CorruptFileError(
                    f"{path.name}: the front matter (between the --- lines) is not valid YAML "
                    f"({str(exc).splitlines()[0]}); fix it and re-run."
                ) from exc
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise CorruptFileError(
                    f"{path.name}: the front matter must be a YAML mapping (key: value lines); "
                    "fix it and re-run."
                )
            return data, "\n".join(lines[index + 1 :])
    return {}, text  # an opening --- without a closing one is a horizontal rule, not metadata


def _scalar(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "; ".join(_scalar(v) for v in value if v is not None)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_scalar(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def front_matter_metadata(
    data: Mapping[str, Any],
) -> tuple[dict[str, str | None], tuple[tuple[str, str], ...]]:
    """Known keys become Document fields; everything else goes to ``extra`` (sorted by key)."""
    inferred: dict[str, str | None] = {}
    extra: list[tuple[str, str]] = []
    for key, value in data.items():
        name = str(key).strip()
        if value is None:
            continue
        text = _scalar(value)
        if not text:
            continue
        if name.lower() in FRONT_MATTER_FIELDS:
            inferred[name.lower()] = text
        else:
            extra.append((name, text))
    return inferred, tuple(sorted(extra))


# --------------------------------------------------------------------------- markdown


_MAINTAINER_SECTION = re.compile(r"^##\s+Not confirmed\s*$.*?(?=^##\s|\Z)", re.M | re.S | re.I)


def drop_maintainer_sections(body: str) -> str:
    """A catalogue file's body without its "## Not confirmed" section: the notes there say
    what the LGA sources leave out, for whoever maintains the file; they are not answers."""
    return _MAINTAINER_SECTION.sub("", body)


def strip_markdown(text: str) -> str:
    """Remove inline markdown markers, keeping the words (links keep their text)."""
    text = _IMAGE_RE.sub(r"\1", text)
    text = _LINK_RE.sub(r"\1", text)
    text = _REF_LINK_RE.sub(r"\1", text)
    text = _CODE_RE.sub(r"\1", text)
    text = _STRONG_RE.sub(r"\2", text)
    text = _EM_STAR_RE.sub(r"\1", text)
    text = _EM_UNDER_RE.sub(r"\1", text)
    text = _STRIKE_RE.sub(r"\1", text)
    text = _HTML_TAG_RE.sub(" ", text)
    text = text.replace("\\*", "*").replace("\\_", "_").replace("\\#", "#")
    return clean_inline(text)


def _blank_out(match: re.Match[str]) -> str:
    return "\n" * match.group().count("\n")  # keep the line structure around it


def strip_invisible_html(body: str) -> str:
    """Remove HTML comments and hidden elements: they do not render, so they are not content
    (and are a classic place to hide instructions aimed at a language model)."""
    body = _HTML_COMMENT_RE.sub(_blank_out, body)
    return _HIDDEN_ELEMENT_RE.sub(_blank_out, body)


def parse_markdown(body: str) -> list[RawBlock]:
    """Blocks of a markdown body: ATX/setext headings, lists, pipe tables, paragraphs, code."""
    body = strip_invisible_html(body)
    blocks: list[RawBlock] = []
    paragraph: list[str] = []
    item: list[str] | None = None
    table: list[str] = []
    code: list[str] | None = None

    def flush() -> None:
        nonlocal item
        if paragraph:
            blocks.append(RawBlock(strip_markdown(" ".join(paragraph))))
            paragraph.clear()
        if item is not None:
            blocks.append(RawBlock(strip_markdown(" ".join(item)), kind="list_item"))
            item = None
        if table:
            rows = []
            for line in table:
                if _TABLE_SEP_RE.match(line):
                    continue
                cells = [strip_markdown(c) for c in line.strip().strip("|").split("|")]
                rows.append(" | ".join(c for c in cells))
            blocks.append(RawBlock("\n".join(rows), kind="table"))
            table.clear()

    for line in body.split("\n"):
        if code is not None:
            if _FENCE_RE.match(line):
                blocks.append(RawBlock("\n".join(code).strip()))
                code = None
            else:
                code.append(line)
            continue
        if _FENCE_RE.match(line):
            flush()
            code = []
            continue
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        atx = _ATX_RE.match(stripped)
        if atx and not line.startswith("    "):
            flush()
            blocks.append(
                RawBlock(strip_markdown(atx.group(2)), kind="heading", level=len(atx.group(1)))
            )
            continue
        setext = _SETEXT_RE.match(stripped)
        if setext and len(paragraph) == 1 and item is None and not table:
            text = paragraph.pop()
            blocks.append(
                RawBlock(strip_markdown(text), kind="heading", level=1 if stripped[0] == "=" else 2)
            )
            continue
        if re.fullmatch(r"(\*\s*){3,}|(-\s*){3,}|(_\s*){3,}", stripped):
            flush()  # horizontal rule
            continue
        if stripped.startswith("|"):
            if paragraph or item is not None:
                flush()
            table.append(stripped)
            continue
        listed = _MD_LIST_RE.match(line)
        if listed:
            flush()
            item = [listed.group(2)]
            continue
        if stripped.startswith(">"):
            stripped = stripped.lstrip("> ").strip()
        if item is not None and (line.startswith((" ", "\t")) or not paragraph):
            item.append(stripped)  # a continuation line of the list item
            continue
        if table:
            flush()
        paragraph.append(stripped)
    if code is not None:
        blocks.append(RawBlock("\n".join(code).strip()))
    flush()
    return [b for b in blocks if b.text]


# --------------------------------------------------------------------------- plain text


def _is_title_like(text: str) -> bool:
    """A short line that reads like a heading: few words, capitalised, no closing punctuation."""
    if "\n" in text or not text or len(text) > 90:
        return False
    words = text.split()
    if not 1 <= len(words) <= 10:
        return False
    if text[-1] in _END_PUNCT or text[0] in "\"'“‘(":
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    if re.search(r"[.!?]\s", text):  # holds a sentence break
        return False
    return any(ch.isalpha() for ch in text)


def parse_plain_text(body: str) -> list[RawBlock]:
    """Paragraphs split on blank lines; bullets become list items; title-like lines headings.

    A title-like line is a heading only when body text follows it. In a run of title-like lines
    (a title, then a subtitle, then a byline) the first is the heading; later ones stay headings
    (one level deeper) only if they hold no comma, so a byline such as
    "Jane Smith, Head of Policy" stays a paragraph.
    """
    paragraphs: list[str] = []
    standalone: list[bool] = []  # a block of one line between blank lines
    for chunk in re.split(r"\n\s*\n", body):
        lines = [clean_inline(line) for line in chunk.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if any(len(line) > 100 for line in lines[:-1]):
            # Unwrapped text: each line is already a paragraph (e.g. a quote, then its speaker).
            parts = [p for line in lines for p in _split_bullet_lines([line])]
        else:
            parts = _split_bullet_lines(lines)
        paragraphs.extend(parts)
        standalone.extend([len(lines) == 1] * len(parts))

    kinds: list[str] = []
    for text, alone in zip(paragraphs, standalone, strict=True):
        is_item, _ = split_bullet(text)
        if is_item or is_numbered_item(text) and len(text.split()) > 3:
            kinds.append("list_item")
        elif alone and _is_title_like(text):
            kinds.append("title")
        else:
            kinds.append("body")

    blocks: list[RawBlock] = []
    index = 0
    while index < len(paragraphs):
        if kinds[index] != "title":
            text = paragraphs[index]
            if kinds[index] == "list_item":
                text = split_bullet(text)[1]
            blocks.append(
                RawBlock(text, kind="list_item" if kinds[index] == "list_item" else "paragraph")
            )
            index += 1
            continue
        end = index
        while end < len(paragraphs) and kinds[end] == "title":
            end += 1
        run = paragraphs[index:end]
        if end >= len(paragraphs):  # nothing follows: trailing links or labels, not headings
            blocks.extend(RawBlock(text) for text in run)
            break
        at_start = not blocks
        level = 1 if at_start else 2
        blocks.append(RawBlock(run[0], kind="heading", level=level))
        for text in run[1:]:
            if "," not in text and level < 3:
                level += 1
                blocks.append(RawBlock(text, kind="heading", level=level))
            else:
                blocks.append(RawBlock(text))
        index = end
    return blocks


def _split_bullet_lines(lines: list[str]) -> list[str]:
    """One paragraph per bullet inside a blank-line block; wrapped lines are re-joined."""
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        is_item, _ = split_bullet(line)
        if (is_item or is_numbered_item(line)) and current:
            out.append(" ".join(current))
            current = []
        current.append(line)
    if current:
        out.append(" ".join(current))
    return out
