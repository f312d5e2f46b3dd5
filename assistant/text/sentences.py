"""The one sentence splitter: for chunking (ingest) and for answers, suggestions and evals.

Pure functions, one abbreviation rule (``is_abbreviation``). ``sentence_spans`` gives the
``(start, end)`` spans the chunker packs (line breaks end a sentence there too, and the spans
cover every non-space character). ``split_sentences`` returns each sentence twice: ``quote``, the raw span of the
source with whitespace folded (so it is verbatim, and can be shown as the cited quote), and
``text``, cleaned for reading (bullets, hyphenation, markdown markers and stray spaces fixed).
Noise lines (running headers, page numbers) break sentences rather than join them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from assistant.text.openings import ATTRIBUTION_LINE

# Tokens that end with a full stop without ending a sentence (compared lower-cased, no dot).
_ABBREVIATIONS_WORDS = """
    e.g i.e etc vs viz cf al approx est incl excl no nos vol fig figs p pp para paras ch sec
    cllr cllrs mr mrs ms mx dr prof rev rt hon st sr jr co ltd plc inc dept govt min max
    jan feb mar apr jun jul aug sep sept oct nov dec ref tel ext art sch reg cl
    """
ABBREVIATIONS = frozenset(_ABBREVIATIONS_WORDS.split())

_WS = re.compile(r"\s+")
_BULLET = re.compile(
    r"^\s*(?:[\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2043\u2219\u25a0\u25a1\u2013\u2014*>\-]"
    r"|\(?\d{1,2}[.)](?=\s)|\(?[a-z][.)](?=\s)|[ivx]{1,4}[.)](?=\s))\s*",
)
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\ufffd]")
_MD_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((?:https?://|/|#)[^)\s]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|`)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)
# A full stop / ? / ! (with closing quotes or brackets) then space, then something that can start
# a sentence. Candidate boundaries are checked against abbreviations afterwards.
_BOUNDARY = re.compile(r"[.!?][\"'\u2019\u201d)\]]*\s+(?=[\"'\u2018\u201c(\[]?[A-Z0-9\u00a3])")
_HYPHEN_BREAK = re.compile(r"([A-Za-z]{2,})-\s+([a-z]{2,})")
_SUFFIXES = (
    "tion",
    "tions",
    "sion",
    "ment",
    "ments",
    "ing",
    "ings",
    "ity",
    "ities",
    "ance",
    "ence",
    "ness",
    "ised",
    "ized",
    "ise",
    "ize",
    "ation",
    "al",
    "ally",
    "ly",
    "ship",
    "ships",
    "able",
    "ible",
    "ive",
    "ives",
    "ous",
    "ed",
    "er",
    "ers",
    "ic",
    "ical",
    "ure",
    "ures",
)
# First halves of common hyphenated compounds: "self- assessment" stays hyphenated.
_COMPOUND_HEADS = frozenset(
    [
        "self",
        "well",
        "long",
        "short",
        "high",
        "low",
        "cross",
        "multi",
        "non",
        "co",
        "re",
        "pre",
        "post",
        "sub",
        "inter",
        "anti",
        "full",
        "part",
        "one",
        "two",
        "three",
        "data",
        "user",
        "place",
        "cost",
        "time",
        "evidence",
        "community",
        "customer",
        "council",
        "client",
        "front",
        "back",
        "place-based",
        "mid",
        "year",
        "sector",
        "peer",
        "top",
        "bottom",
    ]
)
_KEEP_HYPHEN_NEXT = frozenset({"and", "or", "to", "nor", "not", "in", "of"})
_TERMINAL = (".", "!", "?", ":", ";", ".\u201d", ".\u2019", '."', ".'", ".)")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a passage.

    ``quote`` is verbatim (the raw span with whitespace folded); ``text`` is cleaned for reading;
    ``start``/``end`` index the raw span in the source; ``index`` is its position in the passage;
    ``heading`` is the nearest short heading line above it in the passage, if any.
    """

    text: str
    quote: str
    start: int
    end: int
    index: int
    complete: bool  # ends with terminal punctuation in the source
    heading: str | None = None

    @property
    def words(self) -> int:
        return len(self.text.split())


_CLOSED = re.compile(r"[.!?][\"'\u2019\u201d)]*$")


def with_stop(text: str) -> str:
    """``text`` ending as a sentence: a full stop added unless it ends in one (or "!", "?"),
    closing quotes and brackets after it allowed."""
    return text if _CLOSED.search(text) else f"{text}."


def normalise_whitespace(text: str) -> str:
    """Every run of whitespace (newlines included) folded to one space, ends stripped."""
    return _WS.sub(" ", text).strip()


