"""Plainness: the syllables of a sentence's common words, names left out."""

from __future__ import annotations

from assistant.text.readability import PLAINNESS_CAP, plainness


def test_plainer_words_score_higher_and_names_do_not_count() -> None:
    plain = plainness("Ask staff what gets in the way and fix the small things first.")
    hard = plainness(
        "Institutionalise organisational transformation methodologies collaboratively."
    )
    assert plain > 0.0 > hard
    assert hard == -PLAINNESS_CAP  # capped, so one hard sentence cannot sink a key fact
    # A long name costs nothing: only the common words are read.
    named = plainness("The Transformation and Innovation Exchange helps you find what works.")
    assert named == plainness("The hub helps you find what works.")
    assert plainness("Digital Cornwall.") == 0.0  # too few common words to judge
