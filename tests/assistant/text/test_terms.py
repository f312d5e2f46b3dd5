"""Names in a question: what an answer must be about."""

from __future__ import annotations

from assistant.text.terms import question_names


def test_question_names_are_capitalised_words_inside_the_question() -> None:
    assert question_names("What did Brighton and Hove do about housing?") == {"brighton", "hove"}
    assert question_names("What did Brighton's council do?") == {"brighton"}
    # An acronym names no one (the LGA publishes nearly every document), with or without "'s".
    assert question_names("How many people took part in the LGA sets?") == set()
    assert question_names("How many people took part in the LGA's sets?") == set()
    assert question_names("How many people took part in the LGA\u2019s sets?") == set()
