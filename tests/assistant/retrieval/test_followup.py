"""Follow-ups resolved against the people, councils, programmes and list items of earlier turns
(user and assistant turns), through ``rewrite_question`` as the service calls it."""

from __future__ import annotations

import pytest

from assistant.retrieval.followup import find_list, find_people, resolve, topic_of, track
from assistant.retrieval.rewrite import rewrite_question
from assistant.types import Turn


def convo(*pairs: tuple[str, str]) -> list[Turn]:
    turns: list[Turn] = []
    for question, reply in pairs:
        turns += [Turn("user", question), Turn("assistant", reply)]
    return turns


MINUTES = convo(
    (
        "Who spoke about productivity at the Improvement and Innovation Board?",
        "Susan Attard (SA), Head of Productivity at the LGA, introduced the item on the "
        "Transformation Support Programme [1].",
    )
)
CHAIR = convo(
    (
        "Who chairs the Transformation Network?",
        "Clare Rowley, Head of Transformation at Lincolnshire County Council [1].",
    )
)
TOM = convo(
    (
        "Which council presented its Transformation Operating Model to the network?",
        "Cornwall Council, explaining how its TOM combines agile methods with digital skills [1].",
    )
)
SETS = convo(
    (
        "What were the LGA's transformation action learning sets?",
        "They were peer learning sessions run by Shared Intelligence for the LGA between "
        "September 2024 and March 2025 [1].",
    )
)
SEVEN_CS = convo(
    (
        "What are the 7Cs?",
        "Clarity, Collaboration, Commitment, Capability, Capacity, Control and Culture: a "
        "checklist of the conditions needed for successful change [1].",
    )
)
NUMBERED = convo(
    (
        "What support does the Transformation Support Programme offer?",
        "The programme offers:\n1. Peer support from experienced councillors [1]\n"
        "2. Learning and skills for officers [2]\n3. Tools and resources such as TIEx [1]",
    )
)


# -- people: he / she / him / her -----------------------------------------------------------


def test_she_is_the_person_named_with_role_and_initials() -> None:
    out = rewrite_question("What did she say about digital skills?", MINUTES)
    assert out == "What did Susan Attard say about digital skills?"
    people = find_people(MINUTES[1].content)
    assert [name for _, name, _ in people] == ["Susan Attard"]
    assert people[0][2] == "SA"  # the initials the minutes define


def test_he_is_the_person_the_reply_named_with_a_title() -> None:
    turns = convo(
        (
            "Who launched the Transformation and Innovation Exchange?",
            "The LGA launched it; Cllr Peter Fleming, then chairman of the Improvement and "
            "Innovation Board, welcomed it [1].",
        )
    )
    assert rewrite_question("What else did he say?", turns) == ("What else did Peter Fleming say?")
    # "his" is a possessive.
    assert "Peter Fleming's" in rewrite_question("What was his role?", turns)


def test_the_person_is_the_latest_one_across_turns() -> None:
    turns = MINUTES + CHAIR
    assert "Clare Rowley" in rewrite_question("What does she do?", turns)
    assert "Susan Attard" not in rewrite_question("What does she do?", turns)


def test_organisation_words_are_not_people() -> None:
    text = "The Transformation Network, chaired by the LGA, met in Local Government House."
    assert find_people(text) == []


# -- councils and groups: they / them / their / that council ---------------------------------


def test_they_is_the_council_a_which_council_turn_was_answered_with() -> None:
    out = rewrite_question("How much have they put into going digital?", TOM)
    assert out == "How much have Cornwall Council put into going digital?"


def test_that_council_is_the_council_of_the_person_named() -> None:
    out = rewrite_question("Has that council got anything on tracking benefits?", CHAIR)
    assert out == "Has Lincolnshire County Council got anything on tracking benefits?"


def test_them_is_a_plural_programme_when_the_turn_asked_about_one() -> None:
    out = rewrite_question("How many people took part in them?", SETS)
    assert out == "How many people took part in the LGA's transformation action learning sets?"


def test_their_is_possessive_of_the_council() -> None:
    out = rewrite_question("What were their results?", TOM)
    assert out == "What were Cornwall Council's results?"


def test_it_and_them_in_one_question() -> None:
    turns = convo(
        (
            "Which council's chatbot does the LGA point to as an example?",
            "The action learning document links to Derby Council's chatbot [1].",
        )
    )
    out = rewrite_question("How well did it work for them?", turns)
    assert out == "How well did Derby Council's chatbot work for them?"


