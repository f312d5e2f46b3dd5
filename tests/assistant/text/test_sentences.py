"""Sentence splitting and extraction clean-up (assistant.text.sentences)."""

from __future__ import annotations

import pytest

from assistant.text.sentences import (
    clean_text,
    is_noise_line,
    normalise_whitespace,
    split_sentences,
)


def texts(source: str) -> list[str]:
    return [s.text for s in split_sentences(source)]


@pytest.mark.parametrize(
    "source",
    [
        "Cllr. Jones chaired the board. It met in March.",
        "Councils used tools, e.g. self-assessment. Others did not.",
        "The team met at St. Anne's Hall in the town. Staff attended.",
        "Savings reached 2.5 million pounds in 2023. The target was 3.1 million.",
        "See Dr. Patel's report (i.e. the annual review). It is public.",
    ],
)
def test_abbreviations_and_numbers_do_not_split(source: str) -> None:
    assert len(texts(source)) == 2


def test_sentence_boundaries_before_quotes_and_digits() -> None:
    got = texts("It worked well. “We saved time,” said the lead. 2024 saw more change.")
    assert got == ["It worked well.", "“We saved time,” said the lead.", "2024 saw more change."]


def test_bullets_become_items_and_markers_are_removed() -> None:
    source = "Steps included:\n\n• Engage staff early in the process of change.\n- Publish a clear plan for residents to read.\n1. Review progress every quarter with members."
    got = texts(source)
    assert "Engage staff early in the process of change." in got
    assert "Publish a clear plan for residents to read." in got
    assert "Review progress every quarter with members." in got
    assert not any(t.startswith(("•", "-", "1.")) for t in got)


def test_wrapped_pdf_lines_join_and_hyphenation_is_repaired() -> None:
    source = (
        "The council began a large trans-\nformation of adult services that\n"
        "ran for three years. It was a well-\nknown success."
    )
    got = texts(source)
    assert (
        got[0]
        == "The council began a large transformation of adult services that ran for three years."
    )
    assert got[1] == "It was a well-known success."


def test_hyphen_with_space_joined_when_word_seen_elsewhere() -> None:
    assert clean_text("digital trans- formation matters", "transformation") == (
        "digital transformation matters"
    )
    assert clean_text("short- and long-term goals") == "short- and long-term goals"


def test_running_headers_and_page_numbers_are_dropped() -> None:
    source = (
        "Local Government Association | Transformation Programme\n3\n"
        "The programme supported twelve councils across England.\n"
        "Page 4 of 14\n"
        "Each council set its own priorities for change."
    )
    got = " ".join(texts(source))
    assert "|" not in got and "Page 4" not in got
    assert "The programme supported twelve councils across England." in got
    assert (
        is_noise_line("12") and is_noise_line("Page 3 of 9") and not is_noise_line("Hello world.")
    )


def test_markdown_markers_and_links_are_cleaned() -> None:
    got = texts(
        "## Results\n\nThe **pilot** cut waiting times, see [the report](https://x.example/r)."
    )
    assert got == ["The pilot cut waiting times, see the report."]


def test_headings_are_recorded_not_returned() -> None:
    source = "Delivering efficiencies\n\nConduct regular reviews of initiatives to assess progress."
    sentences = split_sentences(source)
    assert [s.text for s in sentences] == [
        "Conduct regular reviews of initiatives to assess progress."
    ]
    assert sentences[0].heading == "Delivering efficiencies"


def test_quotes_are_verbatim_spans_of_the_source() -> None:
    source = (
        "Intro line without end\n\n• The council  adopted a\nnew model of trans-\nformation.  It "
        "worked, e.g. in housing.\n\nLocal Government Association | Header\n7\nAnother para here."
    )
    folded = normalise_whitespace(source)
    for sentence in split_sentences(source):
        assert sentence.quote in folded
        assert normalise_whitespace(source[sentence.start : sentence.end]) == sentence.quote


def test_back_pointing_openings_are_dropped_from_text_read_alone() -> None:  # #15.9
    from assistant.text.sentences import drop_filler_opening, leans_on_previous

    assert (
        drop_filler_opening(
            "The same document pointed to case studies of councils' use of AI, including Derby's "
            "chatbot."
        )
        == "Case studies of councils' use of AI, including Derby's chatbot."
    )
    assert drop_filler_opening("The same five headings appear in peer challenges.") == (
        "Five headings appear in peer challenges."
    )
    assert leans_on_previous("The same report also notes X.")
    text = "The council used the same approach."
    assert not leans_on_previous(text) and drop_filler_opening(text) == text


def test_split_sentences_is_memoised_but_hands_out_a_fresh_list() -> None:
    from assistant.text.sentences import split_sentences

    text = "Councils share learning. Peers review each other's plans."
    first = split_sentences(text)
    first.clear()  # a caller changing its list does not change the next caller's
    again = split_sentences(text)
    assert [s.text for s in again] == [
        "Councils share learning.",
        "Peers review each other's plans.",
    ]
    assert again[0] is split_sentences(text)[0]  # the same (frozen) sentences: not split again


def test_the_line_naming_who_said_a_quotation_is_a_sentence_not_a_heading() -> None:
    text = (
        "Working together\n\n"
        "\u201cSharing what works will help every council improve.\u201d\n\n"
        "Priya Okafor, Minister for Local Resilience\n\n"
        "Members welcomed the new exchange for councils.\n\n"
        "Next steps\n\n"
        "The exchange will launch in July with twenty councils."
    )
    sentences = split_sentences(text)
    said = [s for s in sentences if s.text.startswith("Priya Okafor")]
    assert [s.text for s in said] == ["Priya Okafor, Minister for Local Resilience"]
    # It does not become the heading of what follows; a heading line still does.
    members = next(s for s in sentences if s.text.startswith("Members"))
    assert members.heading == "Working together"
    launch = next(s for s in sentences if s.text.startswith("The exchange"))
    assert launch.heading == "Next steps"


def test_labelled_lines_under_a_lead_are_sentences_not_headings() -> None:
    text = (
        "The secretariat is held by the LGA and the network is led by:\n\n"
        "Chair: Jane Doe, Head of Change at Marlow Council\n\n"
        "Vice chair: John Roe, Director of Digital, Riverton Council\n\n"
        "Meetings\n\n"
        "The network meets four times a year."
    )
    sentences = split_sentences(text)
    texts = [s.text for s in sentences]
    assert "Chair: Jane Doe, Head of Change at Marlow Council" in texts
    vice = next(s for s in sentences if s.text.startswith("Vice chair:"))
    assert vice.complete  # a whole item, as a list item is
    # the plain heading after them is still a heading
    assert "Meetings" not in texts
    assert sentences[-1].heading == "Meetings"
    # without a lead into them, short labelled lines stay headings
    alone = split_sentences("Chair: Jane Doe, Head of Change\n\nThe network meets monthly.")
    assert [s.text for s in alone] == ["The network meets monthly."]