def is_noise_line(line: str) -> bool:
    """Running headers/footers, page numbers and lines with no words."""
    stripped = line.strip()
    if not stripped:
        return False
    if _PAGE_NUMBER.match(stripped):
        return True
    if stripped.count("|") >= 1 and len(stripped) < 120 and not stripped.endswith("."):
        return True  # "Local Government Association | Report title" running headers
    letters = sum(ch.isalpha() for ch in stripped)
    return letters < 2


def _dehyphenate(text: str, vocabulary: str) -> str:
    def join(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        if tail in _KEEP_HYPHEN_NEXT:
            return match.group(0)  # "short- and long-term"
        joined = head + tail
        if joined.lower() in vocabulary or tail in _SUFFIXES:
            return joined
        if head.lower() not in _COMPOUND_HEADS and tail.endswith(_SUFFIXES):
            return joined  # "trans- formation", "imple- mentation"
        return f"{head}-{tail}"

    return _HYPHEN_BREAK.sub(join, text)


def clean_text(raw: str, vocabulary: str = "") -> str:
    """Readable text from a raw span: bullets, private-use glyphs, markdown markers, broken
    hyphenation ("trans- formation") and repeated whitespace fixed. ``vocabulary`` (lower-cased
    text of the whole passage) helps decide whether a broken hyphen joins one word."""
    text = _PRIVATE_USE.sub(" ", raw)
    text = _MD_HEADING.sub("", text)
    text = _BULLET.sub("", text, count=1)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPH.sub(r"\2", text)
    text = normalise_whitespace(text)
    text = _dehyphenate(text, vocabulary)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([(\[\u201c\u2018])\s+", r"\1", text)
    return text


def is_abbreviation(token: str) -> bool:
    """Does a full stop after ``token`` (lower-cased, without the stop) leave the sentence open?

    Known abbreviations ("e.g", "cllr"), single initials ("J. Smith") and dotted acronyms
    ("U.K.") do.
    """
    token = token.rstrip(".")
    if token in ABBREVIATIONS:
        return True
    return bool(re.fullmatch(r"[a-z]", token)) or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", token))


def _is_abbreviation(segment: str, dot_at: int) -> bool:
    """Is the full stop at ``dot_at`` the end of an abbreviation, an initial or a number?"""
    if segment[dot_at] != ".":
        return False
    before = segment[:dot_at]
    match = re.search(r"([A-Za-z][A-Za-z.]*)$", before)
    if not match:
        return bool(re.search(r"\d$", before)) and bool(re.match(r"\.\s*\d", segment[dot_at:]))
    return is_abbreviation(match.group(1).lower())


# The chunker's boundaries: terminal punctuation before a capital, digit or bullet, or a line
# break (a chunk never joins two lines into one sentence).
_SPAN_END = re.compile(
    r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9\u2022])|\n+"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the sentences in ``text`` (line breaks also end a sentence).

    Spans exclude the whitespace between sentences and together cover every non-space
    character, so slicing them back out of ``text`` loses nothing.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SPAN_END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        if match.group().startswith("."):
            word = re.search(r"(\S+)$", text[start : match.start()])
            token = word.group(1).lower().lstrip("(\"'\u201c\u2018") if word else ""
            if is_abbreviation(token):
                continue  # "e.g. The", "Cllr. Smith", "J. Smith"
        _add_span(text, start, end, spans)
        start = match.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


# A sentence ending in a colon after a verb or preposition: what follows are its lines.
_LEADS_INTO_LINES = re.compile(
    r"\b(?:by|are|is|were|was|include|includes|included|as follows)\s*:$"
)
# "Chair: Clare Rowley, Head of Transformation at Lincolnshire County Council"
_LABELLED_LINE = re.compile(r"^[A-Z][\w -]{1,30}:\s+\S+(?:\s+\S+){2,}")


def _looks_like_heading(line: str) -> bool:
    stripped = _BULLET.sub("", _MD_HEADING.sub("", normalise_whitespace(line)))
    if not stripped or stripped.endswith(_TERMINAL) or stripped.endswith(","):
        return False
    words = stripped.split()
    return len(words) <= 14 and len(stripped) <= 100 and stripped[:1].isupper()


def _segments(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of paragraphs, list items and headings; noise lines removed."""
    spans: list[tuple[int, int]] = []
    seg_start: int | None = None
    seg_end = 0
    prev_line = ""
    pos = 0
    for line in text.splitlines(keepends=True):
        line_start, line_end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        stripped = line.strip()
        noise = not stripped or is_noise_line(line)
        item = bool(_BULLET.match(line))
        if item and stripped[:1] in "\u2013\u2014-" and prev_line.strip():
            # A dash at the start of a wrapped line is usually punctuation, not a bullet.
            item = prev_line.rstrip().endswith(_TERMINAL)
        current = text[seg_start:seg_end] if seg_start is not None else ""
        breaks = (
            noise
            or item
            or bool(_PRIVATE_USE.match(stripped))
            or (
                current.count("\n") <= 1 and _looks_like_heading(current) and stripped[:1].isupper()
            )
        )
        if breaks and seg_start is not None:
            spans.append((seg_start, seg_end))
            seg_start = None
        if noise:
            prev_line = ""
            continue
        if seg_start is None:
            seg_start = line_start + (len(line) - len(line.lstrip()))
        seg_end = line_end
        prev_line = line
    if seg_start is not None:
        spans.append((seg_start, seg_end))
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a passage, in order, with verbatim quotes and cleaned text.

    Headings (short lines without final punctuation) are not returned as sentences but are
    recorded as each following sentence's ``heading``.

    Memoised per text: answering, retrieval and each suggestion part split the same retrieved
    passages again and again (over 1,000 splits for 21 answers; a third of a first-time
    answer's time in ``python -m evals.bench.query``'s profile).
    """
    return list(_split_sentences(text))


@functools.lru_cache(maxsize=4096)
def _split_sentences(text: str) -> tuple[Sentence, ...]:
    vocabulary = text.lower()
    out: list[Sentence] = []
    heading: str | None = None
    after_quote = False
    listing = False  # under a sentence that leads into lines ("... the network is led by:")
    for seg_start, seg_end in _segments(text):
        segment = text[seg_start:seg_end]
        quoted, after_quote = after_quote, segment.rstrip().endswith(("\u201d", '"'))
        # A line under a quotation naming who said it is a sentence, not a heading; so is a
        # "Label: value" line under a lead ("Chair: Clare Rowley, Head of Transformation ...").
        said_by = quoted and ATTRIBUTION_LINE.match(clean_text(segment))
        labelled = listing and _LABELLED_LINE.match(normalise_whitespace(segment)) is not None
        if (
            segment.count("\n") <= 1
            and _looks_like_heading(segment)
            and not said_by
            and not labelled
        ):
            heading = clean_text(segment) or None
            listing = False
            continue
        listing = labelled or _LEADS_INTO_LINES.search(segment.rstrip()) is not None
        cuts = [0]
        for match in _BOUNDARY.finditer(segment):
            dot_at = match.start()
            if _is_abbreviation(segment, dot_at):
                continue
            cuts.append(match.end())
        cuts.append(len(segment))
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = segment[a:b]
            lead = len(piece) - len(piece.lstrip())
            bullet = _BULLET.match(piece[lead:])
            if bullet:
                lead += bullet.end()
            while lead < len(piece) and _PRIVATE_USE.match(piece[lead]):
                lead += 1
                lead += len(piece[lead:]) - len(piece[lead:].lstrip())
            raw = piece[lead:].rstrip()
            if not raw:
                continue
            start = seg_start + a + lead
            cleaned = clean_text(raw, vocabulary)
            if not cleaned:
                continue
            complete = labelled or cleaned.endswith(
                (".", "!", "?", ".\u201d", ".\u2019", '."', ".)", "?\u201d")
            )  # a labelled line under its lead is whole, as a list item is
            out.append(
                Sentence(
                    text=cleaned,
                    quote=normalise_whitespace(raw),
                    start=start,
                    end=start + len(raw),
                    index=len(out),
                    complete=complete,
                    heading=heading,
                )
            )
    return tuple(out)


# An opening that refers back to a sentence the reader may not see ("The same document pointed
# to ...", "The same five headings ..."): filler once the sentence is quoted on its own.
FILLER_OPENING = re.compile(r"^(?:The|This)\s+same\b", re.IGNORECASE)
_FILLER_CLAUSE = re.compile(
    r"^(?:The|This)\s+same\s+(?:document|report|paper|source|study|page|guide|resource|"
    r"publication|evaluation|review|set|sets|programme|network)s?\s+(?:also\s+)?"
    r"(?:pointed|points|referred|refers|mentioned|mentions|noted|notes|cited|cites|described|"
    r"describes|highlighted|highlights|named|names|listed|lists|gave|gives)\s+(?:to\s+)?",
    re.IGNORECASE,
)


def leans_on_previous(text: str) -> bool:
    """Does ``text`` open with filler that points back to an unseen sentence ("The same ...")?"""
    return bool(FILLER_OPENING.match(text.lstrip("\"'\u201c\u2018 ")))


def drop_filler_opening(text: str) -> str:
    """``text`` without a back-pointing opening: "The same document pointed to case studies of
    X." becomes "Case studies of X."; "The same five headings ..." becomes "Five headings ...".
    Text without such an opening is returned unchanged."""
    stripped = text.strip()
    if not leans_on_previous(stripped):
        return text
    rest = _FILLER_CLAUSE.sub("", stripped, count=1)
    if rest == stripped:
        rest = FILLER_OPENING.sub("", stripped, count=1).lstrip()
    return rest[:1].upper() + rest[1:] if rest else text
