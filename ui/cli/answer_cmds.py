"""``lga-assistant ask`` (one question, or a JSONL batch) and ``lga-assistant chat``.

The assistant (models, index) is built once per command through ``assistant.app``; torch and
chromadb are imported inside the commands so ``--help`` stays instant. With ``--json`` stdout
carries JSON only; messages and errors go to stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from assistant.errors import AssistantError, InputError
from assistant.types import AUDIENCES, Answer, Turn
from ui.cli.common import DataDirOption, console, fail, load_settings
from ui.cli.wrap import WordWrap

if TYPE_CHECKING:
    from assistant.service import Assistant

out = Console(highlight=False, soft_wrap=False)

AudienceOption = Annotated[
    str,
    typer.Option(
        "--audience",
        "-a",
        help="Who the answer is for: councillor (short, plain English) or officer (fuller).",
    ),
]


def build(data_dir: Path | None) -> Assistant:
    """The Assistant for the configured (or given) data dir, models loaded once."""
    from assistant.app import build_assistant

    return build_assistant(load_settings(data_dir))


def _check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise typer.BadParameter(
            f"{audience!r} is not an audience: use {' or '.join(AUDIENCES)}.",
            param_hint="--audience",
        )
    return audience


# -- rendering -------------------------------------------------------------------------------


def _location(page: int | None, section: str | None) -> str:
    parts = []
    if page is not None:
        parts.append(f"p. {page}")
    if section:
        parts.append(section)
    return ", ".join(parts)


def render_answer(
    answer: Answer, console_: Console = out, *, quotes: bool = False, show_text: bool = True
) -> None:
    """The answer text with [n] markers, its numbered sources and the suggestions
    (``show_text=False``: everything but the text, already streamed by the chat). A rewritten
    follow-up is shown first as "Answering: <standalone question>"."""
    if show_text:
        render_standalone(answer, console_)
    if show_text and answer.refused:
        console_.print(
            Panel(
                escape(answer.text),
                title="The resources I have don't cover this",
                border_style="yellow",
            )
        )
    elif show_text:
        print_wrapped(answer.text, console_)
    render_sources(answer, console_, quotes=quotes)
    sections = (
        ("Peer councils", answer.peers),
        ("Resources", answer.resources),
        ("Next steps", answer.next_steps),
    )
    for heading, items in sections:
        if not items:
            continue
        console_.print(f"\n[bold]{heading}[/]")
        for s in items:
            cites = "".join(f"[{n}]" for n in s.citations)
            extra = f" ({escape(s.framework)})" if s.framework else ""
            why = f": {escape(s.why)}" if s.why else ""
            line = f"  - [bold]{escape(s.title)}[/]{extra}{why} {escape(cites)}".rstrip()
            console_.print(line)
            if s.url:  # soft wrap: a long URL is never cut by a newline, so it copies whole
                console_.print(f"    {escape(s.url)}", style="dim", soft_wrap=True)
    for warning in answer.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")


def render_standalone(answer: Answer, console_: Console = out) -> None:
    """ "Answering: <standalone question>" when the question was rewritten (a follow-up)."""
    standalone = (answer.standalone_question or "").strip()
    if standalone and standalone != answer.question.strip():
        console_.print(f"[dim]Answering: {escape(standalone)}[/]")


def _section_label(heading_path: tuple[str, ...], title: str) -> str | None:
    """The section path without a leading heading that repeats the document title."""
    path = heading_path[1:] if heading_path and heading_path[0] == title else heading_path
    return " > ".join(path) or None


def render_sources(answer: Answer, console_: Console = out, *, quotes: bool = False) -> None:
    if not answer.citations:
        return
    console_.print("\n[bold]Sources[/]")
    for c in answer.citations:
        chunk = c.chunk
        where = _location(chunk.page_start, _section_label(chunk.heading_path, chunk.title))
        meta = " - ".join(p for p in (chunk.publisher, chunk.published) if p)
        line = f"  {escape(f'[{c.n}]')} [bold]{escape(chunk.title or chunk.public_source)}[/]"
        if where:
            line += f", {escape(where)}"
        if meta:
            line += f" ({escape(meta)})"
        console_.print(line)
        if chunk.url or chunk.public_source:
            console_.print(
                f"      {escape(chunk.url or chunk.public_source)}", style="dim", soft_wrap=True
            )
        if quotes and c.quote:
            console_.print(f'      "{escape(c.quote)}"', style="italic")


# -- ask -------------------------------------------------------------------------------------


def _history(raw: object) -> tuple[Turn, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InputError('"history" must be a list of {"role", "content"} objects.')
    turns = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or item.get("role") not in ("user", "assistant")
            or not isinstance(item.get("content"), str)
        ):
            raise InputError(
                'Each history item needs "role" ("user" or "assistant") and "content" (text).'
            )
        turns.append(Turn(item["role"], item["content"]))
    return tuple(turns)


def answer_request(
    assistant: Assistant, request: object, default_audience: str, *, include_hits: bool
) -> dict[str, Any]:
    """One batch line's request -> the answer contract; raises ``InputError`` if malformed."""
    from assistant.serialize import answer_to_dict

    if not isinstance(request, dict):
        raise InputError('Each line must be a JSON object like {"question": "..."}.')
    question = request.get("question")
    if not isinstance(question, str):
        raise InputError('The request has no "question" text.')
    audience = request.get("audience", default_audience)
    if not isinstance(audience, str):
        raise InputError(f'"audience" must be one of {", ".join(AUDIENCES)}.')
    answer = assistant.ask(question, audience=audience, history=_history(request.get("history")))
    result = answer_to_dict(answer, include_hits=include_hits)
    if "id" in request:
        result["request_id"] = request["id"]
    return result


