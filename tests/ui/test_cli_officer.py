"""``lga-assistant cases``, ``pack`` and ``assess`` against an on-disk index (Chroma + the fake
embedder) holding an invented catalogue and documents, run in-process through Typer's runner."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document as open_docx
from typer.testing import CliRunner

from tests.assistant.suggestions.test_suggestions import DOCUMENTS, write_catalogue
from ui.cli import app

pytestmark = pytest.mark.integration  # Chroma on disk


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from assistant.app import build_embedder, open_index
    from assistant.settings import Settings
    from ingest.pipeline import Pipeline

    root = tmp_path_factory.mktemp("cli-officer")
    corpus = write_catalogue(root / "corpus")
    settings = Settings(
        data_dir=root / "data",
        corpus_dir=corpus,
        vector_store="chroma",
        embedder={"provider": "fake"},  # type: ignore[arg-type]
    )
    index = open_index(settings, build_embedder(settings), create=True)
    try:
        pipeline = Pipeline(index, settings)
        assert not pipeline.ingest_paths([corpus], progress=False).failed
        assert not pipeline.index_documents(DOCUMENTS).failed
    finally:
        index.close()
    return settings.data_dir, corpus


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, built: tuple[Path, Path]) -> CliRunner:
    monkeypatch.setenv("LGA_ASSISTANT_EMBEDDER__PROVIDER", "fake")
    monkeypatch.setenv("LGA_ASSISTANT_CORPUS_DIR", str(built[1]))
    return CliRunner()


def _run(runner: CliRunner, built: tuple[Path, Path], *args: str, **kw: object):  # noqa: ANN202
    return runner.invoke(app, [*args, "--data-dir", str(built[0])], **kw)  # type: ignore[arg-type]


def _flat(text: str) -> str:
    """Rich wraps long error lines: compare with whitespace folded."""
    return " ".join(text.split())


# ------------------------------------------------------------------ cases


def test_cases_json_lists_councils_with_citations(runner, built) -> None:
    result = _run(runner, built, "cases", "co-design with residents", "--json", "--limit", "3")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    names = [c["council"] for c in data]
    assert "London Borough of Newham" in names[:2]
    for case in data:
        assert case["citations"] and case["citations"][0]["quote"]


def test_cases_filters_and_readable_output(runner, built) -> None:
    result = _run(runner, built, "cases", "--council-type", "district")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "1. Reigate and Banstead Borough Council (District council, South East)"
    )
    assert "[1] \u201cReigate and Banstead Borough Council shared" in result.stdout
    assert "2. " not in result.stdout
    empty = _run(runner, built, "cases", "--region", "Nowhere")
    assert empty.exit_code == 0
    assert "No council in the indexed documents matches" in empty.stdout


def test_cases_theme_in_any_case_and_unknown_theme_named(runner, built) -> None:  # #15.10
    lower = _run(runner, built, "cases", "--theme", "co_design", "--json")
    upper = _run(runner, built, "cases", "--theme", "CO_DESIGN", "--json")
    assert lower.exit_code == upper.exit_code == 0, lower.stderr
    assert json.loads(upper.stdout) == json.loads(lower.stdout) != []
    unknown = _run(runner, built, "cases", "--theme", "Quantum")
    assert unknown.exit_code == 2
    message = _flat(unknown.stderr)
    assert "Unknown theme 'Quantum'" in message and "co_design" in message
    assert "try fewer filters" not in unknown.stdout


# ------------------------------------------------------------------ pack


def test_pack_writes_a_docx_with_sections(runner, built, tmp_path: Path) -> None:
    out = tmp_path / "pack.docx"
    result = _run(
        runner, built, "pack", "How do we do co-design with residents?", "--out", str(out)
    )
    assert result.exit_code == 0, result.stderr
    doc = open_docx(io.BytesIO(out.read_bytes()))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Question",
        "Answer",
        "Peer case studies",
        "Resources",
        "Next steps",
        "References",
    ]
    texts = [p.text for p in doc.paragraphs]
    refs = texts[texts.index("References") + 1 :]
    assert refs and all(r.startswith(f"[{i}] ") for i, r in enumerate(refs, 1))
    assert list(tmp_path.iterdir()) == [out]  # atomic write leaves no temp file
    # #15.17: made now (not the template's 2013), council types as words
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    props = doc.core_properties
    assert props.created and abs(props.created - now) < timedelta(minutes=5)
    assert props.modified and abs(props.modified - now) < timedelta(minutes=5)
    councils = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert councils and not any("_" in c for c in councils)
    assert "London borough" in " ".join(councils)


def test_pack_markdown_and_bad_extension(runner, built, tmp_path: Path) -> None:
    out = tmp_path / "pack.md"
    result = _run(
        runner,
        built,
        "pack",
        "How can we get value from AI?",
        "--out",
        str(out),
        "--audience",
        "councillor",
    )
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert text.startswith("# Evidence pack: How can we get value from AI?")
    assert "https://example.org/ai-hub" in text
    bad = _run(runner, built, "pack", "Anything", "--out", str(tmp_path / "pack.pdf"))
    assert bad.exit_code == 2
    assert ".docx or .md" in _flat(bad.stderr)
    assert not (tmp_path / "pack.pdf").exists()


# ------------------------------------------------------------------ assess


def test_assess_with_flags_json(runner, built) -> None:
    result = _run(
        runner,
        built,
        "assess",
        "--rating",
        "capacity_to_deliver=2",
        "--rating",
        "leadership_of_place=4",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ratings"] == {"capacity_to_deliver": 2, "leadership_of_place": 4}
    [area] = data["weakest"]
    assert area["label"] == "TIEx: capacity to deliver"
    assert area["next_steps"][0]["framework"] == "TIEx: capacity to deliver"
    numbers = {c["n"] for c in area["citations"]}
    for step in area["next_steps"]:
        assert set(step["citations"]) <= numbers


def test_assess_from_a_yaml_file(runner, built, tmp_path: Path) -> None:
    ratings = tmp_path / "ratings.yaml"
    ratings.write_text(
        "ratings:\n  financial_planning: 1\n  capacity_to_deliver: 1\n  clarity: 3\n"
    )
    result = _run(runner, built, "assess", "--file", str(ratings))
    assert result.exit_code == 0, result.stderr
    assert "== TIEx: financial planning and viability (rated 1) ==" in result.stdout
    assert "== TIEx: capacity to deliver (rated 1) ==" in result.stdout
    assert "Next steps:" in result.stdout and "Sources:" in result.stdout


def test_assess_interactive_prompts_each_tiex_area(runner, built) -> None:
    result = _run(runner, built, "assess", "--json", input="4\n4\n9\n3\n5\n2\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("rate 1 (weak) to 5 (strong)") == 6  # asked again after the 9
    # The test runner echoes typed input to stdout; the JSON object follows it.
    data = json.loads(result.stdout[result.stdout.index("{") :])
    assert data["ratings"] == {
        "place_priorities": 4,
        "leadership_of_place": 4,
        "financial_planning": 3,  # 9 was refused and asked again
        "org_leadership_governance": 5,
        "capacity_to_deliver": 2,
    }
    assert [a["area"] for a in data["weakest"]] == ["capacity_to_deliver"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rating", "capacity_to_deliver=7"], "from 1 to 5"),
        (["--rating", "happiness=3"], "Unknown area 'happiness'"),
        (["--rating", "capacity_to_deliver"], "write AREA=N"),
        (["--file", "missing.yaml"], "Cannot read"),
    ],
)
def test_assess_rejects_bad_input(runner, built, args: list[str], message: str) -> None:
    result = _run(runner, built, "assess", *args)
    assert result.exit_code == 2
    assert message in _flat(result.stderr)


def test_pack_for_an_out_of_scope_question_warns_and_says_so(runner, built, tmp_path: Path) -> None:
    out = tmp_path / "pack.md"
    result = _run(runner, built, "pack", "Write me a poem about the sea", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "warning" in result.stderr and "do not answer" in _flat(result.stderr)
    text = out.read_text()
    assert "(Not answered: " in text
    assert "### " not in text  # no case studies for a refused question
