"""Scale benchmark: synthetic indexes of 100k and 1M chunks; retrieval latency, memory, disk and
time to open.

    python -m evals.bench.scale                          # 100k and 1M chunks
    python -m evals.bench.scale --sizes 100000           # one size
    python -m evals.bench.scale --sizes 100000 --rounds 5 --json out.json

Each index is built once by ``evals.bench.query.synthetic_settings`` (generated texts, random
unit vectors for the configured embedding model, written straight through ``ChromaVectorStore``
and ``SqliteCatalog``; cached in the temp dir, so later runs only measure). Chroma adds ~1.5-2k
vectors/s on 2 cores: 1M chunks take 10-15 minutes to build the first time.

With PostgreSQL (``--catalogs sqlite,postgres``, the default) the same chunks are copied into a
PostgreSQL database (``PostgresCatalog``: FTS5's bm25 over a (term, chunk) postings table) and
every size is measured twice, once per catalogue, against the same Chroma index: keyword and fused
retrieval side by side. The database lives in a throwaway cluster kept in the temp dir
(``evals/bench/pg_server.py``), or in the server ``--pg-url`` names. For PostgreSQL the slowest
keyword question is also run under ``EXPLAIN (ANALYZE, BUFFERS)`` and its plan printed.

The query embedder runs with ``--embedder-threads`` torch threads (default 1, the setting README
recommends on 2 cores: two torch threads wait on each other when other processes load both cores;
``--embedder-threads 2`` shows the difference).

Every size is measured in a fresh child process, so memory and open time are not polluted by
the previous size: time to open (``Index.open`` plus the first query), resident memory after
opening and at peak, disk used, and p50/p95 in milliseconds of dense (query embedding + Chroma
top-40), keyword (SQLite FTS5 top-40) and fused retrieval through the ``Retriever`` (with and
without the sentence re-score), over the fixed questions of ``evals.bench.query``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evals.bench.query import CACHE, CASES, percentiles, synthetic_settings

# Keyword queries made of words the synthetic texts use (the real questions mostly miss them).
DOMAIN_QUERIES = (
    "council transformation savings",
    "adult social care demand",
    "digital data automation residents",
    "business case benefits realisation",
    "leadership culture governance risk",
    "housing waste planning services",
    "community engagement consultation co-design",
    "finance income partnership delivery company",
)


def _env() -> None:
    for key, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("TRANSFORMERS_OFFLINE", "1"),
        ("HF_HUB_DISABLE_PROGRESS_BARS", "1"),
        ("ANONYMIZED_TELEMETRY", "False"),
        ("TOKENIZERS_PARALLELISM", "false"),
    ):
        os.environ.setdefault(key, value)


def time_calls(fn: Callable[[str], Any], questions: Sequence[str], rounds: int) -> list[float]:
    """Milliseconds per call of ``fn`` over ``questions`` x ``rounds`` (after one warm call)."""
    fn(questions[0])
    times = []
    for _ in range(rounds):
        for q in questions:
            t0 = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t0) * 1000)
    return times


def _rss_mb() -> float:
    """Current resident set size of this process in MiB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def build(size: int) -> Path:
    """Build (or reuse) the synthetic index of ``size`` chunks; returns its data dir."""
    from assistant.app import build_embedder
    from assistant.settings import Settings

    embedder = build_embedder(Settings())
    t0 = time.perf_counter()
    settings = synthetic_settings(size, embedder.model_id, embedder.dimension)
    print(f"index of {size:,} chunks ready in {time.perf_counter() - t0:.0f} s", flush=True)
    return settings.data_dir


