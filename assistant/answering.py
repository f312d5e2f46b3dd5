"""Answers from retrieved passages: extractive by default, generative with post-checks.

The extractive answerer (offline, no LLM) selects the sentences of the retrieved passages that
best answer the question: relevance (embedding cosine + keyword overlap + the passage's retrieval
rank), coverage of the question's parts and no redundancy (MMR), within a word budget set by the
audience. Every sentence is copied from a passage and carries that passage's citation ``[n]``;
the only words added are acronym expansions ("Transformation and Innovation Exchange (TIEx)").

The generative answerer renders ``prompts/system.txt`` and ``prompts/answer.txt``, calls the chat
model, then checks what came back: invented citation numbers are dropped, URLs that are not in
the sources are stripped, every sentence is checked against the passage it cites (embedding
cosine to the passage's best sentence plus content-word overlap, and every number must appear in
the passage), and unsupported sentences are removed. If too little survives, or the output
repeats the system prompt, the extractive answer is used instead.

Both refuse when the question is out of scope (``assistant.scope``) or the evidence is weaker
than the threshold calibrated on the eval set (``assistant/calibration.json``).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from assistant.errors import ConfigurationError, ProviderError
from assistant.ports import ChatMessage, ChatModel, Embedder
from assistant.scope import (
    CORPUS_COVERS,
    check_scope,
    looks_like_instruction,
    looks_partisan,
    refusal_text,
)
from assistant.sentences import Sentence, normalise_whitespace, split_sentences
from assistant.settings import Settings
from assistant.types import Audience, Chunk, Citation, Hit

log = logging.getLogger(__name__)

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
CALIBRATION_PATH = Path(__file__).resolve().parent / "calibration.json"
# Used only when no calibration exists for the configured embedder (e.g. the hashing fake in
# tests): low, so that only passages with almost nothing in common with the question refuse.
UNCALIBRATED_MIN_EVIDENCE = 0.15
NOT_IN_SOURCES = "NOT_IN_SOURCES"
WEAK_EVIDENCE_REASON = "I couldn't find enough in the sources I have to answer that reliably."
NO_SOURCES_REASON = "I couldn't find anything in the sources I have about that."

# Acronyms spelled out for councillors when the passages don't define them themselves.
GLOSSARY: dict[str, str] = {
    "LGA": "Local Government Association",
    "TIEx": "Transformation and Innovation Exchange",
    "TCF": "Transformation Capability Framework",
    "DLUHC": "Department for Levelling Up, Housing and Communities",
    "MHCLG": "Ministry of Housing, Communities and Local Government",
    "CPC": "corporate peer challenge",
    "LGR": "local government reorganisation",
    "PMO": "programme management office",
    "ALMO": "arms-length management organisation",
    "ALS": "action learning set",
    "ALSs": "action learning sets",
    "IIB": "Improvement and Innovation Board",
    "SEND": "special educational needs and disabilities",
    "ASC": "adult social care",
    "ICS": "integrated care system",
    "NHS": "National Health Service",
    "AI": "artificial intelligence",
    "CRM": "customer relationship management",
    "KPI": "key performance indicator",
    "KPIs": "key performance indicators",
    "ROI": "return on investment",
    "MTFS": "medium-term financial strategy",
    "ICT": "information and communications technology",
    "SME": "small and medium-sized enterprise",
    "SMEs": "small and medium-sized enterprises",
    "VCS": "voluntary and community sector",
    "VCSE": "voluntary, community and social enterprise",
    "CIPFA": "Chartered Institute of Public Finance and Accountancy",
    "Socitm": "Society for Innovation, Technology and Modernisation",
    "GDS": "Government Digital Service",
}

_STOPWORDS_WORDS = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    may might must shall us get got make made use used using way ways within without across
    tell give show explain describe please know want need like one two many much well good
    council councils local authority authorities lga keep keeping making take taking help
    helping things thing able
    """
