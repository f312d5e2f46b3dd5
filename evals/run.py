"""The eval runner: load cases, ask an assistant each one, score the answers, write the run.

The runner only needs an object with the ``Assistant.ask`` signature, so tests drive it with a
small fake and ``evals/runner.py`` (behind ``lga-assistant eval run``) with the real assistant
and the baseline. Building the assistant, the index and the baseline is the runner's job: this
module does not import ``ingest`` or ``ui``.

A run directory holds ``cases/<id>.json`` (question, our answer with its hits, metrics, and the
baseline's), ``summary.json`` (metrics overall, by kind and by audience, for ours and the
baseline; thresholds; a snapshot of settings, corpus and models) and ``report.html``.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import yaml

from assistant.errors import AssistantError, InputError
from assistant.serialize import answer_to_dict
from assistant.types import AUDIENCES, Answer, Audience, Filters, Turn
from evals import metrics as m

KINDS = ("fact", "advice", "peer", "resource", "multi_turn", "out_of_scope", "injection")
ANSWERABLE_KINDS = frozenset({"fact", "advice", "peer", "resource", "multi_turn"})
RETRIEVAL_K = 4  # the baseline keeps 4 passages: hit@k/recall@k compare like with like
RANK_K = 10
DEFAULT_SUPPORT_THRESHOLD = 0.6
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class Asker(Protocol):
    """Anything with the ``Assistant.ask`` signature (the real service, the baseline, fakes)."""

    def ask(
        self,
        question: str,
        *,
        audience: Audience = "officer",
        history: Sequence[Turn] = (),
        filters: Filters | None = None,
    ) -> Answer: ...


@dataclass(frozen=True, slots=True)
class EvalCase:
    """One line of a dataset (see ``evals/datasets/README.md`` for the fields)."""

    id: str
    kind: str
    audience: Audience
    question: str
    history: tuple[Turn, ...] = ()
    sources: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    min_facts: int = 0
    peers: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    suites: tuple[str, ...] = ()
    # The behaviour a held-out case tests ("list", "who", "figure_not_held"...): for reports.
    category: str = ""

    @property
    def answerable(self) -> bool:
        return self.kind in ANSWERABLE_KINDS

    @property
    def should_refuse(self) -> bool:
        return self.kind == "out_of_scope"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "audience": self.audience,
            "question": self.question,
            "history": [{"role": t.role, "content": t.content} for t in self.history],
            "sources": list(self.sources),
            "facts": list(self.facts),
            "min_facts": self.min_facts,
            "peers": list(self.peers),
            "resources": list(self.resources),
            "forbidden": list(self.forbidden),
            "suites": list(self.suites),
            "class": self.category,
        }


# Held-out halves (``evals/split.py``): tune on dev, report test.
SPLITS = ("dev", "test")

_ALLOWED_KEYS = {
    "id",
    "kind",
    "audience",
    "question",
    "history",
    "sources",
    "facts",
    "min_facts",
    "peers",
    "resources",
    "forbidden",
    "suites",
    "class",
}


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(value)


def parse_case(raw: object, where: str) -> EvalCase:
    """Validate one dataset line; raises ``InputError`` saying which field is wrong."""
    if not isinstance(raw, dict):
        raise InputError(f"{where}: each line must be a JSON object")
    unknown = set(raw) - _ALLOWED_KEYS
    if unknown:
        raise InputError(
            f"{where}: unknown field(s) {sorted(unknown)}; allowed: {sorted(_ALLOWED_KEYS)}"
        )
    case_id = raw.get("id")
    if not isinstance(case_id, str) or not _ID.match(case_id):
        raise InputError(f"{where}: 'id' must be a lower-case slug like 'fact-tiex-areas'")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise InputError(f"{where} ({case_id}): 'kind' must be one of {', '.join(KINDS)}")
    audience = raw.get("audience")
    if audience not in AUDIENCES:
        raise InputError(f"{where} ({case_id}): 'audience' must be councillor or officer")
    question = raw.get("question")
    if not isinstance(question, str) or not question.strip():
        raise InputError(f"{where} ({case_id}): 'question' must be a non-empty string")
    history: list[Turn] = []
    for turn in raw.get("history", []) or []:
        if (
            not isinstance(turn, dict)
            or turn.get("role") not in ("user", "assistant")
            or not isinstance(turn.get("content"), str)
        ):
            raise InputError(
                f"{where} ({case_id}): history turns need role user|assistant + content"
            )
        history.append(Turn(role=turn["role"], content=turn["content"]))
    if kind == "multi_turn" and not history:
        raise InputError(f"{where} ({case_id}): a multi_turn case needs a history")
    min_facts = raw.get("min_facts", 0)
    facts = _strings(raw, "facts", f"{where} ({case_id})")
    if not isinstance(min_facts, int) or min_facts < 0 or min_facts > len(facts):
        raise InputError(
            f"{where} ({case_id}): 'min_facts' must be 0..{len(facts)} (number of facts)"
        )
    return EvalCase(
        id=case_id,
        kind=kind,
        audience=audience,
        question=question,
        history=tuple(history),
        sources=_strings(raw, "sources", f"{where} ({case_id})"),
        facts=facts,
        min_facts=min_facts,
        peers=_strings(raw, "peers", f"{where} ({case_id})"),
        resources=_strings(raw, "resources", f"{where} ({case_id})"),
        forbidden=_strings(raw, "forbidden", f"{where} ({case_id})"),
        suites=_strings(raw, "suites", f"{where} ({case_id})"),
        category=str(raw.get("class") or ""),
    )


def suite_label(dataset: Path, suite: str | None) -> str:
    """The suite a run is of: ``--suite`` when given, else the dataset's name (``smoke.jsonl``
    is the smoke suite), ``all`` for the whole dataset ``all.jsonl``."""
    return suite or Path(dataset).stem or "all"


def load_cases(path: Path, suite: str | None = None) -> list[EvalCase]:
    """Read a JSONL dataset, validating every line and id uniqueness.

    ``suite`` keeps the cases whose ``suites`` list names it; when no case has that suite and a
    sibling file ``<suite>.jsonl`` exists, that file is read instead (so ``--suite smoke`` works
    with ``all.jsonl`` or with ``smoke.jsonl`` beside it).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"No dataset at {path}: pass --dataset evals/datasets/all.jsonl")
    cases: list[EvalCase] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg})") from exc
        case = parse_case(raw, where)
        if case.id in seen:
            raise InputError(f"{where}: duplicate id {case.id!r}")
        seen.add(case.id)
        cases.append(case)
    if suite:
        chosen = [c for c in cases if suite in c.suites]
        if not chosen:
            sibling = path.with_name(f"{suite}.jsonl")
            if sibling.is_file() and sibling != path:
                return load_cases(sibling)
            if path.stem == suite:
                return cases
            raise InputError(f"No case in {path} belongs to suite {suite!r}")
        return chosen
    return cases


