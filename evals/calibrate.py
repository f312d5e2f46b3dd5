"""Calibrate the refusal threshold (``min_evidence``) on the eval set; write calibration.json.

    python -m evals.calibrate                      # builds a temporary index of corpus/ + ../shared/corpus
    python -m evals.calibrate --data-dir data      # uses an existing index
    python -m evals.calibrate --dry-run            # prints the figures, writes nothing
    python -m evals.calibrate --dataset evals/datasets/heldout.jsonl --suite dev   # the default

For every case of the dataset that should be answered (kinds fact, advice, peer, resource) or
refused (kind out_of_scope) it retrieves passages with the real embedding model and the real
``Retriever``, computes the answerer's evidence score, and picks the threshold that maximises
the F0.5 of refusal by the evidence check alone (precision weighted; ties: the middle of the
tied range); it also
reports the deployed decision (scope rule fires, or evidence < threshold). Multi-turn and injection cases are left out: the first need a
rewrite, the second are scored on whether the injection held, not on refusal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from assistant.answering.analysis import Analyser, dedupe_hits
from assistant.answering.evidence import CALIBRATION_PATH, refusal_score
from assistant.guardrails.scope import check_scope
from assistant.settings import PROJECT_ROOT, AnswerSettings, Settings

ANSWERABLE = ("fact", "advice", "peer", "resource")
# F-beta with beta 0.5 weighs refusal precision over recall: refusing a councillor's answerable
# question costs more than answering an out-of-scope one, because an extractive answer is cited
# text from the sources and cannot invent anything; the scope rules also refuse most of those.
BETA = 0.5
REFUSE = ("out_of_scope",)
DEFAULT_DATASET = PROJECT_ROOT / "evals" / "datasets" / "all.jsonl"
SHARED_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    kind: str
    question: str
    should_refuse: bool
    evidence: float = 0.0
    scope_refused: bool = False


@dataclass(frozen=True, slots=True)
class Figures:
    threshold: float
    precision: float
    recall: float
    f1: float
    true_pos: int
    false_pos: int
    false_neg: int
    f_beta: float = 0.0


# Out-of-scope cases that ask for a figure or date the sources lack are refused by the
# answer-type check (``answering.extractive.missing_specific``), not by weak evidence: their
# passages are on topic, so they would only drag the evidence threshold up.
ANSWER_TYPE_REFUSALS = ("figure_not_held",)


def load_cases(path: Path, suite: str | None = None) -> list[Case]:
    """The dataset's answerable and out-of-scope cases (of ``suite`` when given)."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if suite and suite not in row.get("suites", []):
            continue
        if row.get("class") in ANSWER_TYPE_REFUSALS:
            continue
        kind = row.get("kind", "")
        if kind in ANSWERABLE or kind in REFUSE:
            cases.append(Case(row["id"], kind, row["question"], kind in REFUSE))
    return cases


def score(cases: list[Case], threshold: float, *, use_scope: bool = True) -> Figures:
    """Refusal precision/recall/F1 when refusing on scope (optional) or evidence < threshold."""
    tp = fp = fn = 0
    for case in cases:
        refused = (use_scope and case.scope_refused) or case.evidence < threshold
        if refused and case.should_refuse:
            tp += 1
        elif refused:
            fp += 1
        elif case.should_refuse:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    b2 = BETA * BETA
    f_beta = (
        (1 + b2) * precision * recall / (b2 * precision + recall) if precision + recall else 0.0
    )
    return Figures(threshold, precision, recall, f1, tp, fp, fn, f_beta)


