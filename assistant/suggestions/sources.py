"""The sources every suggestion part reads: index, catalogue, embedder, gazetteer and taxonomy.

``CatalogueSources`` holds the configured dependencies and the caches they share: vectors of
catalogue sentences computed once, and the map from catalogue entries to ingested documents.
Thread-safe.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.index import META_LAST_INGEST
from assistant.knowledge.gazetteer import Council, CouncilMention
from assistant.ports import Embedder
from assistant.suggestions.evidence import (
    ElementEntry,
    Evidence,
    ResourceEntry,
    element_entries,
    resource_entries,
    sentence_naming,
)
from assistant.suggestions.weights import WEIGHTS, ContextWeights
from assistant.text.sentences import normalise_whitespace, split_sentences
from assistant.types import Chunk, Hit

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.knowledge.catalogue import Catalogue


class CatalogueSources:
    """The index, the catalogue (as resource and element entries) and the lookups over them."""

    def __init__(
        self,
        index: Index,
        catalogue: Catalogue,
        *,
        find_councils: Callable[[str], Sequence[CouncilMention]],
        tag_themes: Callable[[str], Sequence[str]],
        get_council: Callable[[str], Council | None] | None = None,
        embedder: Embedder | None = None,
        weights: ContextWeights = WEIGHTS.context,
        vector_file: Path | None = None,
    ) -> None:
        from assistant.retrieval import CachedEmbedder
        from assistant.retrieval.vector_file import VectorFile

        self.index = index
        self.catalogue = catalogue
        self.find_councils = find_councils
        self.tag_themes = tag_themes
        self.get_council = get_council
        self.weights = weights
        inner = embedder or index.embedder
        self.embedder: Embedder = (
            inner
            if isinstance(inner, CachedEmbedder)
            else CachedEmbedder(inner, max_entries=20_000)
        )
        self.resources: list[ResourceEntry] = resource_entries(catalogue)
        self.elements: list[ElementEntry] = element_entries(catalogue)
        self._lock = threading.Lock()
        self._docs: dict[str, str] | None = None  # hint -> ingested document id
        self._docs_stamp: str | None = None  # last ingest time the map was built at
        self._static: dict[str, np.ndarray] = {}  # precomputed vectors of catalogue sentences
        # The catalogue's own texts, embedded once per content and model, kept between runs.
        self._stored = VectorFile(self.embedder, vector_file) if vector_file else None

    def use_embedder(self, embedder: Embedder) -> None:
        """Share another cache of the same model (e.g. the Assistant's ``CachedEmbedder``, which
        already holds the question and the hits' sentences). Same model id required."""
        if embedder.model_id != self.embedder.model_id:
            raise ValueError(
                f"embedder {embedder.model_id} differs from the suggester's {self.embedder.model_id}"
            )
        self.embedder = embedder

    # ---------------------------------------------------------------- vectors

    def embed_rows(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` as one float32 matrix (empty texts: an empty matrix)."""
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.asarray(self.embedder.embed(list(texts)), dtype=np.float32)

    def embed_catalogue(self, texts: Sequence[str]) -> np.ndarray:
        """``embed_rows`` for the catalogue's own texts (resources, elements, case studies):
        read from the vector file when one is configured (``save_vectors`` writes it)."""
        if self._stored is None or not texts:
            return self.embed_rows(texts)
        return self._stored.embed(list(texts))

    def save_vectors(self) -> None:
        """Keep the catalogue texts' vectors for the next start (when a file is configured)."""
        if self._stored is not None:
            self._stored.save()

    def precompute(self, texts: Sequence[str]) -> None:
        """Embed catalogue texts once, up front, so ``vectors`` finds them later."""
        missing = sorted(t for t in set(texts) if t not in self._static)
        if missing:
            vectors = self.embed_catalogue(missing)
            with self._lock:
                self._static.update(zip(missing, vectors, strict=True))

    def vectors(self, texts: Sequence[str], chunk_ids: Sequence[str] = ()) -> np.ndarray:
        """Vectors for ``texts``: precomputed ones first, then those stored at ingest with
        ``chunk_ids`` (the chunks the texts come from), the rest embedded in one batch."""
        with self._lock:
            found = {t: self._static[t] for t in texts if t in self._static}
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        stored_vectors = getattr(self.index.catalog, "text_vectors", None)
        if missing and chunk_ids and stored_vectors is not None:
            from assistant.answering.passage_vectors import merge, text_key

            stored = merge(stored_vectors(list(dict.fromkeys(chunk_ids))).values())
            for t in missing:
                vec = stored.get(text_key(t))
                if vec is not None:
                    found[t] = vec
            missing = [t for t in missing if t not in found]
        if missing:
            found.update(zip(missing, self.embed_rows(missing), strict=True))
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return np.stack([found[t] for t in texts])

    # ---------------------------------------------------------------- context

    def council_info(self, name: str) -> tuple[str | None, str | None]:
        """(type, region) of a council from the gazetteer (``(None, None)`` if unknown)."""
        council = self.get_council(name) if self.get_council else None
        return (council.type, council.region) if council else (None, None)

    def context_themes(self, question: str, hits: Sequence[Hit]) -> dict[str, float]:
        """Theme weights: the question's own tags count 1, each hit's tags decay with rank."""
        w = self.weights
        weights: dict[str, float] = {}
        for rank, hit in enumerate(hits[: w.hits], 1):
            for theme in hit.chunk.themes:
                weights[theme] = weights.get(theme, 0.0) + w.hit_decay / rank
        for theme in self.tag_themes(question):
            weights[theme] = weights.get(theme, 0.0) + w.question
        top = max(weights.values(), default=0.0) or 1.0
        return {t: v / top for t, v in weights.items()}

    # ---------------------------------------------------------------- catalogue passages

    def _catalogue_documents(self, *, refresh: bool = False) -> dict[str, str]:
        """Map each catalogue hint (source path, id, title) to an ingested document id.

        Built once; on ``refresh`` (a lookup missed) rebuilt only if an ingest has finished
        since, so catalogue files ingested after start-up are found without a restart, and an
        index without catalogue files is not rescanned on every lookup.
        """
        stamp = self.index.catalog.get_meta(META_LAST_INGEST) if refresh else None
        with self._lock:
            if self._docs is not None and (not refresh or stamp == self._docs_stamp):
                return self._docs
        stamp = self.index.catalog.get_meta(META_LAST_INGEST)
        mapping: dict[str, str] = {}
        records = [
            r
            for r in self.index.catalog.documents()
            if r.doc_type in ("framework", "resource", "case_study")
        ]
        for record in records:
            keys = {record.id, record.source, record.title.casefold()}
            source = record.source.replace("\\", "/")
            parts = source.split("/")
            for i in range(len(parts)):
                keys.add("/".join(parts[i:]))
            stem = Path(source).stem
            keys.add(stem)
            for key in keys:
                mapping.setdefault(key, record.id)
        with self._lock:
            self._docs = mapping
            self._docs_stamp = stamp
        return mapping

    def catalogue_document(self, hints: Sequence[str], name: str) -> str | None:
        """The ingested document id of a catalogue entry (by path, id or title), if any;
        from the mapping built once (no query per call)."""
        return next(_document_ids(self._catalogue_documents(), hints, name), None)

    def catalogue_chunks(self, hints: Sequence[str], name: str) -> list[Chunk]:
        """The ingested chunks of the catalogue document for an entry (by path, id or title)."""
        for refresh in (False, True):
            docs = self._catalogue_documents(refresh=refresh)
            for doc_id in _document_ids(docs, hints, name):
                chunks = self.index.catalog.document_chunks(doc_id)
                if chunks:
                    return chunks
        return []

    def best_passage(
        self, chunks: Sequence[Chunk], pattern: re.Pattern[str] | None, description: str
    ) -> tuple[Chunk, Evidence] | None:
        """The chunk (and sentence) that names the entry, else the one closest to its text."""
        if not chunks:
            return None
        if pattern is not None:
            # Prefer the sentence that names it AND shares most words with its description.
            words = set(re.findall(r"[a-z]{4,}", description.lower()))
            best: tuple[int, Chunk, Evidence] | None = None
            for chunk in chunks:
                for m in pattern.finditer(chunk.text):
                    ev = sentence_naming(chunk.text, m.start(), m.end(), m.group(0))
                    if ev.needle.casefold() not in ev.quote.casefold():
                        continue
                    overlap = len(words & set(re.findall(r"[a-z]{4,}", ev.text.lower())))
                    if not ev.whole:
                        continue  # named only in a heading or a broken line: quote a sentence
                    if best is None or overlap > best[0]:
                        best = (overlap, chunk, ev)
            if best is not None:
                return best[1], best[2]
        words = set(re.findall(r"[a-z]{4,}", description.lower()))
        scored = []
        for chunk in chunks:
            for sentence in split_sentences(chunk.text):
                overlap = len(words & set(re.findall(r"[a-z]{4,}", sentence.text.lower())))
                scored.append((overlap, -chunk.position, -sentence.index, chunk, sentence))
        if not scored:
            chunk = chunks[0]
            text = normalise_whitespace(chunk.text)[: self.weights.why_max_chars]
            return chunk, Evidence(quote=text, text=text)
        _, _, _, chunk, sentence = max(scored, key=lambda s: s[:3])
        return chunk, Evidence(quote=sentence.quote, text=sentence.text)


def _document_ids(docs: dict[str, str], hints: Sequence[str], name: str) -> Iterator[str]:
    """The document ids ``docs`` (hint -> id) holds for a catalogue entry, hint by hint: its
    ways to find it (path, stem, id or title), then its name."""
    for hint in (*hints, name.casefold()):
        key = hint.replace("\\", "/")
        doc_id = docs.get(key) or docs.get(Path(key).stem) or docs.get(key.casefold())
        if doc_id:
            yield doc_id
