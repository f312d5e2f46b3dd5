"""The ingest pipeline: discover files, load, chunk, tag, embed and commit each document whole.

Idempotent: a document whose content hash is unchanged is skipped without embedding; a changed
one is replaced; ``prune`` removes documents whose files are gone (only among documents from the
folders being ingested).

Crash-safe write protocol (a document is committed whole or not at all; ``kill -9`` at any
moment leaves an index the next run completes with no lost and no duplicated chunks):

1. embed the document's chunks;
2. upsert the vectors (deterministic chunk ids make this idempotent);
3. replace the document's rows in ONE catalogue transaction (chunks and keyword entries
   together: the catalogue is the source of truth);
4. delete the document's stale vectors (old ids not in the new set).

Every run starts by reconciling: vectors whose ids the catalogue does not hold (left by a crash
between 2 and 3, or 3 and 4) are deleted, and documents whose vectors are missing are re-embedded.
Readers resolve dense hits through the catalogue, so they see the old or the new version.

Test-only hooks (read here and nowhere else; never set them in production):

- ``LGA_ASSISTANT_TEST_SLOW_INGEST_MS``: sleep this long per document and again between the
  vector upsert and each catalogue commit, so a test can kill the process mid-run.
- ``LGA_ASSISTANT_TEST_CRASH_AT=<stage>:<n>``: SIGKILL this process the n-th time it reaches
  ``stage`` (loaded, upserted, committed, stale_deleted, pruned).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.errors import IngestError, StorageError
from assistant.index import META_LAST_INGEST, Index
from assistant.index.second_dense import vector_gaps
from assistant.knowledge import tag_text
from assistant.ports import DocumentRecord
from assistant.settings import Settings
from assistant.types import Chunk, Document
from ingest.capture import captured_notes, summarise
from ingest.chunking import CHUNKING_VERSION
from ingest.dedupe import Collapsed, collapse_duplicates
from ingest.loaders import SOURCES_CSV, SUPPORTED_EXTENSIONS, load_document, read_sources_csv
from ingest.names import safe_name, safe_path

Status = Literal["added", "updated", "unchanged", "removed", "skipped", "failed"]
STATUSES: tuple[Status, ...] = ("added", "updated", "unchanged", "removed", "skipped", "failed")
META_CHUNKING = "chunking_settings"

# Files in document folders that are data or configuration, not documents: skipped silently.
# Any other unsupported file in a folder is reported as failed (so a stray .xlsx is noticed).
IGNORED_EXTENSIONS = frozenset(
    {
        ".csv",
        ".tsv",
        ".json",
        ".jsonl",
        ".yaml",
        ".yml",
        ".toml",
        ".ini",
        ".cfg",
        ".lock",
        ".log",
        ".py",
        ".pyc",
        ".sqlite3",
        ".db",
        ".tmp",
        ".bak",
        ".swp",
    }
)


@dataclass(frozen=True, slots=True)
class DocumentReport:
    """What happened to one source. ``error`` says what is wrong and what to do."""

    source: str
    status: Status
    chunks: int = 0
    error: str | None = None
    document_id: str | None = None
    notes: tuple[str, ...] = ()  # what was done or said on the way (library warnings, ...)

    def __post_init__(self) -> None:
        # A file name that is not UTF-8 must not make the report unprintable (JSON, terminal).
        object.__setattr__(self, "source", safe_name(self.source))
        if self.error is not None:
            object.__setattr__(self, "error", safe_name(self.error))
        object.__setattr__(self, "notes", tuple(safe_name(n) for n in self.notes))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "chunks": self.chunks,
            "error": self.error,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class IngestReport:
    """The outcome of one run: a line per document plus totals."""

    documents: tuple[DocumentReport, ...]
    elapsed_s: float = 0.0
    chunks_embedded: int = 0

    def count(self, status: Status) -> int:
        return sum(1 for d in self.documents if d.status == status)

    @property
    def totals(self) -> dict[str, Any]:
        totals: dict[str, Any] = {s: self.count(s) for s in STATUSES}
        totals["documents"] = len(self.documents)
        totals["chunks"] = sum(d.chunks for d in self.documents if d.status != "removed")
        totals["chunks_embedded"] = self.chunks_embedded
        totals["elapsed_s"] = round(self.elapsed_s, 3)
        return totals

    @property
    def failed(self) -> tuple[DocumentReport, ...]:
        return tuple(d for d in self.documents if d.status == "failed")

    def exit_code(self, *, strict: bool = False) -> int:
        """0 if any document succeeded or nothing changed; 1 if every file failed, or with
        ``strict`` if any failed."""
        failed = self.count("failed")
        if failed and (strict or failed == len(self.documents)):
            return 1
        return 0

    def to_dict(self) -> dict[str, Any]:
        return {"documents": [d.to_dict() for d in self.documents], "totals": self.totals}


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to ingest, with its stable document id and sources.csv overrides."""

    path: Path
    doc_id: str
    root: Path | None  # the folder it was found in (None for an explicit file argument)
    overrides: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class _Refresh:
    """An unchanged document whose file bytes changed: store the new file hash."""

    record: DocumentRecord
    report: DocumentReport


