"""Ingest benchmark (``make bench-ingest``): the real pipeline vs raw ``SentenceTransformer.encode``.

    python -m evals.bench.ingest [--docs 300] [--bf16] [--keep DIR]

Generates a synthetic corpus of markdown documents (a few thousand chunks), ingests it with the
real MiniLM model into a temporary data dir (Chroma + SQLite), then encodes the same chunk texts
with the bare model in the same process and prints documents/s, chunks/s, peak RSS, the ratio of
pipeline to raw chunks/s (target >= 0.9) and the time to re-ingest the unchanged corpus (target
well under 1 s per 1,000 documents). ``--bf16`` also measures bfloat16 speed and agreement.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

TOPICS = (
    "adult social care",
    "housing repairs",
    "digital inclusion",
    "waste collection",
    "children's services",
    "procurement",
    "workforce planning",
    "customer contact",
    "data sharing",
    "climate action",
    "libraries",
    "planning applications",
)
VERBS = ("improved", "redesigned", "automated", "reviewed", "co-produced", "piloted", "scaled")
OBJECTS = (
    "the front door for residents",
    "case management workflows",
    "the triage process",
    "partnership governance",
    "performance dashboards",
    "the commissioning approach",
    "staff training",
    "the budget model",
)
OUTCOMES = (
    "reducing waiting times",
    "saving officer hours each week",
    "improving satisfaction scores",
    "cutting repeat contacts",
    "freeing capacity for complex cases",
    "making decisions more transparent",
)


def sentence(rng: random.Random, topic: str) -> str:
    return (
        f"The {topic} team {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {rng.randint(2018, 2025)}, "
        f"{rng.choice(OUTCOMES)} across {rng.randint(2, 40)} teams."
    )


def write_corpus(folder: Path, n_docs: int, seed: int = 3) -> None:
    """``n_docs`` markdown documents of 3-5 sections of 8-20 sentences each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_docs):
        topic = TOPICS[i % len(TOPICS)]
        parts = [f"# {topic.title()} case study {i}"]
        for s in range(rng.randint(3, 5)):
            parts.append(f"## Part {s + 1}: {rng.choice(OBJECTS)}")
            parts.append(" ".join(sentence(rng, topic) for _ in range(rng.randint(8, 20))))
        (folder / f"case-{i:04d}.md").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def chunk_texts(corpus: Path, embedder: object, settings: object) -> list[str]:
    """The chunk texts the pipeline will embed (same loader, chunker and token counter)."""
    from ingest.chunking import chunk_document
    from ingest.loaders import load_document

    s = settings.ingest  # type: ignore[attr-defined]
    texts = []
    for path in sorted(corpus.glob("*.md")):
        document = load_document(path, doc_id=f"{corpus.name}/{path.name}")
        texts += [
            c.text
            for c in chunk_document(
                document,
                count_tokens=embedder.count_tokens,  # type: ignore[attr-defined]
                min_tokens=s.chunk_min_tokens,
                max_tokens=s.chunk_max_tokens,
                overlap_tokens=s.chunk_overlap_tokens,
            )
        ]
    return texts


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=400, help="synthetic documents to generate")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--bf16", action="store_true", help="also measure bfloat16 encoding")
    parser.add_argument("--keep", type=Path, help="keep the corpus and index in this folder")
    args = parser.parse_args()

    from assistant.adapters.embedder import SentenceTransformerEmbedder
    from assistant.settings import EmbedderSettings, Settings
    from ingest.pipeline import Pipeline, open_index_for_ingest

    base = args.keep or Path(tempfile.mkdtemp(prefix="lga-bench-"))
    corpus = base / "bench-corpus"
    write_corpus(corpus, args.docs)
    settings = Settings.model_validate(
        {"data_dir": base / "data", "embedder": {"batch_size": args.batch_size}}
    )
    if settings.catalog_path.exists():
        shutil.rmtree(settings.data_dir)
    embedder = SentenceTransformerEmbedder.from_settings(
        EmbedderSettings(batch_size=args.batch_size)
    )
    t0 = time.perf_counter()
    embedder.warm_up()
    load_s = time.perf_counter() - t0

    texts = chunk_texts(corpus, embedder, settings)

    def encode_raw() -> tuple[np.ndarray, float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        out = embedder.model.encode(
            texts, batch_size=args.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return out, time.perf_counter() - wall, time.process_time() - cpu

    # raw, pipeline, raw: the machine is shared, so the raw speed is the mean of runs on
    # either side of the pipeline; CPU time (all threads) is printed too, as it is less
    # sensitive to other processes than wall time.
    raw, raw_s1, raw_cpu1 = encode_raw()
    index = open_index_for_ingest(settings, embedder)
    pipeline = Pipeline(index, settings)
    t0, c0 = time.perf_counter(), time.process_time()
    report = pipeline.ingest_paths([corpus], progress=False)
    pipe_s, pipe_cpu = time.perf_counter() - t0, time.process_time() - c0
    chunks = report.totals["chunks_embedded"]
    assert report.count("failed") == 0, report.failed
    assert chunks == len(texts)
    _, raw_s2, raw_cpu2 = encode_raw()
    raw_s, raw_cpu = (raw_s1 + raw_s2) / 2, (raw_cpu1 + raw_cpu2) / 2

    t0 = time.perf_counter()
    again = Pipeline(index, settings).ingest_paths([corpus], progress=False)
    reingest_s = time.perf_counter() - t0
    assert again.count("unchanged") == args.docs

    tokens = [embedder.count_tokens(t) for t in texts]
    print(f"corpus: {args.docs} documents, {chunks} chunks, median {int(np.median(tokens))} tokens")
    print(f"model load + warm-up: {load_s:.1f} s; torch threads: {_threads()}")
    print(
        f"pipeline: {pipe_s:.1f} s = {args.docs / pipe_s:.1f} documents/s, "
        f"{chunks / pipe_s:.1f} chunks/s (load, chunk, tag, embed, Chroma + SQLite commit)"
    )
    print(
        f"raw SentenceTransformer.encode: {raw_s:.1f} s = {len(texts) / raw_s:.1f} chunks/s "
        f"(runs before/after the pipeline: {raw_s1:.1f} s, {raw_s2:.1f} s)"
    )
    print(
        f"ratio pipeline/raw chunks/s: {raw_s / pipe_s:.2f} wall-clock, "
        f"{raw_cpu / pipe_cpu:.2f} by CPU time (pipeline {pipe_cpu:.1f} s, raw {raw_cpu:.1f} s)"
    )
    print(
        f"re-ingest unchanged: {reingest_s:.2f} s = {reingest_s / args.docs * 1000:.2f} s per "
        "1,000 documents"
    )
    stats = index.stats()
    print(f"index size on disk: {stats.size_bytes / 1e6:.1f} MB; peak RSS {peak_rss_mb():.0f} MB")
    index.close()

    if args.bf16:
        bf16 = SentenceTransformerEmbedder.from_settings(
            EmbedderSettings(batch_size=args.batch_size, dtype="bfloat16")
        )
        bf16.warm_up()
        t0 = time.perf_counter()
        low = bf16.embed(texts)
        bf_s = time.perf_counter() - t0
        cos = np.sum(low * raw, axis=1)
        queries = [t.split(".")[0] for t in texts[:: max(1, len(texts) // 100)]]
        q32, q16 = embedder.embed(queries), bf16.embed(queries)
        top32 = np.argsort(-(q32 @ raw.T), axis=1)[:, :10]
        top16 = np.argsort(-(q16 @ low.T), axis=1)[:, :10]
        overlap = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top32, top16, strict=True)])
        top1 = np.mean(top32[:, 0] == top16[:, 0])
        print(
            f"bfloat16: {len(texts) / bf_s:.1f} chunks/s ({(raw_s / bf_s):.2f}x float32); "
            f"cosine to float32 mean {cos.mean():.4f} min {cos.min():.4f}; "
            f"top-10 overlap {overlap:.3f}, same top-1 {top1:.3f} over {len(queries)} queries"
        )
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


def _threads() -> int:
    import torch

    return torch.get_num_threads()


if __name__ == "__main__":
    main()
