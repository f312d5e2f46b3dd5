"""Eval orchestration: build what a run needs from ``Settings``, run it, write the run folder.

``evals.run`` scores and aggregates and knows only the ``ask`` signature; this module wires the
real pieces to it: the index (ingesting the default sources when the data dir has none), the
assistant, the scorer, the LangChain-style baseline, the snapshot and the HTML report. It also
rescores and compares written runs. The CLI (``lga-assistant eval ...``) only parses options,
calls these and prints; progress is reported through callbacks, so nothing here draws.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import IndexNotFoundError

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.ports import Embedder
    from assistant.settings import Settings
    from assistant.types import Document
    from evals.compare import Comparison
    from evals.run import Asker, EvalCase, RunResult, Scorer, ThresholdCheck

# The checkout (assistant.settings.PROJECT_ROOT), without importing the settings for `--help`.
PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
SYSTEM_PROMPT = PROJECT_ROOT / "assistant" / "answering" / "prompts" / "system.txt"
RUNS_DIR = PROJECT_ROOT / "evals" / "runs"

# Called after each case of a run has been asked and scored.
CaseDone = Callable[["EvalCase"], None]
# ``progress(label, total)`` opens the progress of one run ("ours", "baseline") of ``total``
# cases; the context manager yields the per-case callback and closes when the run ends.
RunProgress = Callable[[str, int], AbstractContextManager[CaseDone]]


def default_ingest_paths(settings: Settings) -> list[Path]:
    """The catalogue, the configured document folders and ``../shared/corpus`` when present."""
    paths = [settings.corpus_dir, *settings.document_dirs]
    if SHARED_CORPUS.is_dir() and SHARED_CORPUS.resolve() not in {p.resolve() for p in paths}:
        paths.append(SHARED_CORPUS)
    return [p for p in paths if Path(p).exists()]


def ensure_index(
    settings: Settings, embedder: Embedder, *, say: Callable[[str], None], progress: bool = True
) -> Index:
    """Open the index in the data dir; when there is none, ingest the default sources first
    (``progress`` shows the ingest's own progress bar)."""
    from assistant.app import open_index

    try:
        return open_index(settings, embedder)
    except IndexNotFoundError:
        from ingest.pipeline import Pipeline, open_index_for_ingest

        paths = default_ingest_paths(settings)
        say(
            f"No index in {settings.data_dir}: ingesting {', '.join(str(p) for p in paths)} "
            "into it first."
        )
        index = open_index_for_ingest(settings, embedder)
        report = Pipeline(index, settings).ingest_paths(paths, progress=progress)
        t = report.totals
        say(f"Ingested {t['added']} documents ({t['chunks']} chunks); {t['failed']} failed.")
        return index


def load_indexed_documents(index: Index) -> list[Document]:
    """Reload the files behind the indexed documents (for the baseline's own chunking).

    Documents whose source is not a file on disk (or fails to load) are skipped.
    """
    from assistant.errors import IngestError
    from ingest.loaders import load_document, read_sources_csv

    documents = []
    tables: dict[Path, dict[str, dict[str, str]]] = {}
    for record in index.catalog.documents():
        path = Path(record.source)
        if not path.is_file():
            continue
        if path.parent not in tables:
            tables[path.parent] = read_sources_csv(path.parent)
        try:
            documents.append(
                load_document(path, doc_id=record.id, overrides=tables[path.parent].get(path.name))
            )
        except IngestError:
            continue
    return documents


def build_scorer(embedder: Embedder, index: Index) -> tuple[Scorer, list[str]]:
    """The scorer for runs against ``index``, and the indexed chunk texts: the embedder scores
    citation support, the texts back the invented-council check, the system prompt the leak
    checks."""
    from evals import metrics
    from evals.run import Scorer

    chunk_texts = [c.text for c in index.catalog.chunks(sorted(index.catalog.all_chunk_ids()))]
    scorer = Scorer(
        embed=embedder.embed,
        known_council=metrics.make_council_checker(chunk_texts),
        system_prompt=SYSTEM_PROMPT.read_text(encoding="utf-8") if SYSTEM_PROMPT.is_file() else "",
    )
    return scorer, chunk_texts


@dataclass
class Baseline:
    """The LangChain-style baseline over the indexed documents, and the note the snapshot keeps."""

    asker: Asker
    note: dict[str, Any]


def build_baseline(settings: Settings, embedder: Embedder, index: Index) -> Baseline:
    """The baseline (``evals.baseline``): the indexed documents chunked its own way, the same
    embedder and answerer as ours."""
    from assistant.answering import Answerer
    from assistant.app import build_chat_model
    from evals.baseline import DESCRIPTION, BaselineAssistant

    documents = load_indexed_documents(index)
    answerer = Answerer(embedder=embedder, chat_model=build_chat_model(settings), settings=settings)
    base = BaselineAssistant.build(documents, embedder=embedder, answerer=answerer)
    note = {"description": DESCRIPTION, "documents": len(documents), "chunks": len(base.chunks)}
    return Baseline(asker=base, note=note)


@contextmanager
def _no_progress(_label: str, _total: int) -> Iterator[CaseDone]:
    yield lambda _case: None


def run_labelled(
    asker: Asker,
    cases: Sequence[EvalCase],
    scorer: Scorer,
    *,
    label: str,
    progress: RunProgress | None = None,
) -> RunResult:
    """``evals.run.run_cases`` inside ``progress(label, len(cases))``."""
    from evals.run import run_cases

    with (progress or _no_progress)(label, len(cases)) as done:
        return run_cases(asker, cases, scorer, label=label, progress=done)


@dataclass
class EvalOutcome:
    out_dir: Path
    summary: dict[str, Any]
    checks: list[ThresholdCheck]
    report: Path

    @property
    def failed_checks(self) -> list[ThresholdCheck]:
        return [c for c in self.checks if not c.passed]


def execute(
    settings: Settings,
    *,
    dataset: Path,
    suite: str | None = None,
    out_dir: Path | None = None,
    baseline: bool = True,
    fail_under: Path | None = None,
    progress: RunProgress | None = None,
    ingest_progress: bool = False,
    say: Callable[[str], None] = print,
) -> EvalOutcome:
    """Run a dataset against the real assistant (and the baseline) and write the run folder.

    ``say`` gets one-line notes (an ingest on first use); ``progress`` follows each run's cases;
    ``ingest_progress`` shows the ingest's progress bar when there is no index yet.
    """
    from assistant.app import build_assistant, build_chat_model, build_embedder
    from evals.report import render_report
    from evals.run import (
        build_snapshot,
        check_thresholds,
        default_out_dir,
        load_cases,
        load_thresholds,
        suite_label,
        summarise,
        write_run,
    )

    cases = load_cases(dataset, suite)
    suite = suite_label(dataset, suite)  # smoke.jsonl without --suite is still the smoke suite
    bounds = load_thresholds(fail_under, suite) if fail_under else None
    out_dir = Path(out_dir) if out_dir else default_out_dir(RUNS_DIR)
    embedder = build_embedder(settings)
    index = ensure_index(settings, embedder, say=say, progress=ingest_progress)
    assistant = build_assistant(settings, index=index)
    scorer, chunk_texts = build_scorer(embedder, index)

    # The baseline is not an AssistantService (no stream, no documents): only ``ask`` is used.
    base = build_baseline(settings, embedder, index) if baseline else None
    ours = run_labelled(assistant, cases, scorer, label="ours", progress=progress)
    base_result = (
        run_labelled(base.asker, cases, scorer, label="baseline", progress=progress)
        if base
        else None
    )

    chat = build_chat_model(settings)
    snapshot = build_snapshot(
        settings,
        documents=[(r.id, r.content_hash) for r in index.catalog.documents()],
        embedding_model=f"{embedder.model_id} ({embedder.dimension}-d)",
        chat_model=getattr(chat, "model_id", None),
        extra={"baseline": base.note if base else None, "chunks_indexed": len(chunk_texts)},
    )
    # Thresholds are checked on our pipeline's overall metrics.
    checks = check_thresholds(summarise(ours.scores), bounds) if bounds else []
    summary = write_run(
        out_dir,
        ours=ours,
        baseline=base_result,
        snapshot=snapshot,
        dataset=str(dataset),
        suite=suite,
        checks=checks,
    )
    report = render_report(out_dir)
    return EvalOutcome(out_dir=out_dir, summary=summary, checks=checks, report=report)


def rescore(settings: Settings, run_dir: Path) -> tuple[dict[str, Any], Path]:
    """Score a run's stored answers again against the index in ``settings``' data dir and
    rewrite its report; returns the new summary and the report's path."""
    from assistant.app import build_embedder, open_index
    from evals.report import render_report
    from evals.run import rescore_run

    embedder = build_embedder(settings)
    scorer, _ = build_scorer(embedder, open_index(settings, embedder))
    summary = rescore_run(run_dir, scorer)
    return summary, render_report(run_dir)


def compare(run_a: Path, run_b: Path, *, html_out: Path | None = None) -> Comparison:
    """Metric deltas between two runs (B - A) and the cases that changed; with ``html_out``,
    the comparison is also written there as HTML."""
    from evals.compare import compare_runs, comparison_html

    comp = compare_runs(run_a, run_b)
    if html_out is not None:
        Path(html_out).write_text(comparison_html(comp), encoding="utf-8")
    return comp
