"""Query benchmark: retrieval and full-answer latency, and what each retrieval step is worth.

    python -m evals.bench.query                 # real corpus + synthetic 100k-chunk index
    python -m evals.bench.query --data-dir data # use an existing index for the real corpus
    python -m evals.bench.query --skip-synthetic --ablation [--dataset evals/datasets/x.jsonl]

Real corpus: ``../shared/corpus`` and ``corpus/`` are ingested into a cached temp data dir (the
pipeline is idempotent, so later runs only check hashes) unless ``--data-dir`` is given.
Synthetic: ``--chunks`` (default 100,000) generated passages with random unit vectors, written
straight into Chroma and the SQLite catalogue/FTS5 index in a cached temp folder; queries are
the real questions embedded with the real model. Prints p50/p95 in milliseconds.

``--ablation`` measures retrieval quality (document hit@1, hit@5, MRR@8) for each retrieval
step switched on in turn, on the eval dataset when given (cases with ``sources``), else on the
built-in questions below.

Targets (2 cores): retrieval p95 <= 50 ms at 100k chunks; extractive answer p95 <= 1.0 s.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.settings import PROJECT_ROOT, RetrievalSettings, Settings

CACHE = Path(tempfile.gettempdir()) / "lga-bench-query"
SHARED_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    sources: tuple[str, ...]  # substrings of an expected document id


# Fixed questions about the shared corpus and the catalogue, with the documents that answer them.
CASES: tuple[Case, ...] = (
    Case(
        "What did Brighton and Hove City Council share with the Transformation Network?",
        ("transformation-network",),
    ),
    Case(
        "How can a council keep service quality up while making efficiencies in a "
        "high-demand service?",
        ("action-learning-sets-learning-document",),
    ),
    Case("What is the digitalisation almanac for?", ("digitalisation-almanac",)),
    Case("What are the 7Cs conditions for success?", ("seven-cs",)),
    Case("What is the Transformation and Innovation Exchange?", ("tiex", "transforming-improve")),
    Case(
        "Which focus areas does the TIEx self-assessment cover?", ("tiex", "transforming-improve")
    ),
    Case(
        "What did the Improvement and Innovation Board say about the Transformation Support "
        "Programme?",
        ("iib-minutes",),
    ),
    Case(
        "How can I get political colleagues to back digitally enabled change?",
        ("action-learning-sets-learning-document",),
    ),
    Case(
        "How should a council govern an arm's length delivery company?",
        ("action-learning-sets-learning-document",),
    ),
    Case(
        "What did Cornwall Council present about its Transformation Operating Model?",
        ("transformation-network",),
    ),
    Case("How can an officer join the Transformation Network?", ("transformation-network",)),
    Case("What does the Sector Support Programme for 2023/24 offer?", ("sector-support",)),
    Case(
        "What support is there for councils after a change of political control?",
        ("sector-support",),
    ),
    Case(
        "Which councils have examples of co-design with residents?",
        ("transformation-roundtables", "action-learning-sets"),
    ),
    Case(
        "What does the Transformation Capability Framework assess?",
        ("transformation-capability-framework",),
    ),
    Case(
        "What questions should councillors ask about a transformation business case?",
        ("councillor-toolkit", "councillor-roles"),
    ),
    Case(
        "What help does the LGA offer councils on artificial intelligence?",
        ("ai-hub", "ai-network"),
    ),
    Case("How can a council benchmark its performance against similar councils?", ("lg-inform",)),
    Case("What is a corporate peer challenge?", ("corporate-peer-challenge",)),
    Case(
        "How can councils use data to understand their customers better?",
        ("action-learning-sets-learning-document",),
    ),
    Case(
        "How many councils took part in the action learning sets?",
        ("action-learning-sets-learning-document",),
    ),
    Case("Is there a skills framework for cyber, digital and data roles?", ("cddat-skills",)),
)


def percentiles(times_ms: Sequence[float]) -> tuple[float, float]:
    arr = np.asarray(times_ms, dtype=float)
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95))


# -- indexes ---------------------------------------------------------------------------------


def _serving(settings: Settings, threads: int | None) -> Settings:
    """Settings as answering uses them: ``threads`` torch threads (None: torch's default)."""
    embedder = settings.embedder.model_copy(update={"threads": threads})
    return settings.model_copy(update={"embedder": embedder})


def real_settings(data_dir: Path | None) -> Settings:
    """Settings for the real-corpus index, ingesting it into the cache dir when none is given."""
    if data_dir is not None:
        return Settings(data_dir=data_dir)
    from assistant.app import build_embedder, open_index
    from ingest.pipeline import Pipeline

    settings = Settings(data_dir=CACHE / "real")
    paths = [p for p in (SHARED_CORPUS, PROJECT_ROOT / "corpus") if p.exists()]
    index = open_index(settings, build_embedder(settings), create=True)
    try:
        report = Pipeline(index, settings).ingest_paths(paths, prune=True, progress=False)
    finally:
        index.close()
    totals = report.totals
    print(
        f"real corpus: {totals['chunks']} chunks from {len(paths)} folders "
        f"({totals['added']} added, {totals['unchanged']} unchanged) in {totals['elapsed_s']:.1f} s"
    )
    return settings


_DOMAIN = (
    "council councils transformation digital data service services residents staff leadership "
    "programme change officers members budget savings efficiency demand care social adult "
    "children housing waste planning network peer support improvement framework capability "
    "capacity culture governance risk business case benefits realisation tracker model "
    "operating customer insight co-design community engagement consultation artificial "
    "intelligence automation technology skills training development learning action sets "
    "finance income partnership delivery company board scrutiny cabinet political portfolio "
    "strategy vision outcomes performance benchmark assessment toolkit resources"
)
_WORDS = _DOMAIN.split()


def synthetic_texts(n: int, seed: int = 7, words: int = 120) -> list[str]:
    """``n`` passages of Zipf-distributed words: domain words plus 20k pseudo-words."""
    rng = np.random.default_rng(seed)
    vocab = np.array(_WORDS + [f"term{i}" for i in range(20_000)])
    ranks = np.minimum(rng.zipf(1.2, size=(n, words)), len(vocab)) - 1
    # Shuffle so domain words are not always the most frequent.
    perm = rng.permutation(len(vocab))
    texts = []
    for row in vocab[perm[ranks]]:
        sentences = [" ".join(row[i : i + 20]).capitalize() + "." for i in range(0, words, 20)]
        texts.append(" ".join(sentences))
    return texts


def synthetic_settings(n_chunks: int, model_id: str, dimension: int) -> Settings:
    """A cached index of ``n_chunks`` synthetic chunks (random vectors) for ``model_id``."""
    from assistant.index import META_DIMENSION, META_MODEL
    from assistant.index.chroma_store import ChromaVectorStore
    from assistant.index.sqlite_catalog import SqliteCatalog
    from assistant.ports import DocumentRecord
    from assistant.types import Chunk

    folder = CACHE / f"synthetic-{n_chunks}-{model_id.replace('/', '_')}"
    settings = Settings(data_dir=folder)
    marker = folder / "complete"
    if marker.exists():
        return settings
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    start = time.perf_counter()
    catalog = SqliteCatalog(settings.catalog_path)
    catalog.set_meta(META_MODEL, model_id)
    catalog.set_meta(META_DIMENSION, str(dimension))
    store = ChromaVectorStore.from_settings(settings, model_id, dimension)
    rng = np.random.default_rng(3)
    per_doc, batch = 50, 5000
    for offset in range(0, n_chunks, batch):
        texts = synthetic_texts(min(batch, n_chunks - offset), seed=offset)
        chunks: list[Chunk] = []
        for i, text in enumerate(texts):
            g = offset + i
            doc_id = f"synthetic/doc{g // per_doc:05d}.md"
            chunks.append(
                Chunk(
                    id=Chunk.make_id(doc_id, g % per_doc, text),
                    document_id=doc_id,
                    position=g % per_doc,
                    text=text,
                    title=f"Synthetic document {g // per_doc}",
                    source=doc_id,
                    char_start=0,
                    char_end=len(text),
                )
            )
        vectors = rng.standard_normal((len(chunks), dimension)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store.upsert(chunks, vectors)
        for d in range(0, len(chunks), per_doc):
            part = chunks[d : d + per_doc]
            doc_id = part[0].document_id
            record = DocumentRecord(
                doc_id, doc_id, part[0].title, doc_id, tuple(c.id for c in part)
            )
            catalog.replace_document(record, part)
        print(f"  synthetic: {offset + len(chunks)}/{n_chunks} chunks", flush=True)
    catalog.close()
    marker.write_text("ok")
    print(f"synthetic index of {n_chunks} chunks built in {time.perf_counter() - start:.0f} s")
    return settings


# -- measurements ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    wall_ms: tuple[float, ...]
    cpu_ms: tuple[float, ...]  # process CPU time (all threads): the work, whatever the load


def time_calls(
    fn: Callable[[str], Any], questions: Sequence[str], rounds: int, *, fresh: bool = False
) -> Timing:
    """Time ``fn`` over ``questions`` x ``rounds`` (after one untimed call).

    ``fresh``: each round pads the questions with trailing spaces, so text caches (query
    vectors) miss while the query means the same (for retrieval, which does not strip them).
    """
    fn(questions[0])
    wall, cpu = [], []
    for r in range(rounds):
        for q in questions:
            text = q + " " * (r + 1) if fresh else q
            t0, c0 = time.perf_counter(), time.process_time()
            fn(text)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    return Timing(tuple(wall), tuple(cpu))


def _line(label: str, timing: Timing) -> str:
    p50, p95 = percentiles(timing.wall_ms)
    c50, c95 = percentiles(timing.cpu_ms)
    return (
        f"  {label:<48} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms   "
        f"(cpu p50 {c50:6.1f}, p95 {c95:6.1f}; n={len(timing.wall_ms)})"
    )


def load_cases(path: Path | None, suite: str | None = None) -> list[Case]:
    """Eval cases with expected sources (answerable ones), or the built-in questions; with
    ``suite``, only the cases of that suite (e.g. the held-out set's "test" split)."""
    from assistant.retrieval.rewrite import rewrite_question
    from assistant.types import Turn

    if path is None:
        return list(CASES)
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if not row.get("sources") or (suite and suite not in row.get("suites", ())):
            continue
        question = row["question"]
        if row.get("history"):
            # Multi-turn cases are retrieved with their deterministic standalone rewrite.
            turns = [Turn(t["role"], t["content"]) for t in row["history"]]
            question = rewrite_question(question, turns)
        cases.append(Case(question, tuple(row["sources"])))
    return cases


def rank_of_first_relevant(doc_ids: Sequence[str], sources: Sequence[str]) -> int | None:
    for rank, doc_id in enumerate(doc_ids, start=1):
        if any(s.lower() in doc_id.lower() for s in sources):
            return rank
    return None


def retrieval_quality(
    index: Any,
    settings: RetrievalSettings,
    cases: Sequence[Case],
    k: int = 8,
    embedder: Any = None,
) -> dict[str, float]:
    """Document-level hit@1, hit@5 and MRR@k of the retriever with ``settings``."""
    from assistant.retrieval import CachedEmbedder, Retriever

    embedder = embedder if embedder is not None else CachedEmbedder(index.embedder)
    retriever = Retriever(index, settings, embedder=embedder)
    ranks = []
    times = []
    for case in cases:
        t0 = time.perf_counter()
        hits = retriever.retrieve(case.question, k=k)
        times.append((time.perf_counter() - t0) * 1000)
        ranks.append(rank_of_first_relevant([h.chunk.document_id for h in hits], case.sources))
    n = len(cases)
    return {
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr@8": sum(1 / r for r in ranks if r is not None) / n,
        "ms": statistics.median(times),
    }


ABLATION: tuple[tuple[str, dict[str, Any]], ...] = (
    ("dense only", {"keyword_weight": 0.0, "dedupe": False, "sentence_rescore": False}),
    ("keyword only", {"dense_weight": 0.0, "dedupe": False, "sentence_rescore": False}),
    ("RRF fusion (k=60, 1:1)", {"dedupe": False, "sentence_rescore": False}),
    ("RRF fusion k=20", {"rrf_k": 20, "dedupe": False, "sentence_rescore": False}),
    ("RRF dense:keyword 1.5:1", {"dense_weight": 1.5, "dedupe": False, "sentence_rescore": False}),
    (
        "RRF dense:keyword 1:1.5",
        {"keyword_weight": 1.5, "dedupe": False, "sentence_rescore": False},
    ),
    ("fusion + dedupe", {"sentence_rescore": False}),
    ("fusion + dedupe + sentence re-score w=0.3", {"sentence_weight": 0.3}),
    ("fusion + dedupe + sentence re-score w=0.5", {"sentence_weight": 0.5}),
    ("fusion + dedupe + sentence re-score w=0.7", {"sentence_weight": 0.7}),
    ("... + neighbour expansion", {"neighbour_expansion": True}),
)


def run_ablation(
    index: Any,
    cases: Sequence[Case],
    base: RetrievalSettings,
    configs: Sequence[tuple[str, dict[str, Any]]] = ABLATION,
) -> None:
    """Print hit@1 / hit@5 / MRR@8 per configuration (one sentence cache shared by all, so
    the median time is the warm-cache retrieval time)."""
    from assistant.retrieval import CachedEmbedder

    shared = CachedEmbedder(index.embedder)
    print(f"\nRetrieval quality per step ({len(cases)} questions, document-level):")
    print(f"  {'configuration':<44} {'hit@1':>6} {'hit@5':>6} {'MRR@8':>6} {'median':>9}")
    for label, update in configs:
        settings = base.model_copy(update=update)
        m = retrieval_quality(index, settings, cases, embedder=shared)
        print(
            f"  {label:<44} {m['hit@1']:6.2f} {m['hit@5']:6.2f} {m['mrr@8']:6.2f} {m['ms']:6.1f} ms"
        )


def bench_real(args: argparse.Namespace) -> None:
    from assistant.app import build_assistant, build_embedder, open_index
    from assistant.retrieval import Retriever

    settings = _serving(real_settings(args.data_dir), args.threads)
    embedder = build_embedder(settings)
    index = open_index(settings, embedder)
    questions = [c.question for c in CASES]
    print(f"\nReal corpus ({index.catalog.count_chunks()} chunks, {embedder.model_id}):")
    cold = build_assistant(settings, index=index)
    cold.warm_up()
    print(_line("full answer, cold caches (first time asked)", time_calls(cold.ask, questions, 1)))
    assistant = build_assistant(settings, index=index)
    assistant.warm_up()
    print(
        _line(
            "retrieval as configured, new query",
            time_calls(assistant.retriever.retrieve, questions, args.rounds, fresh=True),
        )
    )
    rescore = settings.retrieval.model_copy(update={"sentence_rescore": True})
    rescoring = Retriever(index, rescore, embedder=assistant.embedder)
    print(
        _line(
            "retrieval + sentence re-score, cold sentences",
            time_calls(rescoring.retrieve, questions, 1, fresh=True),
        )
    )
    print(
        _line(
            "retrieval + sentence re-score, warm sentences",
            time_calls(rescoring.retrieve, questions, args.rounds, fresh=True),
        )
    )
    for audience in ("councillor", "officer"):
        timing = time_calls(
            functools.partial(assistant.ask, audience=audience), questions, args.rounds
        )
        print(
            _line(f"full answer, warm ({audience}, {assistant.describe()['chat_model']})", timing)
        )
    if args.ablation:
        cases = load_cases(args.dataset)
        run_ablation(index, cases, settings.retrieval)
    index.close()


def bench_synthetic(args: argparse.Namespace) -> None:
    from assistant.app import build_assistant, build_embedder
    from assistant.index import Index
    from assistant.retrieval import CachedEmbedder, Retriever

    base = _serving(Settings(), args.threads)
    embedder = build_embedder(base)
    settings = _serving(
        synthetic_settings(args.chunks, embedder.model_id, embedder.dimension), args.threads
    )
    t0 = time.perf_counter()
    index = Index.open(settings, embedder)
    index.vectors.count()
    print(
        f"\nSynthetic index ({index.catalog.count_chunks()} chunks; opened in "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms):"
    )
    questions = [c.question for c in CASES]
    vector = embedder.embed([questions[0]])[0]
    print(
        _line(
            "embed one query",
            time_calls(lambda q: embedder.embed([q]), questions, args.rounds),
        )
    )
    print(
        _line(
            "Chroma top-40 (vector given)",
            time_calls(lambda q: index.vectors.query(vector, 40), questions, args.rounds),
        )
    )
    print(
        _line(
            "keyword (FTS5) top-40",
            time_calls(lambda q: index.keyword.search(q, 40), questions, args.rounds),
        )
    )
    print(
        _line(
            "retrieval as configured, new query",
            time_calls(
                Retriever(index, settings.retrieval).retrieve, questions, args.rounds, fresh=True
            ),
        )
    )
    rescore = settings.retrieval.model_copy(update={"sentence_rescore": True})
    rescoring = Retriever(index, rescore, embedder=CachedEmbedder(embedder))
    print(
        _line(
            "retrieval + sentence re-score, cold sentences",
            time_calls(rescoring.retrieve, questions, 1, fresh=True),
        )
    )
    print(
        _line(
            "retrieval + sentence re-score, warm sentences",
            time_calls(rescoring.retrieve, questions, args.rounds, fresh=True),
        )
    )
    assistant = build_assistant(settings, index=index)
    print(_line("full answer, cold caches", time_calls(assistant.ask, questions, 1)))
    index.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, help="Existing index for the real corpus.")
    parser.add_argument("--chunks", type=int, default=100_000, help="Synthetic index size.")
    parser.add_argument("--rounds", type=int, default=3, help="Passes over the questions.")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads for the embedder (default 1, as the CLI answers; 0: torch default).",
    )
    parser.add_argument("--ablation", action="store_true", help="Retrieval quality per step.")
    parser.add_argument("--dataset", type=Path, help="Eval JSONL for --ablation.")
    args = parser.parse_args(argv)
    args.threads = args.threads or None
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; threads {args.threads}"
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    if not args.skip_real:
        bench_real(args)
    if not args.skip_synthetic:
        bench_synthetic(args)


if __name__ == "__main__":
    main()
