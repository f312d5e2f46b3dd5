"""Shared test fixtures: offline by construction, fake settings, generated data dirs."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

# Keep compiled modules and pytest's assert-rewritten test modules in __pycache__ (git-ignored)
# even where PYTHONDONTWRITEBYTECODE is set, as it is on the shared development machine:
# without the cache every run compiles the project again and rewrites every test module,
# about 4 s of CPU of the unit layer's 30 s.
sys.dont_write_bytecode = False

from tests.pg_fixture import pg_cluster, pg_url  # noqa: E402, F401 - shared fixtures

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

_LOOPBACK = ("127.", "::1", "localhost", "0.0.0.0")
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else str(address)
    if isinstance(host, str) and not host.startswith(_LOOPBACK) and self.family != socket.AF_UNIX:
        raise RuntimeError(f"network access blocked in tests: {address!r}")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests never leave the machine; loopback stays open for test servers."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never pick up a developer's LGA_ASSISTANT_* environment or .env file."""
    for key in list(os.environ):
        if key.startswith("LGA_ASSISTANT_"):
            monkeypatch.delenv(key)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def catalogue_index(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The project's catalogue (``corpus/``) ingested ONCE per session into an in-memory index
    (fake embedder; ``tests.helpers.catalogue_settings``): about 2 s of CPU each time it is
    built. For tests of the real services that only read it: build the services around it
    with your own ``catalogue_settings(data_dir)`` so that traces stay apart."""
    from assistant.index import Index
    from ingest.pipeline import Pipeline
    from tests.helpers import catalogue_settings

    settings = catalogue_settings(tmp_path_factory.mktemp("catalogue-index"))
    index = Index.in_memory(settings=settings)
    report = Pipeline(index, settings).ingest_paths([settings.corpus_dir], progress=False)
    assert not report.failed, report.failed
    return index


@pytest.fixture(scope="session")
def catalogue_services(tmp_path_factory: pytest.TempPathFactory, catalogue_index):  # type: ignore[no-untyped-def]
    """The real Assistant and officer tools (``assistant.app.build_services``) around
    ``catalogue_index``, built ONCE per session for the tests that only ask them (building
    them embeds the catalogue's steps and peers: about 0.5 s of CPU each time)."""
    from assistant.app import build_services
    from tests.helpers import catalogue_settings

    services = build_services(
        catalogue_settings(tmp_path_factory.mktemp("catalogue-services")), index=catalogue_index
    )
    yield services
    services.close()


SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def _real_index_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of corpus/ (+ ../shared/corpus when present) built ONCE per session with the
    real embedding model, through the real `lga-assistant ingest` command."""
    import subprocess
    import sys

    data = tmp_path_factory.mktemp("real-index") / "data"
    sources = [str(ROOT / "corpus")]
    if SHARED_CORPUS.is_dir():
        sources.append(str(SHARED_CORPUS))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LGA_ASSISTANT_")}
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "ingest", *sources, "--data-dir", str(data), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"building the shared test index failed:\n{done.stderr[-3000:]}")
    return data


@pytest.fixture(scope="session")
def copy_real_index(_real_index_template: Path):  # type: ignore[no-untyped-def]
    """Factory: ``copy_real_index(dst)`` puts a private copy of the session's real index at
    ``dst`` (a few MB), so tests that write traces or re-ingest never share state."""
    import shutil

    def _copy(dst: Path) -> Path:
        shutil.copytree(_real_index_template, dst)
        return dst

    return _copy
