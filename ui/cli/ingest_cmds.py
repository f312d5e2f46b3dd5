"""Commands of this group; ``register`` adds them to the root app."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app`` (filled in by the issue that owns the group)."""
