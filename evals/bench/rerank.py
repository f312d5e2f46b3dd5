"""LLM rerank benchmark: document hit@1 with and without the local model's yes/no rerank, and
what it costs per question.

    python -m evals.bench.rerank                      # starts the local model server itself
    python -m evals.bench.rerank --base-url http://127.0.0.1:8089/v1 --limit 40
    python -m evals.bench.rerank --top 3 --priors 0,0.05,0.1,0.2

Cases: the eval dataset's answerable questions with expected sources (multi-turn ones with
their deterministic standalone rewrite), retrieved over the real corpus (``--data-dir`` or the
cached index ``python -m evals.bench.query`` builds). Each of the top ``--top`` passages is
scored once (P(yes)); hit@1 is then computed for each rank prior offline, since the re-order
(``llm_reranker.rerank_by``) is a pure function of those scores. Prints hit@1 / hit@top and the
rerank latency per question (p50/p95) and per passage.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings
from evals.bench.query import load_cases, percentiles, rank_of_first_relevant, real_settings


@contextlib.contextmanager
def local_server(settings: Settings, base_url: str | None) -> Iterator[tuple[str, str]]:
    """(base URL, model name) of a running server, or of one started for the run."""
    from assistant.adapters.local_llm import LocalModelServer, local_llm_settings, model_alias

    if base_url:
        yield base_url, model_alias(settings)
        return
    with LocalModelServer(settings) as server:
        print(f"local model server loaded in {server.load_s:.1f} s at {server.base_url}")
        llm = local_llm_settings(settings).llm
        yield str(llm.base_url), llm.model


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="Existing index to use.")
    parser.add_argument(
        "--dataset", type=Path, default=PROJECT_ROOT / "evals" / "datasets" / "all.jsonl"
    )
    parser.add_argument("--base-url", default=None, help="A running OpenAI-compatible server.")
    parser.add_argument("--top", type=int, default=4, help="Passages the model scores.")
    parser.add_argument("--suite", default=None, help="Only this suite's cases (e.g. test).")
    parser.add_argument("--limit", type=int, default=0, help="First N cases only (0: all).")
    parser.add_argument("--priors", default="0,0.02,0.05,0.1,0.2", help="Rank priors to try.")
    args = parser.parse_args(argv)

    from assistant.adapters.llm_reranker import LLMReranker, rerank_by
    from assistant.app import build_embedder, open_index, serving_settings
    from assistant.retrieval import CachedEmbedder, Retriever

    settings = serving_settings(real_settings(args.data_dir))
    embedder = build_embedder(settings)
    index = open_index(settings, embedder)
    retriever = Retriever(index, settings.retrieval, embedder=CachedEmbedder(embedder))
    cases = load_cases(args.dataset, args.suite)
    if args.limit:
        cases = cases[: args.limit]
    priors = [float(p) for p in args.priors.split(",")]
    local = Settings(data_dir=Path(settings.data_dir), llm=settings.llm)
    with local_server(local, args.base_url) as (base_url, model):
        reranker = LLMReranker(base_url=base_url, model=model, top=args.top, timeout_s=120)
        base_ranks: list[int | None] = []
        reranked: dict[float, list[int | None]] = {p: [] for p in priors}
        times: list[float] = []
        for case in cases:
            hits = retriever.retrieve(case.question)
            head = hits[: args.top]
            base_ranks.append(
                rank_of_first_relevant([h.chunk.document_id for h in hits], case.sources)
            )
            started = time.perf_counter()
            scores = [reranker.score(case.question, h) for h in head]
            times.append((time.perf_counter() - started) * 1000)
            for prior in priors:
                order = rerank_by(head, scores, rank_prior=prior) + list(hits[args.top :])
                reranked[prior].append(
                    rank_of_first_relevant([h.chunk.document_id for h in order], case.sources)
                )
    index.close()

    n = len(cases)

    def hit_at(ranks: list[int | None], k: int) -> float:
        return sum(1 for r in ranks if r is not None and r <= k) / n

    p50, p95 = percentiles(times)
    split = f", suite {args.suite}" if args.suite else ""
    print(f"\nLLM rerank of the top {args.top} passages, {n} cases ({args.dataset.name}{split}):")
    print(
        f"  retrieval only           hit@1 {hit_at(base_ranks, 1):.3f}   "
        f"hit@{args.top} {hit_at(base_ranks, args.top):.3f}"
    )
    for prior in priors:
        print(f"  + LLM rerank, prior {prior:<5} hit@1 {hit_at(reranked[prior], 1):.3f}")
    print(
        f"  rerank latency per question: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
        f"({statistics.mean(times) / args.top:.0f} ms per passage)"
    )


if __name__ == "__main__":
    main()