# -- programmes and topics: it / that / this -------------------------------------------------


def test_it_is_the_programme_asked_about_and_is_written_once() -> None:
    turns = convo(
        (
            "What's the Digitalisation Almanac?",
            "It is a practical LGA guide to the 12 digital outcomes [1].",
        )
    )
    out = rewrite_question("Who produced it, and when did it come out?", turns)
    assert out == "Who produced the Digitalisation Almanac, and when did it come out?"


def test_it_after_a_who_question_is_the_programme_not_the_question() -> None:
    turns = convo(
        (
            "Who launched the Transformation and Innovation Exchange?",
            "The LGA launched a beta version at its annual conference [1].",
        )
    )
    out = rewrite_question("And which government minister backed it?", turns)
    assert out == "Which government minister backed the Transformation and Innovation Exchange?"


def test_that_as_a_pronoun_carries_the_topic_with_agreement() -> None:
    turns = convo(
        (
            "How often did the action learning set groups meet?",
            "There were three groups, and each one met three times [1].",
        )
    )
    out = rewrite_question("Was that online or in person?", turns)
    assert out == "Were the action learning set groups online or in person?"


def test_the_person_who_raised_it() -> None:
    turns = convo(
        (
            "What did the board minutes say about the digital skills gap?",
            "Susan Attard (SA) raised the digital skills gap in councils [1].",
        )
    )
    out = rewrite_question("And the person who raised it?", turns)
    assert "the digital skills gap" in out and out.startswith("The person who raised")


def test_chained_follow_ups_keep_the_first_topic() -> None:
    turns = convo(
        ("What's the Digitalisation Almanac?", "An LGA guide [1]."),
        ("Who produced it?", "PUBLIC produced it for the LGA [1]."),
    )
    assert "Digitalisation Almanac" in rewrite_question("When did it come out?", turns)


# -- list items --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What does the fifth one mean in practice?", "What does Capacity (from the 7Cs) mean"),
        ("And the last one?", "Culture (from the 7Cs)"),
        ("Tell me more about number 2", "Tell me more about Collaboration (from the 7Cs)"),
    ],
)
def test_ordinals_pick_the_inline_list_item(question: str, expected: str) -> None:
    assert expected in rewrite_question(question, SEVEN_CS)


def test_ordinals_pick_a_numbered_line_without_its_citation() -> None:
    out = rewrite_question("Tell me more about the second one", NUMBERED)
    assert out == (
        "Tell me more about Learning and skills for officers "
        "(from the Transformation Support Programme)"
    )


INLINE_NUMBERED = convo(
    (
        "What themes did the action learning sets cover?",
        "The learning document groups them into four themes: 1) people change and buy-in; "
        "2) collaborative working; 3) delivery models; 4) finance and cost savings [1].",
    )
)
DATED = convo(
    (
        "What masterclasses has the LGA run?",
        "There were three peer-led masterclasses: measuring impact (22 November 2023), culture "
        "change (5 December 2023) and operating models (1 February 2024) [1].",
    )
)


def test_an_inline_numbered_list_is_a_list_and_its_lead_in_names_it() -> None:
    assert find_list(INLINE_NUMBERED[1].content) == [
        "people change and buy-in",
        "collaborative working",
        "delivery models",
        "finance and cost savings",
    ]
    assert rewrite_question("Can you say more about the third one?", INLINE_NUMBERED) == (
        "Can you say more about delivery models (from themes of the action learning sets)?"
    )
    # Numbers that are no run from 1) are no list.
    assert find_list("Groups of 6) to 12) people met 3) times") == []


def test_the_last_of_those_is_the_last_item_without_its_date() -> None:
    out = rewrite_question("Which council shared its experience at the last of those?", DATED)
    assert "operating models" in out and "2024" not in out
    assert "masterclasses" in out
    assert "measuring impact" in rewrite_question("And the first of them?", DATED).lower()


def test_an_item_named_then_one_and_a_which_council_they() -> None:
    out = rewrite_question(
        "and the operating models one - which council was it and what did they do?", DATED
    )
    assert "operating models (from peer-led masterclasses" in out
    assert out.endswith("what did they do?")  # "they": the council asked for, not the LGA


