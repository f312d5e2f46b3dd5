"""The chat UI's layout: the Gradio Blocks, their wiring to the handlers, and the mount."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.errors import AssistantError
from ui.chat.handlers import DOWN_REASONS, ChatHandlers

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ui.api.deps import AppState

CSS_PATH = Path(__file__).with_name("theme.css")
# Enqueue's browser-side step: empty the question box if it still holds the question being
# sent (so nothing typed since is lost), and pass the inputs on unchanged.
EMPTY_QUESTION_BOX_JS = """(question, asked) => {
  const box = document.querySelector("#lga-question textarea");
  if (box && box.value.trim() === (question || "").trim()) {
    box.value = "";
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }
  return [question, asked];
}"""
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
                    gr.HTML('<h2 class="lga-visually-hidden">Conversation</h2>')
                    chatbot = gr.Chatbot(
                        value=[],
                        label="Conversation",  # read by screen readers, not drawn over the chat
                        show_label=False,
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
                    # Questions waiting for their turn, listed by page.js the moment they are asked.
                    gr.HTML(
                        '<div id="lga-waiting" role="status" aria-live="polite"></div>',
                        elem_id="lga-waiting-block",
                    )
                    question = gr.Textbox(
                        label="Your question",
                        placeholder="For example: how have councils used action learning?",
                        lines=2,
                        max_lines=6,
                        max_length=state.settings.api.max_question_chars,
                        elem_id="lga-question",
                    )
                    gr.HTML(
                        '<p class="lga-hint" id="lga-question-hint">Press Enter to send. '
                        "Press Shift and Enter for a new line.</p>"
                        '<p class="lga-hint lga-skip"><a href="#lga-chat" class="lga-skip-sources">'
                        "Go to the sources of the latest answer</a></p>",
                        elem_id="lga-question-hint-block",
                    )
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="lga-ask")
                        clear = gr.Button(
                            "Start a new conversation", variant="secondary", elem_id="lga-clear"
                        )
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
                    "You will get a chart of your ratings and, for every area rated 2 or below "
                    "(or your lowest), next steps, resources and councils to learn from.</p>"
                )
                sliders = [
                    gr.Slider(1, 5, value=3, step=1, label=area[:1].upper() + area[1:])
                    for area in h.areas()
                ]
                run_assess = gr.Button("Get suggestions", variant="primary")
                assess_out = gr.HTML(elem_id="lga-assessment")
                assess_pack = gr.DownloadButton(
                    "Download the self-assessment (Word)",
                    visible=False,
                    elem_id="lga-assess-pack",
                    size="sm",
                )

        history = gr.State([])
        last_answer = gr.State(None)
        feedback_id = gr.State(None)
        rating = gr.State(None)
        asked = gr.State([])  # every question of the session, in order (see ChatHandlers.enqueue)
        answered = gr.State(0)  # how many of them are answered

        reset_feedback = [reasons, details, feedback_note]

        def hide_feedback() -> tuple[Any, ...]:
            return gr.update(visible=False, value=[]), gr.update(visible=False), ""

        # Taking a question never waits for an answer, however often: the question joins the
        # session's queue and the box is emptied in the browser at once.
        # (enqueue is a queued event, one at a time in order: Gradio fires State.change only
        # for queued events, and a question asked twice in a row keeps its order.)
        take: dict[str, Any] = {
            "trigger_mode": "multiple",
            "concurrency_limit": 1,
            "concurrency_id": "lga-enqueue",
            "show_progress": "hidden",
        }
        for trigger in (send.click, question.submit):
            # The box is emptied by enqueue's own browser-side step, which runs after Gradio
            # has read the question and before it is sent. A separate "empty the box" event
            # would run only after enqueue's round trip (Gradio runs one trigger's events in
            # turn) and wipe a question typed meanwhile: a second question asked at once was lost.
            trigger(h.enqueue, [question, asked], asked, js=EMPTY_QUESTION_BOX_JS, **take)
            trigger(hide_feedback, None, reset_feedback, queue=False, trigger_mode="multiple")
        for button in example_buttons:
            button.click(h.enqueue, [button, asked], asked, **take)
            button.click(hide_feedback, None, reset_feedback, queue=False, trigger_mode="multiple")
        # One answer at a time per session; a change while answering runs it again afterwards.
        gr.on(
            [asked.change, answered.change],
            h.answer_next,
            [asked, answered, chatbot, history, audience, doc_types, themes, last_answer],
            [chatbot, history, last_answer, after, answered],
            trigger_mode="always_last",
            show_progress="hidden",  # the chat says "Searching..." itself; no timer over the queue
        ).then(h.prepare_pack, last_answer, pack)

        def new_conversation() -> tuple[Any, ...]:
            return [], "", [], None, gr.update(visible=False), [], 0

        clear.click(
            new_conversation,
            None,
            [chatbot, question, history, last_answer, after, asked, answered],
            queue=False,
        )
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
        run_assess.click(h.assess, sliders, [assess_out, assess_pack])

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


# The page's own script (message labels, Enter to send, ...): see page.js.
HEAD = "<script>\n" + Path(__file__).with_name("page.js").read_text(encoding="utf-8") + "</script>"


def build_chat_app(app: FastAPI, state: AppState) -> tuple[Any, gr.Blocks]:
    """The chat UI as an ASGI app for ``/`` on ``app``, and its Blocks; not mounted.

    ``ui.api.app`` mounts a placeholder at ``/`` when it builds the app and puts this behind it
    once built, after the port is open (importing Gradio and building the page take seconds),
    then runs the Blocks' start-up events. ``gr.mount_gradio_app`` configures the Gradio app
    for its parent (CORS, root path); the mount and the lifespan it adds are taken back.
    """
    demo = build_chat(state)
    # No concurrency limit of Gradio's own: the admission gate bounds the questions in flight
    # (by their estimated wait) and they compute on the API's workers (``compute_blocking``).
    demo.queue(default_concurrency_limit=None)
    routes, lifespan = list(app.router.routes), app.router.lifespan_context
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
    mount = app.router.routes[-1]
    app.router.routes[:] = routes
    app.router.lifespan_context = lifespan
    return mount.app, demo  # type: ignore[attr-defined]