def load_postgres(size: int, server_url: str) -> str:
    """Copy the synthetic catalogue of ``size`` chunks into its own PostgreSQL database (once;
    later runs reuse it); returns the database URL."""
    import psycopg

    from assistant.app import build_embedder
    from assistant.index import META_DIMENSION, META_MODEL
    from assistant.index.postgres_catalog import PostgresCatalog
    from assistant.index.sqlite_catalog import SqliteCatalog
    from assistant.settings import Settings

    embedder = build_embedder(Settings())
    settings = synthetic_settings(size, embedder.model_id, embedder.dimension)
    name = f"synthetic_{size}"
    base, _, _ = server_url.rpartition("/")
    with psycopg.connect(server_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchall():
            conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    target = PostgresCatalog(url)
    try:
        if target.get_meta("bench_complete") == "ok":
            return url
        t0 = time.perf_counter()
        target.drop()
        source = SqliteCatalog(settings.catalog_path)
        for record in source.documents():
            target.replace_document(record, source.document_chunks(record.id))
        for key in (META_MODEL, META_DIMENSION):
            target.set_meta(key, source.get_meta(key) or "")
        source.close()
        target.set_meta("bench_complete", "ok")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        print(f"PostgreSQL catalogue of {size:,} chunks loaded in {time.perf_counter() - t0:.0f} s")
    finally:
        target.close()
    return url


def explain_slowest(catalog: Any, questions: Sequence[str], rounds: int) -> dict[str, Any]:
    """The slowest of ``questions`` for a ``PostgresCatalog``'s keyword search, with its
    ``EXPLAIN (ANALYZE, BUFFERS)`` plan."""
    from assistant.index.keywords import is_stemmed, query_terms
    from assistant.index.postgres_catalog import _SEARCH, KEEP_CONFIG, TS_CONFIG

    def median_ms(question: str) -> float:
        times = sorted(time_calls(lambda q: catalog.search(q, 40), [question], rounds))
        return times[len(times) // 2]

    slowest = max(questions, key=median_ms)
    terms = query_terms(slowest)
    params = {"terms": terms, "k": 40}
    plan = [r[0] for r in catalog._read("EXPLAIN (ANALYZE, BUFFERS) " + _SEARCH, params)]
    lexemes = catalog._read(
        f"SELECT ARRAY(SELECT unnest(tsvector_to_array(to_tsvector('{TS_CONFIG}', %s))) UNION "
        f"SELECT unnest(tsvector_to_array(to_tsvector('{KEEP_CONFIG}', %s))))",
        (
            " ".join(t for t in terms if is_stemmed(t)),
            " ".join(t for t in terms if not is_stemmed(t)),
        ),
    )[0][0]
    postings = catalog._read(
        "SELECT count(*) FROM keyword_postings WHERE lexeme = ANY(%s)", (lexemes,)
    )[0][0]
    return {"question": slowest, "postings_read": int(postings), "plan": plan}


def measure(size: int, rounds: int, catalog_url: str | None = None) -> dict[str, Any]:
    """Open the built index of ``size`` chunks in this process and measure it (with the
    PostgreSQL catalogue at ``catalog_url`` when given, else the SQLite one)."""
    from assistant.app import build_embedder
    from assistant.index import Index
    from assistant.retrieval import Retriever
    from assistant.settings import CatalogSettings, Settings

    base_rss = _rss_mb()
    embedder = build_embedder(Settings())
    embedder.embed(["warm the model"])  # the model's own load is not the index's open time
    model_rss = _rss_mb()
    settings = synthetic_settings(size, embedder.model_id, embedder.dimension)
    if catalog_url:
        settings = settings.model_copy(update={"catalog": CatalogSettings(url=catalog_url)})
    questions = [c.question for c in CASES]
    t0 = time.perf_counter()
    index = Index.open(settings, embedder)
    index.vectors.query(embedder.embed([questions[0]])[0], 10)
    open_ms = (time.perf_counter() - t0) * 1000
    open_rss = _rss_mb()

    vectors = {q: embedder.embed([q])[0] for q in questions}

    def dense(q: str) -> Any:
        return index.vectors.query(embedder.embed([q])[0], 40)

    def chroma(q: str) -> Any:
        return index.vectors.query(vectors[q], 40)

    def keyword(q: str) -> Any:
        return index.keyword.search(q, 40)

    plain = settings.retrieval.model_copy(update={"sentence_rescore": False})
    fused = Retriever(index, plain).retrieve
    configured = Retriever(index, settings.retrieval).retrieve
    server_size = getattr(index.catalog, "size_bytes", None)
    out: dict[str, Any] = {
        "catalog": "PostgreSQL" if catalog_url else "SQLite",
        "chunks": index.catalog.count_chunks(),
        "vectors": index.vectors.count(),
        "open_ms": round(open_ms, 1),
        "rss_model_mb": round(model_rss - base_rss, 1),
        "rss_index_open_mb": round(open_rss - model_rss, 1),
        "disk_mb": round(_disk_mb(settings.data_dir), 1),
        "disk_chroma_mb": round(_disk_mb(settings.chroma_dir), 1),
        "disk_catalog_mb": round(
            (server_size() if server_size else settings.catalog_path.stat().st_size) / 2**20, 1
        ),
    }
    hits = [len(keyword(q)) for q in DOMAIN_QUERIES]
    out["keyword_domain_hits_mean"] = round(sum(hits) / len(hits), 1)
    p50, p95 = percentiles(time_calls(keyword, DOMAIN_QUERIES, rounds))
    out["keyword_domain_p50_ms"], out["keyword_domain_p95_ms"] = round(p50, 1), round(p95, 1)
    for name, fn in (
        ("chroma", chroma),
        ("dense", dense),
        ("keyword", keyword),
        ("fused", fused),
        ("fused_rescore", configured),
    ):
        # The re-score embeds ~200 sentences per question: one pass is enough to time it.
        n = 1 if name == "fused_rescore" else rounds
        p50, p95 = percentiles(time_calls(fn, questions, n))
        out[f"{name}_p50_ms"] = round(p50, 1)
        out[f"{name}_p95_ms"] = round(p95, 1)
    if catalog_url:
        out["keyword_slowest"] = explain_slowest(
            index.catalog, [*questions, *DOMAIN_QUERIES], rounds
        )
    out["embedder_threads"] = settings.embedder.threads
    out["rss_after_queries_mb"] = round(_rss_mb(), 1)
    out["rss_peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    index.close()
    return out


def report(results: Sequence[dict[str, Any]]) -> str:
    rows = [
        ("chunks", "chunks", "{:,}"),
        ("time to open + first query (ms)", "open_ms", "{:,.0f}"),
        ("RSS of the open index (MiB)", "rss_index_open_mb", "{:,.0f}"),
        ("RSS after queries (MiB)", "rss_after_queries_mb", "{:,.0f}"),
        ("peak RSS (MiB)", "rss_peak_mb", "{:,.0f}"),
        ("disk total (MiB)", "disk_mb", "{:,.0f}"),
        ("  Chroma (MiB)", "disk_chroma_mb", "{:,.0f}"),
        ("  catalogue + keyword index (MiB)", "disk_catalog_mb", "{:,.0f}"),
    ]
    for name, label in (
        ("chroma", "Chroma top-40 (vector given)"),
        ("dense", "dense: embed + Chroma top-40"),
        ("keyword", "keyword top-40, questions"),
        ("keyword_domain", "keyword top-40, domain words"),
        ("fused", "fused (Retriever, no re-score)"),
        ("fused_rescore", "fused + sentence re-score"),
    ):
        rows.append((f"{label} p50 (ms)", f"{name}_p50_ms", "{:,.1f}"))
        rows.append((f"{label} p95 (ms)", f"{name}_p95_ms", "{:,.1f}"))
    width = max(len(r[0]) for r in rows) + 2
    lines = ["".ljust(width) + "".join(f"{r['chunks']:>14,}" for r in results)]
    lines.append("".ljust(width) + "".join(f"{r.get('catalog', 'SQLite'):>14}" for r in results))
    for label, key, fmt in rows[1:]:
        lines.append(label.ljust(width) + "".join(f"{fmt.format(r[key]):>14}" for r in results))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        default="100000,1000000",
        help="Comma-separated index sizes in chunks (default 100000,1000000).",
    )
    parser.add_argument("--rounds", type=int, default=3, help="Passes over the questions.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    parser.add_argument(
        "--catalogs",
        default="sqlite,postgres",
        help="Catalogues to measure, comma-separated: sqlite, postgres (default both).",
    )
    parser.add_argument(
        "--pg-url",
        help="A PostgreSQL server URL to create the bench databases in (default: a throwaway "
        "local cluster kept in the temp dir).",
    )
    parser.add_argument(
        "--embedder-threads",
        type=int,
        default=1,
        help="torch threads of the query embedder (default 1, as README recommends on 2 cores).",
    )
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # child process mode
    parser.add_argument("--catalog-url", help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args(argv)
    _env()
    os.environ["LGA_ASSISTANT_EMBEDDER__THREADS"] = str(args.embedder_threads)  # child inherits
    CACHE.mkdir(parents=True, exist_ok=True)
    if args.measure:
        print(json.dumps(measure(args.measure, args.rounds, args.catalog_url)))
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    catalogs = [c.strip() for c in args.catalogs.split(",") if c.strip()]
    cluster = None
    server_url = args.pg_url
    if "postgres" in catalogs and not server_url:
        from evals.bench.pg_server import start_cluster

        cluster = start_cluster(CACHE / "postgres")
        server_url = cluster.url()
    results = []
    try:
        for size in sizes:
            build(size)
            for catalog in catalogs:
                child_args = ["--rounds", str(args.rounds)]
                if catalog == "postgres":
                    child_args += ["--catalog-url", load_postgres(size, str(server_url))]
                child = subprocess.run(
                    [sys.executable, "-m", "evals.bench.scale", "--measure", str(size)]
                    + child_args,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if child.returncode != 0:
                    print(child.stderr, file=sys.stderr)
                    return child.returncode
                result = json.loads(child.stdout.strip().splitlines()[-1])
                result["load_average"] = [round(x, 1) for x in os.getloadavg()]
                results.append(result)
                slowest = result.pop("keyword_slowest", None)
                print(json.dumps(result), flush=True)
                if slowest:
                    print(
                        f"slowest keyword question ({slowest['postings_read']:,} postings): "
                        f"{slowest['question']!r}\n  " + "\n  ".join(slowest["plan"]),
                        flush=True,
                    )
                    result["keyword_slowest"] = slowest
    finally:
        if cluster is not None:
            from evals.bench.pg_server import stop_cluster

            stop_cluster(cluster, remove=False)
    print("\nScale benchmark (synthetic chunks, random vectors, real query embeddings):")
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