def test_the_second_guy_is_the_second_person_named() -> None:
    turns = convo(
        (
            "Who was quoted in the article?",
            "Two people were quoted: Cllr Ann Lee, Chair of the Marlow Board, and Robin Hale, "
            "then Minister for Local Government.",
        )
    )
    assert "Robin Hale" in rewrite_question("what did the second guy say?", turns)


def test_her_council_is_the_council_she_works_for() -> None:
    turns = convo(
        (
            "who chairs the network?",
            "The network is chaired by Ann Lee, Head of Change at Lincolnshire County Council.",
        )
    )
    out = rewrite_question("has her council got anything on measuring benefits?", turns)
    assert out == "Has Lincolnshire County Council got anything on measuring benefits?"
    # Also in a question that names its own subject (its "it" stays: the council runs it).
    out = rewrite_question(
        "What else has her council shared with the LGA about how it runs change?", turns
    )
    assert (
        out
        == "What else has Lincolnshire County Council shared with the LGA about how it runs change?"
    )


def test_lists_in_their_forms() -> None:
    assert find_list(SEVEN_CS[1].content) == [
        "Clarity",
        "Collaboration",
        "Commitment",
        "Capability",
        "Capacity",
        "Control",
        "Culture",
    ]
    oxford = (
        "There are five: understanding of local place and priority setting, leadership of "
        "place, financial planning and viability, organisational leadership and governance, "
        "and capacity to deliver."
    )
    assert find_list(oxford) == [
        "understanding of local place and priority setting",
        "leadership of place",
        "financial planning and viability",
        "organisational leadership and governance",
        "capacity to deliver",
    ]
    roman = "Members agreed (i) to fund the network, (ii) to publish TIEx and (iii) to review."
    assert find_list(roman) == ["to fund the network", "to publish TIEx", "to review"]
    assert find_list("It met three times, online, in 2024.") == []
    assert find_list("Three offers: peer support, learning and skills and tools.") == [
        "peer support",
        "learning and skills",
        "tools",
    ]
    assert find_list("Peer review, then action planning.") == []
    # a comma inside brackets is not the list's, and "on" can lead into the items
    roles = "It names three roles: leadership (leaders, portfolio holders), scrutiny, and ward."
    assert find_list(roles) == ["leadership (leaders, portfolio holders)", "scrutiny", "ward"]
    classes = (
        "The LGA has run masterclasses on measuring impact (22 November 2023), culture change "
        "(5 December 2023), and operating models (1 February 2024)."
    )
    assert find_list(classes)[0] == "measuring impact (22 November 2023)"
    assert len(find_list(classes)) == 3
    turns = convo(("What roles can a councillor play?", roles))
    out = resolve("What does the second one involve in practice?", turns) or ""
    assert "scrutiny" in out and "portfolio" not in out


def test_those_headings_are_the_listed_items() -> None:
    turns = convo(
        (
            "What are TIEx's focus areas?",
            "There are five: understanding of local place and priority setting, leadership of "
            "place, financial planning and viability, organisational leadership and governance, "
            "and capacity to deliver.",
        )
    )
    out = rewrite_question("Do those same headings turn up anywhere else in LGA support?", turns)
    # A long list is named by its topic; a short one is spelled out.
    assert out == "Do TIEx's focus areas turn up anywhere else in LGA support?"
    out = rewrite_question("Are these conditions measured anywhere?", SEVEN_CS)
    assert out.startswith("Are the 7Cs (Clarity, Collaboration, Commitment, Capability")
    assert out.endswith("Control, Culture) measured anywhere?")


def test_those_three_are_the_listed_items() -> None:
    turns = convo(
        (
            "What peer challenges are in the 2023/24 programme?",
            "It focuses on three: Corporate Peer Challenges, Finance Peer Challenges and "
            "Governance Peer Challenges.",
        )
    )
    out = rewrite_question("any others apart from those three?", turns)
    assert "Corporate Peer Challenges" in out and "Governance Peer Challenges" in out
    assert "the three" not in out  # not the reply's bare number


def test_no_list_no_ordinal_rewrite() -> None:
    assert resolve("What is the first step?", MINUTES, pronouns=False) is None


# -- ellipsis ----------------------------------------------------------------------------------


def test_a_counted_noun_the_reply_used_gets_the_topic() -> None:
    turns = convo(
        (
            "What's in the LGA's Transformation Support Programme?",
            "Eight improvement support offers, grouped into three broad themes [1].",
        )
    )
    out = rewrite_question("ok what are the three themes then?", turns)
    assert out == "What are the three themes of the LGA's Transformation Support Programme?"


