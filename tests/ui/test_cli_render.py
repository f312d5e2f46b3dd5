"""How the CLI prints sources: URLs whole, never a server path (#15.5, #15.16)."""

from __future__ import annotations

import io
from dataclasses import replace

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
        text="Councils ran action learning sets [1].",
        citations=(Citation(1, chunk, "quote"),),
        resources=(Suggestion(kind="resource", title="TIEx", why="why", url=LONG_URL),),
    )


def _printed(answer: Answer, width: int = 50) -> str:
    buffer = io.StringIO()
    render_answer(answer, Console(file=buffer, width=width, highlight=False, soft_wrap=False))
    return buffer.getvalue()


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
