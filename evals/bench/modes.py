"""Answer modes side by side on one dataset split: what the local model buys, and what it costs.

    python -m evals.bench.modes --data-dir data                      # held-out TEST split
    python -m evals.bench.modes --data-dir data --suite dev --modes extractive,plain
    python -m evals.bench.modes --data-dir data --base-url http://127.0.0.1:8089/v1

Modes (``--modes``, in this order by default):

- ``extractive``: the default answerer with the plain-English layer off;
- ``plain``: + the plain-English layer (the offline default);
- ``rewrite``: + the local model's councillor rewrite (``llm.councillor_rewrite``);
- ``generative``: the model writes the answers (the generative path and its post-check);
- ``rerank``: the offline default (plain layer) over passages re-ordered by the model's yes/no
  rerank (``llm.rerank``).

Every case is asked through ``Assistant.stream(revise=True)``, as the chat UI asks: "first
text" is the time to the first token event (for ``rewrite``, the answer before the model's
rewrite, shown at once), "total" the time to the final answer with suggestions. Scores are the
eval's own (``evals.run.Scorer``): key facts (pass), expected source cited, citation support,
invented councils (suggested peers not in the corpus), and for councillor answers Flesch
reading ease and words.

Cutting the runtime, printed with the table: ``rewrite`` only changes councillor answers, so
it asks the councillor cases and takes the officer cases' results from ``plain`` (same
pipeline; ``--rewrite-all`` asks them too); ``generative`` (~40 s an answer on 2 cores) and
``rerank`` (a model call per top passage) ask an evenly spaced sample of ``--sample`` cases,
and a second table compares every mode on that sample. The local model server is started when
the first model mode begins, unless ``--base-url`` is given; figures are for this machine at
the printed load average.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.settings import PROJECT_ROOT, Settings
from evals.bench.rerank import local_server

if TYPE_CHECKING:
    from assistant.index import Index
    from evals.run import EvalCase, Scorer

MODES = ("extractive", "plain", "rewrite", "generative", "rerank")
LABELS = {
    "extractive": "extractive",
    "plain": "+ plain layer",
    "rewrite": "+ local-model rewrite",
    "generative": "generative",
    "rerank": "+ LLM rerank",
}
LLM_MODES = frozenset({"rewrite", "generative", "rerank"})


@dataclass
class CaseResult:
    """One case asked in one mode: its scores and its timings (seconds)."""

    id: str
    score: dict[str, Any]
    first_s: float | None
    total_s: float
    reused: bool = False  # taken from another mode (``rewrite``'s officer cases)


@dataclass
class ModeRun:
    mode: str
    results: list[CaseResult] = field(default_factory=list)
    seconds: float = 0.0
    load_before: float = 0.0
    load_after: float = 0.0


def mode_settings(base: Settings, mode: str, base_url: str | None, model: str) -> Settings:
    """``base`` switched to ``mode`` (the LLM modes point the openai provider at the server)."""
    answer = base.answer.model_copy(update={"plain_english": mode != "extractive"})
    llm_update: dict[str, Any] = {
        "rerank": mode == "rerank",
        "councillor_rewrite": mode == "rewrite",
        "generative_answers": mode == "generative",
    }
    if mode in LLM_MODES:
        llm_update.update(
            provider="openai", base_url=base_url, model=model, temperature=0.0, timeout_s=180.0
        )
    else:
        llm_update["provider"] = "extractive"
    llm = base.llm.model_copy(update=llm_update)
    return base.model_copy(update={"answer": answer, "llm": llm})


def ask_case(assistant: Any, case: EvalCase, scorer: Scorer) -> CaseResult:
    """Ask ``case`` through the stream (as the chat does) and score its final answer."""
    from assistant.errors import AssistantError
    from assistant.serialize import answer_to_dict

    started = time.perf_counter()
    first: float | None = None
    answer = None
    error: str | None = None
    try:
        for event in assistant.stream(
            case.question, audience=case.audience, history=case.history, revise=True
        ):
            if event.kind == "token" and first is None:
                first = time.perf_counter() - started
            elif event.kind == "error":
                error = f"{event.data.get('type')}: {event.data.get('message')}"
            elif event.kind == "done":
                answer = event.data
    except AssistantError as exc:
        error = f"{type(exc).__name__}: {exc}"
    total = time.perf_counter() - started
    data = answer_to_dict(answer, include_hits=True) if answer is not None else None
    return CaseResult(case.id, scorer.score(case, data, error), first, total)


def run_mode(
    mode: str,
    settings: Settings,
    index: Index,
    cases: Sequence[EvalCase],
    scorer: Scorer,
    *,
    reuse: dict[str, CaseResult] | None = None,
    progress: bool = True,
) -> ModeRun:
    """Every case of ``cases`` in ``mode`` (those in ``reuse`` are copied, not asked)."""
    from assistant.app import build_assistant

    assistant = build_assistant(settings, index=index)
    run = ModeRun(mode, load_before=os.getloadavg()[0])
    started = time.perf_counter()
    for i, case in enumerate(cases, start=1):
        if reuse is not None and case.id in reuse:
            copied = reuse[case.id]
            run.results.append(
                CaseResult(copied.id, copied.score, copied.first_s, copied.total_s, reused=True)
            )
            continue
        result = ask_case(assistant, case, scorer)
        run.results.append(result)
        if progress:
            print(
                f"  [{mode} {i}/{len(cases)}] {case.id}: {result.total_s:.1f} s"
                f"{' ERROR ' + str(result.score.get('error')) if result.score.get('error') else ''}",
                flush=True,
            )
    run.seconds = time.perf_counter() - started
    run.load_after = os.getloadavg()[0]
    return run


def percentile(values: Sequence[float], q: float) -> float | None:
    from evals.metrics import percentile as pct

    return pct(values, q) if values else None


def summarise_mode(results: Sequence[CaseResult]) -> dict[str, Any]:
    """The table's figures over ``results``."""
    from evals.run import aggregate

    agg = aggregate([r.score for r in results])
    councillor_words = [
        float(r.score["words"]) for r in results if isinstance(r.score.get("words"), int | float)
    ]
    totals = [r.total_s for r in results]
    firsts = [r.first_s for r in results if r.first_s is not None]
    return {
        "n": len(results),
        "asked": sum(1 for r in results if not r.reused),
        "facts_pass": agg["facts_pass"],
        "source_cited": agg["source_cited"],
        "citation_support": agg["citation_support"],
        "invented_councils": agg["invented_councils"],
        "flesch": agg["flesch"],
        "words_mean": statistics.mean(councillor_words) if councillor_words else None,
        "errors": agg["errors"],
        "total_p50": percentile(totals, 50),
        "total_p95": percentile(totals, 95),
        "first_p50": percentile(firsts, 50),
        "first_p95": percentile(firsts, 95),
    }


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def table(rows: Sequence[tuple[str, dict[str, Any]]]) -> str:
    """A markdown table of ``(label, summarise_mode(...))`` rows."""
    head = (
        "| mode | cases (asked) | key facts | source cited | citation support | "
        "invented councils | Flesch (councillor) | words (councillor) | total p50 / p95 s | "
        "first text p50 / p95 s | errors |"
    )
    lines = [head, "|" + "---|" * 11]
    for label, s in rows:
        lines.append(
            f"| {label} | {s['n']} ({s['asked']}) | {_fmt(s['facts_pass'], '.3f')} | "
            f"{_fmt(s['source_cited'], '.3f')} | {_fmt(s['citation_support'], '.3f')} | "
            f"{_fmt(s['invented_councils'], 'd')} | {_fmt(s['flesch'], '.1f')} | "
            f"{_fmt(s['words_mean'], '.0f')} | {_fmt(s['total_p50'], '.1f')} / "
            f"{_fmt(s['total_p95'], '.1f')} | {_fmt(s['first_p50'], '.1f')} / "
            f"{_fmt(s['first_p95'], '.1f')} | {s['errors']} |"
        )
    return "\n".join(lines)


