"""Councillor rewrite: an extractive answer's sentences rewritten in plain English by a model,
each checked against the passage it cites, any failing one kept as it was.

The answer is split into its cited sentences (``... [2].``). They go to the model in short
numbered batches (``prompts/plain_system.txt`` + ``prompts/plain_rewrite.txt``) without their
markers; the reply's numbered lines map back to the sentences, so the ``[n]`` markers are put
back in code, never trusted to the model. A rewritten sentence is used only when:

- the reply has its line, does not repeat the system prompt and is not an instruction;
- every number (digits or number words) and every name of the original is still there, and
  every number and name it states is in the original or the cited passage;
- each of its sentences is supported by the cited passage, by the generative post-check's rule
  (content-word overlap >= 0.5 and, unless the overlap is >= 0.75, embedding cosine >= 0.45 to
  the passage's best sentence);
- it is not longer than the original by more than ``max_growth``.

Otherwise the original sentence stays (the extractive text, or the plain-English layer's
version when that ran first). A provider failure or timeout keeps the whole answer as it was.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.answering.prompts import render_prompt, system_prompt_leaked
from assistant.answering.weights import WEIGHTS, AnsweringWeights
from assistant.errors import ProviderError
from assistant.guardrails.scope import looks_like_instruction, looks_partisan
from assistant.ports import ChatMessage, ChatModel, Embedder
from assistant.text.sentences import normalise_whitespace, split_sentences
from assistant.text.terms import content_terms
from assistant.types import Citation

log = logging.getLogger(__name__)


_MARKER_GROUP = r"(?:\s*\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\])+"
# Where a cited sentence ends: its marker group and closing punctuation ("... [2].", "..." [2]).
_CITED_END = re.compile(rf"{_MARKER_GROUP}[.!?]?[\"'\u201d\u2019)]*(?=\s|$)")
_MARKERS = re.compile(r"\s*\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_LINE = re.compile(r"^\s*(?:\*\*)?(\d{1,2})[.):](?:\*\*)?\s*(.*)$")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
    if i != 1  # "one" is mostly not a number ("one of the councils")
}
_NUMBER_WORDS.update(
    thirty="30",
    forty="40",
    fifty="50",
    sixty="60",
    seventy="70",
    eighty="80",
    ninety="90",
    hundred="100",
    thousand="1000",
    million="1000000",
    billion="1000000000",
    half="0.5",
    dozen="12",
)
_NAME = re.compile(r"\b[A-Z][A-Za-z'\-]*[A-Za-z]\b|\b[A-Z]{2,}s?\b")
_PARENTHESISED_ACRONYM = re.compile(r"\(\s*[A-Z][A-Za-z]{1,6}\s*\)")


@dataclass(frozen=True, slots=True)
class Piece:
    """One part of an answer: a cited sentence (``cites`` non-empty) or text passed through."""

    text: str  # as shown, markers included
    plain: str  # without markers
    cites: tuple[int, ...]
    paragraph: int


@dataclass(frozen=True, slots=True)
class RewriteResult:
    """The rewritten answer text and what happened to each sentence."""

    text: str
    rewritten: int  # sentences replaced by their checked rewrite
    kept: int  # sentences kept as they were (``reasons`` says why)
    reasons: tuple[str, ...] = ()
    elapsed_ms: float = 0.0
    requests: int = 0
    failed: bool = False  # the model failed or timed out: text is the original
    pieces: tuple[str, ...] = field(default=(), repr=False)


# --------------------------------------------------------------------------- pure helpers


def split_pieces(text: str) -> list[Piece]:
    """The answer's cited sentences and pass-through text (an uncited lead such as "In short:
    ..."), paragraph by paragraph, in order; joined back they give ``text``."""
    out: list[Piece] = []
    for p, paragraph in enumerate(re.split(r"\n\s*\n", text.strip())):
        paragraph = paragraph.strip()
        pos = 0
        for match in _CITED_END.finditer(paragraph):
            segment = paragraph[pos : match.end()]
            pos = match.end()
            # Uncited sentences before the cited one stay as they are.
            sentences = split_sentences(strip_markers(segment))
            lead = ""
            if len(sentences) > 1:
                last = sentences[-1].quote
                cut = segment.rfind(last[: min(len(last), 20)])
                if cut > 0:
                    lead, segment = segment[:cut].strip(), segment[cut:]
            if lead:
                out.append(Piece(lead, lead, (), p))
            sentence = segment.strip()
            out.append(Piece(sentence, strip_markers(sentence), cited_numbers(sentence), p))
        rest = paragraph[pos:].strip()
        if rest:
            out.append(Piece(rest, strip_markers(rest), cited_numbers(rest), p))
    return out


def join_pieces(pieces: Sequence[Piece], texts: Sequence[str]) -> str:
    """``texts`` (one per piece) joined back into paragraphs."""
    paragraphs: dict[int, list[str]] = {}
    for piece, text in zip(pieces, texts, strict=True):
        paragraphs.setdefault(piece.paragraph, []).append(text)
    return "\n\n".join(" ".join(parts) for parts in paragraphs.values())


