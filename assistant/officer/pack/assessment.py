"""A self-assessment as an exported pack: a chart of every rating, then advice for each weak
area with its sources (DOCX with the chart as a picture, or Markdown with text bars)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime

from assistant.officer.pack.outline import cite_marks
from assistant.officer.types import Assessment, PackFormat
from assistant.types import Citation

SCALE = 5  # ratings run 1-5
TITLE = "Self-assessment"


def rating_bar(rating: int) -> str:
    """A text bar for ``rating``: "■■□□□ 2 out of 5"."""
    filled = max(0, min(SCALE, rating))
    return "\u25a0" * filled + "\u25a1" * (SCALE - filled) + f" {rating} out of {SCALE}"


def ratings_chart_png(rows: Sequence[tuple[str, int, bool]]) -> bytes:
    """A horizontal bar chart of (label, rating, weak) as PNG bytes (matplotlib, offline);
    weak areas are hatched as well as darker, so the picture does not rely on colour."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels = [label for label, _, _ in rows][::-1]
    values = [rating for _, rating, _ in rows][::-1]
    weak = [w for _, _, w in rows][::-1]
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(rows) + 0.9), dpi=150)
    try:
        bars = ax.barh(
            labels,
            values,
            color=["#0b0c0c" if w else "#1d70b8" for w in weak],
            hatch=["//" if w else "" for w in weak],
            edgecolor="#ffffff",
        )
        ax.set_xlim(0, SCALE)
        ax.set_xticks(range(0, SCALE + 1))
        ax.set_xlabel("Rating (1 just starting, 5 strong)")
        ax.bar_label(
            bars,
            labels=[f"{v} (weak)" if w else str(v) for v, w in zip(values, weak, strict=True)],
            padding=3,
        )
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return buffer.getvalue()


def _reference(c: Citation) -> str:
    chunk = c.chunk
    parts = [chunk.title or "Untitled", chunk.publisher or "", chunk.published or ""]
    text = ". ".join(p for p in parts if p) + "."
    return f"[{c.n}] {text}" + (f" <{chunk.url}>" if chunk.url else "")


def render_assessment_markdown(assessment: Assessment) -> str:
    """The self-assessment as Markdown: ratings as text bars, then each weak area's advice."""
    out = [f"# {TITLE}", "", f"_Prepared {date.today().isoformat()}._", "", "## Ratings", ""]
    out += ["| Area | Rating |", "| --- | --- |"]
    out += [
        f"| {label} | {rating_bar(r)}{' (weak area)' if weak else ''} |"
        for label, r, weak in assessment.chart_rows()
    ]
    out += [""]
    for area in assessment.weakest:
        out += [f"## {area.label}: rated {area.rating} out of {SCALE}", ""]
        for heading, items in (
            ("Next steps", area.next_steps),
            ("Resources", area.resources),
            ("Councils to learn from", area.peers),
        ):
            if not items:
                continue
            out += [f"### {heading}", ""]
            for s in items:
                why = f": {s.why}" if s.why else ""
                out.append(f"- **{s.title}**{why} {cite_marks(s.citations)}".rstrip())
            out.append("")
        if area.citations:
            out += ["### Sources", ""] + [_reference(c) for c in area.citations] + [""]
    return "\n".join(out).rstrip() + "\n"


def render_assessment_docx(assessment: Assessment) -> bytes:
    """The self-assessment as a Word document, the ratings drawn as a bar chart picture."""
    from docx import Document as new_document
    from docx.shared import Inches

    doc = new_document()
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    doc.core_properties.title = TITLE
    doc.core_properties.author = "lga-assistant"
    doc.core_properties.created = now
    doc.core_properties.modified = now
    doc.add_heading(TITLE, level=0)
    doc.add_paragraph(f"Prepared {date.today().isoformat()}.")
    doc.add_heading("Ratings", level=1)
    rows = assessment.chart_rows()
    if rows:
        doc.add_picture(io.BytesIO(ratings_chart_png(rows)), width=Inches(6))
        # The same figures as text, for screen readers and for copying.
        for label, r, weak in rows:
            note = " (weak area)" if weak else ""
            doc.add_paragraph(f"{label}: {rating_bar(r)}{note}", style="List Bullet")
    for area in assessment.weakest:
        doc.add_heading(f"{area.label}: rated {area.rating} out of {SCALE}", level=1)
        for heading, items in (
            ("Next steps", area.next_steps),
            ("Resources", area.resources),
            ("Councils to learn from", area.peers),
        ):
            if not items:
                continue
            doc.add_heading(heading, level=2)
            for s in items:
                paragraph = doc.add_paragraph(style="List Bullet")
                paragraph.add_run(s.title).bold = True
                paragraph.add_run(f"{': ' + s.why if s.why else ''} {cite_marks(s.citations)}")
        if area.citations:
            doc.add_heading("Sources", level=2)
            for c in area.citations:
                doc.add_paragraph(_reference(c))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def build_assessment_pack(assessment: Assessment, fmt: PackFormat = "docx") -> bytes:
    """The self-assessment as DOCX or Markdown bytes."""
    if fmt == "md":
        return render_assessment_markdown(assessment).encode("utf-8")
    return render_assessment_docx(assessment)
