"""An evidence pack as Markdown."""

from __future__ import annotations

from assistant.knowledge.gazetteer import council_type_label
from assistant.officer.pack.outline import PackCase, PackOutline, cite_marks


def council_heading(case: PackCase) -> str:
    """The heading of a case study: "Council (type, region)"."""
    meta = ", ".join(p for p in (council_type_label(case.council_type), case.region) if p)
    return f"{case.council} ({meta})" if meta else case.council


def render_markdown(outline: PackOutline) -> str:
    """The pack as Markdown (same sections and numbering as the DOCX)."""
    out: list[str] = [f"# {outline.title}", "", outline.intro, ""]
    out += [f"_Prepared {outline.generated} for the {outline.audience} audience._", ""]
    out += ["## Question", "", outline.question, "", "## Answer", "", outline.answer, ""]
    out += ["## Peer case studies", ""]
    if not outline.cases:
        out += ["No peer council in the indexed documents matches this question.", ""]
    for case in outline.cases:
        out += [f"### {council_heading(case)}", ""]
        if case.what or not case.quotes:  # an empty summary: the quotes below say it
            out += [f"{case.what} {cite_marks(case.citations)}".strip(), ""]
        for quote, n in case.quotes:
            out += [f"> \u201c{quote}\u201d [{n}]", ""]
    out += ["## Resources", ""]
    if not outline.resources:
        out += ["No resource suggested.", ""]
    for res in outline.resources:
        url = f" <{res.url}>" if res.url else ""
        out.append(f"- **{res.title}**: {res.why} {cite_marks(res.citations)}{url}".rstrip())
    out += ["", "## Next steps", ""]
    if not outline.next_steps:
        out += ["No next step suggested.", ""]
    for i, step in enumerate(outline.next_steps, 1):
        out.append(f"{i}. {step.title} (_{step.framework}_) {cite_marks(step.citations)}".rstrip())
    out += ["", "## References", ""]
    for ref in outline.references:
        url = f" <{ref.url}>" if ref.url else ""
        out.append(f"[{ref.n}] {ref.text()}{url}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
