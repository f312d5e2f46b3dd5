"""The HTML report of an eval run: plots (matplotlib, embedded as PNG) and the failing cases.

Everything is inline (CSS and base64 images): the file opens offline and fetches nothing.
Our pipeline and the baseline are shown side by side wherever the run has both.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.run import LOWER_IS_BETTER, RANK_K, RETRIEVAL_K, load_run

# Metrics on a 0..1 scale, in the order the report shows them.
RATE_METRICS: tuple[str, ...] = (
    "hit@1",
    f"hit@{RETRIEVAL_K}",
    f"recall@{RETRIEVAL_K}",
    "mrr",
    f"ndcg@{RANK_K}",
    "facts_pass",
    "citations_valid",
    "citation_support",
    "source_coverage",
    "refusal_precision",
    "refusal_recall",
    "answerable_refused_rate",
    "injection_held",
    "peer_precision",
    "peer_recall",
    "resource_precision",
    "resource_recall",
    "pass_rate",
)
OTHER_METRICS: tuple[str, ...] = ("invented_councils", "flesch", "words_per_sentence", "errors")
KIND_METRICS: tuple[str, ...] = (
    "pass_rate",
    "facts_pass",
    f"hit@{RETRIEVAL_K}",
    "citation_support",
)
OURS_COLOUR = "#1d70b8"  # GOV.UK blue
BASELINE_COLOUR = "#b1b4b6"  # GOV.UK mid grey


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return html.escape(str(value))


def _delta_cell(metric: str, ours: Any, base: Any) -> str:
    if not isinstance(ours, int | float) or not isinstance(base, int | float):
        return "<td></td>"
    delta = float(ours) - float(base)
    better = delta < 0 if metric.split(".")[-1] in LOWER_IS_BETTER else delta > 0
    cls = "better" if better and abs(delta) > 1e-9 else ("worse" if abs(delta) > 1e-9 else "")
    word = {"better": " (ours better)", "worse": " (baseline better)"}.get(cls, "")
    return f'<td class="{cls}">{delta:+.3f}{word}</td>'


def _num(value: Any) -> float:
    """A plottable number: None (metric does not apply) becomes NaN, which draws no bar."""
    return float(value) if isinstance(value, int | float) else float("nan")


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _plots(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, base64 PNG) for each plot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    ours = summary["overall"]
    base = (summary.get("baseline") or {}).get("overall")
    plots: list[tuple[str, str]] = []

    # 1. Every 0..1 metric, ours vs baseline.
    names = [k for k in RATE_METRICS if ours.get(k) is not None or (base or {}).get(k) is not None]
    if names:
        fig, ax = plt.subplots(figsize=(10, 0.38 * len(names) + 1.2))
        y = np.arange(len(names))
        height = 0.4 if base else 0.7
        ax.barh(
            y - (height / 2 if base else 0),
            [ours.get(k) or 0 for k in names],
            height,
            label="ours",
            color=OURS_COLOUR,
        )
        if base:
            ax.barh(
                y + height / 2,
                [base.get(k) or 0 for k in names],
                height,
                label="baseline",
                color=BASELINE_COLOUR,
            )
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlim(0, 1.05)
        ax.set_xlabel("score (0-1; lower is better for answerable_refused_rate)")
        ax.legend(loc="lower right")
        ax.grid(axis="x", alpha=0.3)
        plots.append(("Metrics overall: ours and the baseline", _png(fig)))

    # 2. Per kind, a few headline metrics.
    kinds = list(summary.get("by_kind", {}))
    base_kinds = (summary.get("baseline") or {}).get("by_kind", {})
    if kinds:
        fig, axes = plt.subplots(1, len(KIND_METRICS), figsize=(4 * len(KIND_METRICS), 3.8))
        x = np.arange(len(kinds))
        width = 0.4 if base_kinds else 0.7
        for ax, metric in zip(np.atleast_1d(axes), KIND_METRICS, strict=False):
            ax.bar(
                x - (width / 2 if base_kinds else 0),
                [_num(summary["by_kind"][k].get(metric)) for k in kinds],
                width,
                color=OURS_COLOUR,
                label="ours",
            )
            if base_kinds:
                ax.bar(
                    x + width / 2,
                    [_num((base_kinds.get(k) or {}).get(metric)) for k in kinds],
                    width,
                    color=BASELINE_COLOUR,
                    label="baseline",
                )
            ax.set_title(metric)
            ax.set_xticks(x, kinds, rotation=40, ha="right")
            ax.set_ylim(0, 1.05)
            ax.grid(axis="y", alpha=0.3)
        handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="upper center", ncol=2, fontsize=9)
        fig.tight_layout(rect=(0, 0, 1, 0.92))
        plots.append(("By kind of question (no bar: metric does not apply)", _png(fig)))

    # 3. Latency per stage.
    lat = ours.get("latency_ms") or {}
    base_lat = (base or {}).get("latency_ms") or {}
    stages = sorted(set(lat) | set(base_lat))
    if stages:
        fig, ax = plt.subplots(figsize=(10, 3.6))
        x = np.arange(len(stages))
        series = [
            ("ours p50", lat, "p50", OURS_COLOUR, 1.0),
            ("ours p95", lat, "p95", OURS_COLOUR, 0.5),
        ]
        if base_lat:
            series += [
                ("baseline p50", base_lat, "p50", "#505a5f", 1.0),
                ("baseline p95", base_lat, "p95", "#505a5f", 0.5),
            ]
        width = 0.8 / len(series)
        for i, (label, data, q, colour, alpha) in enumerate(series):
            ax.bar(
                x + (i - (len(series) - 1) / 2) * width,
                [(data.get(s) or {}).get(q) or 0 for s in stages],
                width,
                color=colour,
                alpha=alpha,
                label=label,
            )
        ax.set_xticks(x, stages, rotation=30, ha="right")
        ax.set_ylabel("milliseconds")
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        plots.append(("Latency per stage (p50 and p95)", _png(fig)))
    return plots


def _metric_table(summary: dict[str, Any]) -> str:
    ours = summary["overall"]
    base = (summary.get("baseline") or {}).get("overall")
    rows = []
    for metric in (*RATE_METRICS, *OTHER_METRICS):
        o, b = ours.get(metric), (base or {}).get(metric)
        if o is None and b is None:
            continue
        rows.append(
            f"<tr><th scope='row'>{metric}</th><td>{_fmt(o)}</td>"
            + (f"<td>{_fmt(b)}</td>{_delta_cell(metric, o, b)}" if base else "")
            + "</tr>"
        )
    head = "<tr><th>metric</th><th>ours</th>" + (
        "<th>baseline</th><th>ours - baseline</th>" if base else ""
    )
    return f"<table><thead>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


GROUP_METRICS: tuple[str, ...] = (
    "n",
    "pass_rate",
    "facts_pass",
    f"hit@{RETRIEVAL_K}",
    "mrr",
    "citation_support",
)
# The held-out halves side by side: what issue 11 reports (dotted names reach into latency).
SPLIT_METRICS: tuple[str, ...] = (
    "n",
    "pass_rate",
    "facts_pass",
    "source_cited",
    "hit@1",
    "citation_support",
    "answerable_refused_rate",
    "refusal_recall",
    "injection_held",
    "invented_councils",
    "flesch",
    "words_median",
    "latency_ms.total.p50",
    "latency_ms.total.p95",
)
_LABELS = {
    "flesch": "flesch (councillor)",
    "words_median": "words_median (councillor)",
    "latency_ms.total.p50": "total ms p50",
    "latency_ms.total.p95": "total ms p95",
}


def _value(values: dict[str, Any] | None, metric: str) -> Any:
    """``metric`` from a group's metrics; a dotted name walks nested mappings."""
    node: Any = values or {}
    for part in metric.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _group_table(
    summary: dict[str, Any], group: str, metrics: Sequence[str] = GROUP_METRICS
) -> str:
    groups = summary.get(group) or {}
    base_groups = (summary.get("baseline") or {}).get(group) or {}
    head = "".join(f"<th>{html.escape(_LABELS.get(m, m))}</th>" for m in metrics)
    rows = []
    for name, values in groups.items():
        cells = []
        for metric in metrics:
            o = _value(values, metric)
            b = _value(base_groups.get(name), metric)
            cell = _fmt(o)
            if base_groups and metric != "n":
                cell += f" <span class='base'>/ {_fmt(b)}</span>"
            cells.append(f"<td>{cell}</td>")
        rows.append(f"<tr><th scope='row'>{html.escape(name)}</th>{''.join(cells)}</tr>")
    note = " (ours / <span class='base'>baseline</span>)" if base_groups else ""
    return (
        f"<p class='note'>{note}</p><table><thead><tr><th>{group.replace('by_', '')}</th>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _split_section(summary: dict[str, Any]) -> str:
    """The "By split" table of a held-out run (nothing for a dataset without splits)."""
    if not summary.get("by_split"):
        return ""
    return (
        "<h2>By split</h2><p class='note'>The held-out halves: tune on dev, report test.</p>"
        + _group_table(summary, "by_split", SPLIT_METRICS)
    )


def _answer_block(answer: dict[str, Any] | None) -> str:
    if answer is None:
        return "<p><em>no answer (error)</em></p>"
    text = html.escape(answer.get("answer") or "")
    refused = (
        f"<p class='refused'>Refused: {html.escape(str(answer.get('refusal_reason')))}</p>"
        if answer.get("refused")
        else ""
    )
    cites = "".join(
        f"<li>[{c['n']}] <strong>{html.escape(str(c.get('title') or c.get('document_id')))}</strong>"
        f" <span class='doc'>({html.escape(str(c.get('document_id')))})</span>: "
        f"<q>{html.escape(str(c.get('quote') or '')[:300])}</q></li>"
        for c in answer.get("citations") or []
    )
    peers = ", ".join(html.escape(str(p.get("name"))) for p in answer.get("peers") or [])
    resources = ", ".join(html.escape(str(r.get("name"))) for r in answer.get("resources") or [])
    extra = ""
    if peers:
        extra += f"<p><strong>Peers:</strong> {peers}</p>"
    if resources:
        extra += f"<p><strong>Resources:</strong> {resources}</p>"
    rewritten = ""
    if answer.get("standalone_question") and answer.get("standalone_question") != answer.get(
        "question"
    ):
        rewritten = (
            f"<p class='note'>Rewritten as: {html.escape(str(answer['standalone_question']))}</p>"
        )
    return (
        f"{rewritten}{refused}<div class='answer'>{text}</div>"
        + (
            f"<details><summary>{len(answer.get('citations') or [])} citation(s)</summary>"
            f"<ul class='cites'>{cites}</ul></details>"
            if cites
            else ""
        )
        + extra
    )


def _failing_table(cases: dict[str, dict[str, Any]]) -> str:
    failing = [c for c in cases.values() if c["metrics"]["failures"]]
    if not failing:
        return "<p>No failing cases.</p>"
    rows = []
    for record in sorted(failing, key=lambda r: (r["case"]["kind"], r["id"])):
        case = record["case"]
        failures = "".join(f"<li>{html.escape(f)}</li>" for f in record["metrics"]["failures"])
        base = record.get("baseline")
        base_cell = "n/a"
        if base:
            base_fail = base["metrics"]["failures"]
            base_cell = (
                "passed"
                if not base_fail
                else "failed:<ul>"
                + "".join(f"<li>{html.escape(f)}</li>" for f in base_fail)
                + "</ul>"
            )
        history = "".join(
            f"<div class='turn'><strong>{html.escape(t['role'])}:</strong> {html.escape(t['content'])}</div>"
            for t in case.get("history") or []
        )
        rows.append(
            "<tr>"
            f"<td><code>{html.escape(record['id'])}</code><br>{html.escape(case['kind'])}, "
            f"{html.escape(case['audience'])}</td>"
            f"<td>{history}<p>{html.escape(case['question'])}</p></td>"
            f"<td><ul>{failures}</ul></td>"
            f"<td>{_answer_block(record.get('answer'))}</td>"
            f"<td>{base_cell}</td>"
            "</tr>"
        )
    return (
        "<table class='fails'><thead><tr><th>case</th><th>question</th><th>what was missing</th>"
        "<th>our answer and citations</th><th>baseline</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _thresholds(summary: dict[str, Any]) -> str:
    checks: Sequence[dict[str, Any]] = summary.get("thresholds") or []
    if not checks:
        return "<p>No thresholds were checked (run with <code>--fail-under</code>).</p>"
    rows = "".join(
        f"<tr class='{'ok' if c['passed'] else 'bad'}'><td>{html.escape(c['metric'])}</td>"
        f"<td>{'&ge;' if c['bound'] == 'min' else '&le;'} {c['limit']}</td><td>{_fmt(c['value'])}</td>"
        f"<td>{'pass' if c['passed'] else 'FAIL'}</td></tr>"
        for c in checks
    )
    return (
        "<table><thead><tr><th>metric</th><th>bound</th><th>value</th><th>result</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;margin:2rem;max-width:1400px}
h1{font-size:1.8rem}h2{margin-top:2.2rem;border-bottom:2px solid #1d70b8}
table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f3f2f1}.better{color:#00703c;font-weight:bold}
.worse{color:#d4351c;font-weight:bold}.base{color:#505a5f}.note{color:#505a5f}
.refused{color:#d4351c;font-weight:bold}.answer{white-space:pre-wrap;max-width:40rem}
.cites{font-size:.85rem;max-width:40rem;list-style:none;padding-left:0}.doc{color:#505a5f}.fails td{max-width:30rem}
tr.bad td{background:#fbe9e7}tr.ok td{background:#e8f5e9}.turn{color:#505a5f;font-size:.85rem}
img{max-width:100%;border:1px solid #f3f2f1}dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}
"""


def render_report(run_dir: Path) -> Path:
    """Write ``report.html`` for the run in ``run_dir`` and return its path."""
    run_dir = Path(run_dir)
    summary, cases = load_run(run_dir)
    snap = summary.get("snapshot") or {}
    corpus = snap.get("corpus") or {}
    n = summary["overall"]["n"]
    failing = sum(1 for c in cases.values() if c["metrics"]["failures"])
    plots = "".join(
        f"<figure><img alt='{html.escape(title)}' src='data:image/png;base64,{png}'>"
        f"<figcaption>{html.escape(title)}</figcaption></figure>"
        for title, png in _plots(summary)
    )
    facts = {
        "dataset": summary.get("dataset"),
        "suite": summary.get("suite") or "all",
        "cases": n,
        "failing cases (ours)": failing,
        "date": snap.get("date"),
        "git commit": snap.get("git_commit"),
        "embedding model": snap.get("embedding_model"),
        "answer model": snap.get("chat_model"),
        "corpus documents": corpus.get("documents"),
        "corpus digest": corpus.get("digest"),
        "baseline": (snap.get("baseline") or {}).get("description")
        or ("none" if not summary.get("baseline") else "yes"),
    }
    dl = "".join(f"<dt>{html.escape(k)}</dt><dd>{_fmt(v)}</dd>" for k, v in facts.items())
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lga-assistant eval report</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>
<body><main>
<h1>lga-assistant evaluation report</h1>
<dl>{dl}</dl>
<h2>Thresholds</h2>{_thresholds(summary)}
<h2>Metrics overall</h2>{_metric_table(summary)}
{_split_section(summary)}
<h2>Plots</h2>{plots}
<h2>By kind</h2>{_group_table(summary, "by_kind")}
<h2>By audience</h2>{_group_table(summary, "by_audience")}
<h2>Failing cases ({failing} of {n})</h2>{_failing_table(cases)}
</main></body></html>
"""
    out = run_dir / "report.html"
    out.write_text(page, encoding="utf-8")
    return out