_STOPWORDS = frozenset(_STOPWORDS_WORDS.split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d+(?:[.,]\d+)*%?")
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]{1,6}\b")  # looked up: only known acronyms expand
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_MD_LINK_URL = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_MARKERS = re.compile(r"\s*\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_ANAPHORA = re.compile(r"^(?:This|These|That|Those|It|They|He|She|Such|However|Also|But)\b")
_META = re.compile(
    r"^(?:This|The|Our)\s+(?:theme|section|chapter|document|report|paper|page|guide|note|"
    r"summary|discussion)s?\s+(?:explores?|describes?|sets? out|looks? at|covers?|aims?|"
    r"highlights?|summarises?|outlines?|focus(?:es)? on|considers?)\b"
    r"|^Challenges (?:that were discussed )?(?:included|covered|described)\b",
    re.IGNORECASE,
)
_SPECIFIC = re.compile(
    r"\d|\u00a3|%|\b(?:[A-Z][a-z]+\s+){1,3}(?:City |Borough |County |District )?Council\b"
    r"|\b(?:for example|such as|case stud(?:y|ies)|pilot|programme)\b"
)
_REFUSAL_PHRASES = re.compile(
    r"\b(?:sources|passages|documents|information provided)\b.{0,30}\b(?:do not|don't|does not|"
    r"doesn't)\s+(?:contain|cover|answer|mention|include|say|provide)",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@dataclass(frozen=True, slots=True)
class Draft:
    """What the answerer produces; the Assistant adds retrieval, suggestions and timings.

    ``citations`` are numbered 1..n in order of first appearance in ``text``; each quote is the
    verbatim sentence(s) of its chunk (whitespace folded) that support the text citing it.
    ``evidence`` is the score compared with the refusal threshold.
    """

    text: str
    citations: tuple[Citation, ...]
    refused: bool
    refusal_reason: str | None
    evidence: float


# --------------------------------------------------------------------------- prompts


def render_prompt(name: str, **variables: object) -> str:
    """Render ``prompts/<name>.txt``, replacing ``{{ var }}`` placeholders.

    Fails loudly (``ConfigurationError``) when a placeholder has no value or a value has no
    placeholder, so a renamed variable cannot silently produce a broken prompt.
    """
    template = _load_template(name)
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
def _load_template(name: str) -> str:
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
        body = re.sub(r"<\s*/?\s*(passages|question)\s*>", " ", chunk.text, flags=re.IGNORECASE)
        body = normalise_whitespace(body)
        blocks.append(f"[{n}] " + " | ".join(where) + "\n" + body)
    return "\n\n".join(blocks)


def build_messages(
    question: str, *, audience: Audience, hits: Sequence[Hit], words: int
) -> list[ChatMessage]:
    """The system and user messages for the generative answerer."""
    question = re.sub(r"<\s*/?\s*(passages|question)\s*>", "", question, flags=re.IGNORECASE)
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


# --------------------------------------------------------------------------- text helpers


def _stem(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed and -ation removed ("focuses" and "focus",
    "programmes" and "programme", "transformation" and "transforming" meet)."""
    word = word.lower().strip("'-")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    for suffix in ("ation", "ing", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    return word.rstrip("e") if len(word) > 4 else word


def content_terms(text: str) -> set[str]:
    """Stemmed content words of ``text`` (stopwords and very short words removed)."""
    return {
        _stem(w)
        for w in _WORD.findall(text)
        if w.lower() not in _STOPWORDS and (len(w) > 2 or w.isdigit())
    }


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d+(?:[.,]\d+)*", text)}


def system_prompt_leaked(text: str, *, shingle: int = 6, allowed: int = 1) -> bool:
    """Does ``text`` repeat the system prompt (more than ``allowed`` 6-word runs of it)?"""
    words = re.findall(r"[a-z0-9_]+", text.lower())
    secret = _system_shingles(shingle)
    runs = {tuple(words[i : i + shingle]) for i in range(len(words) - shingle + 1)}
    return len(runs & secret) > allowed


@cache
def _system_shingles(shingle: int) -> frozenset[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9_]+", _load_template("system").lower())
    return frozenset(tuple(words[i : i + shingle]) for i in range(len(words) - shingle + 1))


def with_expansions(text: str) -> str:
    """``text`` with the glossary expansion of each acronym it uses appended, so that "TIEx"
    and "Transformation and Innovation Exchange" match when scoring (never shown to users)."""
    found = [GLOSSARY[a] for a in dict.fromkeys(_ACRONYM.findall(text)) if a in GLOSSARY]
    extra = [e for e in found if e.lower() not in text.lower()]
    return f"{text} ({'; '.join(extra)})" if extra else text


def known_acronyms(hits: Sequence[Hit]) -> dict[str, str]:
    """The glossary plus acronyms the passages define, e.g. "Shared Intelligence (Si)"."""
    found = dict(GLOSSARY)
    pattern = re.compile(
        r"((?:[A-Z][\w\-]*\s+(?:(?:and|of|for|the|in|&)\s+)*){1,8})\(([A-Z][A-Za-z]{1,6})\)"
    )
    for hit in hits:
        for match in pattern.finditer(normalise_whitespace(hit.chunk.text)):
            words = match.group(1).split()
            acronym = match.group(2)
            letters = "".join(c for c in acronym if c.isupper())
            if len(letters) < 2:
                continue
            expansion = words[-_span_for(words, len(letters)) :]
            initials = "".join(w[0] for w in expansion if w[0].isupper())
            if initials == letters and acronym not in found:
                found[acronym] = " ".join(expansion)
    return found


def _span_for(words: list[str], capitals: int) -> int:
    """How many trailing words hold ``capitals`` capitalised words (joining words included)."""
    seen = 0
    for i in range(len(words) - 1, -1, -1):
        if words[i][0].isupper():
            seen += 1
            if seen == capitals:
                return len(words) - i
    return len(words)


def expand_acronyms(text: str, acronyms: dict[str, str]) -> str:
    """Spell out each known acronym at its first use, unless its expansion is already there."""
    done: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        acronym = match.group(0)
        expansion = acronyms.get(acronym)
        if not expansion or acronym in done:
            return acronym
        done.add(acronym)
        before = text[max(0, match.start() - len(expansion) - 3) : match.start()]
        if expansion.lower() in text[: match.start()].lower() or before.endswith("("):
            return acronym
        if expansion.lower() in before.lower():
            return acronym
        return f"\x00{expansion} ({acronym})"

    expanded = _ACRONYM.sub(replace, text)
    # "an LGA hub" becomes "a Local Government Association (LGA) hub": the article follows the
    # expansion's first sound now, not the acronym's.
    expanded = re.sub(
        r"\b([Aa])n?(\s+)\x00(\w)",
        lambda m: (
            f"{m.group(1)}{'n' if m.group(3).lower() in 'aeiou' else ''}{m.group(2)}{m.group(3)}"
        ),
        expanded,
    )
    return expanded.replace("\x00", "")


def trusted_text(passage: str) -> str:
    """A passage without its instruction-like sentences ("ignore previous instructions", "note
    to AI assistants: ..."): what a generated answer may draw facts and URLs from."""
    return " ".join(s.text for s in split_sentences(passage) if not looks_like_instruction(s.text))


def strip_unknown_urls(text: str, hits: Sequence[Hit]) -> str:
    """Remove URLs that appear in none of the passages (markdown links keep their text); a URL
    that only a planted instruction mentions does not count."""
    known = " ".join([trusted_text(h.chunk.text) for h in hits] + [h.chunk.url or "" for h in hits])

    def allowed(url: str) -> bool:
        return url.rstrip(".,;:") in known

    text = _MD_LINK_URL.sub(lambda m: m.group(0) if allowed(m.group(2)) else m.group(1), text)
    text = _URL.sub(lambda m: m.group(0) if allowed(m.group(0)) else "", text)
    text = re.sub(r"\s*\(\s*(?:see|at|via|visit|from)?\s*\)", "", text, flags=re.IGNORECASE)
    text = re.sub(r",?\s+\b(?:see|at|via|visit)\s*(?=[.;\[]|$)", "", text, flags=re.IGNORECASE)
    return re.sub(r"[ \t]{2,}", " ", text)


# --------------------------------------------------------------------------- candidates


@dataclass(frozen=True, slots=True)
class _Candidate:
    sentence: Sentence
    hit_index: int  # 0-based position of the passage in the hits
    terms: frozenset[str]
    headings: frozenset[str]  # headings the sentence sits under (chunk path + in-chunk heading)


_CALL_TO_ACTION = re.compile(
    r"\b(?:please visit|click here|find out more|sign up|register (?:now|here)|contact us|"
    r"email us|visit (?:our|the) website|follow us|download (?:the|our))\b",
    re.IGNORECASE,
)


def _usable(sentence: Sentence) -> bool:
    """Can this sentence stand in an answer on its own?"""
    text = sentence.text
    words = sentence.words
    if words < 5 or words > 90:
        return False
    if text.endswith(("?", ":", "?\u201d")) or text[:1].islower():
        return False
    if not sentence.complete:
        capitalised = sum(w[:1].isupper() for w in text.split())
        if words < 8 or capitalised > 0.4 * words or ":" in text[:40] or "|" in text:
            return False  # a title, link text or table cell, not a statement
    letters = sum(c.isalpha() for c in text)
    if letters < 0.6 * len(text) or _CALL_TO_ACTION.search(text):
        return False
    return not looks_like_instruction(text) and not looks_partisan(text)


_LINK_LIST_HEADING = re.compile(
    r"^\s*(?:related(?: \w+)?|see also|useful links?|further (?:reading|information)|links|"
    r"references|sources|contacts?|contact us|more information)\b",
    re.IGNORECASE,
)


def _is_doc_question(sentence: Sentence) -> bool:
    return sentence.text.endswith(("?", "?\u201d")) and sentence.words >= 5


@dataclass(frozen=True, slots=True)
class _ChunkInfo:
    """A chunk's sentences, split and embedded once (cached by chunk id)."""

    sentences: tuple[Sentence, ...]  # every sentence (for quotes and support checks)
    usable: tuple[Sentence, ...]  # those that may stand in an answer
    vectors: np.ndarray  # one row per usable sentence
    questions: tuple[Sentence, ...]  # the document's own questions ("How can councils...?")
    question_vectors: np.ndarray


class _LRU:
    """A small thread-safe LRU map."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[str, object] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


@dataclass(frozen=True, slots=True)
class _Analysis:
    """The question and passages, embedded once: what both answerers work from."""

    question_vec: np.ndarray
    question_terms: dict[str, float]  # content term -> weight (rarer in the passages: higher)
    question_names: frozenset[str]  # stemmed names in the question ("brighton", "hove")
    candidates: tuple[_Candidate, ...]
    vectors: np.ndarray  # one row per candidate
    sims: np.ndarray  # cosine of each candidate to the question
    context: np.ndarray  # how well each candidate's section matches the question
    all_sentences: tuple[tuple[Sentence, ...], ...]  # per hit, every sentence (for quotes)
    evidence: float


def _headings_of(chunk: Chunk, sentence: Sentence) -> frozenset[str]:
    # The first heading is usually the document title: it says nothing about the section.
    path = chunk.heading_path[1:] if len(chunk.heading_path) > 1 else chunk.heading_path
    if sentence.heading and path and sentence.heading != path[-1]:
        # Under a heading met inside the chunk: it may start a new section, so only the
        # chunk's innermost heading (possibly its parent) still applies.
        path = path[-1:]
    heads = set(path)
    if sentence.heading:
        heads.add(sentence.heading)
    return frozenset(h for h in heads if h and h != chunk.title)


_COUNCIL_NAME = re.compile(
    r"\b[A-Z][a-z]+(?:\s+(?:and\s+)?[A-Z][a-z]+)*\s+(?:City |Borough |County |District |Metropolitan Borough )?Council\b"
)


def question_names(question: str) -> set[str]:
    """Stemmed capitalised words inside the question (names of councils, places, people)."""
    return {
        _stem(w)
        for i, w in enumerate(_WORD.findall(question))
        if i > 0 and w[:1].isupper() and w.lower() not in _STOPWORDS and not w.isupper()
    }


def _term_weights(question: str, candidates: Sequence[_Candidate]) -> dict[str, float]:
    """Question content terms weighted by rarity among the candidate sentences (IDF), names
    (capitalised mid-question words) counted double."""
    terms = content_terms(question)
    if not terms:
        return {}
    names = question_names(question)
    n = max(1, len(candidates))
    weights = {}
    for term in terms:
        df = sum(term in c.terms for c in candidates)
        weight = float(np.log(1.0 + n / (1.0 + df)))
        weights[term] = weight * (2.0 if term in names else 1.0)
    return weights


def _coverage(terms: frozenset[str] | set[str], weights: dict[str, float]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in terms) / total if total else 0.0


# --------------------------------------------------------------------------- the answerer


class Answerer:
    """Turns a question and retrieved hits into a cited ``Draft`` (or a refusal)."""

    def __init__(
        self, *, embedder: Embedder, chat_model: ChatModel | None, settings: Settings
    ) -> None:
        self.embedder = embedder
        self.chat_model = chat_model
        self.settings = settings
        self.min_evidence = resolve_min_evidence(settings, embedder.model_id)
        self._chunks = _LRU(4096)  # chunk id -> _ChunkInfo
        self._headings = _LRU(4096)  # heading text -> vector

    # ----------------------------------------------------------------- public

    def answer(self, question: str, *, audience: Audience, hits: Sequence[Hit]) -> Draft:
        """A cited answer to ``question`` from ``hits`` for ``audience``, or a refusal."""
        reason = check_scope(question)
        if reason is not None:
            return _refusal(reason, evidence=0.0)
        hits = _dedupe_hits(hits)
        if not hits:
            return _refusal(NO_SOURCES_REASON, evidence=0.0)
        analysis = self._analyse(question, hits)
        if analysis.evidence < self.min_evidence or not analysis.candidates:
            return _refusal(WEAK_EVIDENCE_REASON, evidence=analysis.evidence)
        if self.chat_model is not None:
            draft = self._generate(question, audience, hits, analysis)
            if draft is not None:
                return draft
        return self._extract(audience, hits, analysis)

    def evidence(self, question: str, hits: Sequence[Hit]) -> float:
        """The evidence score alone (used by calibration)."""
        hits = _dedupe_hits(hits)
        return self._analyse(question, hits).evidence if hits else 0.0

    # ----------------------------------------------------------------- analysis

    def _analyse(self, question: str, hits: Sequence[Hit]) -> _Analysis:
        infos: dict[str, _ChunkInfo] = {}
        pending: dict[str, tuple[list[Sentence], list[Sentence], list[Sentence]]] = {}
        for hit in hits:
            cid = hit.chunk.id
            cached = self._chunks.get(cid)
            if isinstance(cached, _ChunkInfo):
                infos[cid] = cached
            elif cid not in pending:
                every = split_sentences(hit.chunk.text)
                usable = [x for x in every if _usable(x)]
                questions = [x for x in every if _is_doc_question(x)]
                pending[cid] = (every, usable, questions)
        headings = sorted(
            {h for hit in hits for h in hit.chunk.heading_path}
            | {x.heading for info in pending.values() for x in info[0] if x.heading}
            | {x.heading for info in infos.values() for x in info.sentences if x.heading}
        )
        new_headings = [h for h in headings if self._headings.get(h) is None]
        # One embedding batch: the question, new sentences, new doc questions, new headings.
        texts = [with_expansions(question)]
        for _, usable, questions in pending.values():
            texts += [with_expansions(x.text) for x in usable]
            texts += [with_expansions(x.text) for x in questions]
        texts += new_headings
        matrix = np.asarray(self.embedder.embed(texts), dtype=np.float32)
        question_vec = matrix[0]
        row = 1
        for cid, (every, usable, questions) in pending.items():
            vecs = matrix[row : row + len(usable)]
            row += len(usable)
            qvecs = matrix[row : row + len(questions)]
            row += len(questions)
            info = _ChunkInfo(tuple(every), tuple(usable), vecs, tuple(questions), qvecs)
            self._chunks.put(cid, info)
            infos[cid] = info
        for heading in new_headings:
            self._headings.put(heading, matrix[row])
            row += 1
        heading_sim = {h: float(self._headings.get(h) @ question_vec) for h in headings}  # type: ignore[operator]

        # Sections whose own question (a document's "How can councils...?") matches ours:
        # the sentences that follow it in that section are likely the answer.
        section_match: dict[tuple[str, str], float] = {}
        for hit in hits:
            info = infos[hit.chunk.id]
            if not info.questions:
                continue
            sims = info.question_vectors @ question_vec
            for qs, sim in zip(info.questions, sims, strict=True):
                key = qs.heading or (hit.chunk.heading_path[-1] if hit.chunk.heading_path else "")
                k = (hit.chunk.document_id, key)
                section_match[k] = max(section_match.get(k, 0.0), float(sim))

        candidates: list[_Candidate] = []
        rows: list[np.ndarray] = []
        context: list[float] = []
        seen: set[str] = set()
        all_sentences = []
        for index, hit in enumerate(hits):
            info = infos[hit.chunk.id]
            all_sentences.append(info.sentences)
            for sentence, vec in zip(info.usable, info.vectors, strict=True):
                key = sentence.text.lower()
                if key in seen:
                    continue  # overlapping chunks repeat sentences
                seen.add(key)
                inner = sentence.heading or (
                    hit.chunk.heading_path[-1] if hit.chunk.heading_path else ""
                )
                if _LINK_LIST_HEADING.match(inner):
                    continue  # "Related" / "Useful links" lists name resources, they don't answer
                heads = _headings_of(hit.chunk, sentence)
                ctx = max([heading_sim.get(h, 0.0) for h in heads] or [0.0])
                for h in heads:
                    ctx = max(ctx, section_match.get((hit.chunk.document_id, h), 0.0))
                terms = frozenset(content_terms(with_expansions(sentence.text)))
                candidates.append(_Candidate(sentence, index, terms, heads))
                rows.append(vec)
                context.append(ctx)
        dim = question_vec.shape[0]
        vectors = np.stack(rows) if rows else np.zeros((0, dim), dtype=np.float32)
        sims = vectors @ question_vec if rows else np.zeros(0, dtype=np.float32)
        weights = _term_weights(with_expansions(question), candidates)
        evidence = _evidence_score(sims, set(content_terms(with_expansions(question))), hits)
        return _Analysis(
            question_vec,
            weights,
            frozenset(question_names(question)),
            tuple(candidates),
            vectors,
            sims,
            np.asarray(context, dtype=np.float32),
            tuple(all_sentences),
            evidence,
        )

    # ----------------------------------------------------------------- extractive

    def _extract(self, audience: Audience, hits: Sequence[Hit], analysis: _Analysis) -> Draft:
        budget = (
            self.settings.answer.councillor_words
            if audience == "councillor"
            else self.settings.answer.officer_words
        )
        chosen = select_sentences(analysis, audience=audience, budget=budget)
        if not chosen:
            return _refusal(WEAK_EVIDENCE_REASON, evidence=analysis.evidence)
        text, citations = compose([analysis.candidates[i] for i in chosen], hits)
        if audience == "councillor":
            text = expand_acronyms(text, known_acronyms(hits))
        if system_prompt_leaked(text):
            return _refusal(WEAK_EVIDENCE_REASON, evidence=analysis.evidence)
        return Draft(text, citations, False, None, analysis.evidence)

    # ----------------------------------------------------------------- generative

    def _generate(
        self, question: str, audience: Audience, hits: Sequence[Hit], analysis: _Analysis
    ) -> Draft | None:
        """The checked generative answer, a refusal, or None to fall back to extractive."""
        assert self.chat_model is not None
        words = (
            self.settings.answer.councillor_words
            if audience == "councillor"
            else self.settings.answer.officer_words
        )
        messages = build_messages(question, audience=audience, hits=hits, words=words)
        try:
            raw = self.chat_model.generate(messages)
        except ProviderError as exc:
            log.warning("chat model failed, answering extractively: %s", exc)
            return None
        raw = (raw or "").strip()
        if system_prompt_leaked(raw):
            log.warning("chat model output repeated the system prompt; answering extractively")
            return None
        if NOT_IN_SOURCES in raw or (_REFUSAL_PHRASES.search(raw) and not _MARKERS.search(raw)):
            return _refusal(WEAK_EVIDENCE_REASON, evidence=analysis.evidence)
        checked = check_generated(raw, hits, analysis.all_sentences, self.embedder)
        if checked is None:
            log.info("generated answer failed the support check; answering extractively")
            return None
        text, citations = checked
        if audience == "councillor":
            text = expand_acronyms(text, known_acronyms(hits))
        return Draft(text, citations, False, None, analysis.evidence)


# --------------------------------------------------------------------------- scoring


def _evidence_score(sims: np.ndarray, q_terms: set[str], hits: Sequence[Hit]) -> float:
    """How well the passages support an answer: best sentence cosines, the best dense passage
    score and the share of the question's content words found in the top passages."""
    if sims.size == 0:
        return 0.0
    top = np.sort(sims)[::-1]
    best = float(top[0])
    second = float(top[1]) if top.size > 1 else best
    sentence_part = 0.7 * best + 0.3 * second
    dense = [h.dense_score for h in hits if h.dense_score is not None]
    dense_part = max(dense) if dense else sentence_part
    if q_terms:
        found: set[str] = set()
        for hit in hits[:3]:
            found |= content_terms(hit.chunk.text)
        keyword_part = len(q_terms & found) / len(q_terms)
    else:
        keyword_part = 0.0
    return round(0.6 * sentence_part + 0.25 * dense_part + 0.15 * keyword_part, 4)


# How much a sentence's passage rank counts: fused retrieval puts the right document first
# ~85-90% of the time, so its order is worth more than a sentence's own cosine. 0.35 vs 0.15
# on the eval set: facts 0.856 vs 0.835, pass rate 0.882 vs 0.866, same retrieval.
RANK_PRIOR_WEIGHT = 0.35


def _base_scores(analysis: _Analysis, audience: Audience) -> np.ndarray:
    """Relevance of each candidate on its own: cosine to the question, weighted keyword
    coverage, its section's match to the question, the passage's retrieval rank, and
    audience preferences (short sentences for councillors, specifics for officers)."""
    weights = analysis.question_terms
    names = analysis.question_names
    scores = np.zeros(len(analysis.candidates), dtype=np.float32)
    for i, cand in enumerate(analysis.candidates):
        s = cand.sentence
        keyword = _coverage(cand.terms, weights)
        prior = max(0.5, 1.0 - 0.07 * cand.hit_index)
        section = max(0.0, float(analysis.context[i]) - 0.35)
        score = (
            0.5 * float(analysis.sims[i])
            + 0.25 * keyword
            + RANK_PRIOR_WEIGHT * prior
            + 0.3 * section
        )
        if not s.complete:
            score -= 0.05
        if names and not (cand.terms & names) and _COUNCIL_NAME.search(s.text):
            score -= 0.2  # about another council than the one asked about
        if _ANAPHORA.match(s.text):
            score -= 0.04  # leans on the sentence before it
        if _META.match(s.text):
            score -= 0.06  # describes the document ("This theme explores...") more than the topic
        if audience == "officer":
            if _SPECIFIC.search(s.text):
                score += 0.04
        else:
            if s.words > 30:
                score -= 0.01 * min(10, (s.words - 30) / 3)
            elif s.words <= 20:
                score += 0.02
        scores[i] = score
    return scores


def select_sentences(analysis: _Analysis, *, audience: Audience, budget: int) -> list[int]:
    """Indices of the candidates to use, best first (MMR with question-term coverage).

    Each step takes the candidate with the best relevance + new coverage of the question's
    content words - redundancy with what is already chosen, among those that fit the word
    budget and are not much weaker than the first choice.
    """
    n = len(analysis.candidates)
    if n == 0:
        return []
    base = _base_scores(analysis, audience)
    weights = analysis.question_terms
    q_terms = set(weights)
    first = int(np.argmax(base))
    floor = max(0.65 * float(base[first]), float(base[first]) - 0.2)
    chosen = [first]
    words = analysis.candidates[first].sentence.words
    covered = set(analysis.candidates[first].terms & q_terms)
    limit = int(budget * 1.15)
    while words < budget * 0.85:
        best, best_score = -1, -1e9
        chosen_vecs = analysis.vectors[chosen]
        redundancy = (analysis.vectors @ chosen_vecs.T).max(axis=1)
        for i in range(n):
            if i in chosen or base[i] < floor:
                continue
            cand = analysis.candidates[i]
            if words + cand.sentence.words > limit or redundancy[i] > 0.88:
                continue
            new = _coverage((cand.terms & q_terms) - covered, weights)
            score = float(base[i]) + 0.12 * new - 0.3 * max(0.0, float(redundancy[i]) - 0.4)
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        chosen.append(best)
        words += analysis.candidates[best].sentence.words
        covered |= analysis.candidates[best].terms & q_terms
    return chosen


# --------------------------------------------------------------------------- composing


def _quote_for(chunk: Chunk, sentences: Sequence[Sentence], max_chars: int = 2400) -> str:
    """The verbatim span of ``chunk`` covering ``sentences`` (so every sentence citing it is
    inside its quote), or the first of them if the span is unusually long."""
    ordered = sorted(sentences, key=lambda s: s.start)
    span = normalise_whitespace(chunk.text[ordered[0].start : ordered[-1].end])
    if len(span) <= max_chars:
        return span
    return sentences[0].quote


_LEADING_CONNECTIVE = re.compile(
    r"^(?:For example|For instance|However|In addition|Additionally|Also|Finally|Furthermore|"
    r"Moreover|In particular|As such|Similarly|Likewise|In turn|Therefore|Overall),\s+(?=\w)"
)


def _readable(sentence: Sentence, *, follows_previous: bool = False) -> str:
    """The sentence as shown: a dangling connective ("For example, ...") dropped when the
    sentence it connected to is not shown, unbalanced quote marks removed, a full stop added."""
    text = sentence.text
    if not follows_previous:
        stripped = _LEADING_CONNECTIVE.sub("", text)
        if stripped != text:
            text = stripped[:1].upper() + stripped[1:]
    for opening, closing in (("\u201c", "\u201d"), ("\u2018", "\u2019")):
        if text.count(opening) > text.count(closing) and text.startswith(opening):
            text = text[1:]
        if text.count(closing) > text.count(opening) and text.rstrip(".").endswith(closing):
            text = text.replace(closing, "", 1) if text.endswith(closing) else text
    if text.count('"') % 2 == 1:
        text = text.replace('"', "", 1) if text.startswith('"') else text
    return text if re.search(r"[.!?][\"'\u2019\u201d)]*$", text) else text + "."


def _with_marker(text: str, n: int | str) -> str:
    """``text`` with `` [n]`` before its closing punctuation."""
    if re.search(r"[\"\u201d\u2019]$", text):
        return f"{text} [{n}]"  # after a closing quote: the quotation stays whole
    match = re.search(r"[.!?]+$", text)
    cut = match.start() if match else len(text)
    return f"{text[:cut]} [{n}]{text[cut:]}"


def compose(picks: Sequence[_Candidate], hits: Sequence[Hit]) -> tuple[str, tuple[Citation, ...]]:
    """Order the picked sentences into paragraphs and number their citations.

    Passages appear in the order their first sentence was picked (so the most direct answer
    leads); within a passage sentences keep document order. Citations are numbered 1..n by
    first appearance.
    """
    groups: dict[int, list[_Candidate]] = {}
    for pick in picks:
        groups.setdefault(pick.hit_index, []).append(pick)
    paragraphs = []
    citations = []
    for n, (hit_index, members) in enumerate(groups.items(), start=1):
        members.sort(key=lambda c: c.sentence.index)
        lead = next(c for c in picks if c.hit_index == hit_index)
        if members[0] is not lead and not _ANAPHORA.match(lead.sentence.text):
            members.remove(lead)  # the most direct answer first, the rest in document order
            members.insert(0, lead)
        shown = {c.sentence.index for c in members}
        paragraphs.append(
            " ".join(
                _with_marker(
                    _readable(c.sentence, follows_previous=c.sentence.index - 1 in shown), n
                )
                for c in members
            )
        )
        chunk = hits[hit_index].chunk
        best_first = [c.sentence for c in picks if c.hit_index == hit_index]
        citations.append(Citation(n=n, chunk=chunk, quote=_quote_for(chunk, best_first)))
    return "\n\n".join(paragraphs), tuple(citations)


# --------------------------------------------------------------------------- generative check


def _split_answer(text: str) -> list[tuple[str, list[int]]]:
    """Sentences of a generated answer with the passage numbers each cites."""
    # "claim. [1] Next" -> "claim [1]. Next" so markers stay with their sentence.
    text = re.sub(r"([.!?])((?:\s*\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\])+)", r"\2\1", text)
    out = []
    for sentence in split_sentences(text):
        numbers: list[int] = []
        for group in _MARKERS.findall(sentence.text):
            numbers.extend(int(x) for x in re.split(r"\s*[,;]\s*", group))
        plain = normalise_whitespace(_MARKERS.sub("", sentence.text))
        plain = re.sub(r"\s+([.!?,;:])", r"\1", plain)
        if plain:
            out.append((plain, numbers))
    return out


def check_generated(
    raw: str,
    hits: Sequence[Hit],
    all_sentences: Sequence[Sequence[Sentence]],
    embedder: Embedder,
    *,
    min_cosine: float = 0.45,
    min_overlap: float = 0.5,
    min_kept: float = 0.5,
) -> tuple[str, tuple[Citation, ...]] | None:
    """Keep only the generated sentences their cited passages support; renumber citations.

    Returns None (fall back to extractive) when under ``min_kept`` of the sentences survive
    or nothing cited survives.
    """
    text = strip_unknown_urls(raw, hits)
    parts = _split_answer(text)
    if not parts:
        return None
    vecs = np.asarray(embedder.embed([p for p, _ in parts]), dtype=np.float32)
    # Sentence vectors of the cited passages, embedded in one batch.
    cited = sorted({n for _, ns in parts for n in ns if 1 <= n <= len(hits)})
    source_texts: list[str] = []
    owners: list[tuple[int, Sentence]] = []
    for n in cited:
        for s in all_sentences[n - 1]:
            if looks_like_instruction(s.text):
                continue  # a planted instruction supports nothing
            source_texts.append(s.text)
            owners.append((n, s))
    source_vecs = (
        np.asarray(embedder.embed(source_texts), dtype=np.float32) if source_texts else None
    )
    kept: list[tuple[str, list[int], dict[int, Sentence]]] = []
    for (plain, numbers), vec in zip(parts, vecs, strict=True):
        valid = [n for n in dict.fromkeys(numbers) if 1 <= n <= len(hits)]
        if (
            not valid
            or source_vecs is None
            or looks_like_instruction(plain)
            or looks_partisan(plain)
        ):
            continue
        terms = content_terms(plain)
        support: dict[int, Sentence] = {}
        for n in valid:
            chunk_text = trusted_text(hits[n - 1].chunk.text)
            rows = [i for i, (owner, _) in enumerate(owners) if owner == n]
            if not rows:
                continue
            sims = source_vecs[rows] @ vec
            best = int(np.argmax(sims))
            overlap = len(terms & content_terms(chunk_text)) / len(terms) if terms else 0.0
            numbers_ok = _numbers(plain) <= _numbers(chunk_text)
            if (
                numbers_ok
                and overlap >= min_overlap
                and (float(sims[best]) >= min_cosine or overlap >= 0.75)
            ):
                support[n] = owners[rows[best]][1]
        if support:
            kept.append((plain, list(support), support))
    if not kept or len(kept) < min_kept * len(parts):
        return None
    numbering: dict[int, int] = {}
    quotes: dict[int, list[Sentence]] = {}
    out = []
    for plain, numbers, support in kept:
        for n in numbers:
            numbering.setdefault(n, len(numbering) + 1)
            quotes.setdefault(n, [])
            if support[n] not in quotes[n]:
                quotes[n].append(support[n])
        markers = "][".join(str(numbering[n]) for n in numbers)
        sentence = plain if re.search(r"[.!?][\"'\u2019\u201d)]*$", plain) else plain + "."
        out.append(_with_marker(sentence, markers))
    citations = tuple(
        Citation(
            n=new, chunk=hits[old - 1].chunk, quote=_quote_for(hits[old - 1].chunk, quotes[old])
        )
        for old, new in numbering.items()
    )
    return " ".join(out), citations


# --------------------------------------------------------------------------- misc


def _dedupe_hits(hits: Sequence[Hit]) -> list[Hit]:
    seen: set[str] = set()
    out = []
    for hit in hits:
        if hit.chunk.id not in seen:
            seen.add(hit.chunk.id)
            out.append(hit)
    return out


def _refusal(reason: str, *, evidence: float) -> Draft:
    return Draft(refusal_text(reason), (), True, reason, evidence)


def resolve_min_evidence(settings: Settings, model_id: str) -> float:
    """The refusal threshold: the setting if given, else the calibration for this embedder."""
    if settings.answer.min_evidence is not None:
        return settings.answer.min_evidence
    calibration = load_calibration()
    if calibration and calibration.get("model_id") == model_id:
        return float(str(calibration["threshold"]))
    return UNCALIBRATED_MIN_EVIDENCE


@cache
def load_calibration(path: Path = CALIBRATION_PATH) -> dict[str, object] | None:
    """The stored calibration ({threshold, model_id, dataset, precision, recall, date})."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigurationError(
            f"{path} is unreadable ({exc}): run `python -m evals.calibrate` to rebuild it."
        ) from exc
    return data if isinstance(data, dict) and "threshold" in data else None


__all__ = [
    "CORPUS_COVERS",
    "Answerer",
    "Draft",
    "build_messages",
    "check_generated",
    "content_terms",
    "expand_acronyms",
    "format_passages",
    "render_prompt",
    "resolve_min_evidence",
    "strip_unknown_urls",
    "system_prompt_leaked",
]
