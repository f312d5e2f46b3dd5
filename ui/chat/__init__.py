"""The chat UI: Gradio Blocks mounted at ``/`` on the API's FastAPI app.

It calls the same ``Assistant`` object as the API (no HTTP round trip): answers stream in with
numbered citations that open to show the quoted passage, suggestion cards follow the answer,
users rate answers, download an evidence pack, find case studies and run a self-assessment.

Styling follows GOV.UK habits: a label on every control, visible focus, strong contrast and
nothing said by colour alone. ``layout`` builds the page, ``handlers`` answers its events and
``render`` turns the assistant's values into escaped HTML.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from ui.chat.render import (  # noqa: E402
    render_answer,
    render_assessment,
    render_busy,
    render_cases,
    render_citation,
    render_error,
    render_partial,
    render_question,
    render_sources,
    render_suggestions,
    render_text,
)

if TYPE_CHECKING:
    from ui.chat.handlers import ChatHandlers
    from ui.chat.layout import build_chat, build_chat_app


def __getattr__(name: str) -> Any:
    """``ChatHandlers``, ``build_chat`` and ``build_chat_app`` import Gradio (seconds of start-up):
    only when asked for, so that ``render`` (pure HTML) imports without it."""
    if name == "ChatHandlers":
        from ui.chat.handlers import ChatHandlers

        return ChatHandlers
    if name in ("build_chat", "build_chat_app"):
        from ui.chat import layout

        return getattr(layout, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ChatHandlers",
    "build_chat",
    "build_chat_app",
    "render_answer",
    "render_assessment",
    "render_busy",
    "render_cases",
    "render_citation",
    "render_error",
    "render_partial",
    "render_question",
    "render_sources",
    "render_suggestions",
    "render_text",
]
