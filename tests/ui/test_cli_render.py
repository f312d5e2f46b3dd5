"""How the CLI prints sources: URLs whole, never a server path (#15.5, #15.16)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from conftest import CHUNKS
from rich.console import Console

from assistant.types import Answer, Citation, Suggestion
from ui.cli.answer_cmds import render_answer

LONG_URL = (
    "https://www.local.gov.uk/our-support/transformation-and-innovation-exchange/"
    "case-studies/a-very-long-case-study-name-that-goes-on"
)


def _answer(**chunk_changes: object) -> Answer:
    chunk = replace(CHUNKS[0], **chunk_changes)
    return Answer(
        id="a1",
        question="q",
        standalone_question="q",
        audience="councillor",
        text=f"Councils ran action learning sets [1], as {LONG_URL} tells.",
        citations=(Citation(1, chunk, "quote"),),
        resources=(Suggestion(kind="resource", title="TIEx", why="why", url=LONG_URL),),
    )


def _printed(answer: Answer, width: int = 50) -> str:
    buffer = io.StringIO()
    render_answer(answer, Console(file=buffer, width=width, highlight=False, soft_wrap=False))
    return buffer.getvalue()


def test_long_urls_are_printed_whole_so_they_copy() -> None:
    text = _printed(_answer(url=LONG_URL))
    lines = [line.strip() for line in text.splitlines()]
    # in the answer text, as the source's URL and as the resource's: each whole on one line
    assert lines.count(LONG_URL) == 3
    assert all(len(line) <= 50 for line in text.splitlines() if LONG_URL not in line)


def test_a_source_without_url_shows_its_path_inside_the_ingest_folder() -> None:
    text = _printed(
        _answer(
            url=None,
            source="/srv/lga/shared/corpus/learning/sets.pdf",
            document_id="corpus/learning/sets.pdf",
        ),
        width=120,
    )
    assert "corpus/learning/sets.pdf" in text
    assert "/srv/" not in text


def test_help_shows_flags_without_a_value_type() -> None:
    from typer.testing import CliRunner

    from ui.cli import app

    for command in ("ask", "ingest", "cases", "stats"):
        result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "120"})
        assert result.exit_code == 0
        assert "--json" in result.output and "<bool>" not in result.output, command
    assert "<str>" in CliRunner().invoke(app, ["ask", "--help"]).output  # values keep types


@pytest.mark.integration  # a fresh interpreter in a subprocess
def test_help_does_not_load_the_settings_or_the_models() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ui.cli; "
        "print(sorted(m for m in ('pydantic_settings', 'torch', 'chromadb', 'yaml') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
