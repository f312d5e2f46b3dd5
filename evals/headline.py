"""The headline metrics of a run's summary as rows of text, for the CLI to print.

Columns: ours over every case, then ours on each held-out split present (``dev`` to tune on,
``test`` to report), then the baseline over every case. Pure: no printing, no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evals.run import RETRIEVAL_K, SPLITS

# (row label, metric key, audience or None): an audience reads the metric from that audience's
# cases (``by_audience``, ``by_split_audience``); readability is only measured for councillors.
HEADLINE: tuple[tuple[str, str, str | None], ...] = (
    ("facts_pass", "facts_pass", None),
    ("hit@1", "hit@1", None),
    (f"hit@{RETRIEVAL_K}", f"hit@{RETRIEVAL_K}", None),
    ("mrr", "mrr", None),
    ("source_cited", "source_cited", None),
    ("citations_valid", "citations_valid", None),
    ("citation_support", "citation_support", None),
    ("refusal_precision", "refusal_precision", None),
    ("refusal_recall", "refusal_recall", None),
    ("answerable_refused_rate", "answerable_refused_rate", None),
    ("injection_held", "injection_held", None),
    ("peer_recall", "peer_recall", None),
    ("resource_recall", "resource_recall", None),
    ("invented_councils", "invented_councils", None),
    ("flesch (councillor)", "flesch", "councillor"),
    ("words_median (councillor)", "words_median", "councillor"),
    ("pass_rate", "pass_rate", None),
)
SPLIT_NOTE = "held-out halves: tune on dev, report test"


@dataclass(frozen=True, slots=True)
class HeadlineTable:
    title: str
    columns: tuple[str, ...]  # the first is the row label's
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None


def fmt(value: Any) -> str:
    """A metric as printed: n/a when it does not apply, 3 decimals for rates."""
    return "n/a" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))


def _ms(value: Any) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def headline_table(summary: dict[str, Any]) -> HeadlineTable:
    """The headline rows of ``summary`` (as written by ``evals.run.write_run``)."""
    base = summary.get("baseline") or {}
    by_split = summary.get("by_split") or {}
    splits = [x for x in SPLITS if x in by_split]
    split_audience = summary.get("by_split_audience") or {}

    # One (metrics, by-audience mapping) source per column.
    sources: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (summary["overall"], summary.get("by_audience") or {})
    ]
    for x in splits:
        per_audience = {
            key.split("/", 1)[1]: value
            for key, value in split_audience.items()
            if key.startswith(f"{x}/")
        }
        sources.append((by_split[x], per_audience))
    if base.get("overall"):
        sources.append((base["overall"], base.get("by_audience") or {}))

    rows: list[tuple[str, ...]] = []
    for label, metric, audience in HEADLINE:
        cells = []
        for metrics, per_audience in sources:
            values = metrics if audience is None else (per_audience.get(audience) or {})
            cells.append(fmt(values.get(metric)))
        rows.append((label, *cells))
    for stage in summary["overall"].get("latency_ms") or {}:
        cells = []
        for metrics, _ in sources:
            stats = (metrics.get("latency_ms") or {}).get(stage) or {}
            cells.append(f"{_ms(stats.get('p50'))} / {_ms(stats.get('p95'))}" if stats else "")
        rows.append((f"{stage} ms p50/p95", *cells))

    columns = ("metric", "ours", *splits, *(("baseline",) if base.get("overall") else ()))
    n = summary["overall"]["n"]
    title = f"Eval: {n} cases ({summary.get('suite') or 'all'})"
    if splits:
        title += " - " + ", ".join(f"{x} {by_split[x]['n']}" for x in splits)
    return HeadlineTable(
        title=title,
        columns=columns,
        rows=tuple(rows),
        caption=SPLIT_NOTE if splits else None,
    )