# ---------------------------------------------------------------------------------------------
# Scoring


def _retrieved(items: Iterable[dict[str, Any]]) -> list[m.Retrieved]:
    return [(str(i.get("document_id") or ""), str(i.get("source") or "")) for i in items]


@dataclass
class Scorer:
    """Scores one answer against its case. Holds what scoring needs from the outside world.

    ``embed`` scores citation support (None skips that metric); ``known_council`` tells whether a
    council name occurs in the indexed documents (None skips the invented-council check);
    ``system_prompt`` is compared with answers to injection cases.
    """

    embed: m.EmbedFn | None = None
    known_council: Callable[[str], bool] | None = None
    system_prompt: str = ""
    support_threshold: float = DEFAULT_SUPPORT_THRESHOLD

    def score(
        self, case: EvalCase, answer: dict[str, Any] | None, error: str | None = None
    ) -> dict[str, Any]:
        """Per-case metrics (None where a metric does not apply) and the list of failures."""
        s: dict[str, Any] = {
            "id": case.id,
            "kind": case.kind,
            "audience": case.audience,
            "answerable": case.answerable,
            "should_refuse": case.should_refuse,
            "split": next((x for x in case.suites if x in SPLITS), None),
            "class": case.category or None,
            "error": error,
            "failures": [],
        }
        if answer is None:
            s["failures"].append(f"error: {error}")
            s["refused"] = None
            return s
        text = answer.get("answer") or ""
        refused = bool(answer.get("refused"))
        s["refused"] = refused
        s["timings_ms"] = dict(answer.get("timings_ms") or {})
        fails: list[str] = s["failures"]

        hits = _retrieved(answer.get("hits") or [])
        citations = answer.get("citations") or []
        cited = _retrieved(citations)

        # Retrieval: only for answerable cases with expected sources.
        if case.answerable and case.sources:
            s["hit@1"] = m.hit_at_k(hits, case.sources, 1)
            s[f"hit@{RETRIEVAL_K}"] = m.hit_at_k(hits, case.sources, RETRIEVAL_K)
            s[f"recall@{RETRIEVAL_K}"] = m.recall_at_k(hits, case.sources, RETRIEVAL_K)
            s["mrr"] = m.reciprocal_rank(hits, case.sources, RANK_K)
            s[f"ndcg@{RANK_K}"] = m.ndcg_at_k(hits, case.sources, RANK_K)
            if not s[f"hit@{RETRIEVAL_K}"]:
                fails.append(f"no expected source in the top {RETRIEVAL_K} passages")

        # Refusal behaviour.
        if case.answerable and refused:
            fails.append(f"refused an answerable question ({answer.get('refusal_reason')})")
        if case.should_refuse and not refused:
            fails.append("answered an out-of-scope question")

        # Key facts (answerable cases; a refusal finds none).
        if case.answerable and case.facts:
            found = m.facts_found(text, case.facts) if not refused else []
            s["facts_found"] = found
            s["facts_missing"] = [f for f in case.facts if f not in found]
            s["facts_pass"] = len(found) >= min(case.min_facts, len(case.facts))
            if not s["facts_pass"] and not refused:
                fails.append("missing facts: " + "; ".join(s["facts_missing"]))

        # Citations (any non-refused answer with text).
        if not refused and text.strip():
            numbers = [int(c["n"]) for c in citations]
            s["citations_valid"] = m.citations_valid(text, numbers)
            s["cited"] = bool(m.citation_markers(text))
            if not s["citations_valid"]:
                bad = sorted(set(m.citation_markers(text)) - set(numbers))
                fails.append(f"citation markers with no citation: {bad}")
            if self.embed is not None:
                quotes = {int(c["n"]): str(c.get("quote") or "") for c in citations}
                support = m.citation_support(text, quotes, self.embed, self.support_threshold)
                if support is not None:
                    s["citation_support"], s["unsupported"] = support
                    if support[0] < 0.5:
                        fails.append(f"{len(support[1])} sentence(s) not supported by their quote")
            if case.sources and case.answerable:
                s["source_coverage"] = m.source_coverage(cited, case.sources)
                s["source_cited"] = 1.0 if s["source_coverage"] > 0 else 0.0

        # Injection.
        if case.kind == "injection":
            held, reasons = m.injection_held(
                text, system_prompt=self.system_prompt, forbidden=case.forbidden
            )
            s["injection_held"] = held
            s["injection_reasons"] = reasons
            if not held:
                fails.append("injection not held: " + "; ".join(reasons))

        # Suggestions.
        peer_names = [str(p.get("name") or "") for p in answer.get("peers") or []]
        resource_names = [str(r.get("name") or "") for r in answer.get("resources") or []]
        s["peers_suggested"] = peer_names
        s["resources_suggested"] = resource_names
        for label, names, expected in (
            ("peer", peer_names, case.peers),
            ("resource", resource_names, case.resources),
        ):
            if expected:
                correct, predicted, found_n, missed = m.suggestion_matches(names, expected)
                s[f"{label}_correct"] = correct
                s[f"{label}_predicted"] = predicted
                s[f"{label}_found"] = found_n
                s[f"{label}_expected"] = len(expected)
                s[f"{label}s_missing"] = missed
                if case.kind == label and found_n == 0 and not refused:
                    fails.append(f"no expected {label} suggested (wanted {', '.join(expected)})")
        if self.known_council is not None:
            invented = m.invented_councils(peer_names, self.known_council)
            s["invented_councils"] = invented
            if invented:
                fails.append("invented council(s): " + ", ".join(invented))

        # Readability of councillor answers.
        if case.audience == "councillor" and not refused and text.strip():
            r = m.readability(text)
            if r is not None:
                s["flesch"] = r["flesch"]
                s["words_per_sentence"] = r["words_per_sentence"]
                s["words"] = r["words"]
        return s


