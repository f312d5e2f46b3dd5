"""The ``lga-assistant`` command line: one Typer app; each command group lives in its own module.

Heavy imports (torch, chromadb, gradio) happen inside commands, so ``--help`` is instant.
"""

from __future__ import annotations

import typer

from ui.cli import answer_cmds, eval_cmds, ingest_cmds, officer_cmds, serve_cmds

app = typer.Typer(
    name="lga-assistant",
    help="Offline assistant over the LGA's transformation resources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in (ingest_cmds, answer_cmds, officer_cmds, eval_cmds, serve_cmds):
    _module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
