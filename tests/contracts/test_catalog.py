"""Contract every ``Catalog`` + ``KeywordIndex`` adapter passes: MemoryCatalog, SqliteCatalog and
PostgresCatalog (against a throwaway PostgreSQL cluster, see ``tests/pg_fixture.py``)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant.adapters.fakes import MemoryCatalog
from assistant.index.sqlite_catalog import SqliteCatalog
from assistant.ports import Catalog, DocumentRecord, KeywordIndex, TextVectors
from assistant.types import Chunk


def make_doc(
    doc_id: str,
    texts: list[str],
    *,
    title: str = "Title",
    digest: str = "h1",
    url: str | None = "https://example.org/x",
):
    chunks = [
        Chunk(
            id=Chunk.make_id(doc_id, i, t),
            document_id=doc_id,
            position=i,
            text=t,
            heading_path=("Part one", f"Section {i}"),
            page_start=i + 1,
            page_end=i + 2,
            char_start=i * 100,
            char_end=i * 100 + len(t),
            title=title,
            source=f"/docs/{doc_id}",
            url=url,
            doc_type="guidance",
            publisher="LGA",
            published="2024",
            councils=("Leeds City Council",) if i == 0 else (),
            themes=("digital", "housing") if i == 0 else (),
        )
        for i, t in enumerate(texts)
    ]
    record = DocumentRecord(
        id=doc_id,
        source=f"/docs/{doc_id}",
        title=title,
        content_hash=digest,
        chunk_ids=tuple(c.id for c in chunks),
        doc_type="guidance",
        publisher="LGA",
        published="2024",
        url=url,
        ingested_at="2026-01-01T00:00:00+00:00",
        file_hash="f-" + digest,
    )
    return record, chunks


class CatalogContract:
    @pytest.fixture
    def catalog(self, tmp_path: Path):
        raise NotImplementedError

    def test_implements_ports(self, catalog) -> None:
        assert isinstance(catalog, Catalog)
        assert isinstance(catalog, KeywordIndex)

    def test_empty(self, catalog) -> None:
        assert catalog.documents() == []
        assert catalog.count_chunks() == 0
        assert catalog.all_chunk_ids() == set()
        assert catalog.document("nope") is None
        assert catalog.search("housing", 5) == []
        assert catalog.get_meta("k") is None

    def test_round_trip_keeps_every_chunk_field(self, catalog) -> None:
        record, chunks = make_doc("a/one.md", ["alpha housing text", "beta digital text"])
        catalog.replace_document(record, chunks)
        assert catalog.document("a/one.md") == record
        assert catalog.documents() == [record]
        assert catalog.document_chunks("a/one.md") == chunks
        assert catalog.chunks([chunks[1].id, chunks[0].id]) == [chunks[1], chunks[0]]
        assert catalog.count_chunks() == 2

    def test_documents_at_a_web_address(self, catalog) -> None:
        r1, c1 = make_doc("a/one.md", ["housing repairs"], url="https://example.org/page/")
        r2, c2 = make_doc("a/two.md", ["housing allocations"], url="https://example.org/page")
        r3, c3 = make_doc("a/three.md", ["parking"], url="https://example.org/other")
        r4, c4 = make_doc("a/four.md", ["no address"], url=None)
        for record, chunks in ((r2, c2), (r1, c1), (r3, c3), (r4, c4)):
            catalog.replace_document(record, chunks)
        # a trailing slash aside, by id, whole records
        assert catalog.documents_at("https://example.org/page") == [r1, r2]
        assert catalog.documents_at("https://example.org/page/") == [r1, r2]
        assert catalog.documents_at("https://example.org/nowhere") == []

    def test_chunks_skips_unknown_ids(self, catalog) -> None:
        record, chunks = make_doc("a/one.md", ["alpha", "beta"])
        catalog.replace_document(record, chunks)
        assert catalog.chunks(["missing", chunks[1].id]) == [chunks[1]]

    def test_replace_swaps_all_chunks_and_keyword_entries(self, catalog) -> None:
        record, chunks = make_doc("a/one.md", ["old text about libraries", "more libraries"])
        catalog.replace_document(record, chunks)
        new_record, new_chunks = make_doc("a/one.md", ["new text about parking"], digest="h2")
        catalog.replace_document(new_record, new_chunks)
        assert catalog.document("a/one.md").content_hash == "h2"
        assert catalog.all_chunk_ids() == {new_chunks[0].id}
        assert catalog.search("libraries", 10) == []
        assert [cid for cid, _ in catalog.search("parking", 10)] == [new_chunks[0].id]
        assert catalog.keyword_ids() == catalog.all_chunk_ids()

    def test_remove_document(self, catalog) -> None:
        r1, c1 = make_doc("a/one.md", ["housing repairs"])
        r2, c2 = make_doc("a/two.md", ["housing allocations"])
        catalog.replace_document(r1, c1)
        catalog.replace_document(r2, c2)
        catalog.remove_document("a/one.md")
        catalog.remove_document("a/never.md")
        assert [d.id for d in catalog.documents()] == ["a/two.md"]
        assert [cid for cid, _ in catalog.search("housing", 10)] == [c2[0].id]
        assert catalog.keyword_ids() == {c2[0].id}

    def test_search_ranks_by_relevance(self, catalog) -> None:
        texts = [
            "adult social care digital transformation programme",
            "housing repairs and maintenance backlog",
            "digital digital digital inclusion for residents",
            "waste collection",
        ]
        record, chunks = make_doc("a/one.md", texts, title="Plain")
        catalog.replace_document(record, chunks)
        hits = catalog.search("What about digital inclusion?", 10)
        ids = [cid for cid, _ in hits]
        assert ids[0] == chunks[2].id
        assert set(ids) == {chunks[0].id, chunks[2].id}
        assert all(score > 0 for _, score in hits)
        assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
        assert len(catalog.search("digital", 1)) == 1

    def test_search_is_safe_with_syntax_and_stopwords(self, catalog) -> None:
        record, chunks = make_doc("a/one.md", ['housing "repairs" AND (NEAR) OR *'])
        catalog.replace_document(record, chunks)
        for query in ['"', "AND OR NOT", "(housing", "housing*", "col:housing", "the of and", ""]:
            catalog.search(query, 5)  # must not raise
        assert catalog.search("the of and", 5) == []
        assert [c for c, _ in catalog.search('"housing" NEAR(', 5)] == [chunks[0].id]

    def test_search_matches_title_and_heading(self, catalog) -> None:
        record, chunks = make_doc("a/one.md", ["plain words"], title="Procurement strategy")
        catalog.replace_document(record, chunks)
        assert [c for c, _ in catalog.search("procurement", 5)] == [chunks[0].id]
        assert [c for c, _ in catalog.search("section", 5)] == [chunks[0].id]

    def test_meta(self, catalog) -> None:
        catalog.set_meta("embedding_model", "m1")
        catalog.set_meta("embedding_model", "m2")
        assert catalog.get_meta("embedding_model") == "m2"

    def test_text_vectors_are_stored_and_go_with_their_chunk(self, catalog) -> None:
        record, chunks = make_doc("d1", ["alpha one", "beta two"])
        catalog.replace_document(record, chunks)
        a, b = chunks[0].id, chunks[1].id
        assert catalog.chunks_without_text_vectors() == {a, b}
        tv = TextVectors(b"k" * 8, bytes(range(16)))
        catalog.put_text_vectors({a: tv, b: tv, "unknown-chunk": tv})
        assert catalog.text_vectors([a, "nope"]) == {a: tv}  # unknown ids were ignored
        assert catalog.chunks_without_text_vectors() == set()
        # Re-ingest: the kept chunk keeps its vectors, the dropped one loses them.
        new_record, new_chunks = make_doc("d1", ["alpha one", "gamma three"], digest="h2")
        catalog.replace_document(new_record, new_chunks)
        assert set(catalog.text_vectors([a, b, new_chunks[1].id])) == {a}
        assert catalog.chunks_without_text_vectors() == {new_chunks[1].id}
        catalog.put_text_vectors({b: tv})  # b is gone: not stored again
        assert catalog.text_vectors([b]) == {}
        catalog.remove_document("d1")
        assert catalog.text_vectors([a, new_chunks[1].id]) == {}
        assert catalog.chunks_without_text_vectors() == set()


class TestMemoryCatalog(CatalogContract):
    @pytest.fixture
    def catalog(self, tmp_path: Path):
        return MemoryCatalog()


class TestSqliteCatalog(CatalogContract):
    @pytest.fixture
    def catalog(self, tmp_path: Path):
        catalog = SqliteCatalog(tmp_path / "catalog.sqlite3")
        yield catalog
        catalog.close()

    def test_persists_across_reopen(self, catalog, tmp_path: Path) -> None:
        record, chunks = make_doc("a/one.md", ["persistent housing text"])
        catalog.replace_document(record, chunks)
        catalog.close()
        again = SqliteCatalog(tmp_path / "catalog.sqlite3")
        assert again.document_chunks("a/one.md") == chunks
        assert [c for c, _ in again.search("housing", 3)] == [chunks[0].id]
        again.close()

    def test_failed_replace_leaves_old_version(self, catalog) -> None:
        record, chunks = make_doc("a/one.md", ["original text"])
        catalog.replace_document(record, chunks)
        bad_record, bad_chunks = make_doc("a/one.md", ["x", "y"], digest="h2")
        duplicate = [bad_chunks[0], bad_chunks[0]]  # violates the unique chunk id
        with pytest.raises(Exception):  # noqa: B017 - sqlite3.IntegrityError
            catalog.replace_document(bad_record, duplicate)
        assert catalog.document("a/one.md") == record
        assert catalog.document_chunks("a/one.md") == chunks
        assert catalog.keyword_ids() == {chunks[0].id}

    def test_reads_from_other_threads_while_writing(self, catalog) -> None:
        record, chunks = make_doc("a/one.md", ["shared housing text"])
        catalog.replace_document(record, chunks)
        errors: list[BaseException] = []

        def reader() -> None:
            try:
                for _ in range(50):
                    assert catalog.search("housing", 3)
                    assert catalog.count_chunks() >= 1
            except BaseException as exc:  # noqa: BLE001 - reported to the main thread
                errors.append(exc)

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        for i in range(20):
            r, c = make_doc(f"a/w{i}.md", [f"housing note {i}"])
            catalog.replace_document(r, c)
        for t in threads:
            t.join()
        assert errors == []
        assert catalog.count_chunks() == 21

    def test_unreadable_file_raises_index_corrupt(self, tmp_path: Path) -> None:
        from assistant.errors import IndexCorruptError

        path = tmp_path / "junk.sqlite3"
        path.write_bytes(b"this is not a database" * 100)
        with pytest.raises(IndexCorruptError, match="rebuild"):
            SqliteCatalog(path)

    def test_read_only_dir_raises_storage_error(self, tmp_path: Path) -> None:
        import os

        from assistant.errors import StorageError

        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        try:
            if os.access(ro, os.W_OK):
                pytest.skip("running as root: chmod does not stop writes")
            with pytest.raises(StorageError, match="writable"):
                SqliteCatalog(ro / "catalog.sqlite3")
        finally:
            ro.chmod(0o700)


def test_unwritable_location_raises_storage_error(tmp_path: Path) -> None:
    from assistant.errors import StorageError

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="writable"):
        SqliteCatalog(blocker / "catalog.sqlite3")


@pytest.mark.integration
class TestPostgresCatalog(CatalogContract):
    @pytest.fixture
    def catalog(self, pg_url: str):
        from assistant.index.postgres_catalog import PostgresCatalog

        catalog = PostgresCatalog(pg_url)
        yield catalog
        catalog.close()

    def test_persists_across_reopen(self, catalog, pg_url: str) -> None:
        from assistant.index.postgres_catalog import PostgresCatalog

        record, chunks = make_doc("a/one.md", ["persistent housing text"])
        catalog.replace_document(record, chunks)
        catalog.close()
        again = PostgresCatalog(pg_url)
        assert again.document_chunks("a/one.md") == chunks
        assert [c for c, _ in again.search("housing", 3)] == [chunks[0].id]
        again.close()

    def test_failed_replace_leaves_old_version(self, catalog) -> None:
        record, chunks = make_doc("a/one.md", ["original text"])
        catalog.replace_document(record, chunks)
        bad_record, bad_chunks = make_doc("a/one.md", ["x", "y"], digest="h2")
        duplicate = [bad_chunks[0], bad_chunks[0]]  # violates the unique chunk id
        with pytest.raises(Exception):  # noqa: B017 - psycopg UniqueViolation
            catalog.replace_document(bad_record, duplicate)
        assert catalog.document("a/one.md") == record
        assert catalog.document_chunks("a/one.md") == chunks
        assert catalog.keyword_ids() == {chunks[0].id}
        assert [c for c, _ in catalog.search("original", 3)] == [chunks[0].id]

    def test_rare_terms_outrank_common_ones(self, catalog) -> None:
        common = [f"council services residents note {i}" for i in range(20)]
        record, chunks = make_doc("a/one.md", [*common, "council procurement"], title="Plain")
        catalog.replace_document(record, chunks)
        assert catalog.search("council procurement", 3)[0][0] == chunks[-1].id

    def test_scores_equal_sqlite_fts5_bm25(self, catalog, tmp_path: Path) -> None:
        """Same tokens, stems, column weights and formula as FTS5's bm25(): the same scores."""
        sqlite = SqliteCatalog(tmp_path / "catalog.sqlite3")
        docs = [
            make_doc(
                "a/one.md",
                [
                    "Digital transformation of adult social care: councils redesigning services.",
                    "Housing repairs backlog; the council's digital housing team reported it.",
                    "Café owners consulted on waste collection and recycling services.",
                ],
                title="Transforming services",
            ),
            make_doc(
                "a/two.md",
                [
                    "Leadership, culture and governance: risk appetite in transformation.",
                    "Residents co-designed the digital inclusion programme with the council.",
                    "Tell us how you are using AI: as a pilot, or in services? Ask us.",
                    "Waste, recycling and street cleaning contracts were re-procured in 2023/24.",
                ],
                title="Council leadership",
            ),
        ]
        try:
            for record, chunks in docs:
                catalog.replace_document(record, chunks)
                sqlite.replace_document(record, chunks)
            for query in (
                "digital transformation of services",
                "housing housing repairs",
                "cafe waste recycling",
                "councils leadership governance risk",
                "co-design digital inclusion residents 2023",
                "transforming social care",
                "can the LGA pair us with councils using AI",  # "us": too short to stem
            ):
                want = sqlite.search(query, 10)
                got = catalog.search(query, 10)
                assert [c for c, _ in got] == [c for c, _ in want], query
                assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-5), query
        finally:
            sqlite.close()

    def test_an_older_keyword_index_is_rebuilt_on_open(self, catalog, pg_url: str) -> None:
        from assistant.index.postgres_catalog import PostgresCatalog

        record, chunks = make_doc("a/one.md", ["housing repairs", "parking permits"])
        catalog.replace_document(record, chunks)
        want = catalog.search("housing permits", 5)
        with catalog._connection() as conn:  # what an earlier version left: another index
            conn.execute("TRUNCATE keyword_postings")
            conn.execute("UPDATE keyword_stats SET chunks = 0, tokens = 0")
            conn.execute("UPDATE meta SET value = '1' WHERE key = 'keyword_index_version'")
        assert catalog.search("housing permits", 5) == []
        again = PostgresCatalog(pg_url)
        try:
            assert again.search("housing permits", 5) == want
            assert again.keyword_ids() == again.all_chunk_ids()
        finally:
            again.close()

    def test_reads_survive_the_server_dropping_pooled_connections(self, catalog, pg_url) -> None:
        import psycopg

        record, chunks = make_doc("a/one.md", ["housing repairs"])
        catalog.replace_document(record, chunks)
        assert catalog.count_chunks() == 1
        with psycopg.connect(pg_url, autocommit=True) as admin:  # a restart, as the pool sees it
            dropped = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert dropped is not None and dropped[0] >= 1
        assert [c for c, _ in catalog.search("housing", 3)] == [chunks[0].id]
        assert catalog.count_chunks() == 1

    def test_two_replicas_replacing_one_document_never_mix_versions(self, pg_url: str) -> None:
        from assistant.index.postgres_catalog import PostgresCatalog

        a, b = PostgresCatalog(pg_url), PostgresCatalog(pg_url)
        versions = {}
        for v in range(6):
            versions[v] = make_doc("a/one.md", [f"v{v} housing {i}" for i in range(1 + v % 3)])
        errors: list[BaseException] = []
        seen: set[frozenset[str]] = set()
        stop = threading.Event()

        def writer(catalog: PostgresCatalog, order: list[int]) -> None:
            try:
                for v in order * 5:
                    catalog.replace_document(*versions[v])
            except BaseException as exc:  # noqa: BLE001 - reported to the main thread
                errors.append(exc)

        def reader() -> None:
            while not stop.is_set():
                chunks = b.document_chunks("a/one.md")
                hits = b.chunks([cid for cid, _ in a.search("housing", 10)])
                for group in (chunks, hits):
                    seen.add(frozenset(c.text.split()[0] for c in group))

        threads = [
            threading.Thread(target=writer, args=(a, [0, 1, 2, 3, 4, 5])),
            threading.Thread(target=writer, args=(b, [5, 4, 3, 2, 1, 0])),
        ]
        watcher = threading.Thread(target=reader)
        watcher.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        watcher.join()
        try:
            assert errors == []
            assert all(len(versions_seen) <= 1 for versions_seen in seen), seen
            record = a.document("a/one.md")
            assert record is not None
            assert set(record.chunk_ids) == a.all_chunk_ids() == a.keyword_ids()
        finally:
            a.close()
            b.close()

    def test_writer_lock_is_exclusive_across_instances(self, pg_url: str) -> None:
        from assistant.index.postgres_catalog import PostgresCatalog

        a, b = PostgresCatalog(pg_url), PostgresCatalog(pg_url)
        order: list[str] = []
        try:
            with a.writer_lock():
                t = threading.Thread(target=lambda: _hold(b, order))
                t.start()
                t.join(0.5)
                assert t.is_alive(), "the second writer must wait"
                order.append("a done")
            t.join(10)
            assert order == ["a done", "b"]
        finally:
            a.close()
            b.close()

    def test_unreachable_server_raises_storage_error(self) -> None:
        from assistant.errors import StorageError
        from assistant.index.postgres_catalog import PostgresCatalog
        from tests.live_server import free_port

        port = free_port()
        with pytest.raises(StorageError, match="CATALOG__URL") as info:
            PostgresCatalog(f"postgresql://u:secret@127.0.0.1:{port}/x", connect_timeout=1)
        assert "secret" not in str(info.value)


def _hold(catalog, order: list[str]) -> None:
    with catalog.writer_lock():
        order.append("b")
