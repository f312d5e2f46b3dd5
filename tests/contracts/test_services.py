"""Contract every ``AssistantService`` and ``OfficerService`` passes: the real services (fake
embedder, in-memory index of the project's catalogue in corpus/) and the UI tests' fakes.

The UI, API and CLI depend only on these Protocols, so whatever passes here can stand behind
them; a fake that drifts from the real service fails here, not in a UI test.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.app import Services
from assistant.errors import InputError
from assistant.officer import Assessment, CaseQuery, CaseResult, tiex_area_names
from assistant.ports import AssistantService, OfficerService
from assistant.settings import PROJECT_ROOT, Settings
from assistant.types import Answer, Hit
from tests.ui.conftest import FakeAssistant, FakeOfficer

QUESTION = "How can councils co-design services with residents?"


@pytest.fixture(scope="module")
def real(catalogue_services: Services) -> Services:
    """The real services over the project's catalogue (built once per session)."""
    return catalogue_services


@pytest.fixture(params=["real", "fake"])
def assistant(request: pytest.FixtureRequest, real: Services) -> AssistantService:
    return real.assistant if request.param == "real" else FakeAssistant()


@pytest.fixture(params=["real", "fake"])
def officer(request: pytest.FixtureRequest, real: Services) -> OfficerService:
    if request.param == "fake":
        return FakeOfficer()
    assert real.officer is not None, "the project's catalogue builds the officer tools"
    return real.officer


class TestAssistantService:
    def test_is_the_protocol(self, assistant: AssistantService) -> None:
        assert isinstance(assistant, AssistantService)

    def test_ask_returns_a_cited_answer(self, assistant: AssistantService) -> None:
        answer = assistant.ask(QUESTION, audience="officer")
        assert isinstance(answer, Answer) and answer.question == QUESTION
        assert answer.audience == "officer"
        numbers = {c.n for c in answer.citations}
        for suggestion in (*answer.peers, *answer.resources, *answer.next_steps):
            assert set(suggestion.citations) <= numbers

    def test_bad_input_raises_input_error(self, assistant: AssistantService) -> None:
        with pytest.raises(InputError):
            assistant.ask(QUESTION, audience="mayor")
        with pytest.raises(InputError):
            assistant.ask("   ")

    def test_stream_ends_with_done_holding_the_answer(self, assistant: AssistantService) -> None:
        events = list(assistant.stream(QUESTION))
        assert events[-1].kind == "done" and isinstance(events[-1].data, Answer)
        text = "".join(e.data for e in events if e.kind == "token")
        assert text == events[-1].data.text

    def test_search_and_documents(self, assistant: AssistantService) -> None:
        hits = assistant.search("co-design", k=3)
        assert 0 < len(hits) <= 3 and all(isinstance(h, Hit) for h in hits)
        documents = assistant.documents()
        assert documents
        first = documents[0]
        assert assistant.document(first.id) is not None
        assert assistant.document("no-such-document") is None
        assert isinstance(assistant.document_chunks(first.id), list)

    def test_lifecycle(self, assistant: AssistantService) -> None:
        assistant.warm_up()
        assert assistant.ready() is True
        assert isinstance(assistant.describe(), dict)


class TestOfficerService:
    def test_is_the_protocol(self, officer: OfficerService) -> None:
        assert isinstance(officer, OfficerService)

    def test_areas_are_the_catalogues_tiex_areas(self, officer: OfficerService) -> None:
        assert officer.areas() == tiex_area_names(Settings(corpus_dir=PROJECT_ROOT / "corpus"))

    def test_cases_are_case_results_within_the_limit(self, officer: OfficerService) -> None:
        found = officer.cases(CaseQuery(query="co-design with residents", limit=1))
        assert len(found) == 1 and isinstance(found[0], CaseResult)
        assert found[0].citations

    def test_assess_advises_on_the_weakest_area(self, officer: OfficerService) -> None:
        areas = officer.areas()
        ratings: dict[str, Any] = {area: 4 for area in areas}
        ratings[areas[-1]] = 1
        result = officer.assess(ratings)
        assert isinstance(result, Assessment) and len(result.weakest) == 1
        assert result.weakest[0].rating == 1

    def test_pack_renders_both_formats(
        self, officer: OfficerService, assistant: AssistantService
    ) -> None:
        answer = assistant.ask(QUESTION, audience="officer")
        assert officer.pack(answer, fmt="md").decode().startswith("# ")
        assert officer.pack(answer, fmt="docx")[:2] == b"PK"  # a zip: a Word document
