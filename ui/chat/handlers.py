"""The chat UI's event handlers: plain methods over the app state, unit-tested without a browser."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant import traces
from assistant.errors import AssistantError
from assistant.officer import CaseQuery, tiex_area_names
from assistant.officer.pack import build_assessment_pack
from assistant.types import Answer, Filters, Turn
from ui.api.admission import Refused
from ui.api.errors import ApiError
from ui.api.officer_tools import pack_filename
from ui.chat.render import (
    render_answer,
    render_assessment,
    render_busy,
    render_cases,
    render_error,
    render_partial,
    render_question,
)

if TYPE_CHECKING:
    from ui.api.deps import AppState

_DONE = object()  # the end of an answer's event stream
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
        self._packed: dict[str, str] = {}  # answer id -> its pack file

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

    def _gated(self, fn: Any, *args: Any) -> Any:
        """``fn(*args)`` admitted by the gate (``Refused`` when busy), on the API's workers."""
        ticket = self.state.gate.admit()
        try:
            return self.state.compute_blocking(ticket, fn, *args)
        finally:
            self.state.gate.release(ticket)

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
                        # A councillor answer the model rewrites shows at once, then the
                        # plain version replaces it batch by batch ("revision" events).
                        revise=True,
                    )
                ),
            )
            while (event := compute(ticket, next, events, _DONE)) is not _DONE:
                if event.kind == "sources":
                    citations = tuple(event.data)
                elif event.kind == "token":
                    text += str(event.data)
                elif event.kind == "revision":
                    text = str(event.data)
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
                if event.kind in ("sources", "token", "revision"):
                    chat[-1] = {"role": "assistant", "content": render_partial(text, citations)}
                    yield list(chat), "", history, None, gr.update(visible=False)
        except (AssistantError, ApiError) as exc:
            chat[-1] = {"role": "assistant", "content": render_error(str(exc))}
            yield list(chat), message, history, None, gr.update(visible=False)

    # -- the question queue: a question asked at any moment is answered, in turn ------------
    # The page keeps two values per session: ``asked`` (every question, in order; only
    # ``enqueue`` appends) and ``answered`` (how many are done; only ``answer_next`` counts up).
    # ``answer_next`` runs whenever either changes, one run at a time per session, so a
    # question asked while another is answered waits instead of being dropped; the page's
    # script lists it as waiting from the moment it is asked (page.js).
    def enqueue(self, message: str | None, asked: list[str] | None) -> list[str]:
        """Add a question to this session's queue (the page lists it as waiting meanwhile)."""
        asked = list(asked or [])
        message = (message or "").strip()
        if message:
            asked.append(message)
        return asked

    def answer_next(
        self,
        asked: list[str] | None,
        answered: int | None,
        chat: list[dict[str, Any]] | None,
        history: list[dict[str, str]] | None,
        audience: str,
        doc_types: list[str] | None,
        themes: list[str] | None,
        last: Answer | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Answer the first question not yet answered (``respond``), then count it done.
        Yields (chat, history, answer, feedback, answered).

        The feedback column's visibility is always stated: an update without it resets a
        layout block to its initial, hidden state, so "was this useful?" would vanish."""
        asked = list(asked or [])
        done = int(answered or 0)
        if done >= len(asked):
            shown = gr.update(visible=last is not None)
            yield gr.update(), gr.update(), gr.update(), shown, gr.update()
            return
        shown = gr.update(visible=False)
        for chat_now, _box, history_now, answer, after in self.respond(
            asked[done], chat, history, audience, doc_types, themes
        ):
            shown = after
            yield chat_now, history_now, answer, after, gr.update()
        yield gr.update(), gr.update(), gr.update(), shown, done + 1

    def prepare_pack(self, answer: Answer | None) -> Any:
        """Write the evidence pack for the last answer and show the download button."""
        if answer is None or answer.refused:
            return gr.update(visible=False, value=None)
        if self._packed.get(answer.id):
            return gr.update(visible=True, value=self._packed[answer.id])  # made already
        try:
            data = self.state.officer.pack(answer, fmt="docx")
        except (AssistantError, ApiError, ImportError) as exc:
            gr.Warning(f"The evidence pack could not be made: {exc}")
            return gr.update(visible=False, value=None)
        folder = Path(tempfile.mkdtemp(dir=self._pack_dir))
        path = folder / pack_filename(answer.question, "docx")
        path.write_bytes(data)
        self._packed = {answer.id: str(path)}  # the latest only: a rerun after it reuses it
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

    def assess(self, *ratings: float) -> tuple[str, Any]:
        """The advice (HTML, with a chart of the ratings) and the self-assessment as a Word
        file to download (hidden when there is none)."""
        areas = self.areas()
        try:
            result = self._gated(
                self.state.officer.assess,
                {area: int(r) for area, r in zip(areas, ratings, strict=True)},
            )
        except Refused as refused:
            return render_busy(refused.retry_after, giving_up=True), gr.update(
                visible=False, value=None
            )
        except (AssistantError, ApiError) as exc:
            return render_error(str(exc)), gr.update(visible=False, value=None)
        return render_assessment(result), self.assessment_file(result)

    def assessment_file(self, result: Any) -> Any:
        """Write the self-assessment (chart and advice) as a Word file for the download button."""
        try:
            data = build_assessment_pack(result, "docx")
        except (AssistantError, ImportError) as exc:
            gr.Warning(f"The self-assessment could not be exported: {exc}")
            return gr.update(visible=False, value=None)
        path = Path(tempfile.mkdtemp(dir=self._pack_dir)) / "self-assessment.docx"
        path.write_bytes(data)
        return gr.update(visible=True, value=str(path))

    def areas(self) -> tuple[str, ...]:
        """The self-assessment areas; read from the catalogue, so no assistant is needed."""
        officer = self.state.officer_loaded
        if officer is not None:
            return tuple(officer.areas())
        return tiex_area_names(self.state.settings)
