"""``lga-assistant ingest`` and ``lga-assistant stats``.

torch, chromadb and the loaders are imported inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assistant.errors import AssistantError
from ui.cli.common import DataDirOption, console, fail, load_settings

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport

_STATUS_STYLE = {
    "added": "green",
    "updated": "cyan",
    "unchanged": "dim",
    "removed": "yellow",
    "skipped": "yellow",
    "failed": "bold red",
}


def _human_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def print_report(report: IngestReport) -> None:
    """The final table on stderr: changed and failed documents, then the totals."""
    interesting = [d for d in report.documents if d.status != "unchanged"]
    if interesting:
        table = Table(title="Ingest", show_lines=False)
        table.add_column("status")
        table.add_column("source", overflow="fold")
        table.add_column("chunks", justify="right")
        table.add_column("reason", overflow="fold")
        for d in interesting:
            style = _STATUS_STYLE[d.status]
            reason = "; ".join(p for p in (d.error, *d.notes) if p)
            table.add_row(
                f"[{style}]{d.status}[/]", escape(d.source), str(d.chunks), escape(reason)
            )
        console.print(table)
    t = report.totals
    skipped = f", skipped {t['skipped']}" if t["skipped"] else ""
    console.print(
        f"added {t['added']}, updated {t['updated']}, unchanged {t['unchanged']}, "
        f"removed {t['removed']}{skipped}, failed {t['failed']}; {t['chunks']} chunks "
        f"({t['chunks_embedded']} embedded) in {t['elapsed_s']:.1f} s"
    )


def failure_line(report: IngestReport, *, strict: bool) -> str | None:
    """The last line when files failed: how many, and what the exit code means."""
    failed = report.count("failed")
    if not failed:
        return None
    files = "1 file" if failed == 1 else f"{failed:,} files"
    if report.exit_code(strict=strict):
        return f"{files} failed (see above): exit code 1."
    return (
        f"{files} failed (see above); the others were ingested, so the exit code is 0: "
        "add --strict to make any failure a non-zero exit."
    )


def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders to ingest. Default: the corpus catalogue plus "
            "LGA_ASSISTANT_DOCUMENT_DIRS.",
            show_default=False,
        ),
    ] = None,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Remove documents whose files are gone from these folders."),
    ] = False,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="Delete the index and build it again (e.g. new model)."),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit non-zero if any file failed.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON on stdout.")
    ] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Ingest documents into the index (idempotent: unchanged documents are skipped)."""
    from assistant.app import build_embedder
    from ingest.pipeline import Pipeline, open_index_for_ingest

    settings = load_settings(data_dir)
    targets = list(paths or [])
    if not targets:
        targets = [settings.corpus_dir, *settings.document_dirs]
        targets = [p for p in targets if Path(p).exists()] or targets
    try:
        embedder = build_embedder(settings)
        index = open_index_for_ingest(settings, embedder, rebuild=rebuild)
        try:
            report = Pipeline(index, settings).ingest_paths(
                targets, prune=prune, progress=not as_json or console.is_terminal
            )
        finally:
            index.close()
    except AssistantError as exc:
        raise fail(exc) from exc
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_report(report)
    if as_json and report.failed:
        for d in report.failed:
            console.print(f"[bold red]failed:[/] {escape(d.source)}: {escape(d.error or '')}")
    last = failure_line(report, strict=strict)
    if last:
        console.print(f"[bold red]{escape(last)}[/]", soft_wrap=True)
    code = report.exit_code(strict=strict)
    if code:
        raise typer.Exit(code)


def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print the stats as JSON.")] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Documents, chunks, embedding model, index size on disk and last ingest."""
    from assistant.app import build_embedder
    from assistant.index import Index

    settings = load_settings(data_dir)
    try:
        embedder = build_embedder(settings)
        index = Index.open(settings, embedder, check_model=False)
        try:
            info = index.stats()
        finally:
            index.close()
    except AssistantError as exc:
        raise fail(exc) from exc
    configured = embedder.model_id
    if info.embedding_model and info.embedding_model != configured:
        console.print(
            f"[yellow]warning:[/] the index was built with {info.embedding_model} but "
            f"{configured} is configured: run `lga-assistant ingest --rebuild`."
        )
    if as_json:
        typer.echo(json.dumps(info.to_dict(), indent=2))
        return
    table = Table(show_header=False, title=f"Index in {info.data_dir}")
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("documents", str(info.documents))
    table.add_row("chunks", str(info.chunks))
    table.add_row("vectors", str(info.vectors))
    table.add_row("embedding model", f"{info.embedding_model} ({info.embedding_dimension}-d)")
    table.add_row("vector store", info.vector_store)
    if info.second_dense:
        table.add_row("second retriever", info.second_dense)
    table.add_row("size on disk", _human_bytes(info.size_bytes))
    table.add_row("last ingest", info.last_ingest or "never")
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``ingest`` and ``stats`` to the root app."""
    app.command("ingest")(ingest)
    app.command("stats")(stats)