def cited_numbers(text: str) -> tuple[int, ...]:
    """The passage numbers ``text`` cites, in order, each once."""
    numbers: list[int] = []
    for group in _MARKERS.findall(text):
        numbers.extend(int(x) for x in re.split(r"\s*[,;]\s*", group))
    return tuple(dict.fromkeys(numbers))


def strip_markers(text: str) -> str:
    """``text`` without ``[n]`` markers (and the space they leave before punctuation)."""
    plain = normalise_whitespace(_MARKERS.sub("", text))
    return re.sub(r"\s+([.!?,;:])", r"\1", plain)


def add_markers(sentence: str, cites: Sequence[int]) -> str:
    """``sentence`` with ``[n]`` markers before its closing punctuation (as the extractive
    answer writes them: ``... fell by 40% [2].``)."""
    sentence = strip_markers(sentence)
    if not re.search(r"[.!?][\"'\u2019\u201d)]*$", sentence):
        sentence += "."
    markers = "".join(f"[{n}]" for n in cites)
    if re.search(r"[\"\u201d\u2019]$", sentence):
        return f"{sentence} {markers}"
    match = re.search(r"[.!?]+$", sentence)
    cut = match.start() if match else len(sentence)
    return f"{sentence[:cut]} {markers}{sentence[cut:]}"


def restore_markers(rewritten: str, cites: Sequence[int]) -> str:
    """Every sentence of ``rewritten`` ends with the original's markers, whatever the model
    wrote (it may drop, move or invent them)."""
    sentences = [s.text for s in split_sentences(strip_markers(rewritten))] or [rewritten]
    return " ".join(add_markers(s, cites) for s in sentences if s.strip())


def numbers_in(text: str) -> set[str]:
    """Numbers in ``text``, as digits ("six" and "6" both give "6"; "1,200" gives "1200")."""
    found = {n.replace(",", "") for n in _NUMBER.findall(text)}
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
    return found


def names_in(text: str) -> set[str]:
    """Capitalised words (names of councils, places, programmes, people) and acronyms,
    lower-cased; a sentence's first word counts only when the next word is capitalised too
    or it is an acronym ("Riverton Borough Council ..." yes, "The council ..." no)."""
    text = strip_markers(text)
    out: set[str] = set()
    for sentence in split_sentences(text) or []:
        words = list(_NAME.finditer(sentence.text))
        for match in words:
            word = match.group(0)
            first = match.start() == 0 or sentence.text[: match.start()].strip() in {
                '"',
                "\u201c",
                "(",
            }
            if first and not word.isupper():
                after = sentence.text[match.end() :].lstrip()
                if not after[:1].isupper():
                    continue
            out.add(re.sub(r"['\u2019]s$", "", word.lower()))
    return out


def check_numbers_and_names(original: str, rewritten: str, passage: str) -> str | None:
    """Why ``rewritten`` may not replace ``original`` on numbers and names, or None if fine.

    Every number and name of the original must survive; every number and name the rewrite
    states must come from the original or its cited passage. An acronym in brackets after
    its own expansion ("Local Government Association (LGA)") may be dropped.
    """
    original_numbers = numbers_in(original)
    new_numbers = numbers_in(rewritten)
    invented = new_numbers - original_numbers - numbers_in(passage)
    if invented:
        return f"invented number {sorted(invented)[0]}"
    lost = original_numbers - new_numbers
    if lost:
        return f"lost number {sorted(lost)[0]}"
    rewritten_lower = rewritten.lower()
    required = names_in(_PARENTHESISED_ACRONYM.sub("", original))
    missing = sorted(n for n in required if n not in rewritten_lower)
    if missing:
        return f"lost name {missing[0]}"
    known = (original + " " + passage).lower()
    new_names = sorted(n for n in names_in(rewritten) if n not in known)
    if new_names:
        return f"invented name {new_names[0]}"
    return None


def parse_numbered(reply: str, count: int) -> dict[int, str]:
    """Numbered lines ``1. ...`` of a reply (1-based, up to ``count``); a line without a number
    continues the previous item. Items the model skipped are simply missing."""
    items: dict[int, list[str]] = {}
    current: int | None = None
    for line in reply.splitlines():
        match = _LINE.match(line)
        if match and 1 <= int(match.group(1)) <= count:
            current = int(match.group(1))
            items.setdefault(current, [])
            if match.group(2).strip():
                items[current].append(match.group(2).strip())
        elif match:
            current = None  # a number we did not ask for: not part of any item
        elif current is not None and line.strip():
            items[current].append(line.strip())
    return {k: normalise_whitespace(" ".join(v)) for k, v in items.items() if v}


def build_rewrite_messages(sentences: Sequence[str]) -> list[ChatMessage]:
    """The system and user messages asking for a plain-English rewrite of ``sentences``."""
    numbered = "\n".join(f"{i}. {s}" for i, s in enumerate(sentences, start=1))
    return [
        ChatMessage(role="system", content=render_prompt("plain_system").strip()),
        ChatMessage(role="user", content=render_prompt("plain_rewrite", sentences=numbered)),
    ]


