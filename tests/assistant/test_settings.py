from pathlib import Path

import pytest

from assistant.settings import Settings


def test_env_prefix_and_nesting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LGA_ASSISTANT_DATA_DIR", "/tmp/x")
    monkeypatch.setenv("LGA_ASSISTANT_LLM__PROVIDER", "openai")
    monkeypatch.setenv("LGA_ASSISTANT_DOCUMENT_DIRS", "a:b,c")
    s = Settings(_env_file=None)
    assert s.data_dir == Path("/tmp/x")
    assert s.llm.provider == "openai"
    assert s.document_dirs == [Path("a"), Path("b"), Path("c")]
    assert s.catalog_path == Path("/tmp/x/catalog.sqlite3")


def test_with_data_dir_overrides_only_when_given() -> None:
    s = Settings(_env_file=None)
    assert s.with_data_dir(None) is s
    assert s.with_data_dir(Path("elsewhere")).data_dir == Path("elsewhere")


def test_invalid_provider_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LGA_ASSISTANT_LLM__PROVIDER", "skynet")
    with pytest.raises(ValueError):
        Settings(_env_file=None)


def test_admin_token_shorthand_and_nested_name(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).api.admin_token is None
    monkeypatch.setenv("LGA_ASSISTANT_ADMIN_TOKEN", "short")
    assert Settings(_env_file=None).api.admin_token.get_secret_value() == "short"
    monkeypatch.setenv("LGA_ASSISTANT_API__ADMIN_TOKEN", "nested")
    assert Settings(_env_file=None).api.admin_token.get_secret_value() == "nested"


def test_api_concurrency_defaults_to_half_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert Settings(_env_file=None).api.workers == 4
    assert Settings(_env_file=None).api.max_wait_s == 10.0
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert Settings(_env_file=None).api.workers == 1
    monkeypatch.setenv("LGA_ASSISTANT_API__WORKERS", "3")
    assert Settings(_env_file=None).api.workers == 3
