"""The ``lga-assistant`` command line: one Typer app; each command group lives in its own module.

Heavy imports (torch, chromadb, gradio) happen inside commands, so ``--help`` is instant.
"""

from __future__ import annotations

import typer

from ui.cli import answer_cmds, eval_cmds, ingest_cmds, llm_cmds, officer_cmds, serve_cmds


def _show_flags_as_flags() -> None:
    """Typer 0.29 lists every option with its type, so a flag reads ``--json <bool>`` as if it
    took a value (``--json true``). A flag takes none: show no type for it, as click does."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "flags_untyped", False):
        return

    def display_type_rich(self: TyperOption, ctx: typer.Context) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    display_type_rich.flags_untyped = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign,assignment]


_show_flags_as_flags()

app = typer.Typer(
    name="lga-assistant",
    help="Offline assistant over the LGA's transformation resources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in (ingest_cmds, answer_cmds, officer_cmds, eval_cmds, serve_cmds, llm_cmds):
    _module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