def test_what_about_swaps_the_council() -> None:
    turns = convo(
        ("What did Cornwall Council share about its TOM?", "Cornwall Council described [1].")
    )
    assert rewrite_question("What about Derby?", turns) == ("What did Derby share about its TOM?")


# -- standalone questions pass unchanged -------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Who chairs the Transformation Network?",
        "What is the Sector Support Programme and who funds this programme?",
        "What are the eight themes of the action learning document?",
        "How do councils measure the benefits of transformation?",
        "What did Newham Council do about co-design with residents?",
        "What is the Transformation Network and how do I join it?",
    ],
)
def test_standalone_questions_pass_unchanged(question: str) -> None:
    for history in (MINUTES + CHAIR, SEVEN_CS, NUMBERED, TOM, SETS):
        assert rewrite_question(question, history) == question


def test_track_reads_user_and_assistant_turns() -> None:
    d = track(MINUTES + CHAIR)
    people = [m.text for m in d.mentions if m.kind == "person"]
    assert people == ["Susan Attard", "Clare Rowley"]
    council = d.latest("council")
    assert council is not None and council.text == "Lincolnshire County Council"
    assert d.topic == "the Transformation Network"
    assert topic_of("How often did the action learning set groups meet?") == (
        "the action learning set groups"
    )


def test_this_council_in_a_standalone_question_is_the_askers_own() -> None:
    question = "How can this council save money through digital transformation?"
    assert rewrite_question(question, CHAIR) == question
    # ... but "that council" points back.
    assert "Lincolnshire County Council" in rewrite_question(
        "How did that council save money through digital transformation?", CHAIR
    )


def test_an_ordinal_with_its_own_noun_needs_that_noun_listed() -> None:
    question = "What is the first step for a council starting a transformation programme?"
    assert rewrite_question(question, SEVEN_CS) == question
    turns = convo(
        (
            "What are the steps of the transformation cycle?",
            "The steps are: discover, design, deliver and review [1].",
        )
    )
    assert rewrite_question("What happens in the second step?", turns) == (
        "What happens in design (from the steps of the transformation cycle)?"
    )


def test_initials_defined_in_an_earlier_turn_stand_for_the_person() -> None:
    turns = (
        MINUTES
        + CHAIR
        + convo(
            (
                "What was said about member involvement?",
                "SA added three points on member involvement [2].",
            )
        )
    )
    # Clare Rowley was named last, but "SA" (Susan Attard) spoke in the latest reply.
    assert rewrite_question("What else did she add?", turns) == "What else did Susan Attard add?"


def test_that_noun_is_the_latest_named_thing_with_that_head() -> None:
    turns = convo(
        (
            "What did Cornwall Council tell the Transformation Network about?",
            "Cornwall Council presented its Transformation Operating Model (TOM) [1].",
        )
    )
    assert rewrite_question("What does that model integrate?", turns) == (
        "What does Cornwall Council's Transformation Operating Model integrate?"
    )


def test_those_noun_takes_the_phrase_the_reply_used() -> None:
    turns = convo(
        (
            "What did the action learning sets say about customer insight?",
            "Participants noted that staff need the right data skillsets [1].",
        )
    )
    assert rewrite_question("Where can we find people with those skills?", turns) == (
        "Where can we find people with the data skillsets?"
    )


def test_it_named_only_in_the_reply_keeps_the_earlier_question() -> None:
    turns = convo(
        (
            "What did the action learning set suggest for a council struggling with its "
            "trading company?",
            "Peers suggested putting shareholders on the LATCo board [1].",
        )
    )
    out = rewrite_question("And what did the person who raised it plan to do?", turns)
    assert "struggling with its trading company" in out and "LATCo" not in out


def test_it_is_the_one_thing_a_reply_named_when_asked_is_there_anything() -> None:
    turns = convo(
        (
            "Is there anything from the LGA to help me make the case for digital change?",
            "Yes. The action learning document points to the LGA's Digitalisation Almanac, a "
            "guide for councillors [1].",
        )
    )
    out = rewrite_question("how many outcomes are in it and who agreed them?", turns)
    assert "in the LGA's Digitalisation Almanac" in out
    assert out.endswith("who agreed them?")  # "them" is the question's own outcomes