# --------------------------------------------------------------------------- the rewriter


class CouncillorRewriter:
    """Rewrites cited extractive answers in plain English with ``chat_model``, sentence by
    sentence checked against the cited passages with ``embedder``."""

    def __init__(
        self,
        chat_model: ChatModel,
        embedder: Embedder,
        *,
        weights: AnsweringWeights = WEIGHTS,
    ) -> None:
        self.chat_model = chat_model
        self.embedder = embedder
        self.weights = weights

    def rewrite(self, text: str, citations: Sequence[Citation]) -> RewriteResult:
        """``text`` (an answer with ``[n]`` markers) rewritten, checked and re-marked."""
        *_, last = self.stream(text, citations)
        return last

    def stream(self, text: str, citations: Sequence[Citation]) -> Iterator[RewriteResult]:
        """``rewrite`` batch by batch: each result holds the answer so far (rewritten batches
        then the original rest), for a UI that shows the plain version as it comes."""
        started = time.perf_counter()
        pieces = split_pieces(text)
        chunks = {c.n: c.chunk.text for c in citations}
        texts = [p.text for p in pieces]
        todo = [i for i, p in enumerate(pieces) if p.cites and all(n in chunks for n in p.cites)]
        reasons: list[str] = []
        rewritten = 0
        size = max(1, self.weights.rewrite.batch_sentences)
        for requests, start in enumerate(range(0, len(todo), size), start=1):
            batch = todo[start : start + size]
            try:
                reply = self.chat_model.generate(
                    build_rewrite_messages([pieces[i].plain for i in batch])
                )
            except ProviderError as exc:
                log.warning("councillor rewrite failed, keeping the answer as it was: %s", exc)
                yield RewriteResult(
                    text=text,
                    rewritten=0,
                    kept=len(todo),
                    reasons=(f"provider: {type(exc).__name__}",),
                    elapsed_ms=_ms(started),
                    requests=requests,
                    failed=True,
                    pieces=tuple(p.text for p in pieces),
                )
                return
            reply = reply or ""
            if system_prompt_leaked(reply) or _repeats_instructions(reply):
                reasons.extend(["prompt leak"] * len(batch))
            else:
                lines = parse_numbered(reply, len(batch))
                for k, i in enumerate(batch, start=1):
                    piece = pieces[i]
                    passage = " ".join(chunks[n] for n in piece.cites)
                    candidate = lines.get(k)
                    reason = (
                        "no line"
                        if not candidate
                        else self.check(piece.plain, strip_markers(candidate), passage)
                    )
                    if reason is None:
                        assert candidate is not None
                        texts[i] = restore_markers(candidate, piece.cites)
                        rewritten += 1
                    else:
                        reasons.append(reason)
            yield RewriteResult(
                text=join_pieces(pieces, texts),
                rewritten=rewritten,
                kept=len(todo) - rewritten,
                reasons=tuple(reasons),
                elapsed_ms=_ms(started),
                requests=requests,
                pieces=tuple(texts),
            )
        if not todo:
            yield RewriteResult(text, 0, 0, (), _ms(started), 0, False, tuple(texts))

    def check(self, original: str, rewritten: str, passage: str) -> str | None:
        """Why ``rewritten`` may not replace ``original`` (cited ``passage``), or None."""
        w, support = self.weights.rewrite, self.weights.support
        if looks_like_instruction(rewritten) or looks_partisan(rewritten):
            return "instruction or opinion"
        if len(rewritten.split()) > w.max_growth * len(original.split()):
            return "longer than the original"
        reason = check_numbers_and_names(original, rewritten, passage)
        if reason:
            return reason
        sentences = [s.text for s in split_sentences(rewritten)] or [rewritten]
        source = [s.text for s in split_sentences(passage) if not looks_like_instruction(s.text)]
        if not source:
            return "empty passage"
        vectors = np.asarray(self.embedder.embed([*sentences, *source]), dtype=np.float32)
        own, theirs = vectors[: len(sentences)], vectors[len(sentences) :]
        passage_terms = content_terms(passage)
        for sentence, vec in zip(sentences, own, strict=True):
            terms = content_terms(sentence)
            overlap = len(terms & passage_terms) / len(terms) if terms else 0.0
            cosine = float((theirs @ vec).max())
            if overlap < support.min_overlap or (
                overlap < support.overlap_alone and cosine < support.min_cosine
            ):
                return f"unsupported (overlap {overlap:.2f}, cosine {cosine:.2f})"
        return None


def _repeats_instructions(reply: str) -> bool:
    words = re.findall(r"[a-z]+", reply.lower())
    template = re.findall(r"[a-z]+", render_prompt("plain_system").lower())
    runs = {tuple(template[i : i + 6]) for i in range(len(template) - 5)}
    return sum(tuple(words[i : i + 6]) in runs for i in range(len(words) - 5)) > 1


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)
