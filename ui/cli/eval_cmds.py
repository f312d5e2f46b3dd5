"""``lga-assistant eval run|compare|rescore``: parse the options, call ``evals.runner``, print.

Building the index, the assistant, the scorer and the baseline, running the cases and writing
the run folder all live in ``evals/runner.py``; this module only draws the progress bars and
the headline table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.errors import AssistantError, InputError
from ui.cli.common import DataDirOption, console, fail, load_settings

if TYPE_CHECKING:
    from assistant.settings import Settings
    from evals.run import EvalCase


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


@contextmanager
def _progress_bar(label: str, total: int) -> Iterator[Any]:
    """A Rich progress bar for one run of ``total`` cases (``evals.runner.RunProgress``)."""
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
        task = bar.add_task("", total=total)

        def done(case: EvalCase) -> None:
            bar.update(task, advance=1, description=case.id)

        yield done


def print_summary(summary: dict[str, Any]) -> None:
    """The headline metrics (``evals.headline``): ours overall and per held-out split, the
    baseline, then the latency."""
    from rich.table import Table

    from evals.headline import headline_table

    headline = headline_table(summary)
    table = Table(title=headline.title, caption=headline.caption)
    table.add_column(headline.columns[0])
    for column in headline.columns[1:]:
        table.add_column(column, justify="right")
    for row in headline.rows:
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
    from evals.runner import execute

    try:
        settings = apply_overrides(load_settings(data_dir), config or [])
        outcome = execute(
            settings,
            dataset=dataset,
            suite=suite,
            out_dir=out,
            baseline=baseline,
            fail_under=fail_under,
            progress=_progress_bar if progress else None,
            ingest_progress=progress,
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
    from rich.console import Console

    from evals.compare import print_comparison
    from evals.runner import compare as compare_runs

    try:
        comp = compare_runs(run_a, run_b, html_out=html_out)
    except AssistantError as exc:
        raise fail(exc) from exc
    print_comparison(comp, Console())  # the comparison is the command's output: stdout
    if html_out is not None:
        console.print(f"Comparison written to {html_out}")


def rescore(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `eval run`.")],
    data_dir: DataDirOption = None,
) -> None:
    """Score a run's stored answers again (after a metric fix) and rewrite its report."""
    from evals.runner import rescore as rescore_run

    try:
        summary, report = rescore_run(load_settings(data_dir), run_dir)
    except AssistantError as exc:
        raise fail(exc) from exc
    print_summary(summary)
    console.print(f"Rescored {run_dir}; report: {report}")


def register(app: typer.Typer) -> None:
    """Add the ``eval`` command group to ``app``."""
    group = typer.Typer(help="Measure answer quality: run eval suites and compare runs.")
    group.command("run")(run)
    group.command("compare")(compare)
    group.command("rescore")(rescore)
    app.add_typer(group, name="eval")
