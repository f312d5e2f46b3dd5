"""Acceptance of suggestions on the real corpus with the real embedding model.

Ingests the project's catalogue (``corpus/``) and the shared LGA documents into a temporary data
dir (Chroma + all-MiniLM-L6-v2), then asks the issue's three questions through the Assistant.
Slow (about a minute of embedding on two free cores): run with ``pytest -m slow``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.knowledge import find_councils
from tests.conftest import SHARED_CORPUS

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"no shared corpus at {SHARED_CORPUS}")
    from assistant.app import build_assistant, build_embedder, open_index
    from assistant.settings import PROJECT_ROOT, Settings
    from ingest.pipeline import Pipeline

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("real") / "data", corpus_dir=PROJECT_ROOT / "corpus"
    )
    index = open_index(settings, build_embedder(settings), create=True)
    report = Pipeline(index, settings).ingest_paths(
        [settings.corpus_dir, Path(SHARED_CORPUS)], progress=False
    )
    assert not report.failed, report.failed
    return build_assistant(settings, index=index)


def _check(answer) -> None:  # noqa: ANN001
    numbers = {c.n: c for c in answer.citations}
    for s in (*answer.peers, *answer.resources, *answer.next_steps):
        assert s.citations and set(s.citations) <= set(numbers), s
    for peer in answer.peers:
        quote = numbers[peer.citations[0]].quote
        assert peer.title in {m.council.name for m in find_councils(quote)}
    assert 2 <= len(answer.next_steps) <= 4
    assert all(s.framework and ": " in s.framework for s in answer.next_steps)


def test_leadership_development_suggests_brighton_and_hove(assistant) -> None:
    answer = assistant.ask("How can we develop our leaders to support transformation?")
    _check(answer)
    assert "Brighton and Hove City Council" in [p.title for p in answer.peers]


def test_codesign_suggests_newham_and_the_reigate_consultation_toolkit(assistant) -> None:
    answer = assistant.ask("How can we co-design services with residents?", audience="officer")
    _check(answer)
    assert "London Borough of Newham" in [p.title for p in answer.peers]
    assert "Reigate and Banstead consultation toolkit" in [r.title for r in answer.resources]


def test_ai_value_suggests_the_lga_ai_hub(assistant) -> None:
    answer = assistant.ask("How can we get value from AI?", audience="councillor")
    _check(answer)
    assert answer.resources[0].title == "LGA AI hub"
    assert answer.resources[0].url and answer.resources[0].url.startswith("https://")
