"""Compare two eval runs: metric deltas and the cases that got worse.

``compare_runs`` is pure over the loaded runs; ``print_comparison`` renders it with Rich and
``comparison_html`` as a small standalone HTML page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.report import OTHER_METRICS, RATE_METRICS
from evals.run import LOWER_IS_BETTER, load_run


@dataclass(frozen=True, slots=True)
class MetricDelta:
    metric: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def change(self) -> str:
        """'better', 'worse' or 'same' going from run A to run B."""
        d = self.delta
        if d is None or abs(d) < 1e-9:
            return "same"
        lower_better = self.metric.split(".")[-1] in LOWER_IS_BETTER
        return "better" if (d < 0) == lower_better else "worse"


@dataclass(frozen=True, slots=True)
class CaseChange:
    id: str
    kind: str
    question: str
    failures_a: tuple[str, ...]
    failures_b: tuple[str, ...]

    @property
    def new_failures(self) -> tuple[str, ...]:
        return tuple(f for f in self.failures_b if f not in self.failures_a)


@dataclass
class Comparison:
    run_a: str
    run_b: str
    metrics: list[MetricDelta] = field(default_factory=list)
    worse: list[CaseChange] = field(default_factory=list)  # passed in A, failing in B
    fixed: list[CaseChange] = field(default_factory=list)  # failing in A, passing in B
    changed: list[CaseChange] = field(default_factory=list)  # failing in both, new failures in B
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)

    @property
    def regressions(self) -> list[CaseChange]:
        return self.worse + self.changed


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def compare_runs(run_a: Path, run_b: Path) -> Comparison:
    """Metric deltas (B minus A) overall, by kind and latency, and per-case regressions."""
    sum_a, cases_a = load_run(run_a)
    sum_b, cases_b = load_run(run_b)
    comp = Comparison(run_a=str(run_a), run_b=str(run_b))
    for metric in (*RATE_METRICS, *OTHER_METRICS):
        a, b = _num(sum_a["overall"].get(metric)), _num(sum_b["overall"].get(metric))
        if a is not None or b is not None:
            comp.metrics.append(MetricDelta(metric, a, b))
    for stage in sorted(
        set(sum_a["overall"].get("latency_ms", {})) | set(sum_b["overall"].get("latency_ms", {}))
    ):
        for q in ("p50", "p95"):
            a = _num((sum_a["overall"].get("latency_ms", {}).get(stage) or {}).get(q))
            b = _num((sum_b["overall"].get("latency_ms", {}).get(stage) or {}).get(q))
            comp.metrics.append(MetricDelta(f"latency_ms.{stage}.{q}", a, b))
    for kind in sorted(set(sum_a.get("by_kind", {})) | set(sum_b.get("by_kind", {}))):
        for metric in ("pass_rate", "facts_pass"):
            a = _num((sum_a.get("by_kind", {}).get(kind) or {}).get(metric))
            b = _num((sum_b.get("by_kind", {}).get(kind) or {}).get(metric))
            if a is not None or b is not None:
                comp.metrics.append(MetricDelta(f"by_kind.{kind}.{metric}", a, b))
    for case_id in sorted(set(cases_a) | set(cases_b)):
        if case_id not in cases_b:
            comp.only_a.append(case_id)
            continue
        if case_id not in cases_a:
            comp.only_b.append(case_id)
            continue
        ra, rb = cases_a[case_id], cases_b[case_id]
        change = CaseChange(
            id=case_id,
            kind=rb["case"]["kind"],
            question=rb["case"]["question"],
            failures_a=tuple(ra["metrics"]["failures"]),
            failures_b=tuple(rb["metrics"]["failures"]),
        )
        if not change.failures_a and change.failures_b:
            comp.worse.append(change)
        elif change.failures_a and not change.failures_b:
            comp.fixed.append(change)
        elif change.failures_b and change.new_failures:
            comp.changed.append(change)
    return comp


def _fmt(v: float | None, signed: bool = False) -> str:
    if v is None:
        return "n/a"
    return f"{v:+.3f}" if signed else f"{v:.3f}"


def print_comparison(comp: Comparison, console: Any) -> None:
    """Render a comparison with Rich: deltas table, then regressions highlighted in red."""
    from rich.table import Table

    table = Table(title=f"A = {comp.run_a}\nB = {comp.run_b}", show_lines=False)
    table.add_column("metric")
    table.add_column("A", justify="right")
    table.add_column("B", justify="right")
    table.add_column("B - A", justify="right")
    for d in comp.metrics:
        style = {"better": "green", "worse": "bold red"}.get(d.change, "")
        table.add_row(d.metric, _fmt(d.a), _fmt(d.b), _fmt(d.delta, signed=True), style=style)
    console.print(table)
    if comp.regressions:
        reg = Table(title=f"Cases that got worse ({len(comp.regressions)})", style="red")
        reg.add_column("case", style="bold red")
        reg.add_column("kind")
        reg.add_column("question")
        reg.add_column("new failures", style="red")
        for c in comp.regressions:
            reg.add_row(c.id, c.kind, c.question, "\n".join(c.new_failures))
        console.print(reg)
    else:
        console.print("[green]No case got worse.[/]")
    if comp.fixed:
        console.print(
            f"[green]Fixed ({len(comp.fixed)}):[/] " + ", ".join(c.id for c in comp.fixed)
        )
    if comp.only_a or comp.only_b:
        console.print(
            f"Only in A: {', '.join(comp.only_a) or '-'}; only in B: {', '.join(comp.only_b) or '-'}"
        )


def comparison_html(comp: Comparison) -> str:
    """A standalone HTML page with the same content as ``print_comparison``."""
    rows = "".join(
        f"<tr class='{d.change}'><td>{html.escape(d.metric)}</td><td>{_fmt(d.a)}</td>"
        f"<td>{_fmt(d.b)}</td><td>{_fmt(d.delta, signed=True)}</td><td>{d.change}</td></tr>"
        for d in comp.metrics
    )
    regs = "".join(
        f"<tr class='worse'><td><code>{html.escape(c.id)}</code></td><td>{html.escape(c.kind)}</td>"
        f"<td>{html.escape(c.question)}</td><td><ul>"
        + "".join(f"<li>{html.escape(f)}</li>" for f in c.new_failures)
        + "</ul></td></tr>"
        for c in comp.regressions
    )
    fixed = ", ".join(html.escape(c.id) for c in comp.fixed) or "none"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>lga-assistant eval comparison</title><style>
body{{font-family:Arial,Helvetica,sans-serif;margin:2rem}}table{{border-collapse:collapse}}
th,td{{border:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}}
tr.better td{{color:#00703c}}tr.worse td{{color:#d4351c;font-weight:bold}}</style></head><body>
<h1>Eval comparison</h1><p>A = {html.escape(comp.run_a)}<br>B = {html.escape(comp.run_b)}</p>
<h2>Metrics (B - A)</h2><table><thead><tr><th>metric</th><th>A</th><th>B</th><th>B - A</th>
<th>change</th></tr></thead><tbody>{rows}</tbody></table>
<h2>Cases that got worse ({len(comp.regressions)})</h2>
<table><thead><tr><th>case</th><th>kind</th><th>question</th><th>new failures</th></tr></thead>
<tbody>{regs}</tbody></table><h2>Fixed</h2><p>{fixed}</p></body></html>
"""