def choose_threshold(cases: list[Case]) -> Figures:
    """The threshold with the best refusal F-beta (beta 0.5) of the evidence check alone; ties:
    the middle of the tied range.

    The scope rules are left out of the choice on purpose: they were written with these
    questions in view, and the evidence check is the safety net for whatever they miss.
    """
    values = sorted({round(c.evidence, 4) for c in cases})
    candidates = [0.0] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    candidates.append(values[-1] + 0.01 if values else 0.5)
    scored = [score(cases, t, use_scope=False) for t in candidates]
    best = max(f.f_beta for f in scored)
    tied = [f for f in scored if abs(f.f_beta - best) < 1e-9]
    middle = tied[len(tied) // 2]
    return score(cases, round(middle.threshold, 4), use_scope=False)


def build_index(data_dir: Path) -> None:
    """Ingest corpus/ and ../shared/corpus into ``data_dir`` with the real pipeline (CLI)."""
    folders = [str(PROJECT_ROOT / "corpus")]
    if SHARED_CORPUS.is_dir():
        folders.append(str(SHARED_CORPUS))
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_HUB_DISABLE_PROGRESS_BARS="1")
    subprocess.run(
        [sys.executable, "-m", "ui.cli", "ingest", *folders, "--data-dir", str(data_dir)],
        check=True,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def measure(cases: list[Case], data_dir: Path) -> tuple[list[Case], str]:
    """Each case with its evidence score and scope decision; and the embedder's model id."""
    from assistant.app import build_embedder, open_index
    from assistant.retrieval import CachedEmbedder, Retriever

    settings = Settings(data_dir=data_dir, answer=AnswerSettings(min_evidence=0.0))
    embedder = CachedEmbedder(build_embedder(settings))
    index = open_index(settings, embedder)
    retriever = Retriever(index, settings.retrieval, embedder=embedder)
    analyser = Analyser(embedder)
    out = []
    for case in cases:
        hits = dedupe_hits(retriever.retrieve(case.question))
        # The same formula the answerer refuses on, over the same sentence analysis.
        sims = analyser.analyse(case.question, hits).sims if hits else None
        evidence = refusal_score(case.question, sims, hits) if sims is not None else 0.0
        out.append(
            Case(
                case.id,
                case.kind,
                case.question,
                case.should_refuse,
                evidence,
                check_scope(case.question) is not None,
            )
        )
    return out, embedder.model_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dataset",
        type=Path,
        action="append",
        help="a JSONL eval set (repeat to fit on several; default: all.jsonl)",
    )
    parser.add_argument("--suite", default=None, help="only this suite's cases (e.g. dev)")
    parser.add_argument("--data-dir", type=Path, default=None, help="an existing index")
    parser.add_argument("--out", type=Path, default=CALIBRATION_PATH)
    parser.add_argument("--dry-run", action="store_true", help="print figures, write nothing")
    parser.add_argument("--save-scores", type=Path, help="write per-case evidence to this JSON")
    parser.add_argument("--scores", type=Path, help="reuse per-case evidence from --save-scores")
    args = parser.parse_args(argv)

    datasets: list[Path] = args.dataset or [DEFAULT_DATASET]
    cases = [case for path in datasets for case in load_cases(path, args.suite)]
    if args.scores:
        saved = json.loads(args.scores.read_text(encoding="utf-8"))
        model_id = saved["model_id"]
        by_id = {row["id"]: row["evidence"] for row in saved["cases"]}
        cases = [
            Case(
                c.id,
                c.kind,
                c.question,
                c.should_refuse,
                by_id[c.id],
                check_scope(c.question) is not None,
            )
            for c in cases
            if c.id in by_id
        ]
    else:
        with tempfile.TemporaryDirectory(prefix="lga-calibrate-") as tmp:
            data_dir = args.data_dir
            if data_dir is None:
                data_dir = Path(tmp) / "data"
                print(f"building a temporary index in {data_dir} ...", flush=True)
                build_index(data_dir)
            cases, model_id = measure(cases, data_dir)
    if args.save_scores:
        rows = [{"id": c.id, "question": c.question, "evidence": c.evidence} for c in cases]
        args.save_scores.write_text(
            json.dumps({"model_id": model_id, "cases": rows}, indent=1) + "\n", encoding="utf-8"
        )

    evidence_only = choose_threshold(cases)
    chosen = score(cases, evidence_only.threshold)
    scope_only = score(cases, -1.0)
    print(f"\n{'evidence':>8}  {'scope':>5}  {'label':<8} question")
    for case in sorted(cases, key=lambda c: c.evidence):
        label = "refuse" if case.should_refuse else "answer"
        flag = "rule" if case.scope_refused else ""
        mark = "<" if case.evidence < chosen.threshold else " "
        print(f"{case.evidence:8.3f}{mark} {flag:>5}  {label:<8} {case.question[:80]}")
    n_refuse = sum(c.should_refuse for c in cases)
    print(
        f"\ncases: {len(cases)} ({n_refuse} out of scope, {len(cases) - n_refuse} answerable); "
        f"model {model_id}"
    )
    for name, f in (
        ("evidence only (chosen)", evidence_only),
        ("scope rules + evidence", chosen),
        ("scope rules only", scope_only),
    ):
        print(
            f"{name:<24} threshold {f.threshold:.4f}  refusal precision {f.precision:.3f} "
            f"recall {f.recall:.3f} F1 {f.f1:.3f} F0.5 {f.f_beta:.3f}  (tp {f.true_pos}, "
            f"fp {f.false_pos}, "
            f"fn {f.false_neg})"
        )
    if args.dry_run:
        return 0
    names = []
    for path in datasets:
        try:
            names.append(str(path.resolve().relative_to(PROJECT_ROOT)))
        except ValueError:
            names.append(str(path))
    record = {
        "threshold": chosen.threshold,
        "model_id": model_id,
        "dataset": " + ".join(names) + (f" (suite {args.suite})" if args.suite else ""),
        "cases": len(cases),
        "precision": round(chosen.precision, 4),
        "recall": round(chosen.recall, 4),
        "f1": round(chosen.f1, 4),
        "objective": "evidence-only refusal F0.5 (precision weighted)",
        "evidence_only": {
            "precision": round(evidence_only.precision, 4),
            "recall": round(evidence_only.recall, 4),
            "f1": round(evidence_only.f1, 4),
            "f0.5": round(evidence_only.f_beta, 4),
        },
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
    args.out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
