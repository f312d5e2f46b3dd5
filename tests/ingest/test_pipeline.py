"""Pipeline behaviour with the fakes: idempotency, update, prune, bad input, reconcile."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.fakes import HashEmbedder, MemoryVectorStore
from assistant.errors import EmbeddingModelMismatchError, StorageError
from assistant.index import Index
from assistant.settings import Settings
from assistant.types import Block, Document
from ingest.pipeline import IngestReport, Pipeline, discover, open_index_for_ingest


class CountingEmbedder(HashEmbedder):
    """The hash embedder, counting how many texts it embedded."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed(texts)


def paragraph(topic: str, n: int = 20) -> str:
    return " ".join(
        f"The council's {topic} programme step {i} improved outcomes for residents."
        for i in range(n)
    )


def write_docs(folder: Path, topics: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, topic in topics.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(
            f"# {topic.title()}\n\n{paragraph(topic)}\n\n## Results\n\n{paragraph(topic + ' results')}\n",
            encoding="utf-8",
        )


def run(index: Index, paths: Sequence[Path], **kwargs) -> IngestReport:
    return Pipeline(index, index.settings).ingest_paths(list(paths), progress=False, **kwargs)


def by_status(report: IngestReport) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in report.documents:
        out.setdefault(d.status, []).append(Path(d.source).name)
    return {k: sorted(v) for k, v in out.items()}


def assert_consistent(index: Index) -> None:
    """Catalogue, keyword index and vectors hold exactly the same chunk ids."""
    ids = index.catalog.all_chunk_ids()
    assert index.catalog.keyword_ids() == ids  # type: ignore[attr-defined]
    assert index.vectors.ids() == ids
    assert sum(len(r.chunk_ids) for r in index.catalog.documents()) == len(ids)
    assert index.catalog.count_chunks() == len(ids)


@pytest.fixture
def index() -> Index:
    return Index.in_memory(CountingEmbedder())


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    write_docs(folder, {"housing.md": "housing", "care.md": "adult care", "waste.txt": "waste"})
    return folder


def test_first_run_adds_every_document(index: Index, docs: Path) -> None:
    report = run(index, [docs])
    assert by_status(report) == {"added": ["care.md", "housing.md", "waste.txt"]}
    assert report.exit_code() == 0
    assert {r.id for r in index.catalog.documents()} == {
        "docs/housing.md",
        "docs/care.md",
        "docs/waste.txt",
    }
    assert report.totals["chunks"] == index.catalog.count_chunks() > 3
    assert_consistent(index)
    chunk = index.catalog.document_chunks("docs/housing.md")[0]
    assert chunk.title and chunk.source.endswith("housing.md")
    assert chunk.id.startswith("docs/housing.md::0000::")


def test_second_run_is_all_unchanged_without_embedding(index: Index, docs: Path) -> None:
    run(index, [docs])
    ids = index.catalog.all_chunk_ids()
    embedder = index.embedder
    assert isinstance(embedder, CountingEmbedder)
    before = embedder.embedded
    report = run(index, [docs])
    assert by_status(report) == {"unchanged": ["care.md", "housing.md", "waste.txt"]}
    assert embedder.embedded == before
    assert report.chunks_embedded == 0
    assert index.catalog.all_chunk_ids() == ids
    assert report.totals["chunks"] == len(ids)
    assert_consistent(index)


def test_changed_document_is_replaced(index: Index, docs: Path) -> None:
    run(index, [docs])
    old = {c.id for c in index.catalog.document_chunks("docs/housing.md")}
    write_docs(docs, {"housing.md": "libraries"})
    report = run(index, [docs])
    assert by_status(report) == {"updated": ["housing.md"], "unchanged": ["care.md", "waste.txt"]}
    new = {c.id for c in index.catalog.document_chunks("docs/housing.md")}
    assert new and not (new & old)
    assert not (old & index.vectors.ids())
    hits = [cid for cid, _ in index.keyword.search("libraries", 10)]
    assert hits and all(h in new for h in hits)
    assert index.keyword.search("housing", 10) == []
    assert_consistent(index)


def test_metadata_change_alone_updates(index: Index, docs: Path) -> None:
    run(index, [docs])
    (docs / "sources.csv").write_text("file,title,publisher\nwaste.txt,Waste Review,LGA\n")
    report = run(index, [docs])
    assert by_status(report)["updated"] == ["waste.txt"]
    chunk = index.catalog.document_chunks("docs/waste.txt")[0]
    assert (chunk.title, chunk.publisher) == ("Waste Review", "LGA")


def test_missing_file_is_kept_without_prune_and_removed_with_it(index: Index, docs: Path) -> None:
    run(index, [docs])
    (docs / "care.md").unlink()
    report = run(index, [docs])
    assert "docs/care.md" in {r.id for r in index.catalog.documents()}
    assert "removed" not in by_status(report)
    report = run(index, [docs], prune=True)
    assert by_status(report)["removed"] == ["care.md"]
    assert "docs/care.md" not in {r.id for r in index.catalog.documents()}
    assert_consistent(index)


def test_prune_only_touches_the_folders_ingested(index: Index, docs: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    write_docs(other, {"parking.md": "parking"})
    run(index, [docs, other])
    report = run(index, [other], prune=True)
    assert by_status(report) == {"unchanged": ["parking.md"]}
    assert len(index.catalog.documents()) == 4
    (other / "parking.md").unlink()
    report = run(index, [other], prune=True)
    assert by_status(report) == {"removed": ["parking.md"]}
    assert len(index.catalog.documents()) == 3


def test_prune_keeps_documents_whose_file_now_fails(index: Index, docs: Path) -> None:
    run(index, [docs])
    (docs / "care.md").write_bytes(b"")
    report = run(index, [docs], prune=True)
    assert by_status(report)["failed"] == ["care.md"]
    assert "removed" not in by_status(report)
    assert index.catalog.document("docs/care.md") is not None


def test_explicit_file_gets_the_same_id_as_from_its_folder(index: Index, docs: Path) -> None:
    run(index, [docs / "housing.md"])
    assert [r.id for r in index.catalog.documents()] == ["docs/housing.md"]
    report = run(index, [docs])
    assert by_status(report)["unchanged"] == ["housing.md"]


def test_discovery_skips_hidden_and_data_files_and_reports_other_types(docs: Path) -> None:
    (docs / ".hidden.md").write_text("# secret")
    (docs / ".git").mkdir()
    (docs / ".git" / "notes.md").write_text("# x")
    (docs / "data.json").write_text("{}")
    (docs / "sheet.xlsx").write_bytes(b"PK")
    (docs / "sub").mkdir()
    (docs / "sub" / "nested.md").write_text("# nested")
    files, failures, folders = discover([docs, docs / "missing.md", docs / "data.json"])
    assert sorted(f.doc_id for f in files) == [
        "docs/care.md",
        "docs/housing.md",
        "docs/sub/nested.md",
        "docs/waste.txt",
    ]
    reasons = {Path(f.source).name: f.error for f in failures}
    assert set(reasons) == {"sheet.xlsx", "missing.md", "data.json"}
    assert "unsupported file type '.xlsx'" in reasons["sheet.xlsx"]
    assert "no such file" in reasons["missing.md"]
    assert folders == [docs.resolve()]


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Digital strategy", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """Good files and every kind of bad input in one folder."""
    folder = tmp_path / "mixed"
    write_docs(folder, {"good.md": "housing", "good.txt": "waste"})
    (folder / "good.docx").write_bytes(_docx(paragraph("digital")))
    (folder / "good.html").write_text(
        f"<html><head><title>Good page</title></head><body><nav>Home | About</nav>"
        f"<main><h1>Good page</h1><p>{paragraph('libraries')}</p></main></body></html>"
    )
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(300))
    (folder / "encrypted.pdf").write_bytes(_encrypted_pdf())
    (folder / "scanned.pdf").write_bytes(_blank_pdf())
    (folder / "empty.md").write_bytes(b"")
    (folder / "slides.pptx").write_bytes(b"PK\x03\x04 not really")
    (folder / "latin.txt").write_bytes(b"caf\xc3 \x81\x8d\x90 broken bytes")
    (folder / "navonly.html").write_text(
        "<html><body><nav><a href='/'>Home</a></nav><footer>(c) LGA</footer></body></html>"
    )
    (folder / "huge.txt").write_text("word " * 300_000)  # 1.5 MB, over the 1 MB limit below
    locked = folder / "locked.md"
    locked.write_text("# Locked\n\nsecret words")
    locked.chmod(0o000)
    return folder


BAD = {
    "corrupt.pdf": "pdf",
    "encrypted.pdf": "encrypt",
    "scanned.pdf": "text",
    "empty.md": "empty",
    "slides.pptx": "unsupported",
    "latin.txt": "utf-8",
    "navonly.html": "main text",
    "huge.txt": "limit",
    "locked.md": "permission",
}


def test_bad_input_never_stops_the_run(mixed: Path) -> None:
    settings = Settings.model_validate({"vector_store": "memory", "ingest": {"max_file_mb": 1.0}})
    index = Index.in_memory(settings=settings)
    report = run(index, [mixed])
    statuses = by_status(report)
    good = ["good.docx", "good.html", "good.md", "good.txt"]
    expected_bad = dict(BAD)
    if os.access(mixed / "locked.md", os.R_OK):  # root ignores chmod 000
        expected_bad.pop("locked.md")
        good = sorted([*good, "locked.md"])
    assert statuses["added"] == good
    failed = {Path(d.source).name: d.error or "" for d in report.failed}
    assert set(failed) == set(expected_bad)
    for name, fragment in expected_bad.items():
        message = failed[name]
        assert fragment in message.lower(), (name, message)
        assert "\n" not in message and len(message) < 400
    assert report.exit_code() == 0
    assert report.exit_code(strict=True) == 1
    assert_consistent(index)
    assert {r.id.split("/", 1)[1] for r in index.catalog.documents()} >= {
        "good.docx",
        "good.html",
        "good.md",
        "good.txt",
    }


def test_every_file_failing_gives_non_zero_exit(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.md").write_bytes(b"")
    (folder / "x.pptx").write_bytes(b"x")
    report = run(Index.in_memory(), [folder])
    assert report.count("failed") == 2
    assert report.exit_code() == 1


def test_nothing_to_do_exits_zero(index: Index, docs: Path) -> None:
    run(index, [docs])
    report = run(index, [docs])
    assert report.exit_code(strict=True) == 0
    assert run(index, [docs.parent / "empty-folder-that-exists-not"]).exit_code() == 1


def test_report_json_shape(index: Index, docs: Path) -> None:
    data = run(index, [docs, docs / "nope.md"]).to_dict()
    assert set(data) == {"documents", "totals"}
    assert all(
        set(d) == {"source", "status", "chunks", "error", "notes"} for d in data["documents"]
    )
    totals = data["totals"]
    assert (totals["added"], totals["failed"], totals["documents"]) == (3, 1, 4)


def test_index_documents_from_memory() -> None:
    index = Index.in_memory()
    docs = [
        Document(
            id="mem/a",
            title="Peer review",
            source="mem/a",
            blocks=(Block("Peer review", "heading", ("Peer review",), None, 1),)
            + (Block(paragraph("peer review")),),
        ),
        Document(id="mem/b", title="Budget", source="mem/b", blocks=(Block(paragraph("budget")),)),
    ]
    pipeline = Pipeline(index, index.settings)
    report = pipeline.index_documents(docs)
    assert by_status(report) == {"added": ["a", "b"]}
    assert by_status(pipeline.index_documents(docs)) == {"unchanged": ["a", "b"]}
    hits = index.dense_search("peer review programme", 3)
    assert hits[0][0].startswith("mem/a::")
    assert_consistent(index)


def test_chunks_are_tagged_with_knowledge(monkeypatch: pytest.MonkeyPatch, docs: Path) -> None:
    import ingest.pipeline as pipeline_module

    monkeypatch.setattr(
        pipeline_module,
        "tag_text",
        lambda text: (("Leeds City Council",), ("housing",)) if "housing" in text else ((), ()),
    )
    index = Index.in_memory()
    run(index, [docs])
    housing = index.catalog.document_chunks("docs/housing.md")
    assert all(c.councils == ("Leeds City Council",) and c.themes == ("housing",) for c in housing)
    assert all(c.themes == () for c in index.catalog.document_chunks("docs/waste.txt"))


def test_reconcile_deletes_orphan_vectors_and_restores_missing(index: Index, docs: Path) -> None:
    run(index, [docs])
    from assistant.types import Chunk

    orphan = Chunk(id="docs/ghost.md::0000::abc", document_id="docs/ghost.md", position=0, text="x")
    index.vectors.upsert([orphan], index.embedder.embed(["x"]))
    lost = index.catalog.document("docs/care.md").chunk_ids
    index.vectors.delete(list(lost))
    report = run(index, [docs])
    assert by_status(report) == {"unchanged": ["housing.md", "waste.txt"], "updated": ["care.md"]}
    assert_consistent(index)


def test_dense_search_ignores_vectors_not_in_the_catalogue(index: Index, docs: Path) -> None:
    from assistant.types import Chunk

    run(index, [docs])
    text = "half written document about parking permits"
    ghost = Chunk(id="docs/ghost.md::0000::abc", document_id="docs/ghost.md", position=0, text=text)
    index.vectors.upsert([ghost], index.embedder.embed([text]))
    assert all(cid != ghost.id for cid, _ in index.dense_search(text, 5))


# -- SQLite catalogue + memory vectors: persistence, model checks, storage errors ----------------


def sqlite_settings(data_dir: Path) -> Settings:
    return Settings.model_validate({"data_dir": data_dir, "vector_store": "memory"})


def test_sqlite_keyword_index_stays_consistent_through_updates_and_prunes(
    tmp_path: Path, docs: Path
) -> None:
    settings = sqlite_settings(tmp_path / "data")
    index = open_index_for_ingest(settings, HashEmbedder())
    run(index, [docs])
    assert_consistent(index)
    write_docs(docs, {"housing.md": "libraries", "new.md": "parking"})
    (docs / "waste.txt").unlink()
    report = run(index, [docs], prune=True)
    assert by_status(report) == {
        "added": ["new.md"],
        "removed": ["waste.txt"],
        "unchanged": ["care.md"],
        "updated": ["housing.md"],
    }
    assert_consistent(index)
    assert index.keyword.search("waste", 5) == []
    found = {cid.split("::")[0] for cid, _ in index.keyword.search("parking libraries", 20)}
    assert found == {"docs/new.md", "docs/housing.md"}
    stats = index.stats()
    assert (stats.documents, stats.chunks) == (3, index.catalog.count_chunks())
    assert stats.embedding_model == "fake-hash-384" and stats.last_ingest
    index.close()


def test_model_mismatch_is_refused_with_what_to_do(tmp_path: Path, docs: Path) -> None:
    settings = sqlite_settings(tmp_path / "data")
    index = open_index_for_ingest(settings, HashEmbedder())
    run(index, [docs])
    index.close()
    other = HashEmbedder(dimension=256)
    with pytest.raises(EmbeddingModelMismatchError) as info:
        Index.open(settings, other)
    message = str(info.value)
    assert "fake-hash-384" in message and "fake-hash-256" in message
    assert "ingest --rebuild" in message and "LGA_ASSISTANT_EMBEDDER__" in message
    with pytest.raises(EmbeddingModelMismatchError):
        open_index_for_ingest(settings, other)
    rebuilt = open_index_for_ingest(settings, other, rebuild=True)
    assert rebuilt.catalog.count_chunks() == 0
    report = run(rebuilt, [docs])
    assert report.count("added") == 3
    assert rebuilt.stats().embedding_model == "fake-hash-256"
    rebuilt.close()


def test_missing_index_says_run_ingest(tmp_path: Path) -> None:
    from assistant.errors import IndexNotFoundError

    with pytest.raises(IndexNotFoundError, match="lga-assistant ingest"):
        Index.open(sqlite_settings(tmp_path / "none"), HashEmbedder())
    assert not (tmp_path / "none").exists()


def test_unwritable_data_dir_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="data directory"):
        open_index_for_ingest(sqlite_settings(blocker / "data"), HashEmbedder())


def test_changing_chunk_settings_re_embeds(tmp_path: Path, docs: Path) -> None:
    settings = sqlite_settings(tmp_path / "data")
    index = open_index_for_ingest(settings, HashEmbedder())
    run(index, [docs])
    index.close()
    changed = settings.model_copy(
        update={
            "ingest": settings.ingest.model_copy(
                update={"chunk_min_tokens": 40, "chunk_max_tokens": 80}
            )
        }
    )
    index = open_index_for_ingest(changed, HashEmbedder())
    report = Pipeline(index, changed).ingest_paths([docs], progress=False)
    assert report.count("updated") == 3
    index.close()


def test_unchanged_files_are_not_even_parsed(
    index: Index, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.pipeline as pipeline_module

    run(index, [docs])
    with (docs / "care.md").open("a") as handle:
        handle.write("\n\n\n")  # new bytes, same content
    report = run(index, [docs])
    assert by_status(report) == {"unchanged": ["care.md", "housing.md", "waste.txt"]}

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file was parsed")

    monkeypatch.setattr(pipeline_module, "load_document", refuse)
    report = run(index, [docs])
    assert by_status(report) == {"unchanged": ["care.md", "housing.md", "waste.txt"]}
    assert_consistent(index)
    # A new loader version (FINGERPRINT_VERSION) parses every file again.
    monkeypatch.undo()
    parsed: list[str] = []
    real_load = pipeline_module.load_document

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        parsed.append(path.name)
        return real_load(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_module, "load_document", counting)
    monkeypatch.setattr(pipeline_module, "FINGERPRINT_VERSION", "test-next")
    run(index, [docs])
    assert sorted(parsed) == ["care.md", "housing.md", "waste.txt"]
    assert_consistent(index)


def test_a_bug_on_the_parsing_thread_surfaces_in_the_caller(docs: Path) -> None:
    def broken_chunker(document: Document, **kwargs: object) -> list:
        raise RuntimeError("chunker bug")

    index = Index.in_memory()
    pipeline = Pipeline(index, index.settings, chunker=broken_chunker)
    with pytest.raises(RuntimeError, match="chunker bug"):
        pipeline.ingest_paths([docs], progress=False)
    assert index.catalog.count_chunks() == 0


def test_storage_failure_stops_the_run_with_a_storage_error(docs: Path) -> None:
    class FullDisk(MemoryVectorStore):
        def upsert(self, chunks, vectors) -> None:
            raise StorageError("Cannot write to the vector index (disk full): free some space.")

    index = Index.in_memory()
    index.vectors = FullDisk(index.embedder.model_id, index.embedder.dimension)
    with pytest.raises(StorageError, match="disk full"):
        run(index, [docs])
    assert index.catalog.count_chunks() == 0


def test_same_folder_name_elsewhere_is_neither_pruned_nor_overwritten(
    index: Index, tmp_path: Path
) -> None:
    project, shared = tmp_path / "project" / "corpus", tmp_path / "shared" / "corpus"
    write_docs(project, {"README.md": "catalogue", "peers.md": "peer councils"})
    write_docs(shared, {"README.md": "shared readme", "report.txt": "report"})
    run(index, [project])
    report = run(index, [shared], prune=True)
    statuses = by_status(report)
    assert statuses == {"added": ["report.txt"], "failed": ["README.md"]}
    assert "another folder with the same name" in report.failed[0].error
    assert {r.id for r in index.catalog.documents()} == {
        "corpus/README.md",
        "corpus/peers.md",
        "corpus/report.txt",
    }
    assert index.catalog.document("corpus/README.md").source == str(project / "README.md")
    assert_consistent(index)


def test_moved_folder_keeps_its_ids(index: Index, docs: Path, tmp_path: Path) -> None:
    run(index, [docs])
    moved = tmp_path / "elsewhere" / "docs"
    moved.parent.mkdir()
    docs.rename(moved)
    report = run(index, [moved], prune=True)
    assert by_status(report) == {"updated": ["care.md", "housing.md", "waste.txt"]}
    assert all(
        c.source.startswith(str(moved))
        for c in index.catalog.chunks(list(index.catalog.all_chunk_ids()))
    )
    assert {r.id for r in index.catalog.documents()} == {
        "docs/housing.md",
        "docs/care.md",
        "docs/waste.txt",
    }


def test_markdown_that_opts_out_of_ingest_is_passed_over(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "README.md").write_text(
        "---\ntitle: Notes\ningest: false\n---\n\n# Format\n\nText.\n"
    )
    (folder / "guide.md").write_text("---\ntitle: Guide\ningest: true\n---\n\n# Guide\n\nText.\n")
    (folder / "plain.md").write_text("# ingest: false\n\nNot front matter, so still content.\n")
    files, failures, _ = discover([folder])
    assert sorted(f.path.name for f in files) == ["guide.md", "plain.md"]
    assert failures == []


# -- hardening (#15.1): names that are not UTF-8, one bad document never costs the others --------


@pytest.mark.integration  # Chroma on disk: its ids must be valid UTF-8
def test_a_latin1_file_name_is_ingested_under_a_safe_reversible_id(tmp_path: Path) -> None:
    from ingest.names import restore_name

    folder = tmp_path / "docs"
    write_docs(folder, {"good.md": "housing"})
    raw = os.path.join(os.fsencode(folder), b"caf\xe9-report.md")  # Latin-1, not UTF-8
    with open(raw, "wb") as handle:
        handle.write(f"# Cafe report\n\n{paragraph('cafe')}\n".encode())
    settings = Settings.model_validate({"data_dir": tmp_path / "data", "vector_store": "chroma"})
    index = open_index_for_ingest(settings, HashEmbedder())
    report = run(index, [folder])
    assert by_status(report) == {"added": ["caf%E9-report.md", "good.md"]}
    ids = {r.id for r in index.catalog.documents()}
    assert ids == {"docs/good.md", "docs/caf%E9-report.md"}
    assert os.fsencode(restore_name("docs/caf%E9-report.md")).endswith(b"caf\xe9-report.md")
    record = index.catalog.document("docs/caf%E9-report.md")
    assert record is not None and record.source.endswith("caf%E9-report.md")
    import json as json_module

    json_module.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")  # printable
    assert_consistent(index)
    assert by_status(run(index, [folder])) == {"unchanged": ["caf%E9-report.md", "good.md"]}
    index.close()


def test_a_batch_where_one_documents_upsert_fails_keeps_the_rest(docs: Path) -> None:
    class PickyStore(MemoryVectorStore):
        def upsert(self, chunks, vectors) -> None:
            if any(c.document_id == "docs/care.md" for c in chunks):
                raise ValueError("Expected ID to be valid UTF-8")
            super().upsert(chunks, vectors)

    index = Index.in_memory()
    index.vectors = PickyStore(index.embedder.model_id, index.embedder.dimension)
    report = run(index, [docs])
    assert by_status(report) == {"added": ["housing.md", "waste.txt"], "failed": ["care.md"]}
    (failure,) = report.failed
    assert "Expected ID to be valid UTF-8" in (failure.error or "")
    assert "\n" not in (failure.error or "")
    assert {r.id for r in index.catalog.documents()} == {"docs/housing.md", "docs/waste.txt"}
    assert_consistent(index)


# -- hardening (#15.2): every skip gets a line; library noise goes into the report ---------------


def test_link_loops_broken_links_and_unreadable_folders_each_get_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    write_docs(folder, {"good.md": "housing", "sub/inner.md": "waste", "locked/secret.md": "x"})
    (folder / "sub" / "back").symlink_to(folder, target_is_directory=True)  # loop
    (folder / "dangling.md").symlink_to(folder / "gone.md")
    (folder / "self.md").symlink_to(folder / "self.md")  # a link to itself
    (tmp_path / "elsewhere").mkdir()
    write_docs(tmp_path / "elsewhere", {"linked.md": "parking"})
    (folder / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    real_scandir = os.scandir

    def scandir(path):  # chmod 000 does not stop root, so refuse this folder by hand
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, failures, _ = discover([folder])
    assert sorted(f.doc_id for f in files) == [
        "docs/good.md",
        "docs/linked/linked.md",
        "docs/sub/inner.md",
    ]
    lines = {Path(d.source).name: (d.status, d.error or "") for d in failures}
    assert set(lines) == {"back", "dangling.md", "self.md", "locked"}
    assert lines["back"][0] == "skipped" and "link loop" in lines["back"][1]
    assert (
        lines["dangling.md"][0] == "skipped" and "broken or looping link" in lines["dangling.md"][1]
    )
    assert lines["self.md"][0] == "skipped"
    assert lines["locked"][0] == "failed" and "cannot read this folder" in lines["locked"][1]
    report = run(Index.in_memory(), [folder])
    assert report.count("skipped") == 3 and report.count("failed") == 1
    assert report.count("added") == 3


def test_pdf_library_warnings_go_into_the_report_not_stderr(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from tests.ingest.fixtures import build_pdf, sentences

    folder = tmp_path / "docs"
    folder.mkdir()
    good = build_pdf(tmp_path / "good.pdf", [[("h1", "Workforce plan"), ("body", sentences(1, 8))]])
    data = good.read_bytes()
    (folder / "noisy.pdf").write_bytes(b"junk before the header\n" + data)
    capfd.readouterr()
    report = run(Index.in_memory(), [folder])
    captured = capfd.readouterr()
    assert "pdf header" not in captured.err.lower() and "startxref" not in captured.err.lower()
    (doc,) = report.documents
    assert doc.status == "added", doc
    notes = " ".join(doc.notes).lower()
    assert "invalid pdf header" in notes and "startxref" in notes
    assert doc.to_dict()["notes"] == list(doc.notes)


# -- hardening (#15.3): pathological but legal files ---------------------------------------------


def _repetitive_html(paragraph_text: str, times: int) -> str:
    body = "".join(f"<p>{paragraph_text}</p>" for _ in range(times))
    return f"<html><head><title>Repeated</title></head><body><main>{body}</main></body></html>"


def test_a_page_of_one_paragraph_repeated_collapses_to_a_few_chunks(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    text = (
        "Our council redesigned the waste collection service with residents, cut missed bins "
        "by a third and moved complaints online."
    )
    (folder / "repeated.html").write_text(_repetitive_html(text, 400))
    from tests.ingest.fixtures import sentences

    (folder / "normal.md").write_text(
        "# Normal\n\n" + "\n\n".join(sentences(seed, 5) for seed in range(12))
    )
    index = Index.in_memory()
    report = run(index, [folder])
    docs = {Path(d.source).name: d for d in report.documents}
    repeated = docs["repeated.html"]
    assert repeated.status == "added"
    assert repeated.chunks <= 3, repeated
    (note,) = [n for n in repeated.notes if n.startswith("collapsed")]
    assert "duplicate chunks" in note and "kept" in note
    chunks = index.catalog.document_chunks(repeated.document_id or "")
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert not [n for n in docs["normal.md"].notes if n.startswith("collapsed")]
    assert_consistent(index)
    again = run(index, [folder])  # the same chunk ids next time: nothing re-embedded
    assert again.count("unchanged") == 2


def test_a_document_over_the_chunk_limit_fails_with_a_clear_message(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    from tests.ingest.fixtures import sentences

    paragraphs = "".join(f"<p>{sentences(seed, 6)}</p>" for seed in range(60))
    (folder / "long.html").write_text(
        f"<html><head><title>Long</title></head><body><main>{paragraphs}</main></body></html>"
    )
    write_docs(folder, {"short.md": "housing"})
    settings = Settings.model_validate(
        {"vector_store": "memory", "ingest": {"max_chunks_per_document": 5}}
    )
    index = Index.in_memory(settings=settings)
    report = run(index, [folder])
    (failed,) = report.failed
    assert Path(failed.source).name == "long.html"
    assert "over the limit of 5 per document" in (failed.error or "")
    assert "LGA_ASSISTANT_INGEST__MAX_CHUNKS_PER_DOCUMENT" in (failed.error or "")
    assert report.count("added") == 1


def test_a_big_file_shows_its_own_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.pipeline as pipeline_module
    from tests.ingest.fixtures import sentences

    folder = tmp_path / "docs"
    folder.mkdir()
    paragraphs = "\n\n".join(sentences(seed, 6) for seed in range(40))
    (folder / "big.md").write_text(f"# Big\n\n{paragraphs}\n")
    write_docs(folder, {"small.md": "housing"})
    calls: list[tuple[str, int, int]] = []
    monkeypatch.setattr(pipeline_module._Progress, "file", lambda self, *args: calls.append(args))
    index = Index.in_memory()
    pipeline = Pipeline(index, index.settings, progress_chunks=4)
    pipeline.ingest_paths([folder], progress=False)
    big = [c for c in calls if c[0].endswith("big.md")]
    total = len(index.catalog.document_chunks("docs/big.md"))
    assert total > 8
    assert [done for _, done, _ in big] == sorted(done for _, done, _ in big)
    assert big[-1][1:] == (total, total) and all(t == total for _, _, t in big)
    assert not [c for c in calls if c[0].endswith("small.md")]


def test_a_new_chunking_version_re_chunks_an_index_built_before(
    tmp_path: Path, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.pipeline as pipeline_module

    settings = sqlite_settings(tmp_path / "data")
    index = open_index_for_ingest(settings, HashEmbedder())
    run(index, [docs])
    assert by_status(run(index, [docs])) == {"unchanged": ["care.md", "housing.md", "waste.txt"]}
    monkeypatch.setattr(pipeline_module, "CHUNKING_VERSION", "test-next")
    report = Pipeline(index, settings).ingest_paths([docs], progress=False)
    assert report.count("updated") == 3
    assert_consistent(index)
    index.close()
