"""``lga-assistant eval run`` and ``lga-assistant eval compare``.

This module wires the real pieces together (settings, index, ingest, assistant, baseline) and
hands them to ``evals.run``; the runner itself knows only the ``ask`` signature.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.errors import AssistantError, IndexNotFoundError, InputError
from ui.cli.common import DataDirOption, console, fail, load_settings

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.settings import Settings
    from assistant.types import Document
    from evals.run import ThresholdCheck

# The checkout (assistant.settings.PROJECT_ROOT), without importing the settings for `--help`.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
SYSTEM_PROMPT = PROJECT_ROOT / "assistant" / "answering" / "prompts" / "system.txt"


def apply_overrides(settings: Settings, overrides: Sequence[str]) -> Settings:
    """``settings`` with ``KEY=VALUE`` overrides applied (dotted keys, YAML-typed values):
    ``retrieval.top_k=5``, ``embedder.provider=fake``, ``document_dirs=[a, b]``."""
    if not overrides:
        return settings
    import yaml

    data = settings.model_dump()
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--config {item!r}: use KEY=VALUE, e.g. retrieval.top_k=5")
        node: dict[str, Any] = data
        parts = key.strip().split(".")
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                raise InputError(f"--config {item!r}: {part!r} is not a settings group")
            node = node[part]
        if parts[-1] not in node:
            raise InputError(f"--config {item!r}: no setting {key.strip()!r}")
        node[parts[-1]] = yaml.safe_load(raw) if raw.strip() else None
    from pydantic import ValidationError

    try:
        return type(settings).model_validate(data)
    except ValidationError as exc:
        raise InputError(f"--config: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc


def default_ingest_paths(settings: Settings) -> list[Path]:
    """The catalogue, the configured document folders and ``../shared/corpus`` when present."""
    paths = [settings.corpus_dir, *settings.document_dirs]
    if SHARED_CORPUS.is_dir() and SHARED_CORPUS.resolve() not in {p.resolve() for p in paths}:
        paths.append(SHARED_CORPUS)
    return [p for p in paths if Path(p).exists()]


def ensure_index(
    settings: Settings, embedder: Any, *, say: Callable[[str], None], progress: bool = True
) -> Index:
    """Open the index in the data dir; when there is none, ingest the default sources first."""
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


def build_scorer(embedder: Any, index: Index) -> tuple[Any, list[str]]:
    """The scorer for runs against ``index``: the embedder for citation support, the indexed
    texts for the invented-council check, the system prompt for leak checks."""
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
    progress: bool = True,
    say: Callable[[str], None] = print,
) -> EvalOutcome:
    """Run a dataset against the real assistant (and the baseline) and write the run folder."""
    from assistant.app import build_assistant, build_chat_model, build_embedder
    from evals.report import render_report
    from evals.run import (
        build_snapshot,
        check_thresholds,
        default_out_dir,
        load_cases,
        load_thresholds,
        run_cases,
        suite_label,
        write_run,
    )

    cases = load_cases(dataset, suite)
    suite = suite_label(dataset, suite)  # smoke.jsonl without --suite is still the smoke suite
    bounds = load_thresholds(fail_under, suite) if fail_under else None
    out_dir = Path(out_dir) if out_dir else default_out_dir(PROJECT_ROOT / "evals" / "runs")
    embedder = build_embedder(settings)
    index = ensure_index(settings, embedder, say=say, progress=progress)
    assistant = build_assistant(settings, index=index)

    scorer, chunk_texts = build_scorer(embedder, index)

    # The baseline is not an AssistantService (no stream, no documents): only ``ask`` is used.
    runs: list[tuple[str, Any]] = [("ours", assistant)]
    base_note = None
    if baseline:
        from assistant.answering import Answerer
        from evals.baseline import DESCRIPTION, BaselineAssistant

        documents = load_indexed_documents(index)
        answerer = Answerer(
            embedder=embedder, chat_model=build_chat_model(settings), settings=settings
        )
        base = BaselineAssistant.build(documents, embedder=embedder, answerer=answerer)
        base_note = {
            "description": DESCRIPTION,
            "documents": len(documents),
            "chunks": len(base.chunks),
        }
        runs.append(("baseline", base))

    results = {}
    for label, asker in runs:
        results[label] = _run_with_progress(run_cases, asker, cases, scorer, label, progress)

    records = index.catalog.documents()
    chat = build_chat_model(settings)
    snapshot = build_snapshot(
        settings,
        documents=[(r.id, r.content_hash) for r in records],
        embedding_model=f"{embedder.model_id} ({embedder.dimension}-d)",
        chat_model=getattr(chat, "model_id", None),
        extra={"baseline": base_note, "chunks_indexed": len(chunk_texts)},
    )
    ours = results["ours"]
    base_result = results.get("baseline")
    # Thresholds are checked on our pipeline's overall metrics.
    from evals.run import summarise

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


def _run_with_progress(
    run_cases: Callable[..., Any],
    asker: Any,
    cases: Sequence[Any],
    scorer: Any,
    label: str,
    progress: bool,
) -> Any:
    if not progress:
        return run_cases(asker, cases, scorer, label=label)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(f"[bold]{label}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("", total=len(cases))
        return run_cases(
            asker,
            cases,
            scorer,
            label=label,
            progress=lambda case: bar.update(task, advance=1, description=case.id),
        )


HEADLINE = (
    "facts_pass",
    "hit@4",
    "mrr",
    "citations_valid",
    "citation_support",
    "refusal_precision",
    "refusal_recall",
    "answerable_refused_rate",
    "injection_held",
    "peer_recall",
    "resource_recall",
    "invented_councils",
    "flesch",
    "pass_rate",
)


def print_summary(summary: dict[str, Any]) -> None:
    """Headline metrics for ours and the baseline, then the latency."""
    from rich.table import Table

    ours = summary["overall"]
    base = (summary.get("baseline") or {}).get("overall") or {}
    table = Table(title=f"Eval: {ours['n']} cases ({summary.get('suite') or 'all'})")
    table.add_column("metric")
    table.add_column("ours", justify="right")
    if base:
        table.add_column("baseline", justify="right")

    def fmt(v: Any) -> str:
        return "n/a" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))

    for metric in HEADLINE:
        row = [metric, fmt(ours.get(metric))]
        if base:
            row.append(fmt(base.get(metric)))
        table.add_row(*row)
    for stage, stats in (ours.get("latency_ms") or {}).items():
        row = [f"{stage} ms p50/p95", f"{fmt(stats['p50'])} / {fmt(stats['p95'])}"]
        if base:
            b = (base.get("latency_ms") or {}).get(stage) or {}
            row.append(f"{fmt(b.get('p50'))} / {fmt(b.get('p95'))}" if b else "")
        table.add_row(*row)
    console.print(table)


def run(
    dataset: Annotated[Path, typer.Option("--dataset", help="JSONL dataset of eval cases.")] = Path(
        "evals/datasets/all.jsonl"
    ),
    suite: Annotated[
        str | None, typer.Option("--suite", help="Only the cases of this suite (e.g. smoke).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Run folder. Default: evals/runs/<timestamp>/."),
    ] = None,
    config: Annotated[
        list[str] | None,
        typer.Option(
            "--config",
            help="Override a setting, KEY=VALUE (repeatable): retrieval.top_k=5, "
            "embedder.provider=fake.",
        ),
    ] = None,
    fail_under: Annotated[
        Path | None,
        typer.Option(
            "--fail-under",
            help="Thresholds file (evals/thresholds.yaml); exit 1 when one is not met.",
        ),
    ] = None,
    baseline: Annotated[
        bool,
        typer.Option("--baseline/--no-baseline", help="Also run the LangChain-style baseline."),
    ] = True,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show progress bars.")
    ] = True,
    data_dir: DataDirOption = None,
) -> None:
    """Run an eval dataset, write per-case JSON, summary.json and report.html."""
    try:
        settings = apply_overrides(load_settings(data_dir), config or [])
        outcome = execute(
            settings,
            dataset=dataset,
            suite=suite,
            out_dir=out,
            baseline=baseline,
            fail_under=fail_under,
            progress=progress,
            say=lambda msg: console.print(f"[yellow]{msg}[/]"),
        )
    except AssistantError as exc:
        raise fail(exc) from exc
    print_summary(outcome.summary)
    console.print(f"Run written to [bold]{outcome.out_dir}[/]; report: {outcome.report}")
    if outcome.checks:
        if outcome.failed_checks:
            console.print(f"[bold red]{len(outcome.failed_checks)} threshold(s) not met:[/]")
            for check in outcome.failed_checks:
                console.print(f"  [red]{check.describe()}[/]")
            raise typer.Exit(1)
        console.print(f"[green]All {len(outcome.checks)} thresholds met.[/]")


def compare(
    run_a: Annotated[Path, typer.Argument(help="The earlier run folder.")],
    run_b: Annotated[Path, typer.Argument(help="The later run folder.")],
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Also write the comparison as HTML here.")
    ] = None,
) -> None:
    """Metric deltas between two runs (B - A) and the cases that got worse."""
    from evals.compare import compare_runs, comparison_html, print_comparison

    try:
        comp = compare_runs(run_a, run_b)
    except AssistantError as exc:
        raise fail(exc) from exc
    from rich.console import Console

    print_comparison(comp, Console())  # the comparison is the command's output: stdout
    if html_out is not None:
        html_out.write_text(comparison_html(comp), encoding="utf-8")
        console.print(f"Comparison written to {html_out}")


def rescore(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `eval run`.")],
    data_dir: DataDirOption = None,
) -> None:
    """Score a run's stored answers again (after a metric fix) and rewrite its report."""
    from assistant.app import build_embedder, open_index
    from evals.report import render_report
    from evals.run import rescore_run

    try:
        settings = load_settings(data_dir)
        embedder = build_embedder(settings)
        scorer, _ = build_scorer(embedder, open_index(settings, embedder))
        summary = rescore_run(run_dir, scorer)
    except AssistantError as exc:
        raise fail(exc) from exc
    report = render_report(run_dir)
    print_summary(summary)
    console.print(f"Rescored {run_dir}; report: {report}")


def register(app: typer.Typer) -> None:
    """Add the ``eval`` command group to ``app``."""
    group = typer.Typer(help="Measure answer quality: run eval suites and compare runs.")
    group.command("run")(run)
    group.command("compare")(compare)
    group.command("rescore")(rescore)
    app.add_typer(group, name="eval")
