"""The eval with the PostgreSQL catalogue beside the SQLite one: held-out dev and test figures.

    python -m evals.bench.pg_parity                       # throwaway local PostgreSQL
    python -m evals.bench.pg_parity --pg-url postgresql://...   # an existing (empty) database
    python -m evals.bench.pg_parity --suite dev           # tuning: the dev split only

Ingests the real corpus (``corpus/`` and ``../shared/corpus``, as ``lga-assistant ingest``) twice
through the ingest pipeline: into the SQLite catalogue, and into a PostgreSQL catalogue (each with
its own Chroma folder under ``--data-dir``; reruns only re-check the files). Then compares:

- the keyword index alone: for every question of the dataset, whether both catalogues return the
  same top-40 chunk ids in the same order (chunk ids are content-derived, so they are equal when
  both ingests chunked alike);
- the eval (``evals.runner.execute``, no baseline) on each catalogue: hit@1, key facts
  (``facts_pass``), MRR and pass rate, per held-out split, side by side with the difference.

The throwaway cluster lives in ``--data-dir`` and is kept between runs (``--fresh`` deletes it).
The test split is for the final report: tune on ``--suite dev``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DATASET = Path(__file__).resolve().parents[1] / "datasets" / "heldout.jsonl"
DATA_DIR = Path(tempfile.gettempdir()) / "lga-pg-parity"
METRICS = ("hit@1", "facts_pass", "mrr", "pass_rate")
KEYWORD_K = 40


def _env() -> None:
    for key, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("TRANSFORMERS_OFFLINE", "1"),
        ("HF_HUB_DISABLE_PROGRESS_BARS", "1"),
        ("ANONYMIZED_TELEMETRY", "False"),
        ("TOKENIZERS_PARALLELISM", "false"),
    ):
        os.environ.setdefault(key, value)


def ingest(settings: Any, embedder: Any, label: str) -> None:
    """Ingest the default sources into ``settings``' index (idempotent; prunes removed files)."""
    from evals.runner import default_ingest_paths
    from ingest.pipeline import Pipeline, open_index_for_ingest

    t0 = time.perf_counter()
    index = open_index_for_ingest(settings, embedder)
    try:
        paths = default_ingest_paths(settings)
        report = Pipeline(index, settings).ingest_paths(paths, prune=True, progress=False)
    finally:
        index.close()
    t = report.totals
    print(
        f"{label}: {t['chunks']} chunks ({t['added']} added, {t['updated']} updated, "
        f"{t['unchanged']} unchanged, {t['failed']} failed) in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )


def keyword_agreement(a: Any, b: Any, questions: Sequence[str]) -> dict[str, Any]:
    """How often two keyword indexes return the same top-k ids (same order / same set)."""
    same_order = same_set = same_first = 0
    for q in questions:
        ids_a = [cid for cid, _ in a.search(q, KEYWORD_K)]
        ids_b = [cid for cid, _ in b.search(q, KEYWORD_K)]
        same_order += ids_a == ids_b
        same_set += set(ids_a) == set(ids_b)
        same_first += ids_a[:1] == ids_b[:1]
    n = max(1, len(questions))
    return {
        "questions": len(questions),
        "same_order": round(same_order / n, 3),
        "same_set": round(same_set / n, 3),
        "same_first": round(same_first / n, 3),
    }


def run_eval(settings: Any, dataset: Path, suite: str | None, out_dir: Path) -> dict[str, Any]:
    from evals.runner import execute

    t0 = time.perf_counter()
    outcome = execute(
        settings, dataset=dataset, suite=suite, out_dir=out_dir, baseline=False, say=print
    )
    print(f"eval written to {out_dir} in {time.perf_counter() - t0:.0f} s", flush=True)
    return outcome.summary


def columns(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``overall`` and each held-out split's metrics of a run summary."""
    out = {"overall": summary["overall"]}
    out.update(summary.get("by_split") or {})
    return out


def table(sqlite: dict[str, Any], postgres: dict[str, Any]) -> str:
    a, b = columns(sqlite), columns(postgres)
    groups = [g for g in ("dev", "test", "overall") if g in a and g in b]
    head = f"{'':14}" + "".join(f"{g + ' (n=' + str(a[g]['n']) + ')':>30}" for g in groups)
    sub = f"{'':14}" + "".join(f"{'SQLite':>10}{'PostgreSQL':>11}{'diff':>9}" for _ in groups)
    lines = [head, sub]
    for metric in METRICS:
        cells = []
        for g in groups:
            x, y = a[g].get(metric), b[g].get(metric)
            if x is None or y is None:
                cells.append(f"{'n/a':>30}")
            else:
                cells.append(f"{x:>10.3f}{y:>11.3f}{y - x:>+9.3f}")
        lines.append(f"{metric:14}" + "".join(cells))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--suite", help="Only this suite's cases (dev to tune; default: all).")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--pg-url", help="PostgreSQL database URL (default: throwaway cluster).")
    parser.add_argument("--fresh", action="store_true", help="Delete --data-dir first.")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    args = parser.parse_args(argv)
    _env()

    from assistant.app import build_embedder, open_index
    from assistant.settings import CatalogSettings, Settings
    from evals.run import load_cases

    if args.fresh:
        shutil.rmtree(args.data_dir, ignore_errors=True)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    cluster = None
    url = args.pg_url
    if not url:
        from evals.bench.pg_server import start_cluster

        cluster = start_cluster(args.data_dir / "pg-cluster")
        url = cluster.url()
    try:
        sqlite_settings = Settings(data_dir=args.data_dir / "sqlite")
        pg_settings = Settings(data_dir=args.data_dir / "postgres").model_copy(
            update={"catalog": CatalogSettings(url=url)}
        )
        embedder = build_embedder(sqlite_settings)
        ingest(sqlite_settings, embedder, "SQLite catalogue")
        ingest(pg_settings, embedder, "PostgreSQL catalogue")

        questions = [c.question for c in load_cases(args.dataset, args.suite)]
        a, b = open_index(sqlite_settings, embedder), open_index(pg_settings, embedder)
        try:
            agreement = keyword_agreement(a.keyword, b.keyword, questions)
            same_chunks = a.catalog.all_chunk_ids() == b.catalog.all_chunk_ids()
        finally:
            a.close()
            b.close()
        print(f"keyword top-{KEYWORD_K} agreement: {json.dumps(agreement)}", flush=True)

        runs = args.data_dir / "runs"
        sqlite_summary = run_eval(sqlite_settings, args.dataset, args.suite, runs / "sqlite")
        pg_summary = run_eval(pg_settings, args.dataset, args.suite, runs / "postgres")
    finally:
        if cluster is not None:
            from evals.bench.pg_server import stop_cluster

            stop_cluster(cluster, remove=False)

    print(f"\n{args.dataset.name}{' --suite ' + args.suite if args.suite else ''}")
    print(f"same chunks in both catalogues: {same_chunks}")
    print(
        f"keyword top-{KEYWORD_K}, {agreement['questions']} questions: same ids in the same "
        f"order {agreement['same_order']:.3f}, same set {agreement['same_set']:.3f}, same first "
        f"{agreement['same_first']:.3f}"
    )
    print(table(sqlite_summary, pg_summary))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "dataset": str(args.dataset),
                    "suite": args.suite,
                    "same_chunks": same_chunks,
                    "keyword_agreement": agreement,
                    "sqlite": columns(sqlite_summary),
                    "postgresql": columns(pg_summary),
                },
                indent=2,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