def _run_batch(assistant: Assistant, batch: Path, audience: str, *, include_hits: bool) -> int:
    """Answer every line of ``batch``; returns how many lines failed."""
    try:
        lines = batch.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read {batch} ({exc}): give a UTF-8 JSONL file.") from exc
    failed = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            try:
                request = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"line {number} is not valid JSON ({exc.msg}).") from exc
            result = answer_request(assistant, request, audience, include_hits=include_hits)
        except AssistantError as exc:
            failed += 1
            result = {"line": number, "error": {"type": type(exc).__name__, "message": str(exc)}}
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return failed


def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question.", show_default=False)
    ] = None,
    audience: AudienceOption = "councillor",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the answer contract as one JSON object.")
    ] = False,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch",
            help='JSONL file, one request per line: {"question", "audience"?, "history"?: '
            '[{"role", "content"}]}. Writes one JSON answer (or error object) per line.',
            show_default=False,
        ),
    ] = None,
    hits: Annotated[
        bool, typer.Option("--hits", help="Include the retrieved passages in the JSON.")
    ] = False,
    quotes: Annotated[
        bool, typer.Option("--quotes", help="Show the quoted passage under each source.")
    ] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Answer a question from the indexed documents, with numbered sources and suggestions."""
    _check_audience(audience)
    if (question is None) == (batch is None):
        raise typer.BadParameter("give a QUESTION or --batch FILE (not both).")
    try:
        assistant = build(data_dir)
        if batch is not None:
            failed = _run_batch(assistant, batch, audience, include_hits=hits)
            if failed:
                console.print(f"[yellow]{failed} request(s) failed; see their error objects.[/]")
                raise typer.Exit(1)
            return
        assert question is not None
        answer = assistant.ask(question, audience=audience)
    except AssistantError as exc:
        raise fail(exc) from exc
    if as_json:
        from assistant.serialize import answer_to_dict

        sys.stdout.write(
            json.dumps(answer_to_dict(answer, include_hits=hits), ensure_ascii=False) + "\n"
        )
        return
    render_answer(answer, quotes=quotes)


# -- chat ------------------------------------------------------------------------------------

CHAT_HELP = (
    "Type a question. Commands: /audience councillor|officer, /sources (quotes of the last "
    "answer), /clear (forget the conversation), /help, /quit."
)


def chat(
    audience: AudienceOption = "councillor",
    data_dir: DataDirOption = None,
) -> None:
    """Interactive chat in the terminal; follow-up questions use the conversation so far."""
    _check_audience(audience)
    try:
        assistant = build(data_dir)
    except AssistantError as exc:
        raise fail(exc) from exc
    history: list[Turn] = []
    last: Answer | None = None
    out.print(f"[bold]LGA assistant[/] ({audience}). {CHAT_HELP}")
    while True:
        try:
            line = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            out.print()
            return
        if not line:
            continue
        if line.startswith("/"):
            command, _, arg = line.partition(" ")
            if command in ("/quit", "/exit", "/q"):
                return
            if command == "/audience":
                if arg.strip() in AUDIENCES:
                    audience = arg.strip()
                    out.print(f"Audience: {audience}")
                else:
                    out.print(f"Use /audience {' or /audience '.join(AUDIENCES)}.")
            elif command == "/sources":
                if last is None or not last.citations:
                    out.print("No sources yet.")
                else:
                    render_sources(last, quotes=True)
            elif command == "/clear":
                history.clear()
                last = None
                out.print("Conversation cleared.")
            else:
                out.print(CHAT_HELP)
            continue
        try:
            last = _chat_turn(assistant, line, audience, history)
        except AssistantError as exc:
            console.print(f"[bold red]error:[/] {escape(str(exc))}")
            continue
        history += [Turn("user", line), Turn("assistant", last.text)]


def _chat_turn(assistant: Assistant, question: str, audience: str, history: list[Turn]) -> Answer:
    """Stream one answer to the terminal; returns the final Answer."""
    prompt = "assistant> "
    out.print(f"\n[bold]{prompt.strip()}[/] ", end="")
    wrap = WordWrap(out.width, _write_plain, column=len(prompt))
    final: Answer | None = None
    for event in assistant.stream(question, audience=audience, history=tuple(history)):
        if event.kind == "token":
            wrap.feed(str(event.data))
        elif event.kind == "done":
            final = event.data
        elif event.kind == "error":
            wrap.close()
            out.print()
            raise _StreamFailed(event.data["message"])
    wrap.close()
    out.print()
    assert final is not None
    if final.refused:
        out.print("[yellow](The resources I have don't cover this.)[/]")
    # The text streamed before the answer (and so its standalone question) was final.
    render_standalone(final)
    render_answer(final, show_text=False)
    return final


def print_wrapped(text: str, console_: Console) -> None:
    """Text broken between words at the console's width; a word longer than a line (a URL) is
    printed whole, for the terminal to fold, so it still copies as one piece."""
    wrap = WordWrap(
        console_.width,
        lambda piece: console_.print(piece, end="", markup=False, highlight=False, soft_wrap=True),
    )
    wrap.feed(text)
    wrap.close()
    console_.print()


def _write_plain(text: str) -> None:
    """Streamed answer text as it is: no markup, and no wrapping by Rich (``WordWrap`` does)."""
    out.print(text, end="", markup=False, highlight=False, soft_wrap=True)


class _StreamFailed(AssistantError):
    """The model failed mid-answer (shown, and the chat goes on)."""


def register(app: typer.Typer) -> None:
    """Add ``ask`` and ``chat`` to ``app``."""
    app.command("ask")(ask)
    app.command("chat")(chat)