def evenly_spaced(items: Sequence[Any], n: int) -> list[Any]:
    """``n`` items spread over ``items`` (all of them when ``n`` is 0 or too many)."""
    if n <= 0 or n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="An ingested data dir.")
    parser.add_argument(
        "--dataset", type=Path, default=PROJECT_ROOT / "evals" / "datasets" / "heldout.jsonl"
    )
    parser.add_argument("--suite", default="test", help="Dataset suite (default: test).")
    parser.add_argument(
        "--modes",
        default="extractive,plain,rewrite,rerank,generative",
        help="Comma-separated modes, run in this order (generative, the slowest, last).",
    )
    parser.add_argument("--base-url", default=None, help="A running local model server.")
    parser.add_argument(
        "--sample", type=int, default=12, help="Cases for generative and rerank (0: all)."
    )
    parser.add_argument(
        "--sampled",
        default="generative,rerank",
        help="Modes asked on the sample only (e.g. all five on a machine too busy for more).",
    )
    parser.add_argument("--rewrite-all", action="store_true", help="Ask officer cases too.")
    parser.add_argument("--out", type=Path, default=None, help="Write per-case results (JSON).")
    parser.add_argument("--quiet", action="store_true", help="No per-case lines.")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = set(modes) - set(MODES)
    if unknown:
        parser.error(f"unknown modes {sorted(unknown)}: choose from {', '.join(MODES)}")

    from assistant.app import build_embedder, open_index, serving_settings
    from evals.run import load_cases
    from evals.runner import build_scorer

    base = serving_settings(Settings(data_dir=args.data_dir))
    cases = load_cases(args.dataset, args.suite)
    embedder = build_embedder(base)
    index = open_index(base, embedder)
    scorer, _ = build_scorer(embedder, index)
    sample = evenly_spaced(cases, args.sample)
    sampled = frozenset(m.strip() for m in args.sampled.split(",") if m.strip())
    sample_ids = {c.id for c in sample}
    print(
        f"{args.dataset.name} suite {args.suite}: {len(cases)} cases "
        f"({sum(c.audience == 'councillor' for c in cases)} councillor); modes {modes}; "
        f"load average {os.getloadavg()[0]:.2f} at start; {os.cpu_count()} cores",
        flush=True,
    )
    runs: dict[str, ModeRun] = {}
    with contextlib.ExitStack() as stack:
        url: str | None = None
        model = ""
        for mode in modes:
            if mode in LLM_MODES and url is None:
                url, model = stack.enter_context(local_server(base, args.base_url))
            settings = mode_settings(base, mode, url, model)
            mode_cases = sample if mode in sampled else cases
            reuse = None
            if mode == "rewrite" and not args.rewrite_all and "plain" in runs:
                officer = {c.id for c in cases if c.audience != "councillor"}
                reuse = {r.id: r for r in runs["plain"].results if r.id in officer}
            print(f"\n{LABELS[mode]}: {len(mode_cases)} cases", flush=True)
            runs[mode] = run_mode(
                mode, settings, index, mode_cases, scorer, reuse=reuse, progress=not args.quiet
            )
            # Each mode's row as soon as it is done (a long run can be stopped midway).
            print(table([(LABELS[mode], summarise_mode(runs[mode].results))]), flush=True)
            if args.out:
                write_results(args.out, runs)
    index.close()
    modes = [m for m in MODES if m in runs]  # the table in the issue's order

    print(f"\n## {args.dataset.name}, suite {args.suite}: all {len(cases)} cases\n")
    print(
        table(
            [
                (LABELS[m], summarise_mode(runs[m].results))
                for m in modes
                if m not in sampled or len(sample) == len(cases)
            ]
        )
    )
    if sampled & set(runs) and len(sample) < len(cases):
        print(f"\n## The sample: {len(sample)} evenly spaced cases, every mode\n")
        print(
            table(
                [
                    (LABELS[m], summarise_mode([r for r in runs[m].results if r.id in sample_ids]))
                    for m in modes
                ]
            )
        )
    print()
    for mode in modes:
        run = runs[mode]
        asked = sum(1 for r in run.results if not r.reused)
        print(
            f"{LABELS[mode]:<24} {asked} asked in {run.seconds:.0f} s; load average "
            f"{run.load_before:.2f} -> {run.load_after:.2f}"
        )
    if args.out:
        print(f"per-case results: {args.out}")


def write_results(path: Path, runs: dict[str, ModeRun]) -> None:
    """Per-case scores and timings of every mode run so far, as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        mode: {
            "seconds": run.seconds,
            "load_average": [run.load_before, run.load_after],
            "cases": [
                {
                    "id": r.id,
                    "first_s": r.first_s,
                    "total_s": r.total_s,
                    "reused": r.reused,
                    "score": r.score,
                }
                for r in run.results
            ],
        }
        for mode, run in runs.items()
    }
    path.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
