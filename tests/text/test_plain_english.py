"""The plain-English layer for councillor answers (assistant/text/plain.py): each
transformation, and the safety checks that keep a sentence as it was."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from assistant.text.plain import (
    LEAD,
    Rewrite,
    _rule,
    drop_asides,
    keeps_facts,
    load_rules,
    names_of,
    numbers_of,
    numerals,
    parse_units,
    plain_english,
    plain_sentence,
    replace_words,
    short_lead,
    split_sentence,
    word_count,
)
from evals.metrics import citation_markers, readability, split_sentences

# --- the word list ---------------------------------------------------------------------------


def test_word_list_loads_and_is_reviewed_size() -> None:
    rules = load_rules()
    assert 80 <= len(rules) <= 300
    phrases = [r.phrase for r in rules]
    assert len(phrases) == len(set(phrases))
    for risky in ("capacity", "capability", "outcomes", "prioritisation", "benchmarking"):
        assert risky not in phrases  # can change the meaning here: left out on purpose


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Councils utilise data", "Councils use data"),
        ("They met prior to the launch", "They met before the launch"),
        ("It was done in order to save money", "It was done to save money"),
        ("A report in relation to housing", "A report about housing"),
        ("It brought in a range of partners", "It brought in many partners"),
        ("It brought in a range of support", "It brought in a range of support"),  # not plural
        ("New methodologies were tested", "New methods were tested"),
        ("Key stakeholders agreed", "Key people involved agreed"),
        (
            "The LGA commissioned Shared Intelligence to review it",
            "The LGA asked Shared Intelligence to review it",
        ),
        ("Prior to 2020 it was slower", "Before 2020 it was slower"),  # capital at the start
        ("It has demonstrated value", "It has shown value"),  # participle after "has"
        ("The pilot demonstrated value", "The pilot showed value"),
        ("However, it worked", "But it worked"),
        ("They facilitate sessions", "They help sessions"),
        # no swap that would repeat a word beside it ("training and training")
        ("Training and upskilling staff helps", "Training and upskilling staff helps"),
        ("Upskilling staff helps", "Training staff helps"),
    ],
)
def test_replace_words(before: str, after: str) -> None:
    assert replace_words(before) == after


def test_replace_words_leaves_names_and_fixes_articles() -> None:
    # Capitalised mid-sentence: part of a name.
    assert replace_words("the Stakeholders Forum met") == "the Stakeholders Forum met"
    assert replace_words("an additional officer") == "an extra officer"
    assert replace_words("an utilisation review") == "a use review"
    assert replace_words("a comprehensive review") == "a full review"


def test_transformation_becomes_change_only_in_its_common_phrases_and_never_in_a_name() -> None:
    assert replace_words("staff discuss transformation projects") == "staff discuss change projects"
    assert replace_words("Transformation programmes take time") == "Change programmes take time"
    assert replace_words("They want transformational change") == "They want major change"
    # On its own too (GOV.UK: avoid "transform"), but never in the LGA offers' names, nor next
    # to "change" already.
    assert replace_words("the roots of transformation") == "the roots of change"
    assert replace_words("Transformation is hard") == "Change is hard"
    assert replace_words("skills they need in digital transformation") == (
        "skills they need in digital change"
    )
    for kept in (
        "the LGA transformation masterclasses",
        "the transformation support offer",
        "the transformation network met",
        "why transformation and change are needed",
        "change through transformation",
        "the Head of Transformation",
    ):
        assert replace_words(kept) == kept
    assert (
        replace_words("LGA Transformation Programme staff") == "LGA Transformation Programme staff"
    )
    # A capitalised word after the phrase at a sentence's start marks a name.
    assert replace_words("Additional Needs Team staff met") == "Additional Needs Team staff met"
    assert replace_words("Additional staff met") == "Extra staff met"
    # ...also after a joining word: an acronym's expansion opening a sentence is a name.
    tiex = "Transformation and Innovation Exchange (TIEx) points councils to peer challenges"
    assert replace_words(tiex) == tiex
    assert replace_words("Transformation and change go together") == (
        "Transformation and change go together"
    )


# --- asides and parentheticals ---------------------------------------------------------------


def test_drop_asides_and_plain_parentheticals() -> None:
    assert drop_asides("The council, however, kept the plan") == "The council kept the plan"
    assert drop_asides("Officers (and some members) took part") == "Officers took part"
    assert drop_asides("Staff – mostly new starters – took part") == "Staff took part"


def test_parentheticals_with_numbers_names_or_definitions_stay() -> None:
    for text in (
        "Satisfaction rose (from 80 per cent) last year",
        "The hub (run by Essex) opened",
        "Local Government Association (LGA) support",
        "It cost less (\u00a32m) than planned",
    ):
        assert drop_asides(text) == text


def test_brackets_that_tell_a_lists_items_apart_stay() -> None:
    listed = (
        "Talks came from Marlow Council (leadership development), Kent County Council "
        "(systems thinking) and Bristol City Council (change champion networks)"
    )
    assert drop_asides(listed) == listed  # without them every council did every thing
    # ...and only those: an aside or an enumerator beside them still goes
    assert drop_asides(listed + " (and others), (i) online") == listed + ", online"
    assert drop_asides("Officers (and some members) took part, however") == (
        "Officers took part, however"
    )


# --- splitting -------------------------------------------------------------------------------


def test_split_at_semicolon_between_clauses() -> None:
    text = (
        "Councils reported that the sessions were useful and well run; they also said the "
        "approach helped them work with partners"
    )
    assert split_sentence(text) == [
        "Councils reported that the sessions were useful and well run",
        "They also said the approach helped them work with partners",
    ]


def test_split_at_comma_and_between_independent_clauses() -> None:
    text = (
        "The council set up a digital hub for its residents in 2021, and they used it to "
        "answer most questions online"
    )
    assert split_sentence(text) == [
        "The council set up a digital hub for its residents in 2021",
        "They used it to answer most questions online",
    ]


def test_split_which_clause_into_this_sentence() -> None:
    text = (
        "The council moved its contact centre to a new online platform last year, which "
        "saved officers a great deal of time"
    )
    assert split_sentence(text) == [
        "The council moved its contact centre to a new online platform last year",
        "This saved officers a great deal of time",
    ]


def test_split_and_plus_pronoun_clause_without_a_comma() -> None:
    text = (
        "The programme was warmly welcomed by the board and it was considered to be a huge "
        "opportunity for councils"
    )
    assert split_sentence(text) == [
        "The programme was warmly welcomed by the board",
        "It was considered to be a huge opportunity for councils",
    ]
    # "and they" with no verb after it is not a clause; a comma before it leaves it to the
    # ", and" rule.
    noun = "Officers from the county worked with the districts and they themselves on a new plan"
    assert split_sentence(noun) == [noun]


@pytest.mark.parametrize(
    "who,they",
    [
        ("who provided an update on change champion networks", "They provided an update"),
        ("who has led the programme since it started in the north", "They have led"),
        ("who chairs the regional network of change officers", "They chair the regional"),
        ("who carries the budget for the whole digital programme", "They carry the budget"),
    ],
)
def test_split_who_clause_after_a_complete_sentence_into_they(who: str, they: str) -> None:
    left = "The final speaker at the meeting was from Bristol City Council"
    pieces = split_sentence(f"{left}, {who}")
    assert pieces[0] == left
    assert pieces[1].startswith(they)


def test_no_split_of_a_who_clause_inside_the_subject_or_after_a_fragment() -> None:
    inside = "Susan Attard, who leads the productivity team at the LGA, reported on the programme"
    assert split_sentence(inside) == [inside]
    fragment = "Thanks to the chief executive of the county council, who opened the session warmly"
    assert split_sentence(fragment) == [fragment]


def test_a_colon_list_of_semicolon_items_becomes_bullets_each_cited() -> None:
    text = (
        "The self-assessment covers five areas: understanding of place and priority setting; "
        "leadership of place; financial planning and viability; organisational leadership and "
        "governance; and capacity to deliver [1]. It was launched in 2019 [2]."
    )
    out = plain_english(text, lead=False)
    lines = out.splitlines()
    assert lines[:6] == [
        "The self-assessment covers five areas [1]:",
        "- understanding of place and priority setting [1]",
        "- leadership of place [1]",
        "- financial planning and viability [1]",
        "- organisational leadership and governance [1]",
        "- capacity to deliver [1]",
    ]
    # The paragraph goes on below the list, not on its last line.
    assert lines[6:] == ["", "It was launched in 2019 [2]."]
    # The eval reads each bullet as one short sentence, every one cited.
    assert all(citation_markers(s) == [1] for s in split_sentences(out)[:6])


def test_a_list_of_long_items_or_of_two_stays_a_sentence() -> None:
    two = "The review had two aims: agree a score for the council; and write an action plan [1]."
    assert "\n" not in plain_english(two, lead=False)
    long_items = (
        "Members raised three points: the LGA would develop questions for members to ask "
        "officers about change in their councils linked to the framework; feedback would be "
        "sought; and both would attend [1]."
    )
    assert "\n- " not in plain_english(long_items, lead=False)


def test_no_split_in_lists_or_short_sentences_or_noun_phrases() -> None:
    listed = "Themes included: leadership and culture; data and digital; money and savings plans"
    assert split_sentence(listed) == [listed]
    short = "It worked; they said so"
    assert split_sentence(short) == [short]
    noun_phrase = (
        "The programme covered leadership for senior officers across the region, and the role "
        "of scrutiny in big change programmes"
    )
    assert split_sentence(noun_phrase) == [noun_phrase]
    # "need" only ends like a past tense: "the need to understand ..." is no clause.
    need = (
        "The proposals highlighted the need for lead members to work with cabinet members as "
        "a group, and the need to understand why some colleagues are reluctant"
    )
    assert split_sentence(need) == [need]
    mid_which = (
        "The new digital hub in the north of the county, which opened in 2020, has saved the "
        "council money"
    )
    assert split_sentence(mid_which) == [mid_which]


# --- safety ----------------------------------------------------------------------------------


def test_numbers_and_names_are_counted() -> None:
    assert numbers_of("1,200 staff and three teams, 43% online") == {"1200": 1, "three": 1, "43": 1}
    assert names_of("The LGA and Essex County Council met") == {
        "LGA": 1,
        "Essex": 1,
        "County": 1,
        "Council": 1,
    }
    assert names_of("LGA support") == {"LGA": 1}  # an acronym counts even first
    assert keeps_facts("Essex saved 20 per cent", "Essex saved 20 per cent quickly")
    assert not keeps_facts("Essex saved 20 per cent", "It saved 20 per cent")
    assert not keeps_facts("Essex saved 20 per cent", "Essex saved a fifth")


def test_a_rewrite_that_would_lose_a_name_keeps_the_sentence() -> None:
    drops_gap = (_rule("met with {x} to", "met to"),)
    assert replace_words("officers met with the team to plan it", drops_gap) == (
        "officers met to plan it"
    )
    body = "Officers in Kent met with Essex officers to plan it."
    assert plain_sentence(body, drops_gap) == [
        "Officers in Kent met with Essex officers to plan it"
    ]


def test_a_rewrite_that_would_lose_a_number_keeps_the_sentence() -> None:
    eats_number = (_rule("about 40", "about"),)
    body = "The team answered about 40 calls a day."
    assert plain_sentence(body, eats_number) == ["The team answered about 40 calls a day"]


def test_a_sentence_is_still_rewritten_where_it_is_safe() -> None:
    body = "Officers utilise about 40 tools in order to help Essex."
    assert plain_sentence(body) == ["Officers use about 40 tools to help Essex"]


def test_every_sentence_keeps_its_citation_marker() -> None:
    text = (
        "Councils reported that the sessions were useful and well run; they also said the "
        "approach helped them work with partners across the region [1]. In addition, 99% of "
        "participants were satisfied with the support, and they said it had demonstrated the "
        "value of peer challenge [2]."
    )
    out = plain_english(text, acronyms={}, lead=False)
    sentences = split_sentences(out)
    assert len(sentences) == 4
    for sentence in sentences:
        assert citation_markers(sentence), sentence
    assert "99%" in out


def test_a_sentence_without_marker_is_left_alone() -> None:
    text = "Utilise this text"
    assert plain_english(text) == text


# --- lead, acronyms, cap ---------------------------------------------------------------------


def test_a_long_first_sentence_is_not_cut_down_into_a_lead() -> None:
    text = (
        "The council set up a digital hub for residents, working with local charities and "
        "voluntary groups to reach people who are not online [1]. It answered most questions "
        "in the first year [1]."
    )
    out = plain_english(text, acronyms={})
    assert LEAD not in out  # a shortened sentence could lose what made it true
    assert "working with local charities" in out


def test_a_short_first_sentence_becomes_the_lead_and_is_not_repeated() -> None:
    text = "Peer challenge helps councils improve [1]. It is free [1]."
    out = plain_english(text, acronyms={})
    assert out == f"{LEAD} Peer challenge helps councils improve [1].\n\nIt is free [1]."


def test_lead_is_not_cut_where_it_would_drop_a_number_or_name() -> None:
    assert (
        short_lead(
            "The council worked with partners across the area, saving 20 per cent "
            "on costs in the first two years"
        )
        is None
    )
    assert (
        short_lead(
            "The council worked with partners across the area, with help from Essex "
            "County Council and many more"
        )
        is None
    )


def test_acronym_spelled_out_once_even_with_a_lead() -> None:
    text = (
        "The Local Government Association (LGA) offers free peer challenge [1]. The LGA pays [1]."
    )
    out = plain_english(text, acronyms={"LGA": "Local Government Association"})
    assert out.count("Local Government Association") == 1
    assert out.index("Local Government Association (LGA)") < out.index("LGA pays")


def test_well_known_acronyms_are_not_spelled_out_for_councillors() -> None:
    text = (
        "A Local Government Association (LGA) hub helps councils [1]. "
        "The LGA and the TIEx team run peer support for councils across England [2]."
    )
    out = plain_english(text)
    assert "Local Government Association" not in out
    assert "An LGA hub helps councils [1]" in out  # the article follows the acronym
    assert "Transformation and Innovation Exchange (TIEx)" in out  # not well known: spelled out
    # Explicitly given acronyms are still spelled out.
    given = plain_english(text, acronyms={"LGA": "Local Government Association"})
    assert "Local Government Association (LGA)" in given


def test_word_cap_drops_trailing_sentences_but_keeps_every_citation() -> None:
    text = (
        "Peer challenge helps councils improve their services [1]. " * 1
        + "It is run by other councillors and officers from elsewhere [1]. "
        + "Reports are published with an action plan after the visit [1].\n\n"
        + "A progress review follows within twelve months of the challenge [2]. "
        + "Most councils say the challenge had a positive impact [2]."
    )
    out = plain_english(text, acronyms={}, max_words=35)
    assert word_count(out) <= 35 or set(citation_markers(out)) == {1, 2}
    assert set(citation_markers(out)) == {1, 2}
    assert out.startswith(LEAD)


def test_plain_english_reads_easier_on_a_typical_answer() -> None:
    text = (
        "In order to facilitate improvement, the LGA commissioned Shared Intelligence to "
        "evaluate the programme, and they utilised a range of methodologies including surveys "
        "with stakeholders and interviews with senior officers across participating councils "
        "[1]. Additionally, councils reported that the sessions provided a comprehensive "
        "overview of transformation approaches; they subsequently established a number of "
        "initiatives to implement the learning in relation to digital services [2]."
    )
    before = readability(text)
    after = readability(plain_english(text, acronyms={"LGA": "Local Government Association"}))
    assert before and after
    assert after["flesch"] > before["flesch"] + 10
    assert after["words_per_sentence"] < before["words_per_sentence"]


def test_accept_sees_every_plain_version_and_a_refused_one_stays_as_written() -> None:
    text = (
        "Councils utilise data in order to plan [1]. Staff commence work prior to launch [2, 3]. "
        "Nothing to change here [1]."
    )
    seen: list[Rewrite] = []

    def refuse_the_second(rewrites: Sequence[Rewrite]) -> list[bool]:
        seen.extend(rewrites)
        return [i != 1 for i in range(len(rewrites))]

    out = plain_english(text, lead=False, accept=refuse_the_second)
    assert [(r.original, r.cites) for r in seen] == [
        ("Councils utilise data in order to plan", (1,)),
        ("Staff commence work prior to launch", (2, 3)),
    ]
    assert seen[0].pieces == ("Councils use data to plan",)
    assert "Councils use data to plan [1]." in out
    assert "Staff commence work prior to launch [2, 3]." in out
    assert plain_english(text, lead=False, accept=lambda rs: [True] * len(rs)) == (
        plain_english(text, lead=False)
    )


def test_a_lead_cut_from_a_split_sentence_must_pass_accept_as_shown() -> None:
    text = (
        "The programme was warmly welcomed by the board and it was considered to be a huge "
        "opportunity for councils [1]. Members asked for more detail [2]."
    )
    seen: list[Rewrite] = []

    def refuse_leads(rewrites: Sequence[Rewrite]) -> list[bool]:
        seen.extend(rewrites)
        return [not r.pieces[0].startswith(LEAD) for r in rewrites]

    out = plain_english(text, accept=refuse_leads)
    assert seen[-1].pieces == (f"{LEAD} The programme was warmly welcomed by the board",)
    assert seen[-1].cites == (1,)
    assert LEAD not in out
    assert out.startswith("The programme was warmly welcomed by the board [1]. It was considered")
    # Accepted, the split sentence's first piece is the lead and is not said twice.
    out = plain_english(text, accept=lambda rs: [True] * len(rs))
    assert out.startswith(f"{LEAD} The programme was warmly welcomed by the board [1].")
    assert out.count("warmly welcomed") == 1


def test_a_cited_documents_name_is_never_reworded() -> None:
    from assistant.types import Citation
    from tests.helpers import make_chunk

    text = "Marlow councillor development for transformation utilises four sessions [1]."
    chunk = make_chunk("d", 0, text, title="Marlow councillor development for transformation")
    out = plain_english(text, [Citation(n=1, chunk=chunk, quote=text)], acronyms={}, lead=False)
    assert out == "Marlow councillor development for transformation uses four sessions [1]."
    # without the citation's title, the name's words are plain words like any other
    assert "development for change" in plain_english(text, acronyms={}, lead=False)


def test_parse_units_keeps_paragraphs() -> None:
    units = parse_units("One two three [1]. Four five [1].\n\nSix seven [2].")
    assert [(u.body, u.marker, u.paragraph) for u in units] == [
        ("One two three", "[1]", 0),
        ("Four five", "[1]", 0),
        ("Six seven", "[2]", 1),
    ]
    assert all(re.fullmatch(r"\[\d\]", u.marker) for u in units)


def test_no_lead_from_a_fragment_or_a_sentence_leaning_on_another() -> None:
    for first in (
        "Changing the scope of delivery across the whole council [1].",
        "This helped councils to plan better [1].",
        "All councils are encouraged to take up this opportunity [1].",  # which one?
    ):
        assert not plain_english(first + " It is free [1].", acronyms={}).startswith(LEAD)
    kept = "Peer challenge helps councils improve this year [1]. It is free [1]."
    assert plain_english(kept, acronyms={}).startswith(LEAD)  # "this year" points nowhere


def test_word_cap_drops_repeats_first_then_sentences_without_numbers() -> None:
    text = (
        "Councils must have a peer challenge at least every five years [1]. "
        "Reports are published with an action plan within 12 months [1]. "
        "The challenge is a review led by peers from other councils [1]. "
        "Every council must have a peer challenge at least every five years [1].\n\n"
        "Most councils say the challenge helped [2]."
    )
    out = plain_english(text, acronyms={}, lead=False, max_words=36)
    assert "Every council must" not in out  # repeats the first sentence
    assert "12 months" in out  # the sentence with a number outlasts the one without
    assert "review led by peers" not in out
    assert set(citation_markers(out)) == {1, 2}


def test_word_cap_drops_the_least_relevant_sentence_when_the_answerer_ranked_them() -> None:
    text = (
        "Action learning sets bring councillors and officers together to solve problems [1]. "
        "The LGA asked Shared Intelligence to run the sets from September 2024 to March 2025 [1]. "
        "Each council sends one officer and one councillor to three free sessions [1].\n\n"
        "The sets aimed to help councils act on their programmes [2]."
    )
    priority = (
        "Action learning sets bring councillors and officers together to solve problems.",
        "Each council sends one officer and one councillor to three free sessions.",
        "The sets aimed to help councils act on their programmes.",
        "The LGA asked Shared Intelligence to run the sets from September 2024 to March 2025.",
    )
    ranked = plain_english(text, acronyms={}, lead=False, max_words=36, priority=priority)
    assert "free sessions" in ranked and "Shared Intelligence" not in ranked
    # Without the ranking, the sentence with more names and numbers outlasts it.
    unranked = plain_english(text, acronyms={}, lead=False, max_words=36)
    assert "Shared Intelligence" in unranked and "free sessions" not in unranked
    assert set(citation_markers(ranked)) == {1, 2}


def test_a_source_label_goes_with_the_sentences_the_word_cap_drops() -> None:
    text = (
        "The programme says:\n\n"
        "Peer challenges remain central to the support on offer to every council [1]. "
        "Councils after elections can ask for top team development [2].\n\n"
        "The programme says:\n\n"
        "The leadership offer is also growing through new development chances with partners [1]."
        "\n\nOfficer development says:\n\n"
        "Marlow hosted the graduate challenge in 2023 [3]."
    )
    out = plain_english(text, acronyms={}, lead=False, max_words=36)
    assert "leadership offer" not in out  # dropped by the cap...
    assert out.count("The programme says:") == 1  # ...and its lead-in with it
    assert "Officer development says:\n\nMarlow hosted" in out
    assert set(citation_markers(out)) == {1, 2, 3}


def test_word_cap_keeps_the_answerers_first_two_picks_even_over_the_cap() -> None:
    text = (
        "\u201cThe exchange will help councils to deliver high quality services.\u201d [1] "
        "Robin Hale, Minister for Local Government [1].\n\n"
        "The Marlow masterclasses ran on 22 November 2023 and 1 February 2024 [2]."
    )
    priority = (
        "\u201cThe exchange will help councils to deliver high quality services.\u201d",
        "Robin Hale, Minister for Local Government",
        "The Marlow masterclasses ran on 22 November 2023 and 1 February 2024.",
    )
    out = plain_english(text, acronyms={}, lead=False, max_words=20, priority=priority)
    assert "Robin Hale, Minister for Local Government" in out  # the answer to "which minister?"
    assert set(citation_markers(out)) == {1, 2}
    # ranked third, the same sentence is what the cap drops
    third = (priority[0], priority[2], priority[1])
    assert "Robin Hale" not in plain_english(
        text, acronyms={}, lead=False, max_words=20, priority=third
    )


def test_a_list_answer_keeps_its_lines() -> None:
    from assistant.text.plain import plain_english

    text = (
        "The review grouped what it heard into three themes [1]:\n"
        "- leadership and culture [1]\n- money and savings [1]\n- working with residents [1]"
    )
    out = plain_english(text, (), max_words=120, lead=False)
    assert "\n- leadership and culture [1]\n- money and savings [1]\n" in out


def test_numbers_from_ten_up_become_numerals_and_per_cent_a_sign() -> None:
    assert numerals("Ninety-nine per cent of twelve councils") == "99% of 12 councils"
    assert numerals("three groups met twice") == "three groups met twice"  # small numbers stay
    assert numerals("The Twenty Twenty Programme ran") == "The Twenty Twenty Programme ran"
    # "twelve" and "12" are one number, so the rewrite keeps the sentence's facts...
    assert keeps_facts("Twelve councils took part.", "12 councils took part.")
    assert not keeps_facts("Twelve councils took part.", "Councils took part.")
    # ...and a councillor's answer gets the numerals, cited as before
    text = plain_english("Ninety-nine per cent of councillors said the course helped [1].")
    assert "99% of councillors said the course helped [1]." in text


def test_a_source_label_over_nothing_is_dropped_when_its_sentence_becomes_the_lead() -> None:
    text = (
        "Officer development says:\n\n"
        "The network also offers a chief executive programme with partners [1].\n\n"
        "The Marlow case study says:\n\n"
        "Marlow District Council presented its tracker to the network in 2024 [2]."
    )
    out = plain_english(text, acronyms={})
    assert out.startswith(LEAD)
    assert "Officer development says:" not in out  # its only sentence is the lead now
    assert "The Marlow case study says:" in out
    assert set(citation_markers(out)) == {1, 2}


def test_split_a_closing_done_by_clause_of_a_sentence_saying_what_something_is() -> None:
    text = (
        "The Marlow Review is a free, facilitated version of the self-assessment for councils, "
        "funded by the department and run by Local Partners"
    )
    assert split_sentence(text) == [
        "The Marlow Review is a free, facilitated version of the self-assessment for councils",
        "The Marlow Review is funded by the department and run by Local Partners",
    ]
    dated = (
        "The Marlow programmes are the LGA's packages of support for councils in the region, "
        "developed in 2023/24 under a funding agreement with the department"
    )
    assert split_sentence(dated)[1] == (
        "The Marlow programmes were developed in 2023/24 under a funding agreement with the "
        "department"
    )
    # Not when the clause goes on ("..., that matches"), nor when the sentence does not say
    # what its subject is ("A council can have ..., funded by": "It" would be the council).
    goes_on = (
        "The Marlow Pilot is a pilot programme, proposed by the department and presented to the "
        "network, that matches councils with peers"
    )
    assert split_sentence(goes_on) == [goes_on]
    no_is = (
        "A council can have its self-assessment run free of charge through a Marlow Review, "
        "funded by the department and run by Local Partners"
    )
    assert split_sentence(no_is) == [no_is]