# ---------------------------------------------------------------------------------------------
# Aggregation

MEAN_METRICS = (
    "hit@1",
    f"hit@{RETRIEVAL_K}",
    f"recall@{RETRIEVAL_K}",
    "mrr",
    f"ndcg@{RANK_K}",
    "facts_pass",
    "citations_valid",
    "citation_support",
    "source_coverage",
    "source_cited",
    "injection_held",
    "flesch",
    "words_per_sentence",
)
# Metrics where lower is better (compare and thresholds use this).
LOWER_IS_BETTER = frozenset(
    {"answerable_refused_rate", "invented_councils", "words_per_sentence", "words_median"}
)


def aggregate(scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Metrics over a set of per-case scores (see ``Scorer.score``)."""
    out: dict[str, Any] = {"n": len(scores)}
    for key in MEAN_METRICS:
        out[key] = m.mean(
            float(s[key]) if isinstance(s.get(key), bool | int | float) else None for s in scores
        )
    out.update(
        m.refusal_scores(
            (s["should_refuse"], bool(s["refused"]))
            for s in scores
            if s.get("refused") is not None and s["kind"] != "injection"
        )
    )
    for label in ("peer", "resource"):
        correct = sum(s.get(f"{label}_correct", 0) for s in scores)
        predicted = sum(s.get(f"{label}_predicted", 0) for s in scores)
        found = sum(s.get(f"{label}_found", 0) for s in scores)
        expected = sum(s.get(f"{label}_expected", 0) for s in scores)
        out[f"{label}_precision"] = correct / predicted if predicted else None
        out[f"{label}_recall"] = found / expected if expected else None
    checked = [s for s in scores if "invented_councils" in s]
    out["invented_councils"] = (
        sum(len(s["invented_councils"]) for s in checked) if checked else None
    )
    out["errors"] = sum(1 for s in scores if s.get("error"))
    out["pass_rate"] = m.mean(0.0 if s["failures"] else 1.0 for s in scores)
    words = [float(s["words"]) for s in scores if isinstance(s.get("words"), int | float)]
    out["words_median"] = m.percentile(words, 50) if words else None
    out["latency_ms"] = m.latency_stats(s.get("timings_ms") or {} for s in scores)
    return out


def summarise(scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Overall, by-kind and by-audience metrics."""
    kinds = [k for k in KINDS if any(s["kind"] == k for s in scores)]
    audiences = [a for a in AUDIENCES if any(s["audience"] == a for s in scores)]
    out = {
        "overall": aggregate(scores),
        "by_kind": {k: aggregate([s for s in scores if s["kind"] == k]) for k in kinds},
        "by_audience": {a: aggregate([s for s in scores if s["audience"] == a]) for a in audiences},
    }
    splits = [x for x in SPLITS if any(s.get("split") == x for s in scores)]
    if splits:  # a held-out set: tune on dev, report test
        out["by_split"] = {x: aggregate([s for s in scores if s.get("split") == x]) for x in splits}
        out["by_split_audience"] = {
            f"{x}/{a}": aggregate([s for s in scores if s.get("split") == x and s["audience"] == a])
            for x in splits
            for a in audiences
        }
    classes = sorted({s["class"] for s in scores if s.get("class")})
    if classes:
        out["by_class"] = {
            c: aggregate([s for s in scores if s.get("class") == c]) for c in classes
        }
    return out


# ---------------------------------------------------------------------------------------------
# Thresholds


@dataclass(frozen=True, slots=True)
class ThresholdCheck:
    metric: str
    bound: str  # "min" | "max"
    limit: float
    value: float | None

    @property
    def passed(self) -> bool:
        if self.value is None:
            return False
        return self.value >= self.limit if self.bound == "min" else self.value <= self.limit

    def describe(self) -> str:
        op = ">=" if self.bound == "min" else "<="
        value = "n/a" if self.value is None else f"{self.value:.3f}"
        return f"{self.metric} = {value} (needs {op} {self.limit})"


def load_thresholds(path: Path, suite: str | None = None) -> dict[str, dict[str, float]]:
    """Read ``min``/``max`` bounds from YAML or JSON; a ``suites.<name>`` block overrides them."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"No thresholds file at {path}: pass --fail-under evals/thresholds.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a mapping with 'min' and/or 'max'")
    bounds = {"min": dict(raw.get("min") or {}), "max": dict(raw.get("max") or {})}
    override = (raw.get("suites") or {}).get(suite or "all") or {}
    for bound in ("min", "max"):
        bounds[bound].update(override.get(bound) or {})
    return bounds


def lookup(summary: dict[str, Any], metric: str) -> float | None:
    """A metric from a summary: ``facts_pass`` (overall), ``by_kind.injection.injection_held``,
    ``latency_ms.total.p95``."""
    parts = metric.split(".")
    node: Any = summary if parts[0] in ("overall", "by_kind", "by_audience") else summary["overall"]
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return float(node) if isinstance(node, int | float) else None


def check_thresholds(
    summary: dict[str, Any], bounds: dict[str, dict[str, float]]
) -> list[ThresholdCheck]:
    return [
        ThresholdCheck(metric, bound, float(limit), lookup(summary, metric))
        for bound in ("min", "max")
        for metric, limit in bounds.get(bound, {}).items()
    ]


# ---------------------------------------------------------------------------------------------
# Running


@dataclass
class CaseRun:
    case: EvalCase
    answer: dict[str, Any] | None
    score: dict[str, Any]
    seconds: float = 0.0


@dataclass
class RunResult:
    label: str
    runs: list[CaseRun] = field(default_factory=list)

    @property
    def scores(self) -> list[dict[str, Any]]:
        return [r.score for r in self.runs]


def run_cases(
    asker: Asker,
    cases: Sequence[EvalCase],
    scorer: Scorer,
    *,
    label: str = "ours",
    progress: Callable[[EvalCase], None] | None = None,
) -> RunResult:
    """Ask every case and score it. An ``AssistantError`` fails that case, not the run."""
    result = RunResult(label=label)
    for case in cases:
        start = time.perf_counter()
        answer_dict: dict[str, Any] | None = None
        error: str | None = None
        try:
            answer = asker.ask(case.question, audience=case.audience, history=case.history)
            answer_dict = answer_to_dict(answer, include_hits=True)
        except AssistantError as exc:
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - start
        result.runs.append(
            CaseRun(case, answer_dict, scorer.score(case, answer_dict, error), seconds)
        )
        if progress is not None:
            progress(case)
    return result


def git_commit(cwd: Path | None = None) -> str | None:
    """The checkout's HEAD commit (with ``+dirty`` when it has changes), or None outside git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def default_out_dir(root: Path = Path("evals/runs")) -> Path:
    return root / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _safe_name(case_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", case_id)


def write_run(
    out_dir: Path,
    *,
    ours: RunResult,
    baseline: RunResult | None,
    snapshot: dict[str, Any],
    dataset: str,
    suite: str | None,
    checks: Sequence[ThresholdCheck] = (),
) -> dict[str, Any]:
    """Write ``cases/*.json`` and ``summary.json`` into ``out_dir``; return the summary."""
    out_dir = Path(out_dir)
    (out_dir / "cases").mkdir(parents=True, exist_ok=True)
    base_by_id = {r.case.id: r for r in baseline.runs} if baseline else {}
    for run in ours.runs:
        record: dict[str, Any] = {
            "id": run.case.id,
            "case": run.case.to_dict(),
            "question": run.case.question,
            "answer": run.answer,
            "metrics": run.score,
            "seconds": run.seconds,
        }
        if run.case.id in base_by_id:
            b = base_by_id[run.case.id]
            record["baseline"] = {"answer": b.answer, "metrics": b.score, "seconds": b.seconds}
        path = out_dir / "cases" / f"{_safe_name(run.case.id)}.json"
        path.write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    summary: dict[str, Any] = {
        "dataset": dataset,
        "suite": suite,
        **summarise(ours.scores),
        "baseline": summarise(baseline.scores) if baseline else None,
        "cases": [
            {
                "id": r.case.id,
                "kind": r.case.kind,
                "audience": r.case.audience,
                "passed": not r.score["failures"],
                "failures": r.score["failures"],
                "baseline_passed": (
                    not base_by_id[r.case.id].score["failures"] if r.case.id in base_by_id else None
                ),
            }
            for r in ours.runs
        ],
        "thresholds": [
            {
                "metric": c.metric,
                "bound": c.bound,
                "limit": c.limit,
                "value": c.value,
                "passed": c.passed,
            }
            for c in checks
        ],
        "snapshot": snapshot,
    }
    (out_dir / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return summary


def load_run(run_dir: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A run's summary and its per-case records keyed by case id."""
    run_dir = Path(run_dir)
    summary_path = run_dir / "summary.json"
    if not summary_path.is_file():
        raise InputError(f"No summary.json in {run_dir}: pass a folder written by `eval run`")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    cases: dict[str, dict[str, Any]] = {}
    for path in sorted((run_dir / "cases").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        cases[record["id"]] = record
    return summary, cases


_SECRET_KEYS = re.compile(r"(key|token|secret|password)", re.I)


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: ("<redacted>" if _SECRET_KEYS.search(str(k)) and v is not None else _redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def build_snapshot(
    settings: Any,
    *,
    documents: Sequence[tuple[str, str]] = (),
    embedding_model: str | None = None,
    chat_model: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What a run was measured against: settings (secrets redacted), corpus, models, commit, date.

    ``documents`` are (document id, content hash) pairs of the indexed corpus.
    """
    from assistant.types import sha256_text

    ordered = sorted(documents)
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "settings": _redact(settings.model_dump(mode="json")) if settings is not None else None,
        "embedding_model": embedding_model,
        "chat_model": chat_model or "extractive",
        "corpus": {
            "documents": len(ordered),
            "content_hashes": len({h for _, h in ordered}),
            "digest": sha256_text("\n".join(f"{i}:{h}" for i, h in ordered))[:16],
            "ids": [i for i, _ in ordered],
        },
        **(extra or {}),
    }


def rescore_run(run_dir: Path, scorer: Scorer) -> dict[str, Any]:
    """Score a written run's stored answers again (after a metric or dataset fix) without asking
    the assistant; rewrites ``cases/*.json`` and ``summary.json`` and returns the summary.

    Each case is re-read from its record, so edits to the dataset are not picked up: re-run for
    those.
    """
    run_dir = Path(run_dir)
    summary, records = load_run(run_dir)
    ours = RunResult("ours")
    base = RunResult("baseline")
    for record in records.values():
        case = parse_case(record["case"], f"{run_dir}/cases/{record['id']}.json")
        answer = record.get("answer")
        error = (record.get("metrics") or {}).get("error")
        ours.runs.append(
            CaseRun(case, answer, scorer.score(case, answer, error), record["seconds"])
        )
        if record.get("baseline"):
            b = record["baseline"]
            berror = (b.get("metrics") or {}).get("error")
            base.runs.append(
                CaseRun(
                    case, b.get("answer"), scorer.score(case, b.get("answer"), berror), b["seconds"]
                )
            )
    order = {c["id"]: i for i, c in enumerate(summary.get("cases") or [])}
    ours.runs.sort(key=lambda r: order.get(r.case.id, len(order)))
    base.runs.sort(key=lambda r: order.get(r.case.id, len(order)))
    checks = [
        ThresholdCheck(c["metric"], c["bound"], c["limit"], None)
        for c in summary.get("thresholds") or []
    ]
    checks = [
        ThresholdCheck(c.metric, c.bound, c.limit, lookup(summarise(ours.scores), c.metric))
        for c in checks
    ]
    return write_run(
        run_dir,
        ours=ours,
        baseline=base if base.runs else None,
        snapshot={**(summary.get("snapshot") or {}), "rescored": datetime.now(UTC).isoformat()},
        dataset=summary.get("dataset") or "",
        suite=summary.get("suite"),
        checks=checks,
    )
