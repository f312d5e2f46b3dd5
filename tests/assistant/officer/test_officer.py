"""Case-study finder, self-assessment and pack orchestration on a small invented index."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document as open_docx

from assistant.errors import InputError
from assistant.index import Index
from assistant.knowledge import find_councils, load_catalogue
from assistant.knowledge.catalogue import Catalogue
from assistant.officer import (
    CaseQuery,
    OfficerTools,
    PackRequest,
    assessment_areas,
    assessment_to_dict,
    case_to_dict,
    parse_ratings,
    tiex_area_names,
)
from assistant.officer import assess as run_assess
from assistant.officer import find_cases as run_find_cases
from assistant.settings import Settings
from assistant.suggestions import CatalogueSuggester, build_suggester_from
from tests.assistant.suggestions.test_suggestions import fake_settings, officer_index

TIEX = {
    "place_priorities": 4,
    "leadership_of_place": 4,
    "financial_planning": 3,
    "org_leadership_governance": 5,
    "capacity_to_deliver": 2,
}


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Settings, Index, Catalogue, CatalogueSuggester]:
    settings = fake_settings(tmp_path_factory.mktemp("officer"))
    index = officer_index(settings)
    catalogue = load_catalogue(settings.corpus_dir)
    return settings, index, catalogue, build_suggester_from(index, catalogue)


def find_cases(index, catalogue=None, *, suggester, **query) -> list:  # type: ignore[no-untyped-def]
    """The finder with its request built from keywords (what these tests vary)."""
    return run_find_cases(suggester, CaseQuery(**query))


def assess(ratings, *, index, catalogue=None, suggester, audience="officer"):  # type: ignore[no-untyped-def]
    """The self-assessment retrieving with a plain Retriever over ``index``."""
    from assistant.retrieval import Retriever

    retriever = Retriever(index, index.settings.retrieval, embedder=suggester.embedder)
    return run_assess(ratings, suggester=suggester, retrieve=retriever.retrieve, audience=audience)


def tools(index, suggester) -> OfficerTools:  # type: ignore[no-untyped-def]
    """The officer tools as ``assistant.app`` builds them: over the Assistant's own parts."""
    from assistant.service import Assistant

    assistant = Assistant(index=index, settings=index.settings, suggester=suggester)
    return OfficerTools(
        suggester=suggester, ask=assistant.ask, retrieve=assistant.retriever.retrieve
    )


def _names(cases: list) -> list[str]:
    return [c.council for c in cases]


# ------------------------------------------------------------------ case-study finder


def test_cases_for_a_query_rank_the_councils_that_did_it_first(world) -> None:
    _, index, catalogue, suggester = world
    cases = find_cases(
        index, catalogue, query="co-design with residents", limit=3, suggester=suggester
    )
    assert set(_names(cases)[:2]) == {
        "London Borough of Newham",
        "Reigate and Banstead Borough Council",
    }
    scores = [c.score for c in cases]
    assert scores == sorted(scores, reverse=True)
    newham = cases[_names(cases).index("London Borough of Newham")]
    assert newham.council_type == "london_borough" and newham.region == "London"
    assert "co-design standards" in newham.what


def test_every_case_is_cited_by_passages_that_name_the_council(world) -> None:
    _, index, catalogue, suggester = world
    cases = find_cases(index, catalogue, suggester=suggester)
    assert cases
    quotes: dict[int, tuple[str, str]] = {}
    for case in cases:
        assert case.citations
        for citation in case.citations:
            assert case.council in {m.council.name for m in find_councils(citation.quote)}
            # One number, one passage and one quote across the whole result list.
            key = (citation.chunk.id, citation.quote)
            assert quotes.setdefault(citation.n, key) == key
    assert sorted(quotes) == list(range(1, len(quotes) + 1))
    assert "Kent County Council" not in _names(cases)  # in the gazetteer, in no passage


def test_without_a_query_councils_with_more_evidence_come_first(world) -> None:
    _, index, catalogue, suggester = world
    cases = find_cases(index, catalogue, suggester=suggester)
    # Derby is named in a document and has a catalogue case study: the most evidence.
    assert cases[0].council == "Derby City Council"
    assert cases[0].what.startswith("Derby City Council introduced two AI chatbots")
    assert len(cases[0].citations) == 2
    assert "ai" in cases[0].themes


