"""End-to-end fixtures: the real app in a subprocess (real model, real corpus) and Debian's
chromium driven by Playwright.

The server runs on a free loopback port over a private copy of the session's real index
(``corpus/`` and, when present, the shared corpus beside the checkout). Screenshots go to
``test-artifacts/e2e/`` (git-ignored). The tests are skipped, with the reason, when chromium
is not installed (``make browsers`` installs it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import free_port, stop_process, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = os.environ.get("LGA_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 240


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason=f"chromium not found at {CHROMIUM}: run `make browsers` "
        "(apt-get install chromium chromium-driver) to run the browser tests"
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium, offline-friendly flags (Playwright's own download fails offline)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


def _server_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LGA_ASSISTANT_")}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        GRADIO_ANALYTICS_ENABLED="False",
        ANONYMIZED_TELEMETRY="False",
        LGA_ASSISTANT_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory,
    artifacts: Path,
    request: pytest.FixtureRequest,
) -> Iterator[dict]:
    """The real app (`lga-assistant serve`) over a private copy of the session's real index
    (corpus/ plus the shared corpus, ingested once per session by tests/conftest.py).

    With ``LGA_E2E_URL`` (and ``LGA_E2E_DATA_DIR``) set, the tests drive a server already
    running there instead: quicker when working on the page, and a way to run this suite
    against another build."""
    if os.environ.get("LGA_E2E_URL"):
        yield {
            "url": os.environ["LGA_E2E_URL"].rstrip("/"),
            "data_dir": Path(os.environ.get("LGA_E2E_DATA_DIR", "data")),
            "shared_corpus": SHARED_CORPUS.is_dir(),
        }
        return
    copy_real_index = request.getfixturevalue("copy_real_index")  # only when it is needed
    data_dir = copy_real_index(tmp_path_factory.mktemp("e2e") / "data")
    env = _server_env(data_dir)
    port = free_port()
    log = artifacts / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ui.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/readyz", timeout=START_TIMEOUT_S, proc=proc, log=log, interval=1)
        yield {"url": base, "data_dir": data_dir, "shared_corpus": SHARED_CORPUS.is_dir()}
    finally:
        stop_process(proc)


@pytest.fixture(scope="session")
def requested_urls() -> list[str]:
    """Every URL any test page requested (checked: all on the local server)."""
    return []


@pytest.fixture
def app_page(page, live_server: dict, requested_urls: list[str]):  # type: ignore[no-untyped-def]
    """A page on the app's chat UI, loaded (not networkidle: Gradio's stream stays open)."""
    page.on("request", lambda request: requested_urls.append(request.url))
    page.set_default_timeout(60_000)
    page.goto(live_server["url"] + "/", wait_until="load")
    page.get_by_label("Your question").wait_for()
    return page
