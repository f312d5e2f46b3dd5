"""The generative answerer's prompts: template files in ``prompts/``, rendered here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from assistant.errors import ConfigurationError
from assistant.ports import ChatMessage
from assistant.text.sentences import normalise_whitespace
from assistant.types import Audience, Hit

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_DELIMITER = re.compile(r"<\s*/?\s*(passages|question)\s*>", re.IGNORECASE)


def render_prompt(name: str, **variables: object) -> str:
    """Render ``prompts/<name>.txt``, replacing ``{{ var }}`` placeholders.

    Fails loudly (``ConfigurationError``) when a placeholder has no value or a value has no
    placeholder, so a renamed variable cannot silently produce a broken prompt.
    """
    template = load_template(name)
    needed = set(_PLACEHOLDER.findall(template))
    missing = needed - set(variables)
    extra = set(variables) - needed
    if missing or extra:
        raise ConfigurationError(
            f"Prompt template {name}.txt needs variables {sorted(needed)}; missing "
            f"{sorted(missing)}, unexpected {sorted(extra)}. Fix the caller or the template."
        )
    return _PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]), template)


@cache
def load_template(name: str) -> str:
    """The raw text of ``prompts/<name>.txt``."""
    path = PROMPTS_DIR / f"{name}.txt"
    if not path.is_file():
        raise ConfigurationError(f"Prompt template {path} is missing: reinstall the package.")
    return path.read_text(encoding="utf-8")


def format_passages(hits: Sequence[Hit]) -> str:
    """Passages numbered [1]..[n] with title, section and page, for the answer prompt."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        chunk = hit.chunk
        where = [chunk.title or chunk.source]
        if chunk.section:
            where.append(chunk.section)
        if chunk.page_start:
            where.append(f"page {chunk.page_start}")
        # Delimiters inside a document must not close the data block early.
        body = normalise_whitespace(_DELIMITER.sub(" ", chunk.text))
        blocks.append(f"[{n}] " + " | ".join(where) + "\n" + body)
    return "\n\n".join(blocks)


def build_messages(
    question: str, *, audience: Audience, hits: Sequence[Hit], words: int
) -> list[ChatMessage]:
    """The system and user messages for the generative answerer."""
    question = _DELIMITER.sub("", question)
    user = render_prompt(
        "answer",
        audience_guidance=render_prompt(f"audience_{audience}").strip(),
        words=words,
        passages=format_passages(hits),
        question=question.strip(),
    )
    return [
        ChatMessage(role="system", content=render_prompt("system").strip()),
        ChatMessage(role="user", content=user),
    ]


def system_prompt_leaked(text: str, *, shingle: int = 6, allowed: int = 1) -> bool:
    """Does ``text`` repeat the system prompt (more than ``allowed`` ``shingle``-word runs)?"""
    words = re.findall(r"[a-z0-9_]+", text.lower())
    secret = _system_shingles(shingle)
    runs = {tuple(words[i : i + shingle]) for i in range(len(words) - shingle + 1)}
    return len(runs & secret) > allowed


@cache
def _system_shingles(shingle: int) -> frozenset[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9_]+", load_template("system").lower())
    return frozenset(tuple(words[i : i + shingle]) for i in range(len(words) - shingle + 1))
