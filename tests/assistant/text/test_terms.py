"""Words: names in a question, content terms and acronym expansions."""

from __future__ import annotations

from assistant.text.glossary import with_expansions
from assistant.text.terms import content_terms, question_names, spell_out_shorthand, stem


def test_question_names_are_capitalised_words_inside_the_question() -> None:
    assert question_names("What did Brighton and Hove do about housing?") == {"brighton", "hove"}
    assert question_names("What did Brighton's council do?") == {"brighton"}
    # An acronym names no one (the LGA publishes nearly every document), with or without "'s".
    assert question_names("How many people took part in the LGA sets?") == set()
    assert question_names("How many people took part in the LGA's sets?") == set()
    assert question_names("How many people took part in the LGA\u2019s sets?") == set()
    # the first word of each sentence is capitalised anyway
    assert question_names("We run our own. According to the doc, who met Hove?") == {"hove"}


def test_a_possessive_stopword_is_still_a_stopword() -> None:
    assert content_terms("the LGA's themes came out") == {stem("themes")}


def test_common_acronyms_are_not_expanded_into_question_terms() -> None:
    assert "Local Government Association" in with_expansions("the LGA's TIEx")
    kept = with_expansions("the LGA's TIEx", skip_common=True)
    assert "Local Government Association" not in kept
    assert "Transformation and Innovation Exchange" in kept


def test_a_hyphenated_word_also_counts_as_its_parts() -> None:
    terms = content_terms("Stockton-on-Tees Borough Council")
    assert {stem("stockton"), stem("tees"), stem("stockton-on-tees")} <= terms
    assert "on" not in terms


def test_filler_adverbs_are_not_what_a_question_is_about() -> None:
    assert content_terms("What actually is an action learning set?") == {
        stem("action"),
        stem("learning"),
        stem("set"),
    }


def test_past_tense_in_ied_meets_the_base_verb() -> None:
    for forms in (("identified", "identify", "identifies", "identifying"), ("applied", "apply")):
        assert len({stem(w) for w in forms}) == 1, forms
    assert stem("played") == stem("play")  # a vowel before the y: only "-ed" goes


def test_contractions_are_function_words() -> None:
    # "We've got a grant" is about the grant: "we'v" matched no passage and lowered the
    # question's keyword coverage.
    terms = content_terms("We've got a grant and I'm sure they're keen; we don't mind")
    assert terms == {"grant", "sure", "keen", stem("mind")}


def test_typed_shorthand_is_spelled_out_but_a_title_stays() -> None:
    assert spell_out_shorthand("how many cllrs and depts took part?") == (
        "how many councillors and departments took part?"
    )
    assert spell_out_shorthand("Is a cllr on the govt panel?") == (
        "Is a councillor on the government panel?"
    )
    assert spell_out_shorthand("What did Cllr Peter Fleming say?") == (
        "What did Cllr Peter Fleming say?"
    )


def test_an_acronym_in_a_question_names_what_it_stands_for() -> None:
    assert {"artificial", "intelligenc"} <= question_names("Who chairs the LGA's AI network?")
    assert {"tcf", "transform", "capability", "framework"} <= question_names("Is the TCF free?")
    assert question_names("What does the LGA offer?") == set()  # in almost every passage


def test_chat_filler_words_are_not_what_a_question_is_about() -> None:
    terms = content_terms("Ive got a business case coming to scrutiny, what sort of questions?")
    assert {"ive", "sort", "coming"}.isdisjoint(terms)
    assert {"business", "case", "scrutiny", "question"} <= terms


def test_a_short_verb_with_a_double_letter_meets_its_forms() -> None:
    assert stem("added") == stem("adding") == stem("add") == stem("adds")
    assert stem("needed") == stem("need")
    assert stem("used") != stem("us")


def test_a_verb_in_ate_meets_its_ation_noun() -> None:
    assert stem("communicate") == stem("communicated") == stem("communication")
    assert stem("collaborate") == stem("collaboration")
    assert stem("great") == "great" and stem("state") != stem("station")


def test_short_stems_meet_their_other_forms() -> None:
    # a silent "e" lost before -ing / -ed, and a doubled last consonant
    for forms in (
        ("save", "saves", "saved", "saving", "savings"),
        ("make", "making"),
        ("use", "used", "using"),
        ("cut", "cuts", "cutting"),
        ("plan", "plans", "planned", "planning"),
    ):
        assert len({stem(w) for w in forms}) == 1, forms
    # ...and words that only look like it stay apart
    assert stem("being") != stem("be")
    assert stem("added") == stem("add") and stem("called") == "call" and stem("passed") == "pass"
    assert stem("thing") == "thing" and stem("need") == "need"


def test_a_ment_noun_meets_its_verb() -> None:
    for forms in (("involvement", "involve", "involving"), ("investment", "invest")):
        assert len({stem(w) for w in forms}) == 1, forms
    assert stem("comment") == "comment" and stem("moment") == "moment"  # too short to cut
