"""Passage structure: names, initials, figures, dates, section roles and lists."""

from __future__ import annotations

from assistant.answering.structure import (
    cue_role,
    defined_initials,
    document_roles,
    expand_initials,
    has_calendar_date,
    has_date,
    has_money,
    has_number,
    list_blocks,
    person_names,
    role_at,
    role_spans,
)
from assistant.types import Chunk

MINUTES = (
    "Agenda item\n\nThe Chair invited Priya Okafor (PO), Director of Change, to present.\n\n"
    "PO said the offer had six parts.\n"
)


def test_people_and_initials() -> None:
    people = defined_initials(MINUTES)
    assert people["PO"].name == "Priya Okafor" and people["PO"].role == "Director of Change"
    assert "Priya Okafor" in person_names(MINUTES)
    assert person_names("The Local Government Association said so.") == []
    done: set[str] = set()
    first = expand_initials("PO said the offer had six parts.", people, done)
    assert first.startswith("Priya Okafor (PO), Director of Change, said")
    assert expand_initials("PO thanked members.", people, done) == "PO thanked members."
    # An organisation's acronym is not a person's initials: "the LGA's teams" stays as quoted.
    body = "Priya Okafor (PO) reported. The Local Government Association (LGA) agreed."
    assert set(defined_initials(body)) == {"PO"}
    assert expand_initials("The LGA's teams helped.", defined_initials(body), set()) == (
        "The LGA's teams helped."
    )


def test_figures_and_dates() -> None:
    assert has_number("Twelve councils took part") and has_number("up 4%")
    assert not has_number("Councils took part in sessions")
    assert has_money("a budget of \u00a32.5m") and not has_money("three councils")
    assert has_date("It launched in July") and has_date("between 2024 and 2025")
    assert has_date("the groups met monthly") and not has_date("the groups met online")


def test_roles_from_cue_lines_carry_across_chunks() -> None:
    assert cue_role("Challenges include:") == "challenge"
    assert cue_role("Practical suggestions and steps:") == "suggestion"
    assert cue_role("Solutions suggested by other participants:") == "suggestion"
    assert cue_role("The participant planned to:") == "action"
    # minutes write the apostrophe either way
    assert cue_role("Members' comments and questions:") == "discussion"
    assert cue_role("Members\u2019 comments:") == "discussion"
    assert (
        cue_role(
            "A long sentence that happens to mention suggestions in passing, not a cue, at all."
        )
        is None
    )
    first = "Theme one\n\nChallenges include:\n\nStaff feel left out.\n\nPractical suggestions and steps:\n\nHold open forums."
    second = "Run joint away days for leaders.\n\nShare stories of change."
    third = "Theme two\n\nThis theme covers data."
    chunks = [
        Chunk(id=f"d::{i}", document_id="d", position=i, text=t, heading_path=("Doc", h))
        for i, (t, h) in enumerate([(first, "One"), (second, "One"), (third, "Two")])
    ]
    spans = role_spans(first)
    assert role_at(spans, first.index("Staff")) == "challenge"
    assert role_at(spans, first.index("Hold")) == "suggestion"
    roles = document_roles(chunks)
    assert roles["d::1"] == "suggestion"  # the section's suggestions continue in chunk 2
    assert roles["d::2"] is None  # a new section resets the role
    # the paragraph of approaches after the challenges is advice, though no short cue line
    prose = (
        "Challenges include:\n\nStaff feel left out.\n\nPossible approaches emerging from the "
        "discussions included open forums. Communication must be plain.\n\nA later paragraph."
    )
    spans = role_spans(prose)
    assert role_at(spans, prose.index("Staff")) == "challenge"
    assert role_at(spans, prose.index("Communication")) == "suggestion"
    assert role_at(spans, prose.index("A later")) == "suggestion"
    mention = "Challenges include:\n\nThe possible approaches were not yet clear to staff."
    assert role_at(role_spans(mention), mention.index("approaches")) == "challenge"


def test_list_blocks() -> None:
    text = (
        "The review looked at four areas. These are:\n\n1. Leadership\n\n2. Money\n\n"
        "3. Skills\n\n4. Data\n\nAfterwards the board met."
    )
    [block] = list_blocks(text)
    assert block.items == ("Leadership", "Money", "Skills", "Data")
    assert block.lead == "The review looked at four areas. These are:"
    colon = "To work well a group should:\n\nMeet often\n\nHave a chair\n\nKeep notes"
    assert list_blocks(colon)[0].items == ("Meet often", "Have a chair", "Keep notes")
    assert list_blocks("No list here. Just prose.") == []


def test_a_section_heading_leads_the_short_lines_under_it() -> None:
    """A markdown bullet list reaches a chunk without its markers: under its heading, short
    lines are the list; long paragraphs, or the same lines without the heading, are not."""
    heading = "Questions to ask officers"
    text = f"{heading}\n\nWhy is change needed?\n\nWhat problem is it solving?\n\nIs it costed?"
    [block] = list_blocks(text, heading=heading)
    assert block.lead == heading
    assert block.items == ("Why is change needed?", "What problem is it solving?", "Is it costed?")
    assert text[block.start : block.end] == text
    assert list_blocks(text) == []
    prose = " ".join(["The board met in May and agreed the plan after a long debate."] * 2)
    assert list_blocks(f"{heading}\n\n{prose}\n\n{prose}", heading=heading) == []


def test_a_list_written_in_one_sentence_between_semicolons() -> None:
    text = (
        "The guide was written in 2022. It covers money; data and records; housing; "
        "and adult social care. It is free."
    )
    [block] = list_blocks(text)
    assert block.lead == "It covers"
    assert block.items == ("money", "data and records", "housing", "adult social care")
    assert text[block.start : block.end].startswith("It covers money;")
    # Fewer than four items (three after a colon), clauses rather than items, or no lead: not a list.
    assert list_blocks("It covers money; data; and housing.") == []
    [three] = list_blocks("It has three themes: money; data; and housing.")
    assert three.items == ("money", "data", "housing")
    assert list_blocks("We met on Monday; it rained; we left; then we came back.") == []
    long = "Staff said they were included; " + "; ".join(
        ["it was a long and winding road to the very end"] * 4
    )
    assert list_blocks(long) == []


def test_a_year_or_a_figure_the_question_states_is_not_the_figure_asked_for() -> None:
    from assistant.answering.structure import has_figure

    assert not has_figure("In 2023/24 the programme planned to grow the scheme.")
    assert not has_figure("It started in 2019.")
    assert not has_figure("Section 151 officers were involved.", ignore=frozenset({"151"}))
    assert has_figure("99 per cent of chief executives valued it.")
    assert has_figure("Three groups met online.")
    assert has_figure("The team grew to 13 people in 2024.")


def test_a_full_date_needs_a_day_of_a_month() -> None:
    from assistant.answering.structure import has_full_date

    assert has_full_date("The board met on 12 March 2024.")
    assert has_full_date("The board met on March 12th.")
    assert not has_full_date("The board met in March 2024.")
    assert not has_full_date("The programme ran in 2023/24.")


def test_a_calendar_date_says_when_a_frequency_says_how_often() -> None:
    often = "The three groups each met online three times."
    assert has_date(often) and not has_calendar_date(often)
    for when in ("They ran between September 2024 and March 2025.", "It began in 2008."):
        assert has_calendar_date(when)