def test_the_first_one_is_the_first_person_the_last_reply_named() -> None:
    history = [
        Turn("user", "Who was quoted in the article about the resilience exchange?"),
        Turn(
            "assistant",
            "Cllr Sam Reed, Chair of the Marlow Improvement Board, and Priya Okafor, "
            "Minister for Local Resilience.",
        ),
    ]
    first = resolve("What did the first one say it would do for councils?", history)
    assert first is not None and first.startswith("What did Cllr Sam Reed say"), first
    last = resolve("What did the last one say?", history)
    assert last == "What did Priya Okafor say?"
    # One person named: "the first one" is left for the other rules.
    one = [history[0], Turn("assistant", "Cllr Sam Reed, Chair of the Marlow Improvement Board.")]
    assert "Sam Reed" not in (resolve("What did the second one say?", one) or "")


def test_the_first_one_is_the_first_council_a_prose_reply_named() -> None:
    turns = convo(
        (
            "Which councils have presented at the Marlow network?",
            "The network has heard from Cornwall Council, Bristol City Council and "
            "Kent County Council, among others.",
        )
    )
    assert rewrite_question("What was the first one's model about?", turns) == (
        "What was Cornwall Council's model about?"
    )
    assert "Bristol City Council" in rewrite_question("and the second council?", turns)
    assert "Kent County Council" in rewrite_question("tell me about the last one", turns)


def test_she_is_the_person_the_question_named_not_an_organisation() -> None:
    turns = convo(
        (
            "What did Susan Attard tell the board about the support programme?",
            "She said it was developed with DLUHC through the Transformation Network.",
        )
    )
    assert rewrite_question("Did she say how members would be involved?", turns) == (
        "Did Susan Attard say how members would be involved?"
    )


def test_the_councillor_one_is_the_person_with_a_councillor_s_title() -> None:
    turns = convo(
        (
            "who backed the exchange when it launched?",
            "Two people were quoted: Cllr Ann Lee, Chair of the Marlow Board, and Robin Hale, "
            "then Minister for Local Government.",
        )
    )
    assert "Cllr Ann Lee" in rewrite_question("what did the councillor one say?", turns)
    assert "Robin Hale" in rewrite_question("what did the minister guy say?", turns)


def test_a_list_after_its_lead_verb_starts_at_its_first_item() -> None:
    reply = (
        "They are Clarity, Collaboration, Commitment, Capability and Culture: a checklist "
        "that sits alongside the framework."
    )
    assert find_list(reply) == ["Clarity", "Collaboration", "Commitment", "Capability", "Culture"]
    history = [Turn(role="user", content="what are the Cs?"), Turn(role="assistant", content=reply)]
    resolved = resolve("whats the last one mean?", history)
    assert resolved is not None and "Culture" in resolved


def test_an_ordinal_points_at_an_item_of_a_semicolon_list() -> None:
    history = convo(
        (
            "What themes did the Marlow review cover?",
            "Five: keeping staff on board; working with the voluntary sector and community "
            "groups; data, insight and evidence; delivery models; and finance.",
        )
    )
    assert find_list(history[1].content) == [
        "keeping staff on board",
        "working with the voluntary sector and community groups",
        "data, insight and evidence",
        "delivery models",
        "finance",
    ]
    out = rewrite_question("the second one - what steps did they suggest?", history)
    assert out.lower().startswith("working with the voluntary sector and community groups")
    # Prose with semicolons is no list, and a list needs its colon.
    assert find_list("The board met; members agreed the plan; the chair closed it.") == []


def test_it_after_whom_someone_was_told_is_what_they_were_told_about() -> None:
    assert topic_of("Who updated the Marlow Network on the resilience framework?") == (
        "the resilience framework"
    )
    history = convo(
        (
            "Who updated the Marlow Network on the resilience framework?",
            "Kim Reyes from the Change Forum, ahead of its launch in March.",
        )
    )
    assert rewrite_question("How do councils score themselves against it?", history) == (
        "How do councils score themselves against the resilience framework?"
    )


def test_that_council_after_an_unnamed_council_keeps_what_was_asked_about() -> None:
    history = convo(
        (
            "What was the budget savings example in the Marlow review?",
            "A council whose savings programme had faded, so templates came in too late.",
        )
    )
    assert rewrite_question("and what was the main lesson for that council?", history) == (
        "What was the main lesson for the council in the budget savings example in the Marlow "
        "review?"
    )