@dataclass(slots=True)
class _Pending:
    source: str
    document: Document
    chunks: list[Chunk]
    previous: DocumentRecord | None
    file_hash: str = ""
    notes: tuple[str, ...] = ()


_Item = DocumentReport | _Refresh | _Pending
PREFETCH_DOCUMENTS = 32  # documents parsed ahead of the embedder
TEXT_VECTOR_BATCH = 256  # chunks whose sentences and headings are embedded and stored together


def _prefetch(items: Iterator[_Item], size: int) -> Iterator[_Item]:
    """Run ``items`` on a helper thread, ``size`` ahead of the consumer.

    An error on the helper thread is re-raised here; if the consumer stops early, the helper is
    told to stop too."""
    buffer: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=size)
    stop = threading.Event()

    def put(kind: str, value: object) -> bool:
        while not stop.is_set():
            try:
                buffer.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put("item", item):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, which re-raises
            put("error", exc)
            return
        put("done", None)

    thread = threading.Thread(target=work, name="ingest-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = buffer.get()
            if kind == "done":
                return
            if kind == "error":
                assert isinstance(value, BaseException)
                raise value
            yield value  # type: ignore[misc]
    finally:
        stop.set()
        thread.join(timeout=5)


def _under_any(source: str, folders: Sequence[Path]) -> bool:
    path = Path(source)
    return path.is_absolute() and any(path.is_relative_to(folder) for folder in folders)


def _other_live_source(recorded: str, path: Path) -> bool:
    """True when the indexed document with this id came from another file that still exists
    (two folders with the same name); a moved folder (old file gone) is not a clash."""
    old = Path(recorded)
    if not old.is_absolute() or old == path:
        return False
    try:
        return old.exists() and not old.samefile(path)
    except OSError:
        return False


def _is_hidden(relative: Path) -> bool:
    return any(part.startswith((".", "~$")) for part in relative.parts)


_OPT_OUT = re.compile(r"^ingest:\s*(?:false|no|off)\s*$", re.IGNORECASE | re.MULTILINE)


def _opted_out(path: Path) -> bool:
    """A Markdown file whose front matter says ``ingest: false`` (e.g. a folder's README that
    documents the format) is not content, so a folder walk passes over it."""
    if path.suffix.lower() not in (".md", ".markdown"):
        return False
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return False  # unreadable: let the loader report it
    if not head.startswith("---"):
        return False
    end = head.find("\n---", 3)
    return end != -1 and bool(_OPT_OUT.search(head[3:end]))


def _lookup_overrides(
    table: Mapping[str, Mapping[str, str]] | None, relative: Path
) -> Mapping[str, str] | None:
    if not table:
        return None
    return table.get(relative.as_posix()) or table.get(relative.name)


def _sources_table(
    folder: Path, failures: list[DocumentReport]
) -> Mapping[str, Mapping[str, str]] | None:
    try:
        return read_sources_csv(folder)
    except IngestError as exc:  # a broken sources.csv costs the overrides, not the run
        failures.append(DocumentReport(str(folder / SOURCES_CSV), "failed", error=str(exc)))
        return None


def _unsupported(path: Path) -> str:
    kinds = ", ".join(sorted(SUPPORTED_EXTENSIONS))
    return (
        f"unsupported file type {path.suffix or '(no extension)'!r}: convert it to one of "
        f"{kinds}, or move it out of the folder"
    )


def _walk(folder: Path, failures: list[DocumentReport]) -> list[Path]:
    """Every file under ``folder`` (not hidden folders), sorted; linked folders are followed.

    A link that loops back to a folder already on the way down, a broken link and a folder
    that cannot be read each get one line in ``failures`` (status ``skipped`` or ``failed``)
    instead of being passed over in silence."""
    files: list[Path] = []

    def visit(directory: Path, ancestors: frozenset[Path]) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            failures.append(
                DocumentReport(
                    str(directory),
                    "failed",
                    error=f"cannot read this folder ({exc.strerror or exc}): make it readable "
                    "(chmod +rx) or move it out, then re-run",
                )
            )
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith((".", "~$")):
                continue
            try:
                is_dir = entry.is_dir()  # follows links
                if not is_dir and entry.is_symlink():
                    path.stat()  # raises for a broken or looping link to a file
            except OSError as exc:
                failures.append(
                    DocumentReport(
                        str(path),
                        "skipped",
                        error=f"broken or looping link ({exc.strerror or exc}): fix or remove it",
                    )
                )
                continue
            if not is_dir:
                files.append(path)
                continue
            real = path.resolve()
            if real in ancestors:
                failures.append(
                    DocumentReport(
                        str(path),
                        "skipped",
                        error=f"link loop: points back to {safe_path(real.name)}/, which is "
                        "already being read; remove the link or point it elsewhere",
                    )
                )
                continue
            visit(path, ancestors | {real})

    visit(folder, frozenset({folder.resolve()}))
    return files


def discover(paths: Sequence[Path]) -> tuple[list[SourceFile], list[DocumentReport], list[Path]]:
    """(files to ingest, failures found while looking, folders walked) for ``paths``.

    Folders are walked recursively (hidden files and sources.csv skipped); document ids are
    ``"<folder name>/<relative path>"``; an explicit file gets ``"<parent name>/<file name>"``.
    """
    files: list[SourceFile] = []
    failures: list[DocumentReport] = []
    folders: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            folder = path.resolve()
            folders.append(folder)
            table = _sources_table(folder, failures)
            for item in _walk(folder, failures):
                relative = item.relative_to(folder)
                if _is_hidden(relative) or item.name == SOURCES_CSV:
                    continue
                if _opted_out(item):
                    continue
                suffix = item.suffix.lower()
                if suffix in SUPPORTED_EXTENSIONS:
                    files.append(
                        SourceFile(
                            path=item,
                            doc_id=safe_name(f"{folder.name}/{relative.as_posix()}"),
                            root=folder,
                            overrides=_lookup_overrides(table, relative),
                        )
                    )
                elif suffix and suffix not in IGNORED_EXTENSIONS:
                    failures.append(DocumentReport(str(item), "failed", error=_unsupported(item)))
        elif path.is_file():
            resolved = path.resolve()
            if resolved.suffix.lower() not in SUPPORTED_EXTENSIONS:
                failures.append(DocumentReport(str(path), "failed", error=_unsupported(path)))
                continue
            table = _sources_table(resolved.parent, failures)
            files.append(
                SourceFile(
                    path=resolved,
                    doc_id=safe_name(f"{resolved.parent.name}/{resolved.name}"),
                    root=None,
                    overrides=_lookup_overrides(table, Path(resolved.name)),
                )
            )
        else:
            failures.append(
                DocumentReport(str(path), "failed", error="no such file or folder: check the path")
            )
    return files, failures, folders


class _TestHooks:
    """The test-only slow-down and self-kill hooks documented in the module docstring."""

    def __init__(self) -> None:
        self.slow_s = float(os.environ.get("LGA_ASSISTANT_TEST_SLOW_INGEST_MS", "0") or 0) / 1000
        stage, _, n = os.environ.get("LGA_ASSISTANT_TEST_CRASH_AT", "").partition(":")
        self.crash_stage = stage or None
        self.crash_n = int(n or 1)
        self.seen: dict[str, int] = {}

    def sleep(self) -> None:
        if self.slow_s:
            time.sleep(self.slow_s)

    def reached(self, stage: str) -> None:
        if self.crash_stage != stage:
            return
        self.seen[stage] = self.seen.get(stage, 0) + 1
        if self.seen[stage] >= self.crash_n:
            os.kill(os.getpid(), signal.SIGKILL)


class _Progress:
    """A Rich progress bar on stderr with documents/s and chunks/s (or nothing)."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled and total > 0
        self.total = total
        self.docs = 0
        self.chunks = 0
        self.start = time.perf_counter()
        self._progress: Any = None
        self._task: Any = None
        self._file_task: Any = None
        self._file_name = ""

    @contextmanager
    def running(self) -> Iterator[_Progress]:
        if not self.enabled:
            yield self
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rates]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        with self._progress:
            self._task = self._progress.add_task("ingest", total=self.total, rates="")
            yield self

    def file(self, name: str, done: int, total: int) -> None:
        """A second line for a big file being embedded: its chunks done out of its total."""
        if self._progress is None:
            return
        if self._file_task is None or self._file_name != name:
            self._end_file()
            label = name if len(name) <= 40 else "..." + name[-37:]
            self._file_task = self._progress.add_task(f"  {label}", total=total, rates="chunks")
            self._file_name = name
        self._progress.update(self._file_task, completed=done)
        if done >= total:
            self._end_file()

    def _end_file(self) -> None:
        if self._progress is not None and self._file_task is not None:
            self._progress.remove_task(self._file_task)
        self._file_task = None
        self._file_name = ""

    def advance(self, docs: int = 0, chunks: int = 0) -> None:
        self.docs += docs
        self.chunks += chunks
        if self._progress is None:
            return
        elapsed = max(time.perf_counter() - self.start, 1e-6)
        rates = f"{self.docs / elapsed:.1f} docs/s, {self.chunks / elapsed:.1f} chunks/s"
        self._progress.update(self._task, advance=docs, rates=rates)


@contextmanager
def _step_bar(enabled: bool, label: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress line on stderr for one step of ``total`` items, fed ``(done, total)``;
    nothing is shown when disabled or when the step has no work."""
    if not enabled:
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:
        task: Any = None

        def update(done: int, total: int) -> None:
            nonlocal task
            if task is None:
                task = bar.add_task(label, total=total)
            bar.update(task, completed=done)

        yield update


# Bump when loaders change how the same bytes become a document, so that re-ingest parses every
# file again. Chunking is checked on its own: a changed chunking setting, or
# ``ingest.chunking.CHUNKING_VERSION``, re-chunks every document.
FINGERPRINT_VERSION = "2"  # 2: "## Not confirmed" sections left out (eec51f8)


def file_fingerprint(source: SourceFile, max_bytes: int) -> str:
    """Hash of the file's bytes, its sources.csv overrides and ``FINGERPRINT_VERSION``; "" when
    the file cannot be read or is over the size limit (the loader then reports why)."""
    try:
        if source.path.stat().st_size > max_bytes:
            return ""
        data = source.path.read_bytes()
    except OSError:
        return ""
    digest = hashlib.sha256(data)
    overrides = json.dumps(dict(source.overrides or {}), sort_keys=True)
    digest.update(f"\0{overrides}\0{FINGERPRINT_VERSION}".encode())
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(slots=True)
class Pipeline:
    """Ingests files or in-memory Documents into an ``Index``.

    ``flush_chunks``: chunks embedded together (across documents) so small documents still
    fill the embedder's batches; each document is still committed on its own.
    ``progress_chunks``: chunks embedded per call when a batch is bigger (progress of big files). ``chunker``
    replaces ``ingest.chunking.chunk_document`` (same keyword arguments), e.g. for a baseline.
    """

    index: Index
    settings: Settings
    flush_chunks: int = 0
    chunker: Callable[..., Sequence[Chunk]] | None = None
    progress_chunks: int = 256  # a file with more chunks shows its own progress line
    _hooks: _TestHooks = field(default_factory=_TestHooks)

    def __post_init__(self) -> None:
        if self.flush_chunks <= 0:
            self.flush_chunks = max(64, 8 * self.settings.embedder.batch_size)

    # -- public API --------------------------------------------------------------------------

    def ingest_paths(
        self, paths: Sequence[Path], *, prune: bool = False, progress: bool = True
    ) -> IngestReport:
        """Ingest files and folders; with ``prune`` remove documents whose files are gone.

        Files are loaded, chunked and tagged on a helper thread while this thread embeds and
        commits, so parsing overlaps with the model (commits stay on this thread, in order).
        """
        start = time.perf_counter()
        files, failures, folders = discover(paths)
        with self._exclusive():
            force = self._reconcile()
            known = {r.id: r for r in self.index.catalog.documents()}
            seen: set[str] = set()
            bar = _Progress(progress, len(files))
            with bar.running():
                items = self._prepare_files(files, known, force, seen)
                reports, embedded = self._consume(_prefetch(items, PREFETCH_DOCUMENTS), bar)
            if prune:
                reports.extend(self._prune(folders, known, seen))
            self._finish(progress)
        return IngestReport((*failures, *reports), time.perf_counter() - start, embedded)

    def index_documents(self, documents: Sequence[Document]) -> IngestReport:
        """Ingest already-loaded Documents (chunk, tag, embed, commit); no discovery, no prune."""
        start = time.perf_counter()
        with self._exclusive():
            force = self._reconcile()
            known = {r.id: r for r in self.index.catalog.documents()}
            items = (
                self._prepare_document(d.source or d.id, d, known, force, "") for d in documents
            )
            reports, embedded = self._consume(items, _Progress(False, 0))
            self._finish()
        return IngestReport(tuple(reports), time.perf_counter() - start, embedded)

    # -- steps -------------------------------------------------------------------------------

    def _exclusive(self) -> AbstractContextManager[None]:
        """One ingest at a time across processes when the catalogue is shared (PostgreSQL's
        ``writer_lock``): a second replica's reconcile would delete vectors the first has
        upserted but not yet committed. The embedded SQLite catalogue needs no such lock."""
        lock = getattr(self.index.catalog, "writer_lock", None)
        return lock() if callable(lock) else nullcontext()

    def _consume(self, items: Iterable[_Item], bar: _Progress) -> tuple[list[DocumentReport], int]:
        """Record reports, apply hash refreshes, and embed + commit pending documents in
        batches of about ``flush_chunks`` chunks."""
        reports: list[DocumentReport] = []
        pending: list[_Pending] = []
        queued = embedded = 0
        for item in items:
            if isinstance(item, DocumentReport):
                reports.append(item)
                bar.advance(docs=1)
                continue
            if isinstance(item, _Refresh):
                self.index.catalog.replace_document(
                    item.record, self.index.catalog.document_chunks(item.record.id)
                )
                reports.append(item.report)
                bar.advance(docs=1)
                continue
            pending.append(item)
            queued += len(item.chunks)
            if queued >= self.flush_chunks:
                embedded += self._flush(pending, reports, bar)
                queued = 0
        embedded += self._flush(pending, reports, bar)
        return reports, embedded

    def _prepare_files(
        self,
        files: Sequence[SourceFile],
        known: Mapping[str, DocumentRecord],
        force: set[str],
        seen: set[str],
    ) -> Iterator[_Item]:
        """Per file: a final report (failed/unchanged), a hash refresh, or a chunked document.
        Reads the catalogue only through ``known``; never writes."""
        max_bytes = int(self.settings.ingest.max_file_mb * 1024 * 1024)
        for source in files:
            self._hooks.sleep()
            path = safe_path(source.path)
            if source.doc_id in seen:
                yield DocumentReport(
                    path,
                    "failed",
                    error=f"document id {source.doc_id!r} is already used by another file in "
                    "this run: rename one of the folders",
                )
                continue
            seen.add(source.doc_id)
            file_hash = file_fingerprint(source, max_bytes)
            previous = known.get(source.doc_id)
            if previous is not None and _other_live_source(previous.source, source.path):
                yield DocumentReport(
                    path,
                    "failed",
                    error=f"document id {source.doc_id!r} is already used by {previous.source} "
                    "(another folder with the same name): rename one of the folders",
                )
                continue
            if (
                file_hash
                and previous is not None
                and previous.file_hash == file_hash
                and previous.source == path
                and source.doc_id not in force
            ):  # same bytes and metadata as last time: skip without parsing
                yield DocumentReport(path, "unchanged", len(previous.chunk_ids), None, previous.id)
                continue
            messages: list[str] = []
            try:
                with captured_notes() as messages:
                    document = load_document(
                        source.path,
                        doc_id=source.doc_id,
                        overrides=source.overrides,
                        max_bytes=max_bytes,
                    )
            except IngestError as exc:
                yield DocumentReport(path, "failed", error=str(exc), notes=summarise(messages))
                continue
            except OSError as exc:
                yield DocumentReport(
                    path,
                    "failed",
                    error=f"cannot read the file ({exc.strerror or exc}): check it exists and "
                    "is readable",
                    notes=summarise(messages),
                )
                continue
            self._hooks.reached("loaded")
            yield self._prepare_document(
                path, document, known, force, file_hash, notes=summarise(messages)
            )

    def _prepare_document(
        self,
        source: str,
        document: Document,
        known: Mapping[str, DocumentRecord],
        force: set[str],
        file_hash: str,
        notes: tuple[str, ...] = (),
    ) -> _Item:
        """Unchanged (maybe with a hash refresh), failed, or chunked and ready to embed."""
        previous = known.get(document.id)
        if (
            previous is not None
            and previous.content_hash == document.content_hash
            and previous.source == document.source  # chunks carry the source path too
            and document.id not in force
        ):
            report = DocumentReport(
                source, "unchanged", len(previous.chunk_ids), None, document.id, notes
            )
            if file_hash and previous.file_hash != file_hash:
                # Same content, new bytes (e.g. re-saved): remember them so the next run skips
                # parsing. Same chunks, so this is as crash-safe as any replace.
                return _Refresh(replace(previous, file_hash=file_hash), report)
            return report
        try:
            collapsed = self._chunk(document)
        except IngestError as exc:
            return DocumentReport(source, "failed", error=str(exc), notes=notes)
        chunks = collapsed.chunks
        note = collapsed.note()
        if note:
            notes = (*notes, note)
        limit = self.settings.ingest.max_chunks_per_document
        if len(chunks) > limit:
            return DocumentReport(
                source,
                "failed",
                error=f"{len(chunks):,} chunks (after collapsing duplicates), over the limit of "
                f"{limit:,} per document: split the file, or raise "
                "LGA_ASSISTANT_INGEST__MAX_CHUNKS_PER_DOCUMENT and re-run",
                notes=notes,
            )
        if not chunks:
            return DocumentReport(
                source,
                "failed",
                error="no text to index after loading: check the file has readable text "
                "(scanned PDFs need OCR first)",
                notes=notes,
            )
        return _Pending(source, document, chunks, previous, file_hash, notes)

    def _reconcile(self) -> set[str]:
        """Delete vectors the catalogue does not hold; return ids of documents to re-embed
        (their vectors are missing, or the chunking settings changed since they were built)."""
        catalog, vectors = self.index.catalog, self.index.vectors
        orphans, missing = vector_gaps(vectors, catalog)
        if orphans:
            vectors.delete(sorted(orphans))
        force: set[str] = set()
        chunking = self._chunking_signature()
        stale_chunking = catalog.get_meta(META_CHUNKING) not in (None, chunking)
        if missing or stale_chunking:
            for record in catalog.documents():
                if stale_chunking or missing.intersection(record.chunk_ids):
                    force.add(record.id)
        return force

    def _chunking_signature(self) -> str:
        s = self.settings.ingest
        sizes = f"{s.chunk_min_tokens}/{s.chunk_max_tokens}/{s.chunk_overlap_tokens}"
        return f"v{CHUNKING_VERSION}:{sizes}"

    def _chunk(self, document: Document) -> Collapsed:
        """Chunk, collapse duplicate chunks (before tagging, which costs per chunk), tag."""
        s = self.settings.ingest
        chunker = self.chunker
        if chunker is None:
            from ingest.chunking import chunk_document

            chunker = chunk_document
        collapsed = collapse_duplicates(
            chunker(
                document,
                count_tokens=self.index.embedder.count_tokens,
                min_tokens=s.chunk_min_tokens,
                max_tokens=s.chunk_max_tokens,
                overlap_tokens=s.chunk_overlap_tokens,
            )
        )
        tagged = []
        for chunk in collapsed.chunks:
            councils, themes = tag_text(chunk.text)
            tagged.append(replace(chunk, councils=tuple(councils), themes=tuple(themes)))
        return replace(collapsed, chunks=tagged)

    def _flush(self, pending: list[_Pending], reports: list[DocumentReport], bar: _Progress) -> int:
        """Embed the queued documents together, then commit each one (steps 1-4).

        A document whose vectors or rows the stores refuse (bad data, not a full disk) is
        reported as failed; the others in the batch are still committed."""
        if not pending:
            return 0
        all_chunks = [c for p in pending for c in p.chunks]
        vectors = self._embed(pending, bar)  # 1
        try:
            self.index.vectors.upsert(all_chunks, vectors)  # 2
            stored = list(pending)
        except (ValueError, TypeError):  # one document's data, not the store: try one by one
            stored = self._upsert_each(pending, vectors, reports, bar)
        self._hooks.reached("upserted")
        now = _now()
        for item in stored:
            self._hooks.sleep()
            doc = item.document
            record = DocumentRecord(
                id=doc.id,
                source=doc.source,
                title=doc.title,
                content_hash=doc.content_hash,
                chunk_ids=tuple(c.id for c in item.chunks),
                doc_type=doc.doc_type,
                publisher=doc.publisher,
                published=doc.published,
                url=doc.url,
                ingested_at=now,
                file_hash=item.file_hash,
            )
            try:
                self.index.catalog.replace_document(record, item.chunks)  # 3
            except (ValueError, TypeError) as exc:
                self._discard(item, reports, bar, exc, "catalogue")
                continue
            self._hooks.reached("committed")
            if item.previous is not None:
                stale = set(item.previous.chunk_ids) - set(record.chunk_ids)
                if stale:
                    self.index.vectors.delete(sorted(stale))  # 4
            self._hooks.reached("stale_deleted")
            status: Status = "added" if item.previous is None else "updated"
            reports.append(
                DocumentReport(item.source, status, len(item.chunks), None, doc.id, item.notes)
            )
            bar.advance(docs=1, chunks=len(item.chunks))
        pending.clear()
        return len(all_chunks)

    def _embed(self, pending: Sequence[_Pending], bar: _Progress) -> Any:
        """Vectors for every queued chunk, in slices of ``progress_chunks`` so a big file shows
        its own progress (chunks done of its total) while it is embedded."""
        texts = [c.text for p in pending for c in p.chunks]
        step = self.progress_chunks
        if len(texts) <= step:
            return self.index.embedder.embed(texts)
        spans = []  # (first chunk index, document) of the documents big enough to show
        first = 0
        for item in pending:
            if len(item.chunks) > step:
                spans.append((first, item))
            first += len(item.chunks)
        parts = []
        for start in range(0, len(texts), step):
            stop = min(start + step, len(texts))
            parts.append(self.index.embedder.embed(texts[start:stop]))
            for first, item in spans:  # big documents this slice reached into
                if first < stop and start < first + len(item.chunks):
                    done = min(stop - first, len(item.chunks))
                    bar.file(item.source, done, len(item.chunks))
        import numpy as np

        return np.concatenate(parts)

    def _upsert_each(
        self,
        pending: Sequence[_Pending],
        vectors: Any,
        reports: list[DocumentReport],
        bar: _Progress,
    ) -> list[_Pending]:
        """Upsert document by document; the ones the store refuses are reported as failed."""
        stored: list[_Pending] = []
        start = 0
        for item in pending:
            end = start + len(item.chunks)
            try:
                self.index.vectors.upsert(item.chunks, vectors[start:end])
            except (ValueError, TypeError) as exc:
                self._discard(item, reports, bar, exc, "vector index")
            else:
                stored.append(item)
            start = end
        return stored

    def _discard(
        self,
        item: _Pending,
        reports: list[DocumentReport],
        bar: _Progress,
        exc: BaseException,
        store: str,
    ) -> None:
        """Report a document the stores refused, and remove any vectors it left (a new
        document's only; an updated one keeps its previous version)."""
        fresh = [c.id for c in item.chunks]
        if item.previous is not None:
            fresh = [cid for cid in fresh if cid not in set(item.previous.chunk_ids)]
        if fresh:
            self.index.vectors.delete(fresh)
        reason = " ".join(str(exc).split()) or type(exc).__name__
        reports.append(
            DocumentReport(
                item.source,
                "failed",
                error=f"the {store} refused this document ({reason[:200]}): rename or re-save "
                "the file and re-run; the other documents were kept",
                notes=item.notes,
            )
        )
        bar.advance(docs=1)

    def _embed_passages(self) -> int:
        """Embed the sentences and headings of every chunk that has no stored vectors yet
        (new or changed documents, and indexes built before vectors were stored), so answering
        embeds only the question. Idempotent: a crash leaves chunks a later run completes."""
        from assistant.answering.passage_vectors import embed_passages
        from assistant.suggestions.peers import peer_evidence_texts

        catalog = self.index.catalog
        todo = sorted(catalog.chunks_without_text_vectors())
        for start in range(0, len(todo), TEXT_VECTOR_BATCH):
            chunks = catalog.chunks(todo[start : start + TEXT_VECTOR_BATCH])
            vectors = embed_passages(self.index.embedder, chunks, extra=peer_evidence_texts)
            catalog.put_text_vectors(vectors)
        return len(todo)

    def _prune(
        self, folders: Sequence[Path], known: Mapping[str, DocumentRecord], seen: set[str]
    ) -> list[DocumentReport]:
        """Remove documents whose source file lies under one of ``folders`` but was not found
        in this run. Decided by source path, not by id prefix: another folder with the same
        name (e.g. the project's ``corpus/`` and a shared ``corpus``) is never touched."""
        reports = []
        for doc_id, record in sorted(known.items()):
            if doc_id not in seen and _under_any(record.source, folders):
                self.index.catalog.remove_document(doc_id)  # truth first; vectors follow
                self.index.vectors.delete(list(record.chunk_ids))
                self._hooks.reached("pruned")
                reports.append(DocumentReport(record.source, "removed", len(record.chunk_ids)))
        return reports

    def _sync_second(self, progress: bool) -> int:
        """Bring the second dense retriever's vectors in step with the catalogue (new and
        changed chunks embedded, removed ones deleted); see ``assistant.index.second_dense``."""
        second = self.index.second
        if second is None:
            return 0
        with _step_bar(
            progress, f"second retriever ({self.settings.retrieval.second_dense})"
        ) as bar:
            return second.sync(self.index.catalog, progress=bar)

    def _finish(self, progress: bool = False) -> None:
        self._embed_passages()
        self._sync_second(progress)
        self.index.catalog.set_meta(META_CHUNKING, self._chunking_signature())
        self.index.catalog.set_meta(META_LAST_INGEST, _now())


def open_index_for_ingest(
    settings: Settings,
    embedder: Any,
    *,
    rebuild: bool = False,
    open_index: Callable[..., Index] = Index.open,
) -> Index:
    """Open (creating if needed) the index to ingest into; ``rebuild`` deletes it first."""
    if rebuild:
        Index.destroy(settings)
    try:
        return open_index(settings, embedder, create=True)
    except OSError as exc:
        raise StorageError(
            f"Cannot open the index in {settings.data_dir} ({exc}): check the data directory is "
            "writable and the disk has space."
        ) from exc
