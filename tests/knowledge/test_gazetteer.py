"""Gazetteer: name variants resolve to one canonical council; ordinary words never match."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.errors import ConfigurationError
from assistant.knowledge import council_names, find_councils, get_council, tag_text
from assistant.knowledge.gazetteer import COUNCIL_TYPES, REGIONS, Gazetteer, all_councils


def names(text: str) -> list[str]:
    return [m.council.name for m in find_councils(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("London Borough of Barnet", "London Borough of Barnet"),
        ("the work in Barnet was shared", "London Borough of Barnet"),
        ("Barnet Council", "London Borough of Barnet"),
        ("Stockton on Tees Brough Council presented", "Stockton-on-Tees Borough Council"),
        ("Stockton-on-Tees Borough Council", "Stockton-on-Tees Borough Council"),
        ("STOCKTON-ON-TEES", "Stockton-on-Tees Borough Council"),
        ("Newcastle Under-Lyme Borough Council presented", "Newcastle-under-Lyme Borough Council"),
        ("Newcastle-under-Lyme", "Newcastle-under-Lyme Borough Council"),
        ("Newcastle under Lyme", "Newcastle-under-Lyme Borough Council"),
        ("Newcastle Borough Council", "Newcastle-under-Lyme Borough Council"),
        ("Newcastle upon Tyne", "Newcastle City Council"),
        ("Newcastle City Council", "Newcastle City Council"),
        ("St Helen Borough Council on their matrix", "St Helens Borough Council"),
        ("St Helens", "St Helens Borough Council"),
        ("St. Helens Council", "St Helens Borough Council"),
        ("Brighton and Hove City Council", "Brighton and Hove City Council"),
        ("Brighton & Hove", "Brighton and Hove City Council"),
        ("Cheshire West & Chester", "Cheshire West and Chester Council"),
        ("Cheshire West and Chester Council", "Cheshire West and Chester Council"),
        ("Surrey County Council", "Surrey County Council"),
        ("Kent County Council", "Kent County Council"),
        ("Kent CC", "Kent County Council"),
        ("Luton BC", "Luton Borough Council"),
        ("Knowsley MBC", "Knowsley Metropolitan Borough Council"),
        ("Derby Council's chatbot", "Derby City Council"),
        ("Newham's co-design standards", "London Borough of Newham"),
        ("West Midlands Combined Authority", "West Midlands Combined Authority"),
        ("the WMCA", "West Midlands Combined Authority"),
        ("Reading Borough Council", "Reading Borough Council"),
        ("Bury Council", "Bury Council"),
        ("City of York Council", "City of York Council"),
        ("Westminster City Council", "Westminster City Council"),
        ("Hammersmith & Fulham", "London Borough of Hammersmith and Fulham"),
        ("Bournemouth, Christchurch and Poole", "Bournemouth, Christchurch and Poole Council"),
        ("King's Lynn and West Norfolk", "Borough Council of King's Lynn and West Norfolk"),
    ],
)
def test_variants_resolve_to_canonical_name(text: str, expected: str) -> None:
    assert names(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "The content was reviewed.",
        "A Kentish approach",
        "reading the report",
        "Reading the report, members agreed.",
        "We should not bury the plan.",
        "Bury the plan in an appendix.",
        "Newcastle presented its approach.",  # ambiguous: upon Tyne or under-Lyme
        "The West Midlands region",
        "Greater Manchester has a mayor.",
        "Westminster ministers announced funding.",
        "York was mentioned in passing.",
        "derby hats and a hart in the forest",
        "Shared Intelligence, 109 Borough High Street",
        "The council's Head of Transformation",
    ],
)
def test_no_false_matches(text: str) -> None:
    assert names(text) == []


def test_longest_form_wins_over_its_parts() -> None:
    assert names("Derbyshire") == ["Derbyshire County Council"]
    assert names("Surrey Heath") == ["Surrey Heath Borough Council"]
    assert names("North East Lincolnshire") == ["North East Lincolnshire Council"]
    assert names("Greater Manchester Combined Authority") == [
        "Greater Manchester Combined Authority"
    ]
    assert names("Wyre Forest District Council") == ["Wyre Forest District Council"]


def test_newcastles_are_told_apart_by_the_fuller_form() -> None:
    text = "Newcastle upon Tyne and Newcastle-under-Lyme both spoke; Newcastle alone did not."
    assert names(text) == ["Newcastle City Council", "Newcastle-under-Lyme Borough Council"]


def test_mention_offsets_point_at_the_surface_text() -> None:
    text = "Colleagues heard from the London Borough of Barnet and Kent County Council."
    mentions = find_councils(text)
    assert [text[m.start : m.end] for m in mentions] == [m.surface for m in mentions]
    assert [m.surface for m in mentions] == ["London Borough of Barnet", "Kent County Council"]


def test_council_names_are_unique_and_in_order() -> None:
    text = "Kent County Council, then Barnet, then Kent again."
    assert council_names(text) == ("Kent County Council", "London Borough of Barnet")


def test_tag_text_returns_councils_and_themes() -> None:
    councils, themes = tag_text("Newham presented its co-design standards for residents.")
    assert councils == ("London Borough of Newham",)
    assert "co_design" in themes


def test_get_council_accepts_short_forms() -> None:
    kent = get_council("Kent CC")
    assert kent is not None and kent.type == "county" and kent.region == "South East"
    assert get_council("london borough of barnet") is not None
    assert get_council("Newcastle") is None


def test_gazetteer_covers_england() -> None:
    councils = all_councils()
    by_type = {t: sum(c.type == t for c in councils) for t in COUNCIL_TYPES}
    assert by_type["county"] == 21
    assert by_type["metropolitan"] == 36
    assert by_type["london_borough"] == 33  # 32 boroughs + the City of London
    assert by_type["unitary"] >= 60
    assert by_type["district"] >= 160
    assert by_type["combined_authority"] >= 12
    assert {c.region for c in councils} == set(REGIONS)
    assert len({c.name for c in councils}) == len(councils)


def test_bad_gazetteer_file_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "councils.yaml"
    path.write_text("councils:\n  parish:\n    London: [Nowhere Council]\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="Unknown council type"):
        Gazetteer.from_file(path)


@pytest.mark.bench  # a timing: run on purpose (`pytest -m bench`), not in the default run
def test_fast_enough_for_every_chunk() -> None:
    chunk = (
        "The Network heard from Kent County Council and London Borough of Barnet on systems "
        "thinking. Stockton on Tees Brough Council presented on prevention, and St Helen "
        "Borough Council on their prioritisation matrix. Reading the content, the Council "
        "and its Transformation Team agreed the Plan. "
    ) * 6
    find_councils(chunk)  # warm up (loads and compiles once)
    start = time.perf_counter()
    for _ in range(200):
        find_councils(chunk)
    per_chunk_ms = (time.perf_counter() - start) / 200 * 1000
    assert per_chunk_ms < 5, per_chunk_ms
