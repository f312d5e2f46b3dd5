"""``lga-assistant serve``: the web app (chat UI at ``/``, API under ``/api``) with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from ui.cli.common import DataDirOption, console, load_settings


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""

    @app.command()
    def serve(
        host: Annotated[
            str | None, typer.Option(help="Interface to bind (default: settings, 127.0.0.1).")
        ] = None,
        port: Annotated[
            int | None, typer.Option(help="Port (default: settings, 7860).", min=1, max=65535)
        ] = None,
        data_dir: DataDirOption = None,
        log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    ) -> None:
        """Serve the chat UI and the HTTP API; models load once at start-up."""
        import uvicorn

        from ui.api.app import create_app

        settings = load_settings(data_dir)
        api = settings.api.model_copy(
            update={
                "host": host or settings.api.host,
                "port": port or settings.api.port,
            }
        )
        settings = settings.model_copy(update={"api": api})
        console.print(
            f"Serving the LGA transformation assistant on http://{api.host}:{api.port} "
            f"(data: {settings.data_dir}; API docs at /docs)"
        )
        uvicorn.run(
            create_app(settings=settings),
            host=api.host,
            port=api.port,
            log_level=log_level,
            timeout_graceful_shutdown=5,
        )
