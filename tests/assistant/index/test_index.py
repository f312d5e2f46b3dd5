"""Index.open: creation, model checks, corrupt files, stats, destroy."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.adapters.fakes import HashEmbedder
from assistant.errors import EmbeddingModelMismatchError, IndexCorruptError, IndexNotFoundError
from assistant.index import Index
from assistant.settings import Settings


def settings_for(path: Path, store: str = "chroma") -> Settings:
    return Settings.model_validate({"data_dir": path, "vector_store": store})


def test_open_without_index_refuses_and_create_records_the_model(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data", "memory")
    with pytest.raises(IndexNotFoundError, match="run `lga-assistant ingest` first"):
        Index.open(settings, HashEmbedder())
    index = Index.open(settings, HashEmbedder(), create=True)
    assert index.catalog.get_meta("embedding_model") == "fake-hash-384"
    assert index.keyword is index.catalog
    stats = index.stats()
    assert (stats.documents, stats.chunks, stats.embedding_dimension) == (0, 0, 384)
    assert stats.last_ingest is None and stats.size_bytes > 0
    index.close()
    Index.open(settings, HashEmbedder()).close()  # now it exists


@pytest.mark.integration
def test_chroma_records_the_model_too(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    Index.open(settings, HashEmbedder(), create=True).close()
    # Even if the catalogue's record were lost, the collection remembers the model.
    (tmp_path / "data" / "catalog.sqlite3").unlink()
    with pytest.raises(EmbeddingModelMismatchError, match="--rebuild"):
        Index.open(settings, HashEmbedder(dimension=128), create=True)


@pytest.mark.integration
def test_corrupt_files_raise_index_corrupt(tmp_path: Path) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    settings = settings_for(tmp_path / "data")
    Index.open(settings, HashEmbedder(), create=True).close()
    SharedSystemClient.clear_system_cache()
    (tmp_path / "data" / "chroma" / "chroma.sqlite3").write_bytes(b"garbage" * 1000)
    with pytest.raises(IndexCorruptError, match="rebuild"):
        Index.open(settings, HashEmbedder())
    SharedSystemClient.clear_system_cache()
    (tmp_path / "data" / "catalog.sqlite3").write_bytes(b"garbage" * 1000)
    with pytest.raises(IndexCorruptError, match="rebuild"):
        Index.open(settings, HashEmbedder())
    Index.destroy(settings)
    assert not (tmp_path / "data" / "chroma").exists()
    index = Index.open(settings, HashEmbedder(), create=True)
    assert index.stats().chunks == 0
    index.close()


def test_in_memory_index_uses_the_fakes() -> None:
    index = Index.in_memory()
    assert index.embedder.model_id == "fake-hash-384"
    assert index.vectors.embedding_model() == ("fake-hash-384", 384)
    assert index.stats().vector_store == "memory"
