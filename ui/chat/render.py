"""The chat UI's HTML, rendered from the assistant's typed values (pure functions).

All dynamic text is HTML-escaped here before it reaches the page; nothing is said by colour
alone (refusals carry a heading and an icon, cards a text label).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.types import Answer, Citation, Suggestion

_MARKER = re.compile(r"\[(\d{1,3})\]")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# Characters the chat's Markdown renderer acts on (links, images, emphasis, code, headings,
# lists, tables, autolinks): written as numeric entities in the user's own text, so it shows
# exactly as typed and "![x](http://host/pixel.png)" fetches nothing.
_MARKDOWN_CHARS = frozenset("\\`*_{}[]()<>#+-.!|~:=&\"'$")


def render_question(text: str) -> str:
    """The user's question as plain text (no Markdown, no HTML), line breaks kept."""
    escaped = "".join(f"&#{ord(ch)};" if ch in _MARKDOWN_CHARS else ch for ch in text)
    return '<p class="lga-question">' + escaped.replace("\n", "<br>") + "</p>"


def _safe_url(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


def source_id(anchor: str, n: int | str) -> str:
    """The element id of source ``n`` of the answer ``anchor`` (an answer id; "" while it
    streams): what an ``[n]`` marker links to."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "", anchor)
    return f"lga-{safe}-source-{n}" if safe else f"lga-source-{n}"


def render_marker(n: str, anchor: str = "") -> str:
    """An ``[n]`` marker as a link to its source (the page script opens it, keyboard too).
    Gradio's sanitiser keeps ``id``, ``href`` and ``class`` but drops ``data-*`` and ``aria-*``,
    so the link says "Source" in hidden text and finds its source by id."""
    return (
        f'<sup><a class="lga-cite" href="#{source_id(anchor, n)}">'
        f'<span class="lga-visually-hidden">Source </span>[{n}]</a></sup>'
    )


def render_text(text: str, anchor: str = "") -> str:
    """Answer text as HTML: escaped, paragraphs and bullets kept, ``[n]`` as links to the
    sources of the answer ``anchor``."""
    blocks: list[str] = []
    items: list[str] = []

    def inline(line: str) -> str:
        escaped = _e(line)
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
        return _MARKER.sub(lambda m: render_marker(m.group(1), anchor), escaped)

    def flush_items() -> None:
        if items:
            blocks.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for para in re.split(r"\n\s*\n", text.strip()):
        lines = [ln.strip() for ln in para.splitlines() if ln.strip()]
        plain: list[str] = []
        for line in lines:
            bullet = re.match(r"^(?:[-*•]|\d+[.)])\s+(.*)$", line)
            if bullet:
                if plain:
                    blocks.append(f"<p>{inline(' '.join(plain))}</p>")
                    plain = []
                items.append(inline(bullet.group(1)))
            else:
                flush_items()
                plain.append(line)
        flush_items()
        if plain:
            blocks.append(f"<p>{inline(' '.join(plain))}</p>")
    return "\n".join(blocks)


def _where(citation: Citation) -> str:
    """Page and the nearest headings, skipping headings that only repeat the title."""
    chunk = citation.chunk
    parts = []
    if chunk.page_start:
        parts.append(f"page {chunk.page_start}")
    title = (chunk.title or "").strip().casefold()
    headings = [h for h in chunk.heading_path if h.strip().casefold() != title]
    if headings:
        parts.append(" > ".join(headings[-2:]))
    return ", ".join(parts)


def _label(value: str | None) -> str:
    return value.replace("_", " ") if value else ""


def render_citation(citation: Citation, anchor: str | None = None) -> str:
    """One numbered source that opens to show the quote, title, page/section and a link; with
    ``anchor`` (the answer's id), the target of the answer's ``[n]`` markers."""
    chunk = citation.chunk
    where = _where(citation)
    summary = f'<span class="lga-source__n">[{citation.n}]</span> {_e(chunk.title or chunk.source)}'
    if where:
        summary += f' <span class="lga-source__where">({_e(where)})</span>'
    meta = ", ".join(_e(v) for v in (chunk.publisher, chunk.published) if v)
    target = f' id="{source_id(anchor, citation.n)}"' if anchor is not None else ""
    url = _safe_url(chunk.url)
    link = (
        f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer">Open the source '
        f'document<span class="lga-visually-hidden"> {_e(chunk.title)}</span></a>'
        if url
        else f"File: {_e(Path(chunk.source).name)}"
    )
    return (
        f'<details class="lga-source"{target}><summary>{summary}</summary>'
        f'<blockquote class="lga-source__quote">{_e(citation.quote or chunk.text)}</blockquote>'
        f'<p class="lga-source__meta">{meta + ". " if meta else ""}{link}</p></details>'
    )


def render_sources(citations: Sequence[Citation], anchor: str = "") -> str:
    """The numbered sources of an answer (``anchor``: its id, as its ``[n]`` markers use)."""
    if not citations:
        return ""
    items = "\n".join(render_citation(c, anchor) for c in citations)
    return (
        '<div class="lga-sources"><p class="lga-heading">Sources (select a number to see the '
        f"passage)</p>\n{items}</div>"
    )


def _source_note(s: Suggestion, citations: Mapping[int, Citation]) -> str:
    cited = [citations[n] for n in s.citations if n in citations]
    if not cited:
        return ""
    names = "; ".join(f"[{c.n}] {_e(c.chunk.title or c.chunk.source)}" for c in cited)
    return f'<div class="lga-card__source">Source: {names}</div>'


def render_suggestions(answer: Answer) -> str:
    """Suggestion cards: peer councils, LGA resources and next steps, each with its source."""
    return render_cards(answer.peers, answer.resources, answer.next_steps, answer.citations)


def render_cards(
    peers: Sequence[Suggestion],
    resources: Sequence[Suggestion],
    next_steps: Sequence[Suggestion],
    citations: Sequence[Citation],
    *,
    peers_heading: str = "Councils that have done this",
) -> str:
    """Cards for peers, resources and next steps; ``[n]`` in each refers to ``citations``."""
    by_n = {c.n: c for c in citations}
    sections = []
    if peers:
        cards = []
        for s in peers:
            meta = " · ".join(_e(_label(v)) for v in (s.council_type, s.region) if v)
            cards.append(
                '<li class="lga-card lga-card--peer"><div class="lga-card__label">Peer council</div>'
                f'<div class="lga-card__title">{_e(s.title)}</div>'
                + (f'<div class="lga-card__meta">{meta}</div>' if meta else "")
                + f'<div class="lga-card__why">{_e(s.why)}</div>{_source_note(s, by_n)}</li>'
            )
        sections.append(
            f'<p class="lga-heading">{_e(peers_heading)}</p>'
            f'<ul class="lga-cards">{"".join(cards)}</ul>'
        )
    if resources:
        cards = []
        for s in resources:
            url = _safe_url(s.url)
            title = (
                f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer">{_e(s.title)}</a>'
                if url
                else _e(s.title)
            )
            cards.append(
                '<li class="lga-card lga-card--resource"><div class="lga-card__label">LGA resource'
                f'</div><div class="lga-card__title">{title}</div>'
                f'<div class="lga-card__why">{_e(s.why)}</div>'
                f"{_source_note(s, by_n)}</li>"
            )
        sections.append(
            '<p class="lga-heading">Resources that can help</p>'
            f'<ul class="lga-cards">{"".join(cards)}</ul>'
        )
    if next_steps:
        cards = []
        for s in next_steps:
            framework = (
                f'<div class="lga-card__meta">Framework: {_e(s.framework)}</div>'
                if s.framework
                else ""
            )
            cards.append(
                '<li class="lga-card lga-card--step"><div class="lga-card__label">Next step</div>'
                f'<div class="lga-card__title">{_e(s.title)}</div>{framework}'
                f'<div class="lga-card__why">{_e(s.why)}</div>'
                f"{_source_note(s, by_n)}</li>"
            )
        sections.append(
            f'<p class="lga-heading">Next steps</p><ul class="lga-cards">{"".join(cards)}</ul>'
        )
    if not sections:
        return ""
    return '<div class="lga-suggestions">' + "\n".join(sections) + "</div>"


def render_refusal(answer: Answer, covered: Sequence[str] = ()) -> str:
    """A refusal: a heading and an icon (not colour alone), the reason, what is covered."""
    parts = [
        '<div class="lga-refusal" role="note">',
        '<p class="lga-refusal__heading"><span class="lga-icon" aria-hidden="true">i</span> '
        "The resources I have don't cover this</p>",
    ]
    reason = (answer.refusal_reason or "").strip()
    if reason and not answer.text.strip().startswith(reason):
        parts.append(f"<p>{_e(reason)}</p>")
    if answer.text.strip():
        parts.append(render_text(answer.text))
    if covered:
        items = "".join(f"<li>{_e(t)}</li>" for t in covered)
        parts.append(f"<p>The resources I can draw on include:</p><ul>{items}</ul>")
    parts.append("</div>")
    return "\n".join(parts)


def render_warnings(warnings: Sequence[str]) -> str:
    return "".join(
        '<p class="lga-warning"><strong><span class="lga-icon" aria-hidden="true">!</span> '
        f"Warning:</strong> {_e(w)}</p>"
        for w in warnings
    )


def render_standalone(answer: Answer) -> str:
    """ "Answering: <standalone question>" when a follow-up was rewritten, else nothing."""
    standalone = (answer.standalone_question or "").strip()
    if not standalone or standalone == answer.question.strip():
        return ""
    return f'<p class="lga-muted lga-standalone">Answering: {_e(standalone)}</p>'


def render_answer(answer: Answer, covered: Sequence[str] = ()) -> str:
    """The full answer message: warnings, the standalone question a follow-up was answered as,
    answer (or refusal), sources, suggestion cards."""
    head = render_warnings(answer.warnings) + render_standalone(answer)
    if answer.refused:
        parts = [head, render_refusal(answer, covered), render_suggestions(answer)]
    else:
        parts = [
            head,
            render_text(answer.text, anchor=answer.id),
            render_sources(answer.citations, anchor=answer.id),
            render_suggestions(answer),
        ]
    body = "\n".join(p for p in parts if p)
    return f'<div class="lga-answer" data-answer-id="{_e(answer.id)}">\n{body}\n</div>'


def render_partial(text: str, citations: Sequence[Citation]) -> str:
    """What the user sees while the answer streams in."""
    body = render_text(text) if text.strip() else '<p class="lga-muted">Writing the answer…</p>'
    return body + "\n" + render_sources(citations)


def render_error(message: str) -> str:
    return (
        '<div class="lga-error" role="alert"><p class="lga-refusal__heading">'
        '<span class="lga-icon" aria-hidden="true">!</span> Something went wrong</p>'
        f"<p>{_e(message)}</p></div>"
    )


def render_busy(retry_in: int, *, giving_up: bool = False) -> str:
    """The chat's note when the gate refuses a question: it waits and retries by itself."""
    text = (
        f"The assistant is still busy: please send your question again in {retry_in} s."
        if giving_up
        else f"The assistant is busy answering other questions: retrying in {retry_in} s\u2026"
    )
    return f'<p class="lga-muted lga-busy" role="status">{_e(text)}</p>'


def render_cases(cases: Sequence[Any]) -> str:
    """Case-study finder results (``assistant.officer.CaseResult``) as cards with quotes."""
    if not cases:
        return (
            '<p class="lga-muted"><strong>No case studies found.</strong> Try fewer filters or '
            "other words.</p>"
        )
    cards = []
    for case in cases:
        meta = " · ".join(_e(_label(v)) for v in (case.council_type, case.region) if v)
        quotes = "".join(render_citation(c) for c in case.citations[:3])
        cards.append(
            '<li class="lga-card lga-card--peer"><div class="lga-card__label">Case study</div>'
            f'<div class="lga-card__title">{_e(case.council)}</div>'
            + (f'<div class="lga-card__meta">{meta}</div>' if meta else "")
            + (f'<div class="lga-card__why">{_e(case.what)}</div>' if case.what else "")
            + quotes
            + "</li>"
        )
    return f'<ul class="lga-cards lga-cards--wide">{"".join(cards)}</ul>'


def render_ratings_chart(rows: Sequence[tuple[str, int, bool]]) -> str:
    """Bars for (label, rating, weak) rows, in HTML and CSS only, each with its number in words;
    a weak area is marked in text too, not by colour alone."""
    if not rows:
        return ""
    items = []
    for label, rating, weak in rows:
        pct = max(0, min(5, int(rating))) * 20
        items.append(
            f'<li class="lga-bars__row{" lga-bars__row--weak" if weak else ""}">'
            f'<span class="lga-bars__label">{_e(label[:1].upper() + label[1:])}</span>'
            f'<span class="lga-bars__track" aria-hidden="true"><span class="lga-bars__bar" '
            f'style="width:{pct}%"></span></span>'
            f'<span class="lga-bars__value">{_e(rating)} out of 5'
            f"{' (weak area)' if weak else ''}</span></li>"
        )
    return (
        '<figure class="lga-chart"><figcaption class="lga-heading">Your ratings</figcaption>'
        f'<ul class="lga-bars">{"".join(items)}</ul></figure>'
    )


def render_assessment(result: Any) -> str:
    """Self-assessment (``assistant.officer.Assessment``): a chart of every rating, then advice
    for each weak area under its own heading."""
    weak = {area.area for area in result.weakest}
    names = dict(getattr(result, "labels", ()))
    rows = [
        (names.get(a, a.replace("_", " ")), r, a in weak) for a, r in getattr(result, "ratings", ())
    ]
    chart = render_ratings_chart(rows)
    if not result.weakest:
        return chart + '<p class="lga-muted">No suggestions: every area is rated strong.</p>'
    out = [chart]
    for area in result.weakest:
        out.append(
            f'<section class="lga-area"><p class="lga-heading">{_e(area.label)} (you rated it '
            f"{area.rating} out of 5)</p>"
        )
        out.append(
            render_cards(
                area.peers,
                area.resources,
                area.next_steps,
                area.citations,
                peers_heading="Councils to learn from",
            )
        )
        out.append(render_sources(area.citations, anchor=f"assess-{area.area}"))
        out.append("</section>")
    return "\n".join(out)