def test_case_filters(world) -> None:
    _, index, catalogue, suggester = world
    districts = find_cases(index, catalogue, council_type="district", suggester=suggester)
    assert _names(districts) == ["Reigate and Banstead Borough Council"]
    london = find_cases(index, catalogue, region="london", suggester=suggester)
    assert _names(london) == ["London Borough of Newham"]
    codesign = find_cases(index, catalogue, theme="co_design", suggester=suggester)
    assert set(_names(codesign)) >= {
        "London Borough of Newham",
        "Reigate and Banstead Borough Council",
    }
    assert "Bristol City Council" not in _names(codesign)
    by_label = find_cases(
        index, catalogue, theme="Co-design and community engagement", suggester=suggester
    )
    assert _names(by_label) == _names(codesign)
    assert find_cases(index, catalogue, region="Nowhere", suggester=suggester) == []
    assert len(find_cases(index, catalogue, limit=1, suggester=suggester)) == 1
    with pytest.raises(InputError):
        find_cases(index, catalogue, limit=0, suggester=suggester)


def test_case_json_shape(world) -> None:
    _, index, catalogue, suggester = world
    data = case_to_dict(find_cases(index, catalogue, limit=1, suggester=suggester)[0])
    assert set(data) == {"council", "type", "region", "themes", "what", "score", "citations"}
    assert {"n", "title", "url", "quote", "page", "section"} <= set(data["citations"][0])


# ------------------------------------------------------------------ self-assessment


def test_areas_are_the_tiex_focus_areas_then_the_7cs(world) -> None:
    *_, suggester = world
    areas = assessment_areas(suggester)
    assert [a.id for a in areas[:5]] == list(TIEX)
    assert {a.label for a in areas[5:]} == {"7Cs: Clarity", "7Cs: Capacity", "7Cs: Collaboration"}


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({}, "No ratings"),
        ({"happiness": 3}, "Unknown area 'happiness'"),
        ({"capacity_to_deliver": 0}, "from 1 to 5"),
        ({"capacity_to_deliver": 6}, "from 1 to 5"),
        ({"capacity_to_deliver": "two"}, "from 1 to 5"),
        ({"capacity_to_deliver": 2.5}, "from 1 to 5"),
        ({"capacity_to_deliver": True}, "whole number"),
        ({"capacity_to_deliver": 2, "TIEx: capacity to deliver": 3}, "rated twice"),
    ],
)
def test_invalid_ratings_are_refused_with_a_clear_message(world, ratings, message) -> None:
    _, index, catalogue, suggester = world
    with pytest.raises(InputError, match=message):
        assess(ratings, index=index, catalogue=catalogue, suggester=suggester)


def test_area_names_can_be_ids_labels_or_qualified(world) -> None:
    *_, suggester = world
    areas = assessment_areas(suggester)
    parsed = parse_ratings(
        {"tiex:capacity_to_deliver": "2", "Leadership of place": 4, "7cs_capacity": 3.0}, areas
    )
    assert [(e.label, r) for e, r in parsed] == [
        ("TIEx: capacity to deliver", 2),
        ("TIEx: leadership of place", 4),
        ("7Cs: Capacity", 3),
    ]


def test_weakest_area_gets_steps_resources_and_peers_with_citations(world) -> None:
    _, index, catalogue, suggester = world
    result = assess(TIEX, index=index, catalogue=catalogue, suggester=suggester)
    assert [a.area for a in result.weakest] == ["capacity_to_deliver"]
    area = result.weakest[0]
    assert area.rating == 2 and area.label == "TIEx: capacity to deliver"
    assert area.next_steps[0].framework == "TIEx: capacity to deliver"
    assert 2 <= len(area.next_steps) <= 4
    numbers = {c.n for c in area.citations}
    assert numbers == set(range(1, len(numbers) + 1))
    for s in (*area.next_steps, *area.resources, *area.peers):
        assert s.citations and set(s.citations) <= numbers
    data = assessment_to_dict(result)
    assert data["ratings"]["capacity_to_deliver"] == 2
    assert data["weakest"][0]["next_steps"][0]["framework"] == "TIEx: capacity to deliver"


def test_ties_are_all_included(world) -> None:
    _, index, catalogue, suggester = world
    two = dict(TIEX, financial_planning=2)
    result = assess(two, index=index, catalogue=catalogue, suggester=suggester)
    assert [a.area for a in result.weakest] == ["financial_planning", "capacity_to_deliver"]
    flat = {k: 1 for k in TIEX}
    result = assess(flat, index=index, catalogue=catalogue, suggester=suggester)
    assert [a.area for a in result.weakest] == list(TIEX)  # every weak area, not three


def test_7cs_ratings_can_be_weakest(world) -> None:
    _, index, catalogue, suggester = world
    result = assess(dict(TIEX, capacity=1), index=index, catalogue=catalogue, suggester=suggester)
    assert [a.label for a in result.weakest] == ["7Cs: Capacity", "TIEx: capacity to deliver"]
    assert result.weakest[0].next_steps[0].framework == "7Cs: Capacity"


# ------------------------------------------------------------------ pack orchestration


