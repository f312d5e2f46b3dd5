"""Helpers shared by CLI commands: settings with overrides, error display."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from assistant.errors import AssistantError

if TYPE_CHECKING:
    from assistant.settings import Settings

console = Console(stderr=True)

DataDirOption = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (overrides LGA_ASSISTANT_DATA_DIR)."),
]


def load_settings(data_dir: Path | None = None) -> Settings:
    # Imported here: pydantic-settings is most of what `--help` would otherwise load.
    from assistant.settings import Settings

    return Settings().with_data_dir(data_dir)


def fail(exc: AssistantError, code: int = 2) -> typer.Exit:
    """Print an AssistantError as one readable line and return the Exit to raise."""
    console.print(f"[bold red]error:[/] {exc}")
    return typer.Exit(code)
