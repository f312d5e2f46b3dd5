"""Local model benchmark: what the optional llama.cpp model costs and what the councillor
rewrite does to real answers.

    python -m evals.bench.llm                     # start the server, measure, rewrite 12 answers
    python -m evals.bench.llm --rewrite 20 --generative 3 --data-dir data

Prints, on this machine:
- server: load time (start to first answer on /v1/models) and resident memory (VmRSS, peak
  VmHWM) of the server process;
- generation: time to first token for a ~200-token prompt and decode speed (tokens/s), median
  of ``--rounds`` streamed requests;
- councillor rewrite: over the first ``--rewrite`` councillor-able eval questions (fact and
  advice cases, asked as a councillor, extractive answers on the real corpus): latency p50/p95,
  sentences rewritten vs kept (and why kept), Flesch reading ease and words before/after
  (``evals.metrics.readability``), key facts found before/after, citation markers kept;
- ``--generative N``: the generative path (openai provider -> local server) on N questions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.settings import PROJECT_ROOT, Settings
from evals.bench.query import percentiles, real_settings

PROMPT_PASSAGE = (
    "Riverton Borough Council introduced a front door triage team for adult social care "
    "referrals in 2021. Triage resolved 40 per cent of adult social care referrals at first "
    "contact. Waiting times for adult social care assessments fell from six weeks to two weeks. "
    "Residents were involved through a citizens panel that met every month. The citizens panel "
    "co-designed the new adult social care leaflets with residents, and officers from housing, "
    "public health and customer services joined the panel for two sessions. The council "
    "published the results, including what did not work, in a short learning note for other "
    "councils."
)


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def stream_once(base_url: str, model: str, max_tokens: int = 96) -> tuple[float, float, int, int]:
    """(seconds to first token, tokens/s after it, prompt tokens, tokens) of one request."""
    import httpx

    user = (
        f"Passage:\n{PROMPT_PASSAGE}\n\nQuestion: What did Riverton change, "
        "and what happened to waiting times?"
    )
    body = {
        "model": model,
        "messages": [
            {"role": "system", "content": "Answer only from the passage, in two sentences."},
            {"role": "user", "content": user},
        ],
        "max_tokens": max_tokens,
        "temperature": 0.0,
        "stream": True,
    }
    started = time.perf_counter()
    first = last = 0.0
    tokens = 0
    with httpx.stream("POST", f"{base_url}/chat/completions", json=body, timeout=120) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if not line.startswith("data:") or line.strip() == "data: [DONE]":
                continue
            delta = json.loads(line[5:])["choices"][0].get("delta", {}).get("content")
            if not delta:
                continue
            now = time.perf_counter()
            if tokens == 0:
                first = now - started
            last = now - started
            tokens += 1
    rate = (tokens - 1) / (last - first) if tokens > 1 and last > first else 0.0
    usage = httpx.post(
        f"{base_url}/../extras/tokenize".replace("/v1/../", "/"),
        json={"input": user},
        timeout=30,
    )
    prompt_tokens = len(usage.json().get("tokens", [])) if usage.status_code == 200 else -1
    return first, rate, prompt_tokens, tokens


def reason_kind(reason: str) -> str:
    """ "invented number 75" -> "invented number", "unsupported (overlap ...)" -> "unsupported"."""
    words = reason.split(" (")[0].split()
    return " ".join(words[:2]) if words[0] in ("lost", "invented") else " ".join(words)


def time_generative(settings: Settings, dataset: Path, limit: int) -> None:
    """Latency of the generative path (answers written by the model, post-checked)."""
    from assistant.app import build_assistant

    assistant = build_assistant(settings)
    times: list[float] = []
    for case in councillor_cases(dataset, limit):
        started = time.perf_counter()
        assistant.ask(case["question"], audience=case["audience"])
        times.append(time.perf_counter() - started)
    p50, p95 = percentiles(times)
    print(f"\nGenerative answers (openai provider -> local server), {len(times)} questions:")
    print(f"  latency per answer        p50 {p50:.1f} s, p95 {p95:.1f} s")
    assistant.index.close()


def councillor_cases(dataset: Path, limit: int) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines() if line]
    picked = [r for r in rows if r["kind"] in ("fact", "advice") and not r.get("history")]
    # Councillor cases first (what the rewrite is for), then officer questions asked as one.
    picked.sort(key=lambda r: r["audience"] != "councillor")
    return picked[:limit]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="Existing index to use.")
    parser.add_argument(
        "--dataset", type=Path, default=PROJECT_ROOT / "evals" / "datasets" / "all.jsonl"
    )
    parser.add_argument("--rounds", type=int, default=3, help="Streamed requests to time.")
    parser.add_argument("--rewrite", type=int, default=12, help="Answers to rewrite (0: skip).")
    parser.add_argument("--batch", type=int, default=None, help="Sentences per rewrite request.")
    parser.add_argument("--generative", type=int, default=0, help="Generative answers to time.")
    parser.add_argument("--show", action="store_true", help="Print each answer before/after.")
    args = parser.parse_args(argv)

    from assistant.adapters.llm import OpenAIChatModel
    from assistant.adapters.local_llm import LocalModelServer, local_llm_settings
    from assistant.answering.llm_rewrite import CouncillorRewriter
    from assistant.answering.weights import WEIGHTS
    from assistant.app import build_assistant, build_embedder, open_index, serving_settings
    from evals.metrics import citation_markers, facts_found, readability

    settings = serving_settings(real_settings(args.data_dir))
    with LocalModelServer(settings) as server:
        assert server.process is not None
        rss, hwm = memory_mb(server.process.pid)
        print(
            f"\nLocal model {settings.local_model_path.name} ({settings.llm.local.n_ctx} ctx, "
            f"{settings.llm.local.threads or 'all'} threads)"
        )
        print(f"  load (start -> ready)     {server.load_s:.1f} s; RSS {rss:.0f} MB after load")
        llm_settings = local_llm_settings(settings)
        base_url, model = str(llm_settings.llm.base_url), llm_settings.llm.model
        stream_once(base_url, model, max_tokens=8)  # warm-up
        runs = [stream_once(base_url, model) for _ in range(args.rounds)]
        ttft = statistics.median(r[0] for r in runs)
        rate = statistics.median(r[1] for r in runs)
        print(
            f"  first token               {ttft:.2f} s for a {runs[0][2]}-token prompt "
            f"(median of {len(runs)})"
        )
        print(f"  decode                    {rate:.1f} tokens/s ({runs[0][3]} tokens)")

        if args.rewrite:
            embedder = build_embedder(settings)
            index = open_index(settings, embedder)
            extractive = build_assistant(settings, index=index)  # provider: extractive
            chat = OpenAIChatModel(llm_settings.llm.model_copy(update={"timeout_s": 60.0}))
            weights = WEIGHTS
            if args.batch:
                from dataclasses import replace

                weights = replace(
                    weights, rewrite=replace(weights.rewrite, batch_sentences=args.batch)
                )
            rewriter = CouncillorRewriter(chat, extractive.embedder, weights=weights)
            times: list[float] = []
            first_batch: list[float] = []
            before: list[dict[str, float]] = []
            after: list[dict[str, float]] = []
            facts_before = facts_after = marker_loss = 0
            rewritten = kept = 0
            reasons: Counter[str] = Counter()
            for case in councillor_cases(args.dataset, args.rewrite):
                answer = extractive.ask(case["question"], audience="councillor")
                if answer.refused:
                    continue
                started = time.perf_counter()
                steps = rewriter.stream(answer.text, answer.citations)
                result = next(steps)
                first_batch.append((time.perf_counter() - started) * 1000)
                for result in steps:  # noqa: B007 - the last result is the whole answer
                    pass
                times.append((time.perf_counter() - started) * 1000)
                rewritten += result.rewritten
                kept += result.kept
                reasons.update(reason_kind(r) for r in result.reasons)
                for text, bucket in ((answer.text, before), (result.text, after)):
                    stats = readability(text)
                    if stats:
                        bucket.append(stats)
                facts = case.get("facts") or []
                facts_before += len(facts_found(answer.text, facts))
                facts_after += len(facts_found(result.text, facts))
                marker_loss += set(citation_markers(answer.text)) != set(
                    citation_markers(result.text)
                )
                if args.show:
                    print(
                        f"\n--- {case['id']}\nBEFORE: {answer.text}\nAFTER:  {result.text}\n"
                        f"kept: {list(result.reasons)}"
                    )
            index.close()
            n = len(times)
            p50, p95 = percentiles(times)
            f50, f95 = percentiles(first_batch)
            print(
                f"\nCouncillor rewrite, {n} extractive answers (batch {weights.rewrite.batch_sentences} "
                "sentences per request):"
            )
            print(
                f"  latency per answer        p50 {p50 / 1000:.1f} s, p95 {p95 / 1000:.1f} s "
                f"(first batch p50 {f50 / 1000:.1f} s, p95 {f95 / 1000:.1f} s)"
            )
            total = rewritten + kept
            print(
                f"  sentences rewritten       {rewritten}/{total} "
                f"({rewritten / max(1, total):.0%}); kept because: {dict(reasons.most_common(6))}"
            )
            for label, key, fmt in (
                ("Flesch reading ease", "flesch", ".1f"),
                ("words per answer", "words", ".0f"),
                ("words per sentence", "words_per_sentence", ".1f"),
            ):
                b = statistics.mean(s[key] for s in before)
                a = statistics.mean(s[key] for s in after)
                print(f"  {label:<25} {b:{fmt}} -> {a:{fmt}}")
            print(
                f"  key facts found           {facts_before} -> {facts_after}; "
                f"answers whose [n] set changed: {marker_loss}"
            )

        if args.generative:
            time_generative(llm_settings, args.dataset, args.generative)
        rss, hwm = memory_mb(server.process.pid)
        print(f"\n  server memory             RSS {rss:.0f} MB, peak {hwm:.0f} MB")


if __name__ == "__main__":
    main()
