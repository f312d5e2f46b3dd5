"""Sentence openings that point back at the sentence before (``assistant.text.openings``)."""

from __future__ import annotations

import pytest

from assistant.text.openings import dangling_subject, elaborates, points_back


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("It was rolled out in 2023.", "pronoun"),
        ("They trained 40 officers.", "pronoun"),
        ("This helped the council save money.", "pronoun"),
        ("Those pilots ran for a year.", "pronoun"),
        ("The same document pointed to case studies.", "pronoun"),  # filler, never alone
        ("The council set up a hub.", "generic"),  # alone at a passage's start
        ("The programme ran for two years.", "generic"),
        ("Such schemes need sponsors.", "generic"),
        # Definitions stand alone: "This is a ..." says what it is.
        ("This is a network for officers.", None),
        ("They are the people who deliver it.", None),
        ("Such is a common pattern.", None),
        ("Such are the rules of the scheme.", None),
        ("It is now part of the plan.", "pronoun"),  # "is" without "a/an/the": not a definition
        # Names its subject: a word that only starts like a pronoun, a named council, lower case.
        ("Its budget grew by 5%.", None),
        ("Italy was not part of it.", None),
        ("Theme 2 covers data.", None),
        ("The councillors met monthly.", None),
        ("Newham Council co-designed standards.", None),
        ("it was rolled out in 2023.", None),
        ("However, the pilot ended.", None),  # a connective: points back, subject named
        # An opening phrase before a generic subject: the subject still names nothing.
        ("A few years ago, the council embarked on a savings programme.", "generic"),
        ("In 2023, the programme ran twice.", "generic"),
        ("However, the council agreed.", None),  # a connective, penalised as one
        ("In 2023, the council of the county met.", None),  # "the council of X" names it
    ],
)
def test_a_dangling_subject_is_a_pronoun_or_a_generic_noun(text: str, kind: str | None) -> None:
    assert dangling_subject(text) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("However, the pilot ended.", True),
        ("Also, the council trained staff.", True),
        ("But the savings were small.", True),
        ("Such schemes need sponsors.", True),
        ("This is a network for officers.", True),  # a definition still follows on
        ("They trained 40 officers.", True),
        ("The council set up a hub.", False),  # needs its antecedent, but does not point back
        ("The same document pointed to case studies.", False),
        ("Howeverish is not a word.", False),
        ("Newham Council co-designed standards.", False),
    ],
)
def test_points_back_at_the_sentence_before(text: str, expected: bool) -> None:
    assert points_back(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This could include folding pilots into wider programmes.", True),
        ("These include open forums and away days.", True),
        ("This can be achieved by matching plans to portfolios.", True),
        ("For example, a coffee with the chief executive.", True),
        ("This is a guide to digital outcomes.", False),  # a definition, not a spelling out
        ("This programme runs every year.", False),
        ("Councils could include residents early.", False),
    ],
)
def test_a_sentence_spelling_out_the_one_before(text: str, expected: bool) -> None:
    assert elaborates(text) is expected