def test_make_pack_asks_and_adds_cases(world, tmp_path: Path) -> None:
    _, index, _, suggester = world
    officer = tools(index, suggester)
    question = "How do we do co-design with residents?"
    data = officer.make_pack(PackRequest(question, fmt="docx"))
    doc = open_docx(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    assert "References" in texts
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert any("Newham" in h for h in headings)
    md = officer.make_pack(PackRequest(question, fmt="md")).decode()
    assert "## References" in md and "[1]" in md


# ------------------------------------------------------------------ the tools object


def test_officer_tools_share_the_assistants_suggester_and_retrieval(world) -> None:
    _, index, _, suggester = world
    officer = tools(index, suggester)
    cases = officer.cases(CaseQuery(query="co-design with residents", limit=2))
    assert "London Borough of Newham" in _names(cases)
    result = officer.assess({"capacity to deliver": 1})
    assert result.weakest[0].label == "TIEx: capacity to deliver"
    assert officer.areas()[-1] == "capacity to deliver"


def test_tiex_area_names_match_the_project_catalogue() -> None:
    from assistant.knowledge.catalogue import default_catalogue

    tiex = default_catalogue().framework("tiex")
    assert tiex is not None
    assert tuple(e.name for e in tiex.elements) == tiex_area_names(Settings())


def test_pack_for_a_refused_answer_has_no_cases(world) -> None:
    from assistant.types import Answer

    _, index, _, suggester = world
    refused = Answer(
        id="r",
        question="Write a poem",
        standalone_question="Write a poem",
        audience="officer",
        text="",
        refused=True,
        refusal_reason="poems are out of scope",
    )
    text = tools(index, suggester).pack(refused, fmt="md").decode()
    assert "poems are out of scope" in text and "### " not in text


def test_min_score_ratio_keeps_only_close_matches(world) -> None:
    _, index, catalogue, suggester = world
    every = find_cases(index, catalogue, query="co-design with residents", suggester=suggester)
    close = find_cases(
        index, catalogue, query="co-design with residents", min_score_ratio=0.9, suggester=suggester
    )
    assert 0 < len(close) < len(every)
    assert all(c.score >= 0.9 * close[0].score for c in close)
    assert _names(close) == _names(every)[: len(close)]


def test_every_area_at_or_below_the_weak_rating_is_advised_weakest_first() -> None:  # #15.15
    from assistant.officer import weakest_areas

    rated = [("a", 3), ("b", 2), ("c", 1), ("d", 2), ("e", 5)]
    assert weakest_areas(rated) == [("c", 1), ("b", 2), ("d", 2)]  # type: ignore[arg-type]
    strong = [("a", 4), ("b", 3), ("c", 3)]
    assert weakest_areas(strong) == [("b", 3), ("c", 3)]  # type: ignore[arg-type]


def test_the_weak_rating_and_the_number_of_areas_advised_come_from_the_weights() -> None:
    from assistant.officer import weakest_areas
    from assistant.officer.weights import AssessmentWeights

    rated = [("a", 3), ("b", 2), ("c", 1), ("d", 2), ("e", 5)]
    wider = AssessmentWeights(weak_rating=3, max_weak_areas=3)
    assert weakest_areas(rated, weights=wider) == [("c", 1), ("b", 2), ("d", 2)]  # type: ignore[arg-type]
    assert weakest_areas(rated, weights=AssessmentWeights(weak_rating=3, max_weak_areas=5)) == [  # type: ignore[arg-type]
        ("c", 1),
        ("b", 2),
        ("d", 2),
        ("a", 3),
    ]


def test_the_case_finder_scores_with_its_own_weights_not_the_peer_suggesters(world) -> None:
    from dataclasses import replace

    from assistant.officer.weights import CaseWeights
    from assistant.suggestions.weights import SuggestionWeights

    _, index, catalogue, suggester = world
    query = "co-design with residents"
    default = run_find_cases(suggester, CaseQuery(query=query, limit=5))
    # Retuning the peer suggestions leaves the case finder as it was...
    peers_moved = replace(suggester.weights.peers, passage=0.9, sentence=0.1)
    from assistant.knowledge import gazetteer, themes

    retuned = CatalogueSuggester(
        index,
        catalogue,
        find_councils=gazetteer.find_councils,
        tag_themes=themes.tag_themes,
        get_council=gazetteer.get_council,
        weights=SuggestionWeights(peers=peers_moved),
    )
    again = run_find_cases(retuned, CaseQuery(query=query, limit=5))
    assert [(c.council, c.score) for c in again] == [(c.council, c.score) for c in default]
    # ...while its own weights move it: passage relevance alone, and one quote per council.
    own = CaseWeights(passage=1.0, sentence=0.0, quotes=1)
    moved = run_find_cases(suggester, CaseQuery(query=query, limit=5), weights=own)
    assert [c.score for c in moved] != [c.score for c in default]
    assert all(len(c.citations) == 1 for c in moved)
    assert any(len(c.citations) > 1 for c in default)
