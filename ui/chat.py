"""The chat UI: Gradio Blocks mounted at ``/`` on the API's FastAPI app.

It calls the same ``Assistant`` object as the API (no HTTP round trip): answers stream in with
numbered citations that open to show the quoted passage, suggestion cards follow the answer,
users rate answers, download an evidence pack, find case studies and run a self-assessment.

Styling follows GOV.UK habits: a label on every control, visible focus, strong contrast and
nothing said by colour alone (refusals carry a heading and an icon, cards a text label). All
dynamic text is HTML-escaped here before it reaches the page.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from assistant import traces  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402
from assistant.officer import CaseQuery, tiex_area_names  # noqa: E402
from assistant.types import Answer, Citation, Filters, Suggestion, Turn  # noqa: E402
from ui.api.admission import Refused  # noqa: E402
from ui.api.errors import ApiError  # noqa: E402
from ui.api.officer_tools import pack_filename  # noqa: E402

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ui.api.deps import AppState

CSS_PATH = Path(__file__).with_name("theme.css")
TITLE = "LGA transformation assistant"
AUDIENCES = [("Councillor", "councillor"), ("Officer", "officer")]
EXAMPLES = {
    "councillor": (
        "What is the LGA doing to support councils with transformation?",
        "What have councils learned from action learning sets?",
        "How can councils work with residents to design services?",
    ),
    "officer": (
        "Which councils took part in action learning sets, and what did they learn?",
        "What does the Transformation Network offer officers?",
        "What support is in the LGA's sector support programme for 2023-24?",
    ),
}
UP_REASONS = list(traces.UP_REASONS)  # the reasons the trace store accepts
DOWN_REASONS = list(traces.DOWN_REASONS)
DOC_TYPE_LABELS = {
    "guidance": "Guidance",
    "case_study": "Case study",
    "news": "News",
    "minutes": "Minutes",
    "learning_document": "Learning document",
    "report": "Report",
    "document": "Other document",
    "catalogue": "LGA catalogue",
}
_MARKER = re.compile(r"\[(\d{1,3})\]")


# --- rendering (pure) -------------------------------------------------------------------------


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


def render_text(text: str, anchor: str = "") -> str:
    """Answer text as HTML: escaped, paragraphs and bullets kept, ``[n]`` as markers."""
    blocks: list[str] = []
    items: list[str] = []

    def inline(line: str) -> str:
        escaped = _e(line)
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
        return _MARKER.sub(
            lambda m: f'<sup class="lga-cite" title="Source {m.group(1)}">[{m.group(1)}]</sup>',
            escaped,
        )

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


def render_citation(citation: Citation) -> str:
    """One numbered source that opens to show the quote, title, page/section and a link."""
    chunk = citation.chunk
    where = _where(citation)
    summary = f'<span class="lga-source__n">[{citation.n}]</span> {_e(chunk.title or chunk.source)}'
    if where:
        summary += f' <span class="lga-source__where">({_e(where)})</span>'
    meta = ", ".join(_e(v) for v in (chunk.publisher, chunk.published) if v)
    url = _safe_url(chunk.url)
    link = (
        f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer">Open the source '
        f'document<span class="lga-visually-hidden"> {_e(chunk.title)}</span></a>'
        if url
        else f"File: {_e(Path(chunk.source).name)}"
    )
    return (
        f'<details class="lga-source"><summary>{summary}</summary>'
        f'<blockquote class="lga-source__quote">{_e(citation.quote or chunk.text)}</blockquote>'
        f'<p class="lga-source__meta">{meta + ". " if meta else ""}{link}</p></details>'
    )


def render_sources(citations: Sequence[Citation]) -> str:
    if not citations:
        return ""
    items = "\n".join(render_citation(c) for c in citations)
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
            render_text(answer.text),
            render_sources(answer.citations),
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
        else f"The assistant is busy answering other questions: retrying in {retry_in} s…"
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


def render_assessment(result: Any) -> str:
    """Self-assessment advice (``assistant.officer.Assessment``) for the weakest areas."""
    if not result.weakest:
        return '<p class="lga-muted">No suggestions: every area is rated strong.</p>'
    out = []
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
        out.append(render_sources(area.citations))
        out.append("</section>")
    return "\n".join(out)


# --- the Blocks -------------------------------------------------------------------------------


def _theme() -> gr.themes.Base:
    # System fonts only: nothing is fetched from outside the machine.
    return gr.themes.Default(
        primary_hue=gr.themes.colors.blue,
        neutral_hue=gr.themes.colors.gray,
        font=["Arial", "Helvetica", "sans-serif"],
        font_mono=["Consolas", "monospace"],
        radius_size=gr.themes.sizes.radius_none,
    ).set(
        body_text_color="#0b0c0c",
        body_text_color_subdued="#505a5f",
        link_text_color="#1d70b8",
        link_text_color_visited="#4c2c92",
        button_primary_background_fill="#00703c",
        button_primary_background_fill_hover="#005a30",
        button_primary_text_color="#ffffff",
        button_secondary_background_fill="#f3f2f1",
        button_secondary_background_fill_hover="#dbdad9",
        button_secondary_text_color="#0b0c0c",
        block_label_text_color="#0b0c0c",
        block_title_text_color="#0b0c0c",
        input_border_color="#0b0c0c",
        border_color_primary="#b1b4b6",
    )


_DONE = object()


class ChatHandlers:
    """The UI's event handlers; plain methods over the app state so they can be unit-tested."""

    # A question the admission gate refuses is retried after the wait it gives, this many
    # times in all, before the chat gives the question back.
    BUSY_ATTEMPTS = 4

    def __init__(self, state: AppState, sleep: Any = time.sleep) -> None:
        self.state = state
        self._sleep = sleep
        self._covered: tuple[str, ...] | None = None
        self._pack_dir = Path(tempfile.mkdtemp(prefix="lga-packs-"))

    # -- helpers ---------------------------------------------------------------------------
    @property
    def assistant(self) -> Any:
        return self.state.require_assistant()

    def covered(self) -> tuple[str, ...]:
        """A few titles of what is indexed, to show after a refusal."""
        if self._covered is None:
            try:
                records = self.assistant.documents()
            except Exception:  # noqa: BLE001 - UI layer: a missing list is not worth a failure
                return ()
            titles = {r.title for r in records if r.title and not r.title.startswith("About ")}
            self._covered = tuple(sorted(titles)[:6])
        return self._covered

    def filter_choices(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(document type choices, theme choices) as (label, value) pairs."""
        doc_types: list[tuple[str, str]] = []
        try:
            kinds = sorted({r.doc_type for r in self.assistant.documents()})
            doc_types = [
                (DOC_TYPE_LABELS.get(k, k.replace("_", " ").capitalize()), k) for k in kinds
            ]
        except Exception:  # noqa: BLE001 - UI layer: an empty filter list is a fine fallback
            doc_types = []
        themes: list[tuple[str, str]] = []
        try:
            from assistant.knowledge.themes import all_themes

            themes = [(t.label, t.id) for t in all_themes()]
        except ImportError:
            themes = []
        return doc_types, themes

    @staticmethod
    def turns_from(history: Sequence[Mapping[str, str]] | None) -> list[Turn]:
        return [Turn(role=h["role"], content=h["content"]) for h in history or ()]  # type: ignore[arg-type]

    def _gated(self, fn: Any, *args: Any) -> Any:
        """``fn(*args)`` admitted by the gate (``Refused`` when busy), on the API's workers."""
        ticket = self.state.gate.admit()
        try:
            return self.state.compute_blocking(ticket, fn, *args)
        finally:
            self.state.gate.release(ticket)

    # -- chat ------------------------------------------------------------------------------
    def respond(
        self,
        message: str,
        chat: list[dict[str, Any]] | None,
        history: list[dict[str, str]] | None,
        audience: str,
        doc_types: list[str] | None,
        themes: list[str] | None,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat. Yields (chat, textbox, history, answer, feedback)."""
        chat = list(chat or [])
        history = list(history or [])
        message = (message or "").strip()
        if not message:
            yield list(chat), "", history, None, gr.update()
            return
        chat.append({"role": "user", "content": render_question(message)})
        chat.append(
            {
                "role": "assistant",
                "content": '<p class="lga-muted">Searching the LGA resources…</p>',
            }
        )
        yield list(chat), "", history, None, gr.update(visible=False)

        ticket = None
        for attempt in range(1, self.BUSY_ATTEMPTS + 1):
            try:
                ticket = self.state.gate.admit()
                break
            except Refused as refused:
                last = attempt == self.BUSY_ATTEMPTS
                busy = render_busy(refused.retry_after, giving_up=last)
                chat[-1] = {"role": "assistant", "content": busy}
                yield list(chat), message if last else "", history, None, gr.update(visible=False)
                if not last:
                    self._sleep(refused.retry_after)
        if ticket is None:
            return
        try:
            self.state.hold_worker_blocking(ticket)  # one worker for the whole answer
            yield from self._answer(ticket, message, chat, history, audience, doc_types, themes)
        finally:  # also when the browser goes away mid-answer (Gradio closes the generator)
            self.state.release_blocking(ticket)

    def _answer(
        self,
        ticket: Any,
        message: str,
        chat: list[dict[str, Any]],
        history: list[dict[str, str]],
        audience: str,
        doc_types: list[str] | None,
        themes: list[str] | None,
    ) -> Iterator[tuple[Any, ...]]:
        filters = Filters(doc_types=tuple(doc_types or ()), themes=tuple(themes or ()))
        max_turns = self.state.settings.api.max_history_turns
        turns = self.turns_from(history)[-max_turns:] if max_turns else []
        text, citations = "", ()
        compute = self.state.compute_blocking
        try:
            events = compute(
                ticket,
                lambda: iter(
                    self.assistant.stream(
                        message,
                        audience=audience or "councillor",
                        history=turns,
                        filters=None if filters.is_empty() else filters,
                    )
                ),
            )
            while (event := compute(ticket, next, events, _DONE)) is not _DONE:
                if event.kind == "sources":
                    citations = tuple(event.data)
                elif event.kind == "token":
                    text += str(event.data)
                elif event.kind == "error":
                    data = event.data
                    msg = data.get("message") if isinstance(data, Mapping) else str(data)
                    chat[-1] = {"role": "assistant", "content": render_error(str(msg))}
                    yield list(chat), "", history, None, gr.update(visible=False)
                    return
                elif event.kind == "done":
                    answer: Answer = event.data
                    self.state.traces.record(answer, client="chat")
                    chat[-1] = {
                        "role": "assistant",
                        "content": render_answer(answer, self.covered() if answer.refused else ()),
                    }
                    history += [
                        {"role": "user", "content": message},
                        {"role": "assistant", "content": answer.text},
                    ]
                    yield list(chat), "", history, answer, gr.update(visible=True)
                    return
                if event.kind in ("sources", "token"):
                    chat[-1] = {"role": "assistant", "content": render_partial(text, citations)}
                    yield list(chat), "", history, None, gr.update(visible=False)
        except (AssistantError, ApiError) as exc:
            chat[-1] = {"role": "assistant", "content": render_error(str(exc))}
            yield list(chat), message, history, None, gr.update(visible=False)

    def prepare_pack(self, answer: Answer | None) -> Any:
        """Write the evidence pack for the last answer and show the download button."""
        if answer is None or answer.refused:
            return gr.update(visible=False, value=None)
        try:
            data = self.state.officer.pack(answer, fmt="docx")
        except (AssistantError, ApiError, ImportError) as exc:
            gr.Warning(f"The evidence pack could not be made: {exc}")
            return gr.update(visible=False, value=None)
        folder = Path(tempfile.mkdtemp(dir=self._pack_dir))
        path = folder / pack_filename(answer.question, "docx")
        path.write_bytes(data)
        return gr.update(visible=True, value=str(path))

    # -- feedback --------------------------------------------------------------------------
    def rate(self, rating: str, answer: Answer | None) -> tuple[Any, ...]:
        """Store a thumbs up/down at once; then offer reasons and a comment."""
        if answer is None:
            return None, None, gr.update(), gr.update(), "Ask a question first."
        feedback_id = self.state.traces.feedback(answer.id, rating)
        reasons = UP_REASONS if rating == "up" else DOWN_REASONS
        label = "What was good?" if rating == "up" else "What was wrong?"
        note = (
            "Thank you: your rating is saved. You can add reasons and a comment below."
            if rating == "up"
            else "Thank you: your rating is saved. Tell us what was wrong so we can improve it."
        )
        return (
            feedback_id,
            rating,
            gr.update(choices=reasons, value=[], label=label, visible=True),
            gr.update(visible=True),
            note,
        )

    def send_details(
        self,
        feedback_id: int | None,
        rating: str | None,
        reasons: list[str] | None,
        comment: str | None,
    ) -> str:
        if feedback_id is None or rating is None:
            return "Choose a thumbs up or down first."
        self.state.traces.amend_feedback(
            int(feedback_id), rating=rating, reasons=reasons or [], comment=comment
        )
        return "Thank you: your feedback is saved."

    # -- officer tools ---------------------------------------------------------------------
    def find_cases(self, query: str, theme: str | None, council_type: str, region: str) -> str:
        try:
            request = CaseQuery(
                query=(query or "").strip() or None,
                theme=theme or None,
                council_type=(council_type or "").strip() or None,
                region=(region or "").strip() or None,
                limit=10,
            )
            cases = self._gated(self.state.officer.cases, request)
        except Refused as refused:
            return render_busy(refused.retry_after, giving_up=True)
        except (AssistantError, ApiError) as exc:
            return render_error(str(exc))
        return render_cases(cases)

    def assess(self, *ratings: float) -> str:
        areas = self.areas()
        try:
            result = self._gated(
                self.state.officer.assess,
                {area: int(r) for area, r in zip(areas, ratings, strict=True)},
            )
        except Refused as refused:
            return render_busy(refused.retry_after, giving_up=True)
        except (AssistantError, ApiError) as exc:
            return render_error(str(exc))
        return render_assessment(result)

    def areas(self) -> tuple[str, ...]:
        """The self-assessment areas; read from the catalogue, so no assistant is needed."""
        officer = self.state.officer_loaded
        if officer is not None:
            return tuple(officer.areas())
        return tiex_area_names(self.state.settings)


def build_chat(state: AppState) -> gr.Blocks:
    """The Blocks for the chat UI, wired to ``state`` (assistant, traces, officer tools)."""
    h = ChatHandlers(state)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.HTML(
            '<header class="lga-header"><p class="lga-header__org">Local Government Association'
            f"</p><h1>{TITLE}</h1><p>Answers about council transformation from LGA resources. "
            "Every answer shows its sources: select a number to read the passage it comes "
            "from.</p></header>"
        )
        with gr.Tabs():
            with gr.Tab("Ask a question", id="ask"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        value=[],
                        label="Conversation",
                        show_label=True,
                        height="auto",
                        min_height=420,
                        autoscroll=False,
                        layout="panel",
                        buttons=["copy"],
                        feedback_options=None,
                        elem_id="lga-chat",
                        placeholder=(
                            "<p><strong>Ask about council transformation.</strong></p><p>"
                            "Answers come only from LGA resources, with their sources.</p>"
                        ),
                    )
                    question = gr.Textbox(
                        label="Your question",
                        placeholder="For example: how have councils used action learning?",
                        lines=2,
                        max_lines=6,
                        max_length=state.settings.api.max_question_chars,
                        elem_id="lga-question",
                    )
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="lga-ask")
                        clear = gr.Button("Start a new conversation", variant="secondary")
                    with gr.Column(visible=False, elem_id="lga-after") as after:
                        gr.HTML('<p class="lga-heading">Was this answer useful?</p>')
                        with gr.Row():
                            up = gr.Button("Yes, useful", elem_id="lga-up", size="sm")
                            down = gr.Button("No, not useful", elem_id="lga-down", size="sm")
                            pack = gr.DownloadButton(
                                "Download evidence pack (Word)",
                                visible=False,
                                elem_id="lga-pack",
                                size="sm",
                            )
                        reasons = gr.CheckboxGroup(
                            choices=DOWN_REASONS,
                            label="What was wrong?",
                            visible=False,
                            elem_id="lga-reasons",
                        )
                        with gr.Group(visible=False) as details:
                            comment = gr.Textbox(
                                label="Comment (optional; please don't include personal details)",
                                lines=2,
                                max_length=2000,
                                elem_id="lga-comment",
                            )
                            send_feedback = gr.Button(
                                "Send feedback", size="sm", elem_id="lga-send-feedback"
                            )
                        feedback_note = gr.Markdown("", elem_id="lga-feedback-note")
                with gr.Column(scale=1, min_width=260):
                    audience = gr.Radio(
                        choices=AUDIENCES,
                        value="councillor",
                        label="Who is the answer for?",
                        info="Councillors get short, plain answers; officers get more detail.",
                        elem_id="lga-audience",
                    )
                    gr.HTML('<p class="lga-heading">Example questions</p>')
                    example_buttons = [
                        gr.Button(q, size="sm", elem_classes=["lga-example"])
                        for q in EXAMPLES["councillor"]
                    ]
                    with gr.Accordion("Filter the sources (optional)", open=False):
                        doc_types = gr.Dropdown(
                            choices=[],
                            multiselect=True,
                            label="Document type",
                            elem_id="lga-doc-types",
                        )
                        themes = gr.Dropdown(
                            choices=[], multiselect=True, label="Theme", elem_id="lga-themes"
                        )
            with gr.Tab("Find case studies", id="cases"):
                gr.HTML(
                    "<p>Find councils that have done something similar, with the passages that "
                    "say so.</p>"
                )
                with gr.Row():
                    case_query = gr.Textbox(label="What are you looking for?", scale=3)
                    case_theme = gr.Dropdown(
                        choices=[], value=None, label="Theme (optional)", scale=1
                    )
                with gr.Row():
                    case_type = gr.Dropdown(
                        choices=[
                            "county",
                            "district",
                            "unitary",
                            "metropolitan district",
                            "london borough",
                            "combined authority",
                        ],
                        value=None,
                        allow_custom_value=True,
                        label="Council type (optional)",
                    )
                    case_region = gr.Textbox(label="Region (optional)")
                find = gr.Button("Find case studies", variant="primary")
                cases_out = gr.HTML(elem_id="lga-cases")
            with gr.Tab("Self-assessment", id="assess"):
                gr.HTML(
                    "<p>Rate your council from 1 (just starting) to 5 (strong) on each area. "
                    "You will get next steps, resources and councils to learn from for the "
                    "weakest areas.</p>"
                )
                sliders = [
                    gr.Slider(1, 5, value=3, step=1, label=area[:1].upper() + area[1:])
                    for area in h.areas()
                ]
                run_assess = gr.Button("Get suggestions", variant="primary")
                assess_out = gr.HTML(elem_id="lga-assessment")

        history = gr.State([])
        last_answer = gr.State(None)
        feedback_id = gr.State(None)
        rating = gr.State(None)

        chat_inputs = [question, chatbot, history, audience, doc_types, themes]
        chat_outputs = [chatbot, question, history, last_answer, after]
        reset_feedback = [reasons, details, feedback_note]

        def hide_feedback() -> tuple[Any, ...]:
            return gr.update(visible=False, value=[]), gr.update(visible=False), ""

        for trigger in (send.click, question.submit):
            trigger(hide_feedback, None, reset_feedback, queue=False).then(
                h.respond, chat_inputs, chat_outputs
            ).then(h.prepare_pack, last_answer, pack)
        for button in example_buttons:
            button.click(lambda q: q, button, question, queue=False).then(
                hide_feedback, None, reset_feedback, queue=False
            ).then(h.respond, chat_inputs, chat_outputs).then(h.prepare_pack, last_answer, pack)

        def new_conversation() -> tuple[Any, ...]:
            return [], "", [], None, gr.update(visible=False)

        clear.click(new_conversation, None, chat_outputs, queue=False)
        audience.change(
            lambda a: [gr.update(value=q) for q in EXAMPLES.get(a, EXAMPLES["councillor"])],
            audience,
            example_buttons,
            queue=False,
        )
        up.click(
            lambda a: h.rate("up", a),
            last_answer,
            [feedback_id, rating, reasons, details, feedback_note],
        )
        down.click(
            lambda a: h.rate("down", a),
            last_answer,
            [feedback_id, rating, reasons, details, feedback_note],
        )
        send_feedback.click(h.send_details, [feedback_id, rating, reasons, comment], feedback_note)
        find.click(h.find_cases, [case_query, case_theme, case_type, case_region], cases_out)
        case_query.submit(h.find_cases, [case_query, case_theme, case_type, case_region], cases_out)
        run_assess.click(h.assess, sliders, assess_out)

        def load_choices() -> tuple[Any, ...]:
            try:
                kinds, theme_choices = h.filter_choices()
            except AssistantError:
                kinds, theme_choices = [], []
            return (
                gr.update(choices=kinds),
                gr.update(choices=theme_choices),
                gr.update(choices=theme_choices),
            )

        demo.load(load_choices, None, [doc_types, themes, case_theme], queue=False)
    demo.handlers = h  # type: ignore[attr-defined]
    return demo


# Gradio labels each message with its raw HTML source ("bot's message: <p>..."), which screen
# readers would read out tag by tag; dropping the label lets them read the rendered message.
HEAD = """<script>
(() => {
  const sel = '#lga-chat [data-testid="bot"][aria-label], #lga-chat [data-testid="user"][aria-label]';
  const fix = () => document.querySelectorAll(sel).forEach((el) => el.removeAttribute("aria-label"));
  new MutationObserver(fix).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label"],
  });
})();
</script>"""


def mount_chat(app: FastAPI, state: AppState) -> None:
    """Mount the chat UI at ``/`` on ``app`` (after the API routes, so those take precedence)."""
    demo = build_chat(state)
    # No concurrency limit of Gradio's own: the admission gate bounds the questions in flight
    # (by their estimated wait) and they compute on the API's workers (``compute_blocking``).
    demo.queue(default_concurrency_limit=None)
    gr.mount_gradio_app(
        app,
        demo,
        path="/",
        theme=_theme(),
        css_paths=[CSS_PATH],
        head=HEAD,
        max_file_size="1mb",  # the UI takes no uploads; cap Gradio's upload route anyway
        footer_links=[],
        run_history=False,
        show_error=True,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        enable_monitoring=False,
    )
