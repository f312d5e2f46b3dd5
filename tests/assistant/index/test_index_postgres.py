"""``Index`` with the PostgreSQL catalogue (``LGA_ASSISTANT_CATALOG__URL``): the embedding-model
record lives in the database and a mismatch is refused as with SQLite; ingest, stats and
``--rebuild`` work the same; the web app's trace store follows the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.adapters.fakes import HashEmbedder
from assistant.app import build_trace_store
from assistant.errors import EmbeddingModelMismatchError, IndexNotFoundError, StorageError
from assistant.index import Index
from assistant.settings import Settings
from ingest.pipeline import Pipeline

pytestmark = pytest.mark.integration


def settings_for(url: str, data_dir: Path) -> Settings:
    return Settings.model_validate(
        {"catalog": {"url": url}, "vector_store": "memory", "data_dir": data_dir}
    )


def write_docs(folder: Path, n: int = 3) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = " ".join(f"Council {i} improved housing repairs in step {k}." for k in range(30))
        (folder / f"doc{i}.md").write_text(f"# Document {i}\n\n{text}\n", encoding="utf-8")


def test_url_from_the_environment_switches_to_postgres(
    monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    monkeypatch.setenv("LGA_ASSISTANT_CATALOG__URL", pg_url)
    assert Settings().catalog_url == pg_url
    monkeypatch.delenv("LGA_ASSISTANT_CATALOG__URL")
    assert Settings().catalog_url is None  # SQLite stays the default


def test_open_create_records_the_model_and_refuses_another(pg_url: str, tmp_path: Path) -> None:
    settings = settings_for(pg_url, tmp_path / "data")
    with pytest.raises(IndexNotFoundError, match="ingest"):
        Index.open(settings, HashEmbedder())
    assert not Index.exists(settings)
    index = Index.open(settings, HashEmbedder(), create=True)
    assert index.catalog.get_meta("embedding_model") == "fake-hash-384"
    index.close()
    assert Index.exists(settings)
    with pytest.raises(EmbeddingModelMismatchError, match="rebuild"):
        Index.open(settings, HashEmbedder(model_id="another-model"))
    Index.open(settings, HashEmbedder()).close()
    assert not (tmp_path / "data").exists(), "nothing is written to the data dir"


def test_ingest_stats_and_rebuild(pg_url: str, tmp_path: Path) -> None:
    settings = settings_for(pg_url, tmp_path / "data")
    write_docs(tmp_path / "docs")
    index = Index.open(settings, HashEmbedder(), create=True)
    try:
        report = Pipeline(index, settings).ingest_paths([tmp_path / "docs"], progress=False)
        assert report.totals["added"] == 3
        again = Pipeline(index, settings).ingest_paths([tmp_path / "docs"], progress=False)
        assert again.totals["unchanged"] == 3
        stats = index.stats()
        assert stats.documents == 3 and stats.chunks == index.vectors.count() > 0
        assert stats.size_bytes > 0 and stats.last_ingest
        hits = index.keyword.search("housing repairs", 5)
        assert hits and index.catalog.chunks([hits[0][0]])[0].text
    finally:
        index.close()
    Index.destroy(settings)
    assert not Index.exists(settings)


def test_trace_store_follows_the_setting(pg_url: str, tmp_path: Path) -> None:
    store = build_trace_store(settings_for(pg_url, tmp_path / "data"))
    try:
        assert store.journal_mode() == "postgresql" and store.count() == 0
    finally:
        store.close()
    sqlite = build_trace_store(Settings.model_validate({"data_dir": tmp_path / "data"}))
    assert sqlite.journal_mode() == "wal"
    sqlite.close()


def test_unreachable_server_is_a_storage_error(tmp_path: Path) -> None:
    from tests.reliability.test_chroma_server import free_port

    url = f"postgresql://lga:pw@127.0.0.1:{free_port()}/lga"
    settings = settings_for(url, tmp_path / "data")
    settings.catalog.connect_timeout_s = 1
    with pytest.raises(StorageError, match="LGA_ASSISTANT_CATALOG__URL"):
        Index.open(settings, HashEmbedder(), create=True)
