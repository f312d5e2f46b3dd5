"""Retrieval quality of the PostgreSQL keyword index against SQLite FTS5, on the eval set.

    python -m evals.bench.keyword_quality                    # throwaway local PostgreSQL
    python -m evals.bench.keyword_quality --pg-url postgresql://...   # an existing server

Builds (or reuses) the real-corpus index of ``evals.bench.query`` (SQLite catalogue + Chroma),
copies its documents and chunks into a PostgreSQL database (``PostgresCatalog``), then scores
the answerable cases of the dataset (document level, as ``evals.bench.query``): keyword search
alone (top 40, the retriever's candidate depth) and fused retrieval through the ``Retriever``
with each catalogue in front of the same Chroma vectors. Prints hit@1, hit@5, hit@10 and MRR.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.bench.query import real_settings

DATASET = Path(__file__).resolve().parents[1] / "datasets" / "all.jsonl"


def _cases(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    from evals.run import load_cases

    return [(c.question, tuple(c.sources)) for c in load_cases(path) if c.sources]


def _rank(doc_ids: Sequence[str], sources: Sequence[str]) -> int | None:
    from evals.metrics import matches_pattern

    for rank, doc_id in enumerate(doc_ids, start=1):
        if any(matches_pattern(s, doc_id) for s in sources):
            return rank
    return None


def _scores(ranks: Sequence[int | None]) -> dict[str, float]:
    n = max(1, len(ranks))
    out = {
        f"hit@{k}": round(sum(1 for r in ranks if r is not None and r <= k) / n, 3)
        for k in (1, 5, 10)
    }
    out["mrr"] = round(sum(1 / r for r in ranks if r is not None) / n, 3)
    return out


def measure(index: Any, cases: Sequence[tuple[str, tuple[str, ...]]]) -> dict[str, Any]:
    """Keyword-only and fused document-level scores of ``index`` on ``cases``."""
    from assistant.retrieval import CachedEmbedder, Retriever

    keyword_ranks, fused_ranks = [], []
    retriever = Retriever(
        index,
        index.settings.retrieval.model_copy(update={"sentence_rescore": False}),
        embedder=CachedEmbedder(index.embedder),
    )
    for question, sources in cases:
        ids = [cid for cid, _ in index.keyword.search(question, 40)]
        docs = [c.document_id for c in index.catalog.chunks(ids)]
        keyword_ranks.append(_rank(docs, sources))
        hits = retriever.retrieve(question, k=10)
        fused_ranks.append(_rank([h.chunk.document_id for h in hits], sources))
    return {"keyword": _scores(keyword_ranks), "fused": _scores(fused_ranks)}


def copy_catalog(source: Any, target: Any) -> None:
    """Every document (with its chunks) and the meta rows of ``source`` into ``target``."""
    from assistant.index import META_DIMENSION, META_LAST_INGEST, META_MODEL

    target.drop()
    for record in source.documents():
        target.replace_document(record, source.document_chunks(record.id))
    for key in (META_MODEL, META_DIMENSION, META_LAST_INGEST):
        value = source.get_meta(key)
        if value is not None:
            target.set_meta(key, value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--data-dir", type=Path, help="An existing SQLite index to compare.")
    parser.add_argument("--pg-url", help="PostgreSQL database URL (default: throwaway cluster).")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

    from assistant.app import build_embedder
    from assistant.index import Index
    from assistant.index.postgres_catalog import PostgresCatalog
    from assistant.settings import CatalogSettings

    settings = real_settings(args.data_dir)
    embedder = build_embedder(settings)
    cases = _cases(args.dataset)
    cluster = None
    url = args.pg_url
    if not url:
        from evals.bench.pg_server import start_cluster

        cluster = start_cluster()
        url = cluster.database()
    try:
        sqlite_index = Index.open(settings, embedder)
        pg = PostgresCatalog(url)
        copy_catalog(sqlite_index.catalog, pg)
        pg.close()
        pg_settings = settings.model_copy(update={"catalog": CatalogSettings(url=url)})
        pg_index = Index.open(pg_settings, embedder)
        results: dict[str, Any] = {
            "cases": len(cases),
            "chunks": sqlite_index.catalog.count_chunks(),
            "sqlite_fts5": measure(sqlite_index, cases),
            "postgresql": measure(pg_index, cases),
        }
        sqlite_index.close()
        pg_index.close()
    finally:
        if cluster is not None:
            from evals.bench.pg_server import stop_cluster

            stop_cluster(cluster)
    print(json.dumps(results, indent=2))
    print(f"\n{results['cases']} answerable cases, {results['chunks']} chunks; document level")
    print(f"{'':28}{'SQLite FTS5':>14}{'PostgreSQL':>14}")
    for mode in ("keyword", "fused"):
        for metric in ("hit@1", "hit@5", "hit@10", "mrr"):
            a = results["sqlite_fts5"][mode][metric]
            b = results["postgresql"][mode][metric]
            print(f"{mode + ' ' + metric:28}{a:>14.3f}{b:>14.3f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
