"""Keyword index benchmark: SQLite FTS5 (our SqliteCatalog) vs bm25s on a synthetic corpus.

    python -m evals.bench.keyword [--chunks 100000] [--queries 200]

Prints build time and query p50/p95 for both. FTS5 is what ships: the catalogue and the keyword
index change in one SQLite transaction, so they cannot drift; bm25s would be a second store to
keep in step (and is rebuilt, not updated, when documents change).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.index.sqlite_catalog import SqliteCatalog, query_terms
from assistant.ports import DocumentRecord
from assistant.types import Chunk


def synthetic_corpus(n_chunks: int, seed: int = 7, words_per_chunk: int = 160) -> list[str]:
    """Chunks of Zipf-distributed pseudo-words (a 30k-word vocabulary), like real text."""
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}x" for i in range(30_000)])
    ranks = np.minimum(rng.zipf(1.15, size=n_chunks * words_per_chunk), len(vocab)) - 1
    words = vocab[ranks].reshape(n_chunks, words_per_chunk)
    return [" ".join(row) for row in words]


def make_queries(n: int, seed: int = 11) -> list[str]:
    rng = np.random.default_rng(seed)
    return [
        "how do councils " + " ".join(f"w{int(i)}x" for i in rng.integers(20, 3000, size=5))
        for _ in range(n)
    ]


def percentiles(times_ms: list[float]) -> tuple[float, float]:
    arr = np.array(times_ms)
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95))


def bench_fts5(texts: list[str], queries: list[str], k: int, folder: Path) -> dict[str, float]:
    catalog = SqliteCatalog(folder / "catalog.sqlite3")
    start = time.perf_counter()
    per_doc = 10
    for d in range(0, len(texts), per_doc):
        doc_id = f"bench/doc{d // per_doc}.md"
        chunks = [
            Chunk(id=Chunk.make_id(doc_id, i, t), document_id=doc_id, position=i, text=t)
            for i, t in enumerate(texts[d : d + per_doc])
        ]
        record = DocumentRecord(doc_id, doc_id, doc_id, "h", tuple(c.id for c in chunks))
        catalog.replace_document(record, chunks)
    build = time.perf_counter() - start
    catalog.search(queries[0], k)  # warm the page cache
    times = []
    for q in queries:
        t0 = time.perf_counter()
        catalog.search(q, k)
        times.append((time.perf_counter() - t0) * 1000)
    p50, p95 = percentiles(times)
    catalog.close()
    return {"build_s": build, "p50_ms": p50, "p95_ms": p95}


def bench_bm25s(texts: list[str], queries: list[str], k: int) -> dict[str, float]:
    import bm25s

    start = time.perf_counter()
    tokens = bm25s.tokenize(texts, stopwords="en", show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    build = time.perf_counter() - start
    times = []
    for q in queries:
        t0 = time.perf_counter()
        q_tokens = bm25s.tokenize([" ".join(query_terms(q))], show_progress=False)
        retriever.retrieve(q_tokens, k=k, show_progress=False)
        times.append((time.perf_counter() - t0) * 1000)
    p50, p95 = percentiles(times)
    return {"build_s": build, "p50_ms": p50, "p95_ms": p95}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=40)
    args = parser.parse_args()
    texts = synthetic_corpus(args.chunks)
    queries = make_queries(args.queries)
    print(f"{args.chunks} synthetic chunks (~160 words), {args.queries} queries, top-{args.k}")
    with tempfile.TemporaryDirectory() as tmp:
        fts = bench_fts5(texts, queries, args.k, Path(tmp))
        size = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
    print(
        f"SQLite FTS5: build {fts['build_s']:.1f} s (transactional, per document), "
        f"query p50 {fts['p50_ms']:.1f} ms, p95 {fts['p95_ms']:.1f} ms, {size:.0f} MB on disk"
    )
    bm = bench_bm25s(texts, queries, args.k)
    print(
        f"bm25s:       build {bm['build_s']:.1f} s (whole corpus, in memory), "
        f"query p50 {bm['p50_ms']:.1f} ms, p95 {bm['p95_ms']:.1f} ms"
    )


if __name__ == "__main__":
    main()
