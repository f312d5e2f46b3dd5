"""``lga-assistant ask`` / ``ask --batch`` / ``chat`` against an on-disk index (Chroma + the
fake embedder), run in-process through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import ANSWER_CONTRACT_KEYS, SAMPLE_DOCUMENTS, build_data_dir
from ui.cli import app

pytestmark = pytest.mark.integration  # Chroma on disk


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("cli") / "data"
    build_data_dir(data_dir, SAMPLE_DOCUMENTS)
    return data_dir


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("LGA_ASSISTANT_EMBEDDER__PROVIDER", "fake")
    return CliRunner()


def test_ask_json_prints_the_answer_contract_only(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(
        app,
        [
            "ask",
            "What is the digitalisation almanac for?",
            "--json",
            "--audience",
            "officer",
            "--data-dir",
            str(built),
        ],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)  # stdout holds exactly one JSON object
    assert set(data) >= ANSWER_CONTRACT_KEYS
    assert data["audience"] == "officer"
    assert data["question"] == "What is the digitalisation almanac for?"
    assert set(data["timings_ms"]) >= {"retrieve", "generate", "total"}
    assert data["refused"] is False
    assert data["citations"][0]["document_id"] == "digital-almanac"
    assert "[1]" in data["answer"] and "almanac" in data["answer"]


def test_ask_readable_output_and_refusal(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(
        app, ["ask", "Who won the 2022 football World Cup?", "--data-dir", str(built)]
    )
    assert result.exit_code == 0, result.stderr
    assert "don't cover this" in result.stdout
    answered = runner.invoke(
        app,
        ["ask", "What does the benefits realisation tracker measure?", "--data-dir", str(built)],
    )
    assert answered.exit_code == 0, answered.stderr
    assert "Sources" in answered.stdout and "[1]" in answered.stdout
    assert "Benefits realisation tracker" in answered.stdout
    assert "https://example.org/tracker" in answered.stdout


def test_batch_answers_each_line_and_reports_bad_lines(
    runner: CliRunner, built: Path, tmp_path: Path
) -> None:
    batch = tmp_path / "requests.jsonl"
    lines = [
        json.dumps({"id": "a", "question": "Tell me about Newcastle-under-Lyme's tracker"}),
        "not json",
        json.dumps(
            {
                "question": "What does it measure?",
                "audience": "officer",
                "history": [
                    {"role": "user", "content": "Tell me about Newcastle-under-Lyme's tracker"},
                    {"role": "assistant", "content": "It follows projects [1]."},
                ],
            }
        ),
        "",
        json.dumps({"question": "What is it?", "audience": "mayor"}),
        json.dumps({"question": "What is it?", "history": [{"role": "x"}]}),
        json.dumps({"question": "Who won the 2022 football World Cup?"}),
    ]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["ask", "--batch", str(batch), "--json", "--data-dir", str(built)])
    assert result.exit_code == 1  # some lines failed; the others were answered
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 6
    assert rows[0]["request_id"] == "a" and "answer" in rows[0]
    assert rows[1] == {
        "line": 2,
        "error": {"type": "InputError", "message": rows[1]["error"]["message"]},
    }
    assert "not valid JSON" in rows[1]["error"]["message"]
    assert rows[2]["audience"] == "officer"
    assert "Newcastle-under-Lyme" in rows[2]["standalone_question"]
    assert rows[3]["line"] == 5 and "audience" in rows[3]["error"]["message"]
    assert rows[4]["line"] == 6 and "history" in rows[4]["error"]["message"].lower()
    assert rows[5]["refused"] is True


def test_missing_index_says_run_ingest(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ask", "What is TIEx?", "--data-dir", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "lga-assistant ingest" in result.stderr
    assert result.stdout == ""


def test_bad_arguments(runner: CliRunner, built: Path) -> None:
    result = runner.invoke(app, ["ask", "Q?", "--audience", "mayor", "--data-dir", str(built)])
    assert result.exit_code == 2 and "audience" in result.stderr
    result = runner.invoke(app, ["ask", "--data-dir", str(built)])
    assert result.exit_code == 2


def test_chat_keeps_history_and_commands(runner: CliRunner, built: Path) -> None:
    session = "\n".join(
        [
            "Tell me about Newcastle-under-Lyme's benefits realisation tracker",
            "What does it measure?",
            "/sources",
            "/audience officer",
            "/audience mayor",
            "/clear",
            "/quit",
        ]
    )
    result = runner.invoke(app, ["chat", "--data-dir", str(built)], input=session + "\n")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "assistant>" in text
    assert "Answering: What does Newcastle-under-Lyme" in text
    assert "Audience: officer" in text and "Use /audience" in text
    assert "Conversation cleared." in text


def test_section_label_drops_a_repeated_title() -> None:
    from ui.cli.answer_cmds import _section_label

    assert _section_label(("Almanac", "Launch"), "Almanac") == "Launch"
    assert _section_label(("Almanac",), "Almanac") is None
    assert _section_label(("Intro", "Context"), "Almanac") == "Intro > Context"


def test_render_answer_shows_the_standalone_question_first() -> None:
    from io import StringIO

    from rich.console import Console

    from assistant.types import Answer
    from ui.cli.answer_cmds import render_answer

    def shown(answer: Answer) -> str:
        buffer = StringIO()
        render_answer(answer, Console(file=buffer, width=200))
        return buffer.getvalue()

    follow_up = Answer(
        id="a",
        question="What does she do?",
        standalone_question="What does Clare Rowley do?",
        audience="officer",
        text="Clare Rowley chairs the Transformation Network [1].",
    )
    text = shown(follow_up)
    assert text.index("Answering: What does Clare Rowley do?") < text.index("Clare Rowley chairs")
    typed = Answer(
        id="b",
        question="Who chairs the network?",
        standalone_question="Who chairs the network?",
        audience="officer",
        text="Clare Rowley [1].",
    )
    assert "Answering:" not in shown(typed)