def test_it_after_does_x_have_a_thing_is_the_thing_not_the_organisation() -> None:
    assert topic_of("Does the LGA have a behavioural insights offer?") == (
        "the behavioural insights offer"
    )
    assert topic_of("Is there a councillor toolkit?") == "the councillor toolkit"
    history = convo(
        (
            "Does the LGA have a behavioural insights offer?",
            "Yes. The LGA Behavioural Insights Programme has run trials since 2015.",
        )
    )
    assert rewrite_question("Are there any council results from it?", history) == (
        "Are there any council results from the behavioural insights offer?"
    )


def test_an_acronym_typed_in_lower_case_is_the_topic_in_its_own_spelling() -> None:
    assert topic_of("who launched tiex?") == "TIEx"
    assert topic_of("who launched it?") is None  # not an acronym
    history = convo(("who launched tiex?", "The LGA launched a beta version in July."))
    assert rewrite_question("did any govt minister say anything about it?", history) == (
        "Did any govt minister say anything about TIEx?"  # the service spells out "govt"
    )


def test_a_counted_list_may_have_clause_long_items() -> None:
    reply = (
        "There are three examples: persuading sceptical members to invest in new case "
        "management software for housing, rebuilding trust with a council-owned trading "
        "company, and moving from yearly cuts to a longer-term approach to savings."
    )
    items = find_list(reply)
    assert len(items) == 3 and items[0].startswith("persuading sceptical members")
    # Without a count before the colon, long comma-separated phrases are prose, not a list.
    assert find_list(reply.replace("There are three examples:", "We saw")) == []
    history = [Turn("user", "what examples are in the report?"), Turn("assistant", reply)]
    resolved = resolve("what happened with the first one?", history)
    assert resolved is not None and "persuading sceptical members" in resolved


def test_that_person_is_the_unnamed_participant_the_reply_described() -> None:
    history = [
        Turn("user", "give me an example of a problem someone brought to the sessions"),
        Turn(
            "assistant",
            "One participant asked how to win over colleagues who doubted the value of "
            "digital change [1]. Some were worried about the cost.",
        ),
    ]
    resolved = resolve("so what did that person decide to do?", history)
    assert resolved is not None
    assert "the participant who asked how to win over colleagues" in resolved
    named = [Turn("user", "who chairs it?"), Turn("assistant", "Clare Rowley chairs it.")]
    assert "Clare Rowley" in (resolve("what did that person say?", named) or "")


def test_them_after_what_did_x_do_with_things_is_the_things_not_x() -> None:
    assert topic_of("What did Marlow do with AI chatbots?") == "AI chatbots"
    assert topic_of("What is Marlow doing with data?") == "data"
    history = convo(
        (
            "What did Marlow do with AI chatbots?",
            "Marlow Borough Council introduced two AI chatbots in 2023.",
        )
    )
    assert rewrite_question("who built them?", history) == "Who built AI chatbots?"


def test_a_part_of_the_document_asked_about_is_that_document_s_part_on_the_topic() -> None:
    turns = convo(
        (
            "What did the learning document say about limited staff capacity?",
            "It said some councils rely on senior leaders with heavy day jobs to lead change.",
        )
    )
    out = resolve("Which LGA resources did that section link to?", turns) or ""
    assert "the learning document's section on limited staff capacity" in out
    out = resolve("any examples from other councils in there?", turns) or ""
    assert out.endswith("in the learning document's section on limited staff capacity?")
    out = resolve("Which links did it give?", turns) or ""
    assert out == "Which links did the learning document give?"
    # Without a document asked about, "that section" is left as it is.
    other = convo(("What is the Marlow tracker?", "A way to count benefits."))
    assert "section on" not in (resolve("What did that section say?", other) or "")


def test_a_name_typed_in_lower_case_is_a_person_when_the_reply_says_she() -> None:
    turns = convo(
        (
            "what did priya okafor present to the board?",
            "She introduced the new support programme, agreed with the department.",
        )
    )
    out = resolve("what extra points did she make about members?", turns) or ""
    assert out == "What extra points did Priya Okafor make about members?"
    # "They" in the reply: board members are no person's name.
    group = convo(("what did board members say about it?", "They welcomed it."))
    assert "Board Members" not in (resolve("did she agree?", group) or "")
