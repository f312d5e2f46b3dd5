"""Question-aware extraction: lists, names, figures the sources lack, advice, dangling subjects.

Hashing fake embedder and invented passages, as in test_answering.py.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from assistant.adapters.fakes import HashEmbedder
from assistant.answering import Answerer
from assistant.answering.analysis import Candidate
from assistant.answering.extractive import compose, namesake, spoken_answers, type_bonus
from assistant.answering.question import analyse_question
from assistant.answering.weights import WEIGHTS
from assistant.settings import AnswerSettings, Settings
from assistant.text.sentences import split_sentences
from assistant.text.terms import stem
from assistant.types import Chunk, Hit
from tests.helpers import make_chunk

THEMES = (
    "The review met with twenty councils over a year. It grouped what it heard into five "
    "themes. These are:\n\n1. Leadership and culture\n\n2. Money and savings\n\n"
    "3. Skills for change\n\n4. Data and insight\n\n5. Working with residents\n\n"
    "Each theme has its own chapter in the review."
)
MINUTES = (
    "Agenda item\n\nThe Chair invited Priya Okafor (PO), Director of Change, to introduce "
    "the report on the resilience programme.\n\nPO said the resilience programme had six parts "
    "and would be delivered with regional partners.\n\nMembers welcomed the programme."
)
ADVICE = (
    "Keeping staff engaged in change\n\nChallenges include:\n\nStaff see change as a job for "
    "the transformation team alone and ignore the programme.\n\nPractical suggestions and "
    "steps:\n\nRun open forums where staff can question senior leaders about the programme.\n\n"
    "Share short stories of teams whose work got easier after the programme changed things."
)
HOLDER = (
    "Marlow District Council runs a resilience programme with its voluntary sector partners. "
    "The programme focuses on prevention and early help for families."
)
DANGLING = (
    "Marlow District Council set up a lettings agency in 2020. "
    "It now manages four hundred homes for local landlords in the district."
)


def _hits(*texts: str) -> list[Hit]:
    out = []
    for i, text in enumerate(texts):
        chunk = Chunk(
            id=Chunk.make_id(f"doc-{i}", 0, text),
            document_id=f"doc-{i}",
            position=0,
            text=text,
            title=f"Document {i}",
            source=f"doc-{i}.txt",
        )
        out.append(Hit(chunk=chunk, score=1.0 / (i + 1), dense_rank=i + 1))
    return out


def _answerer() -> Answerer:
    settings = Settings(answer=AnswerSettings(min_evidence=0.05))
    return Answerer(embedder=HashEmbedder(), chat_model=None, settings=settings)


def _gapped_answerer(**selection: float) -> Answerer:
    """An answerer keeping no sentence below the first but by the gap under test: no floor
    ratio, no ordinary gap (``selection`` sets the rest, e.g. the advice gap)."""
    gaps = replace(WEIGHTS.selection, floor_ratio=0.0, floor_gap=0.0, **selection)
    return Answerer(
        embedder=HashEmbedder(),
        chat_model=None,
        settings=Settings(answer=AnswerSettings(min_evidence=0.05)),
        weights=replace(WEIGHTS, selection=gaps),
    )


def _loose_answerer() -> Answerer:
    """An answerer for which two of a name's three words are enough (share 0.5): the checks
    under test must refuse on their own."""
    loose = replace(WEIGHTS, answer_type=replace(WEIGHTS.answer_type, specific_name_share=0.5))
    settings = Settings(answer=AnswerSettings(min_evidence=0.05))
    return Answerer(embedder=HashEmbedder(), chat_model=None, settings=settings, weights=loose)


def test_a_list_question_is_answered_with_the_whole_list() -> None:
    draft = _answerer().answer(
        "What are the five themes of the review?", audience="officer", hits=_hits(THEMES, HOLDER)
    )
    assert not draft.refused
    for item in ("Leadership and culture", "Money and savings", "Working with residents"):
        assert f"- {item} [1]" in draft.text
    assert draft.text.splitlines()[0].endswith("These are [1]:")
    assert "1. Leadership and culture 2. Money" in draft.citations[0].quote


def test_a_list_of_another_length_than_asked_for_is_not_the_answer() -> None:
    groups = (
        "The review is informed by two officer groups: the Change Network and the Data Leads "
        "Group. The review's offers are grouped under three themes:\n\n- peer support\n\n"
        "- learning and skills\n\n- tools and resources"
    )
    draft = _answerer().answer(
        "Which two officer groups inform the review?", audience="officer", hits=_hits(groups)
    )
    assert "Change Network and the Data Leads Group" in draft.text
    assert "- peer support" not in draft.text


def test_a_list_question_is_answered_by_the_list_of_the_things_it_asks_for() -> None:
    network = (
        "The network is led by:\n\n- Chair: Ann Smith, Head of Change\n\n"
        "- Vice chair: Raj Patel, Director of Digital\n\n"
        "Members chose the topics for future meetings. Devolution, AI, Benefits Realisation, "
        "Culture Change and PMOs were among the popular topics selected."
    )
    assert analyse_question("Which topics did network members ask for?").listed == "topics"
    draft = _answerer().answer(
        "Which topics did network members ask to discuss at future meetings?",
        audience="officer",
        hits=_hits(network),
    )
    assert "Benefits Realisation" in draft.text  # the sentence that lists the topics...
    assert "Vice chair" not in draft.text  # ...not the only list block, which lists people


def test_a_list_only_the_catalogue_holds_still_answers_a_list_question() -> None:
    hits = _hits(HOLDER, THEMES)
    catalogue = replace(hits[1].chunk, publisher="lga-assistant catalogue")
    hits = [hits[0], replace(hits[1], chunk=catalogue)]
    draft = _answerer().answer(
        "What themes came out of the LGA's review?", audience="officer", hits=hits
    )
    assert "- Money and savings [1]" in draft.text or "- Money and savings [2]" in draft.text


STEPS = (
    "How a council runs the Marlow review\n\n"
    "A senior sponsor asks the leadership team to complete the review individually; nobody "
    "can see the answers of the others.\n\n"
    "The team meets to agree one consensus response for the whole organisation.\n\n"
    "A named lead enters the consensus, publishes the official response and can share it "
    "with other councils or with the public.\n\n"
    "The Marlow review is aimed at senior leaders, but anyone in the council can complete it "
    "and compare the results with similar organisations, then read the next steps and the "
    "further reading suggested for its priority areas."
)


def test_a_question_asking_how_to_run_it_gets_the_steps() -> None:
    assert analyse_question("What's the recommended way to run the Marlow review?").process
    assert not analyse_question("Why should we run the Marlow review?").process
    hit = _hits(STEPS)[0]
    section = replace(hit.chunk, heading_path=("How a council runs the Marlow review",))
    draft = _answerer().answer(
        "What's the recommended way to run the Marlow review across our senior team?",
        audience="officer",
        hits=[replace(hit, chunk=section)],
    )
    assert "- A senior sponsor asks" in draft.text
    assert "- A named lead enters the consensus" in draft.text  # a long step is still one
    assert "- The Marlow review is aimed at" not in draft.text  # the text after them is not


def test_who_question_gets_the_full_name_and_role_for_initials() -> None:
    draft = _answerer().answer(
        "Who introduced the report on the resilience programme?",
        audience="officer",
        hits=_hits(MINUTES, HOLDER),
    )
    assert "Priya Okafor" in draft.text
    assert "Director of Change" in draft.text


def test_a_figure_the_passages_do_not_hold_is_refused_plainly() -> None:
    draft = _answerer().answer(
        "How much money has Marlow saved from its resilience programme?",
        audience="councillor",
        hits=_hits(HOLDER, MINUTES),
    )
    assert draft.refused
    assert "don't give that amount" in (draft.refusal_reason or "")
    answered = _answerer().answer(
        "How many homes does the Marlow lettings agency manage?",
        audience="officer",
        hits=_hits(DANGLING, HOLDER),
    )
    assert not answered.refused and "four hundred homes" in answered.text


def test_advice_prefers_suggested_approaches_to_the_problem() -> None:
    draft = _answerer().answer(
        "How can we keep staff engaged in the change programme?",
        audience="councillor",
        hits=_hits(ADVICE),
    )
    assert not draft.refused
    assert "open forums" in draft.text
    assert draft.text.index("open forums") < draft.text.find("job for the transformation") or (
        "job for the transformation" not in draft.text
    )


def test_advice_led_by_a_suggestion_goes_on_with_its_section_s_suggestions() -> None:
    # One list of ideas, not a collage: after the lead, the bonus for the lead's own section
    # puts its next suggestion before a slightly closer one from another document.
    ideas = make_chunk(
        "al-doc",
        0,
        "Practical suggestions and steps:\n\nKeep staff engaged in the change programme by "
        "running open forums with senior leaders every month.\n\nShare short stories from "
        "staff whose daily work got easier after the change programme.",
        heading_path=("Action learning", "Keeping staff engaged"),
    )
    other = make_chunk(
        "guide",
        0,
        "Practical suggestions and steps:\n\nA monthly newsletter about the change programme "
        "keeps staff engaged with its progress.",
        heading_path=("Guide", "Newsletters"),
    )
    hits = [Hit(chunk=ideas, score=1.0, dense_rank=1), Hit(chunk=other, score=0.9, dense_rank=2)]
    question = "How can we keep staff engaged in the change programme?"

    def picks(bonus: float) -> tuple[str, ...]:
        weights = replace(WEIGHTS, selection=replace(WEIGHTS.selection, advice_section=bonus))
        answerer = Answerer(
            embedder=HashEmbedder(),
            chat_model=None,
            settings=Settings(answer=AnswerSettings(min_evidence=0.05)),
            weights=weights,
        )
        return answerer.answer(question, audience="officer", hits=hits).priority

    assert picks(0.0)[1].startswith("A monthly newsletter")
    assert picks(0.3)[1].startswith("Share short stories")
    assert picks(0.3)[0] == picks(0.0)[0]  # the lead is the same either way


def test_advice_brings_in_the_suggestions_that_follow_a_retrieved_problem() -> None:
    # Retrieval found the section's problem description only; its suggested approaches are
    # in the next chunk of the same section, and another section's advice is left out.
    doc, title = "al-doc", "Action learning"
    problem = (
        "Keeping staff engaged in change\n\nChallenges include:\n\nStaff see the change "
        "programme as a job for the transformation team alone.\n\nPractical suggestions "
        "and steps:"
    )
    advice = (
        "Run open forums where staff can question senior leaders about the programme.\n\n"
        "Share short stories of teams whose work got easier after the change."
    )
    other = "Practical suggestions and steps:\n\nBuy a shared data platform for the region."
    chunks = [
        make_chunk(doc, 0, problem, heading_path=(title, "Keeping staff engaged")),
        make_chunk(doc, 1, advice, heading_path=(title, "Keeping staff engaged")),
        make_chunk(doc, 2, other, heading_path=(title, "Data platforms")),
    ]
    settings = Settings(answer=AnswerSettings(min_evidence=0.05))
    question = "How can we keep staff engaged in the change programme?"
    hits = [Hit(chunk=chunks[0], score=1.0, dense_rank=1)]
    alone = Answerer(embedder=HashEmbedder(), chat_model=None, settings=settings)
    assert "open forums" not in alone.answer(question, audience="officer", hits=hits).text
    answerer = Answerer(
        embedder=HashEmbedder(),
        chat_model=None,
        settings=settings,
        document_chunks=lambda document_id: chunks if document_id == doc else [],
    )
    draft = answerer.answer(question, audience="officer", hits=hits)
    assert "open forums" in draft.text
    assert "data platform" not in draft.text
    # cited to its passage (adjacent chunks of one section share a number and a quote)
    assert any("open forums" in c.quote for c in draft.citations)
    # A question that does not ask for advice is answered from what was retrieved.
    asked = answerer.answer(
        "What do staff think of the change programme?", audience="officer", hits=hits
    )
    assert "open forums" not in asked.text


def test_what_they_decided_brings_in_the_response_that_follows_a_retrieved_problem() -> None:
    doc, title = "al-doc", "Action learning"
    section = (title, "Trading company illustration")
    problem = (
        "Illustration\n\nThe council's trading company resisted new savings targets, and no "
        "councillor sat on its board.\n\nSolutions suggested by other participants:\n\n"
        "Put council shareholders on the trading company board."
    )
    response = (
        "Response\n\nThe proposed solutions stressed governance. As an action, the presenter "
        "will set up a task group with members and draw up a review timeline."
    )
    chunks = [
        make_chunk(doc, 0, problem, heading_path=section),
        make_chunk(doc, 1, response, heading_path=section),
    ]
    settings = Settings(answer=AnswerSettings(min_evidence=0.05, plain_english=False))
    answerer = Answerer(
        embedder=HashEmbedder(),
        chat_model=None,
        settings=settings,
        document_chunks=lambda document_id: chunks if document_id == doc else [],
    )
    hits = [Hit(chunk=chunks[0], score=1.0, dense_rank=1)]
    question = "The trading company board example: what did the presenter decide to do?"
    assert analyse_question(question).planned
    draft = answerer.answer(question, audience="officer", hits=hits)
    assert "review timeline" in draft.text
    asked = answerer.answer("Who sat on the trading company board?", audience="officer", hits=hits)
    assert "review timeline" not in asked.text


def test_a_sentence_leaning_on_its_antecedent_comes_with_it() -> None:
    draft = _answerer().answer(
        "How many homes does the lettings agency manage for landlords?",
        audience="officer",
        hits=_hits(DANGLING),
    )
    assert "four hundred homes" in draft.text
    assert "Marlow District Council set up a lettings agency" in draft.text
    assert draft.text.index("Marlow District Council") < draft.text.index("It now manages")


def test_a_year_does_not_answer_how_many_and_a_month_does_not_answer_what_date() -> None:
    hits = _hits(
        "In 2023/24 the Marlow graduate scheme planned to grow, recruiting graduates across "
        "the district. The Marlow board discussed the scheme in March 2024."
    )
    answerer = _answerer()
    many = answerer.answer(
        "How many graduates is the Marlow graduate scheme recruiting in 2023/24?",
        audience="officer",
        hits=hits,
    )
    assert many.refused and "figure" in many.text
    date = answerer.answer(
        "On what date did the Marlow board discuss the graduate scheme?",
        audience="officer",
        hits=hits,
    )
    assert date.refused and "date" in date.text
    when = answerer.answer(
        "When did the Marlow board discuss the graduate scheme?", audience="officer", hits=hits
    )
    assert not when.refused and "March 2024" in when.text


def test_a_count_must_count_the_thing_asked_about() -> None:
    answerer = _answerer()
    question = "How many councils took part in the Marlow review?"
    groups = _hits(
        "The Marlow review was informed by two groups of local government officers. "
        "Councils took part in the Marlow review across the region."
    )
    assert answerer.answer(question, audience="officer", hits=groups).refused
    counted = _hits(
        "Twelve district, metropolitan and unitary councils took part in the Marlow review. "
        "The review met online."
    )
    draft = answerer.answer(question, audience="officer", hits=counted)
    assert not draft.refused and "Twelve" in draft.text
    money = _hits("The Marlow review cost \u00a318m and councils took part across the region.")
    assert answerer.answer(question, audience="officer", hits=money).refused
    # A number word inside a name counts nothing: "its One Council Programme".
    named = _hits("Marlow presented the review of its One Council Programme to other councils.")
    assert answerer.answer(question, audience="officer", hits=named).refused
    started = _hits("One council took part in the Marlow review, which met online.")
    draft = answerer.answer(question, audience="officer", hits=started)
    assert not draft.refused and "One council" in draft.text


def test_a_share_saying_something_does_not_count_who_took_part() -> None:
    answerer = _answerer()
    said = _hits("99 per cent of councillors said the Marlow course helped them in their role.")
    # how many of them said it: the share answers; how many went on it: it does not
    draft = answerer.answer(
        "How many councillors said the Marlow course helped?", audience="officer", hits=said
    )
    assert not draft.refused and "99 per cent" in draft.text
    went = answerer.answer(
        "How many councillors actually went on the Marlow course last year?",
        audience="officer",
        hits=said,
    )
    assert went.refused and "figure" in went.text


def test_the_counted_thing_is_the_head_of_its_phrase() -> None:
    assert analyse_question("How many Corporate Peer Challenges did the LGA run?").counted == (
        "challenges",
    )
    assert analyse_question("How many councils or officers joined the Marlow review?").counted == (
        "councils",
        "officers",
    )
    assert analyse_question("How many chief executives said the review helped?").counted == (
        "executives",
    )
    answerer = _answerer()
    # "two officer groups" counts groups; "2,200 peers" counts peers, not peer challenges
    for question, passage in (
        ("How many officers took part in the Marlow review?", "two officer groups"),
        ("How many members does the Marlow review have?", "two officer groups"),
        ("How many peer challenges did the Marlow review run?", "a pool of 2,200 peers"),
    ):
        hits = _hits(f"The Marlow review draws on {passage}. The Marlow review met online.")
        assert answerer.answer(question, audience="officer", hits=hits).refused, question
    # a share of the people asked about answers "how many of them"
    share = _hits("In the Marlow review, 99 per cent of chief executives said it helped.")
    draft = answerer.answer(
        "How many chief executives said the Marlow review helped?", audience="officer", hits=share
    )
    assert not draft.refused and "99 per cent" in draft.text


def test_a_post_holder_is_named_with_the_title_not_beside_it() -> None:
    from assistant.answering.extractive import _holds_post

    assert _holds_post("chair", "Cllr Bob Kay, Chairman of the Marlow board, said:")
    assert _holds_post("chair", "She is chair of the network.")
    assert not _holds_post("chair", "The Chair invited Ann Lee, Head of Policy, to speak.")


def test_a_definition_names_its_subject_before_the_verb() -> None:
    from assistant.answering.extractive import defines_focus

    question = analyse_question("What is the capability framework?")
    assert defines_focus(question, "The capability framework is the LGA's account of good work.")
    long_way_round = (
        "The chair thanked members for their input and added three more points on member "
        "involvement, in relation to the capability framework, and it was proposed that "
        "questions be written."
    )
    assert not defines_focus(question, long_way_round)


def test_each_part_of_a_who_question_gets_its_person() -> None:
    hits = _hits(
        "The Marlow hub launched in July; the launch was led by Cllr Ann Lee, chair of the "
        "Marlow board.",
        "The Marlow grants scheme was launched in 2023 to give councils the tools they need "
        "to deliver local services and drive change. The grants scheme launched with a "
        "survey of councils. The grants scheme launched a new hub for councils and their "
        "partners. The grants scheme launched training for officers across the region. The "
        "grants scheme launched a fund for digital projects in smaller councils. "
        "Cllr Bob Kay, Chair of the Marlow board, said:",
    )
    draft = _answerer().answer(
        "Who chaired the Marlow board when the hub launched, and was it the same person when "
        "the grants scheme launched?",
        audience="councillor",
        hits=hits,
    )
    assert "Ann Lee" in draft.text and "Bob Kay" in draft.text


def test_the_term_in_quotes_is_what_the_answer_is_about() -> None:
    hits = _hits(
        "The Marlow review asks a series of questions about the council. The Marlow review "
        "shows strengths and areas for improvement. One representative is named the "
        "\u2018lead reader\u2019 who has extra rights to see every answer."
    )
    draft = _answerer().answer(
        "In the Marlow review, what is the role of the 'lead reader'?",
        audience="officer",
        hits=hits,
    )
    first = draft.text.split("[")[0]
    assert "lead reader" in first and "extra rights" in first


def test_a_figure_about_a_namesake_does_not_answer_how_many() -> None:
    # "the Marlow AI network" shares one word of "the Marlow Change Network": its 250 officers
    # are not the members asked about.
    hits = _hits(
        "The Marlow Change Network meets every quarter. The Marlow AI network is a network "
        "of more than 250 council officers."
    )
    for question in (
        "How many members does the Marlow Change Network have?",
        "how many members does the marlow change network have?",  # typed in lower case
    ):
        assert _answerer().answer(question, audience="officer", hits=hits).refused, question


def test_the_minister_asked_about_leads_with_the_quotation_he_gave() -> None:
    # The minister's name stands alone on the line under his quotation; the Marlow exchange is
    # what every other sentence is about.
    hits = _hits(
        "Cllr Ann Lee, chair of the Marlow board, gave a quote backing the Marlow exchange "
        "tool at its government launch.",
        "Sharing expertise\n\n\u201cWe worked with councils to develop the Marlow exchange "
        "tool so councils can see what they do well.\u201d\nRobin Hale, Minister for Local "
        "Government",
    )
    draft = _answerer().answer(
        "Which government minister gave a quote backing the Marlow exchange tool?",
        audience="officer",
        hits=hits,
    )
    assert "\u2014 Robin Hale, Minister for Local Government" in draft.text
    assert "Ann Lee" not in draft.text.split("\n\n")[1]  # the minister's paragraph leads


def test_an_attribution_line_is_as_relevant_as_the_quotation_it_closes() -> None:
    hits = _hits(
        "\u201cWe built the Marlow exchange tool with councils.\u201d\nRobin Hale, Minister "
        "for Local Government"
    )
    analysis = _answerer().analyse("Who backed the Marlow exchange tool?", hits)
    texts = [c.sentence.text for c in analysis.candidates]
    line = texts.index("Robin Hale, Minister for Local Government")
    quote = next(i for i, t in enumerate(texts) if "Marlow exchange" in t)
    assert analysis.sims[line] >= analysis.sims[quote] > 0
    assert {stem("marlow"), stem("exchange")} <= analysis.candidates[line].terms


def test_a_name_typed_in_lower_case_needs_all_its_words() -> None:
    # "the Riverton AI network" is no "Riverton Change Network", though it shares two words.
    hits = _hits(
        "The Riverton Change Network meets every quarter to share learning. The Riverton AI "
        "network is a network of more than 250 council officers."
    )
    question = "how many members does the riverton change network have at the moment?"
    # Even where two of three capitalised words would be enough ("Riverton AI network" for
    # "Riverton Change Network"), a name typed in lower case needs all of its words.
    answerer = _loose_answerer()
    assert answerer.answer(question, audience="officer", hits=hits).refused


def test_a_named_person_share_or_duration_the_passages_do_not_hold_is_refused() -> None:
    hits = _hits(
        "The Marlow AI network is a network of more than 250 council officers. It meets "
        "online every quarter.",
        "Riverton Council set up its Future Riverton programme in 2021, and presented it to "
        "the Marlow board on 22 May 2025. Staff said the programme was worth their time.",
    )
    for question, reason in (
        ("Who chairs the Marlow AI network?", "their name"),
        ("What percentage of Riverton staff said the programme was worth their time?", "figure"),
        ("How long did it take Riverton to get Future Riverton up and running?", "how long"),
    ):
        draft = _answerer().answer(question, audience="officer", hits=hits)
        assert draft.refused, question
        assert reason in (draft.refusal_reason or ""), question


def test_a_person_named_in_a_passage_about_the_meeting_answers_who_presented() -> None:
    # Minutes name the presenter in one sentence and the item in another.
    minutes = (
        "Item 4: the Marlow resilience programme. The Chair invited Priya Okafor (PO), "
        "Director of Change, to introduce the report. PO reported that the Marlow resilience "
        "programme was being developed with councils."
    )
    question = "Who presented the Marlow resilience programme to the board?"
    draft = _answerer().answer(question, audience="officer", hits=_hits(minutes))
    assert not draft.refused and "Priya Okafor" in draft.text


def test_a_namesake_s_figure_does_not_answer_how_many() -> None:
    # "The Marlow AI network" is another network than "the Marlow Change Network", though the
    # question's rarest words ("Marlow", "network") are in its sentence.
    hits = _hits(
        "The Marlow Change Network meets every quarter. The Marlow AI network is a network of "
        "more than 250 council officers."
    )
    question = "How many members does the Marlow Change Network have at the moment?"
    answerer = _loose_answerer()
    assert answerer.answer(question, audience="officer", hits=hits).refused
    assert namesake(("Marlow Change Network",), "The Marlow AI network has 250 members")
    assert not namesake(("Marlow Change Network",), "The Marlow Change Network has 250 members")
    assert not namesake(("Marlow Change Network",), "It is a network of 250 members")


def test_how_much_money_is_answered_by_a_sum_whatever_the_sentence_calls_it() -> None:
    hits = _hits(
        "Riverton Council started its \u00a318m Digital Riverton programme after a peer "
        "challenge in 2017."
    )
    question = "how much money has riverton put into its digital programme?"
    draft = _answerer().answer(question, audience="councillor", hits=hits)
    assert not draft.refused and "\u00a318m" in draft.text


def test_a_council_s_budget_population_or_leader_the_passages_do_not_hold_is_refused() -> None:
    hits = _hits(
        "Riverton Council presented its change programme at the roundtable of 17 October "
        "2024. Riverton started its \u00a318m Digital Riverton programme in 2017. Riverton "
        "grew its business change team from 5 to 13 people."
    )
    for question in (
        "What's the population of Riverton?",
        "Who is the leader of Riverton Council?",
        "What was Riverton's overspend in 2023?",
    ):
        assert _answerer().answer(question, audience="officer", hits=hits).refused, question
    for question, found in (
        ("What was the budget for Digital Riverton?", "\u00a318m"),
        ("What is the headcount of Riverton's business change team?", "13 people"),
    ):
        draft = _answerer().answer(question, audience="officer", hits=hits)
        assert not draft.refused and found in draft.text, question


def test_how_much_does_it_cost_is_answered_by_free_of_charge() -> None:
    hits = _hits(
        "The Marlow review is a series of workshops for a council's senior team. A council "
        "can have the Marlow review facilitated free of charge. Marlow Data, the LGA's free "
        "data platform, holds 12,500 metrics."
    )
    draft = _answerer().answer(
        "How much does the Marlow review cost?", audience="officer", hits=hits
    )
    assert not draft.refused
    assert draft.text.startswith("A council can have the Marlow review facilitated free")
    # "the LGA's membership fees" are fees: a free data platform says nothing about them
    fees = _answerer().answer("What are the LGA's membership fees?", audience="officer", hits=hits)
    assert fees.refused


def test_when_is_answered_by_a_month_or_year_not_by_how_often() -> None:
    hits = _hits(
        "The learning groups ran as three groups, each of which met online three times. "
        "The Marlow sessions took place between September 2024 and March 2025."
    )
    draft = _answerer().answer(
        "When did the Marlow learning groups run?", audience="officer", hits=hits
    )
    assert draft.text.startswith("The Marlow sessions took place between September 2024")


def test_a_post_holder_or_deadline_the_passages_do_not_hold_is_refused() -> None:
    hits = _hits(
        "Clare Lee, Head of Change at Riverton Council, chairs the Marlow network. The LGA "
        "runs a development programme for chief executives. The Marlow fund has run since "
        "2015 and opens for bids every spring."
    )
    for question in (
        "Who is the LGA's chief executive?",  # a person, but in another post
        "What's the deadline to apply for the Marlow fund this year?",  # no day of a month
        "What is Riverton's annual savings target?",
    ):
        assert _answerer().answer(question, audience="officer", hits=hits).refused, question
    chair = _answerer().answer("Who chairs the Marlow network?", audience="officer", hits=hits)
    assert not chair.refused and "Clare Lee" in chair.text


def test_one_as_a_pronoun_counts_nothing() -> None:
    # "to arrange one, a council contacts ..." is no count of councils.
    hits = _hits(
        "Councils are expected to have a Marlow peer review every five years; to arrange one, "
        "a council contacts its adviser. All councils that had a Marlow peer review in 2022/23 "
        "said it helped."
    )
    question = "how many councils had a Marlow peer review in 2022/23?"
    assert _answerer().answer(question, audience="councillor", hits=hits).refused


def test_the_count_bonus_goes_to_the_figure_that_counts_not_to_a_year() -> None:
    question = analyse_question("How many support offers are in the Marlow programme?")

    def bonus(text: str) -> float:
        [sentence] = split_sentences(text)
        cand = Candidate(sentence, 0, frozenset(), frozenset())
        return type_bonus(question, cand)

    year = bonus("The Marlow programme of support offers was set up in 2023/24.")
    counted = bonus("The Marlow programme was made up of eight support offers.")
    assert counted > 0.0 == year == bonus("The Marlow programme of support offers is good.")


def test_what_an_acronym_stands_for_leads_the_answer_cited_to_the_passage_spelling_it_out() -> None:
    assert analyse_question("What's a LATCo? It came up in a report.").acronym == "LATCo"
    assert analyse_question("what does CDDaT stand for").acronym == "CDDaT"
    assert analyse_question("What are LATCos?").acronym == "LATCo"
    assert analyse_question("What is the Transformation Network?").acronym is None
    hits = _hits(
        "The Marlow LATCo took on leisure services in 2022 and grew its income each year.",
        "In Marlow a local authority's trading company (LATCo) was set up to run leisure.",
    )
    for audience in ("officer", "councillor"):
        draft = _answerer().answer("What's a LATCo?", audience=audience, hits=hits)
        assert not draft.refused
        first, *rest = draft.text.split("\n\n")
        assert first == "LATCo stands for local authority trading company [1]."
        [one] = [c for c in draft.citations if c.n == 1]
        assert one.chunk.document_id == "doc-1" and "(LATCo)" in one.quote
        # Every marker points at a citation, numbered 1..n.
        assert sorted(c.n for c in draft.citations) == list(range(1, len(draft.citations) + 1))
        assert {int(n) for n in re.findall(r"\[(\d+)\]", draft.text)} == {
            c.n for c in draft.citations
        }
    # No passage spells it out: no invented expansion.
    plain = _hits("The Marlow LATCo took on leisure services in 2022 and grew its income.")
    draft = _answerer().answer("What's a LATCo?", audience="officer", hits=plain)
    assert "stands for" not in draft.text


def test_a_date_beside_only_a_common_name_of_the_question_does_not_answer_it() -> None:
    question = "On what date did the Marlow Board discuss the Transformation Plan?"
    hits = _hits(
        "The Marlow Board discussed the Transformation Plan and agreed to review it. "
        "Transformation work carried on in many councils during the year. "
        "Transformation leads from several councils met online. "
        "Transformation budgets were set for the next three years. "
        "Transformation teams shared their learning with residents.",
        "Transformation masterclasses ran on 22 November 2023 across the region.",
    )
    draft = _answerer().answer(question, audience="officer", hits=hits)
    assert draft.refused and "don't give that date" in (draft.refusal_reason or "")
    dated = _hits("The Marlow Board discussed the Transformation Plan on 12 March 2024.")
    draft = _answerer().answer(question, audience="officer", hits=dated)
    assert not draft.refused and "12 March 2024" in draft.text


REVIEW = (
    "A resilience review is a peer-led look at a council's plans, organised by the Marlow "
    "network. Councils are expected to have one every three years through their regional "
    "adviser. Review reports are published, and the council must produce an action plan and "
    "hold a progress review within twelve months. The network has run forty reviews."
)


def test_what_happens_after_asks_for_the_steps_that_follow() -> None:
    for question in (
        "What happens after a council has had a resilience review?",
        "What happens afterwards?",
        "What are the next steps?",
    ):
        assert analyse_question(question).sequel, question
    for question in ("What happened at the meeting?", "What is a resilience review?"):
        assert not analyse_question(question).sequel, question
    draft = _answerer().answer(
        "What happens after a council has had a resilience review?",
        audience="councillor",
        hits=_hits(REVIEW),
    )
    assert not draft.refused
    assert "action plan" in draft.text, draft.text  # what follows, not only what a review is


SETS = (
    "The Marlow learning sets bring councillors and officers from different councils together "
    "to work through real problems with peers and a facilitator. Each council sends one officer "
    "and one councillor, who attend three free sessions online. The network asked a partner to "
    "run the sets between September 2024 and March 2025 as part of its support programme."
)


def test_a_question_about_paying_gets_the_sentence_about_the_price() -> None:
    question = "Do we have to pay for a place on the Marlow learning sets?"
    assert analyse_question(question).cost
    assert not analyse_question("What do the Marlow learning sets do?").cost
    draft = _answerer().answer(question, audience="officer", hits=_hits(SETS))
    assert not draft.refused
    assert "free sessions" in draft.priority[0] or "free sessions" in draft.priority[1]


EXCHANGE = (
    "Sharing expertise\n\n"
    "\u201cThe exchange, built by councils for councils, helps each council learn from "
    "others.\u201d\n\n"
    "Cllr Sam Reed, Chair of the Marlow Improvement Board\n\n"
    "\u201cBy working together, the exchange will help councils deliver better services for "
    "local people.\u201d\n\n"
    "Priya Okafor, Minister for Local Resilience"
)


def test_which_minister_is_answered_by_the_line_naming_the_minister() -> None:
    question = analyse_question("Was there a minister who backed the exchange? Who?")
    assert (question.type, question.role) == ("person", "minister")
    draft = _answerer().answer(
        "Which minister backed the exchange?", audience="officer", hits=_hits(EXCHANGE)
    )
    assert not draft.refused
    assert "Priya Okafor, Minister for Local Resilience" in draft.text
    # shown after the quotation it names the speaker of
    assert draft.text.index("By working together") < draft.text.index("Priya Okafor")


def test_the_post_asked_about_outweighs_another_persons_post() -> None:
    question = analyse_question("Which minister backed the exchange?")

    def bonus(text: str) -> float:
        [sentence] = split_sentences(text)
        return type_bonus(question, Candidate(sentence, 0, frozenset(), frozenset()))

    minister = bonus("Priya Okafor, the Minister for Local Resilience, opened the exchange.")
    chair = bonus("Sam Reed, the Chair of the Marlow Improvement Board, opened the exchange.")
    untitled = bonus("Cllr Sam Reed said the exchange would help councils.")
    # a person in another post is no answer; one whose post is not given may be
    assert minister > untitled > chair == 0.0


def test_what_is_x_prefers_a_sentence_saying_what_x_is_over_one_counting_them() -> None:
    question = analyse_question("What is a learning circle, in plain English?")
    assert (question.type, question.focus) == ("definition", ("learning", "circle"))

    def bonus(text: str) -> float:
        [sentence] = split_sentences(text)
        return type_bonus(question, Candidate(sentence, 0, frozenset(), frozenset()))

    defines = bonus("Learning circles bring peers together to test ideas on real problems.")
    counts = bonus("There were three learning circle groups, each meeting three times.")
    other = bonus("The network is a group for officers working on change.")
    assert defines > 0.0 == other > counts


def _bonus(question_text: str, text: str) -> float:
    question = analyse_question(question_text)
    [sentence] = split_sentences(text)
    return type_bonus(question, Candidate(sentence, 0, frozenset(), frozenset()))


def test_a_list_question_prefers_the_sentence_naming_the_items_after_a_colon() -> None:
    question = "What kind of things does the resilience review look at?"
    assert analyse_question(question).type == "list"
    names = _bonus(
        question, "The review looks at five areas: housing; money; skills; data; and care."
    )
    remarks = _bonus(question, "The review covers several areas, each scored, rated and reported.")
    assert names > remarks > 0.0


def test_a_list_led_by_other_items_than_asked_for_is_not_the_answer() -> None:
    themes = (
        "Themes the review worked through\n\nChallenges include:\n\n- Staff see the review's "
        "themes as a job for others.\n\n- Leaders lack time to work through the themes.\n\n"
        "- Budgets for the review are set too late."
    )
    summary = (
        "The report grouped what it heard into three themes:\n\n- leadership and culture\n\n"
        "- money and savings\n\n- skills for change"
    )
    draft = _answerer().answer(
        "Which themes did the review work through?",
        audience="officer",
        hits=_hits(themes, summary),
    )
    assert not draft.refused
    assert "- leadership and culture" in draft.text, draft.text
    assert "Budgets are set too late" not in draft.text


def test_which_councils_prefers_a_sentence_naming_several_councils() -> None:
    question = "Which councils have presented at the Marlow network?"
    assert analyse_question(question).many
    assert not analyse_question("Which council ran the pilot?").many
    several = _bonus(
        question,
        "Meetings heard from Marlow District Council (data), Ashby Borough Council (skills) "
        "and Kenton County Council (housing).",
    )
    one = _bonus(question, "Marlow District Council presented on its data work.")
    assert several > one > 0.0
    assert (
        _bonus(
            "Which council ran the pilot?",
            "Marlow District Council and Ashby Borough Council ran it.",
        )
        == one
    )


def test_what_questions_should_i_ask_is_answered_with_the_list_of_questions() -> None:
    questions = (
        "Questions councillors can ask officers\n\nWhy is change needed?\n\n"
        "What problem is the council solving?\n\nDoes the proposal fit the strategy?"
    )
    heading = ("Toolkit", "Questions councillors can ask officers")
    chunk = make_chunk("toolkit", 0, questions, heading_path=heading)
    hits = [Hit(chunk=chunk, score=1.0, dense_rank=1), *_hits(ADVICE)]
    question = "What questions should I ask officers about a business case?"
    assert analyse_question(question).what_to_ask  # a list of questions to put
    draft = _answerer().answer(question, audience="councillor", hits=hits)
    assert not draft.refused
    assert draft.text.splitlines()[1:] == [
        "- Why is change needed? [1]",
        "- What problem is the council solving? [1]",
        "- Does the proposal fit the strategy? [1]",
    ], draft.text


def test_the_catalogue_saying_the_sources_lack_it_is_a_plain_not_held() -> None:
    scale = (
        "Councils rate their resilience on a scale from 1 to 5. The LGA sources give only the "
        "1-5 scale: they do not define what each level of the resilience scale means."
    )
    chunk = make_chunk("catalogue", 0, scale, publisher="lga-assistant catalogue", title="Scale")
    hits = [Hit(chunk=chunk, score=1.0, dense_rank=1)]
    draft = _answerer().answer(
        "What does level 3 of the resilience scale mean?", audience="officer", hits=hits
    )
    assert draft.refused
    assert draft.refusal_reason is not None
    assert draft.refusal_reason.startswith("The sources I have give only the 1-5 scale"), (
        draft.refusal_reason
    )
    assert "\u201cScale\u201d" in draft.refusal_reason  # what they do cover
    # The same sentence in a primary document is an answer, not the catalogue's own note.
    primary = make_chunk("report", 0, scale, publisher="LGA", title="Report")
    draft = _answerer().answer(
        "What does level 3 of the resilience scale mean?",
        audience="officer",
        hits=[Hit(chunk=primary, score=1.0, dense_rank=1)],
    )
    assert not draft.refused


def test_councillors_get_the_plainer_of_two_sentences_unless_a_specific_item_is_asked() -> None:
    from assistant.answering.extractive import base_scores

    text = (
        "Resilience work needs organisational commitment, collaborative infrastructure and "
        "comprehensive operational prioritisation. "
        "Resilience work needs people who talk to each other and a short list of jobs."
    )
    answerer = _answerer()

    def councillor_gain(question: str) -> float:
        analysis = answerer.analyse(question, _hits(text))
        gain = base_scores(analysis, "councillor") - base_scores(analysis, "officer")
        hard, plain = (
            next(i for i, c in enumerate(analysis.candidates) if word in c.sentence.text)
            for word in ("organisational", "short list")
        )
        return float(gain[plain] - gain[hard])

    assert councillor_gain("What does resilience work need?") > 0.05
    assert abs(councillor_gain("How many jobs does resilience work need?")) < 1e-6


def test_each_part_of_a_two_part_question_gets_its_sentence() -> None:
    minutes = (
        "The director reported that the new resilience programme was being developed as part "
        "of the funding agreement for 2024 with the department. "
        "The resilience programme was developed with councils through the resilience network. "
        "The director ran through the eight offers that made up the resilience programme. "
        "The board noted the overview of the resilience programme and agreed the feedback. "
        "Members said the resilience programme should be developed further with the sector. "
        "Members welcomed the resilience programme and its offers. "
        "Officers were working with regional teams to pick the councils that might gain most."
    )
    question = "How was the resilience programme developed, and how were councils picked?"
    assert len(analyse_question(question).parts) == 2
    draft = _answerer().answer(question, audience="officer", hits=_hits(minutes))
    assert not draft.refused
    assert "regional teams" in draft.text, (
        draft.text
    )  # the second part's answer, not only the first's


def test_the_documents_own_words_for_the_question_count_as_its_terms() -> None:
    from assistant.text.terms import stem

    text = (
        "Run a prioritisation exercise to agree which projects matter most. "
        "Members met in May to discuss the budget."
    )
    analysis = _answerer().analyse("How do we decide which ones go first?", _hits(text))
    assert stem("prioritisation") in analysis.question_terms  # from synonyms.yaml's "go first"
    plain = _answerer().analyse("How do we decide what to do?", _hits(text))
    assert stem("prioritisation") not in plain.question_terms


def test_a_sentence_spelling_out_a_picked_one_joins_it() -> None:
    # "This could include ..." shares few words with the question, but it is what the
    # picked suggestion means in practice: it comes with it, right after it.
    grants = (
        "Councils that receive time-limited grants could plan for sustainability from the "
        "start. This could include folding pilots into wider programmes, embedding lessons "
        "across departments and writing later bids on what worked."
    )
    other = (
        "Councils could hold regular reviews of budgets. Councils could report grants to "
        "cabinet. Councils could publish the results of grants each year."
    )
    draft = _answerer().answer(
        "Our grants run out and projects stop. How can councils plan for sustainability?",
        audience="councillor",
        hits=_hits(grants, other),
    )
    assert "folding pilots into wider programmes" in draft.text
    assert draft.text.index("plan for sustainability") < draft.text.index("folding pilots")


def test_the_leading_answer_moves_first_with_the_sentence_spelling_it_out() -> None:
    passage = (
        "Councils could publish what their grants achieved each year. Councils that receive "
        "time-limited grants could plan for sustainability from the start. This could include "
        "folding pilots into wider programmes and embedding lessons across departments."
    )
    hits = _hits(passage)
    sentences = split_sentences(passage)
    first, lead, detail = (Candidate(s, 0, frozenset(), frozenset()) for s in sentences)
    text, _ = compose([lead, first, detail], hits)  # the lead was picked first
    assert text.index("plan for sustainability") < text.index("folding pilots")
    assert text.index("folding pilots") < text.index("publish what their grants")


def test_a_primary_document_saying_what_a_picked_catalogue_sentence_says_is_cited() -> None:
    catalogue = make_chunk(
        "catalogue",
        0,
        "The Marlow review recommends groups of six to 12 people with a named facilitator.",
        publisher="lga-assistant catalogue",
        title="Marlow review",
    )
    primary = make_chunk(
        "report",
        0,
        "The Marlow review recommends that groups work with between six and 12 people and a "
        "named facilitator to drive the sessions.",
        publisher="LGA",
        title="Marlow report",
    )
    hits = [Hit(chunk=catalogue, score=1.0, dense_rank=1), Hit(chunk=primary, score=0.9)]
    # No echo penalty: the swap after selection alone must cite the LGA's own document (the
    # hashing embedder's cosine is word overlap: 0.4 here stands for 0.7 with a real model).
    no_echo = replace(
        WEIGHTS,
        answer_type=replace(WEIGHTS.answer_type, catalogue_echo=0.0),
        selection=replace(WEIGHTS.selection, primary_twin_cosine=0.4),
    )
    settings = Settings(answer=AnswerSettings(min_evidence=0.05))
    answerer = Answerer(
        embedder=HashEmbedder(), chat_model=None, settings=settings, weights=no_echo
    )
    question = "What group size does the Marlow review recommend?"
    draft = answerer.answer(question, audience="officer", hits=hits)
    assert "between six and 12 people" in draft.text
    assert "named facilitator" in draft.text
    assert [c.chunk.document_id for c in draft.citations] == ["report"]
    # A primary sentence without the catalogue sentence's figure says something else.
    vague = make_chunk(
        "report",
        0,
        "The Marlow review recommends that groups work with a few people and a named "
        "facilitator to drive the sessions.",
        publisher="LGA",
        title="Marlow report",
    )
    hits = [hits[0], Hit(chunk=vague, score=0.9)]
    draft = answerer.answer(question, audience="officer", hits=hits)
    assert "six to 12 people" in draft.text


def test_a_primary_sentence_already_shown_takes_its_paraphrases_place() -> None:
    from types import SimpleNamespace

    from assistant.answering.extractive import primary_twins

    texts = [
        ("The review reported that all 12 councils said it helped.", True),  # our paraphrase
        ("The review is run by the LGA.", True),
        ("All 12 councils that had the review said it helped them.", False),  # the LGA's words
    ]
    sentences = [split_sentences(t)[0] for t, _ in texts]
    candidates = [
        Candidate(s, i, frozenset(re.findall(r"[a-z0-9]+", s.text.lower())), frozenset(), None, cat)
        for i, (s, (_, cat)) in enumerate(zip(sentences, texts, strict=True))
    ]
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.96, 0.28]], dtype=np.float32)
    analysis = SimpleNamespace(
        candidates=candidates, vectors=vectors, question_terms={"councils": 1.0, "helped": 1.0}
    )
    base = np.array([0.9, 0.6, 0.7], dtype=np.float32)
    picked = primary_twins(analysis, [0, 1, 2], base, lambda i: True, WEIGHTS.selection)
    assert picked == [2, 1]  # shown once, where the paraphrase stood
    # Not yet shown: it replaces the paraphrase.
    assert primary_twins(analysis, [0, 1], base, lambda i: True, WEIGHTS.selection) == [2, 1]


def test_names_a_primary_twin_must_keep_leave_out_the_ones_every_lga_name_shares() -> None:
    from assistant.answering.extractive import _name_words

    said = "Then Bristol City Council updated the LGA Transformation Network on champions."
    assert _name_words(said) == {"bristol"}
    assert _name_words("Kate Lindley from Change Network spoke.") == {"lindley", "change"}


def test_a_hyphenated_council_typed_in_lower_case_needs_its_own_figure() -> None:
    hits = _hits(
        "Marlow-on-Sea District Council used a grant to pay for business analysts. "
        "The Hove programme has given councils grants such as \u00a325,000 for trials."
    )
    answerer = _answerer()
    asked = "marlow on sea got a grant for business analysts didnt they? how much was it"
    assert answerer.answer(asked, audience="councillor", hits=hits).refused
    held = _hits(
        "Marlow-on-Sea District Council used a \u00a340,000 grant to pay for business analysts."
    )
    draft = answerer.answer(asked, audience="councillor", hits=held)
    assert not draft.refused and "40,000" in draft.text


def test_a_name_typed_in_lower_case_is_one_whose_words_it_uses_in_a_row() -> None:
    from types import SimpleNamespace

    from assistant.answering.extractive import names_typed_lower

    text = (
        "The Councillor Transformation Network meets twice a year. The Transformation Network "
        "has forty members. Newcastle-under-Lyme Borough Council used a grant."
    )
    candidates = [Candidate(s, 0, frozenset(), frozenset()) for s in split_sentences(text)]

    def names(question: str) -> frozenset[str]:
        return names_typed_lower(SimpleNamespace(candidates=candidates, question_text=question))

    # "councillors" and "transformation network" apart do not name the councillors' network
    assert names("is the transformation network for councillors?") == {"transform", "network"}
    assert names("how much did newcastle under lyme get?") == {"newcastl", "lyme"}
    assert names("what does the network do for transformation?") == frozenset()


def test_a_length_cap_keeps_the_sentence_holding_the_date_asked_for() -> None:
    from assistant.answering.extractive import extract_answer

    hits = _hits(
        "The Marlow showcase invites councils to bring their technology challenges to "
        "suppliers. It will be held on 14 November in the Marlow hall."
    )
    answerer = _answerer()
    question = "When is the Marlow showcase for councils happening?"
    analysis = answerer.analyse(question, hits)
    draft = extract_answer(analysis, hits, audience="councillor", budget=100)
    assert "14 November" in draft.priority[0]  # dropped last by the plain layer's word cap


def test_what_someone_said_is_answered_with_their_quotation_after_who_they_are() -> None:
    release = (
        "The Marlow programme offers councils support to deliver services.\n\n"
        "The Marlow programme includes peer reviews and leadership courses for councils.\n\n"
        "Peer reviews in the Marlow programme are free for councils and take four days.\n\n"
        "Cllr Ann Lee, Chair of the Marlow Board, said:\n\n"
        "\u201cWe are delighted to launch the Marlow programme for councils this year.\n\n"
        "\u201cOur reviews will help councils improve the services they deliver.\u201d"
    )
    draft = _answerer().answer(
        "What did the chair of the board say about the Marlow programme's peer reviews?",
        audience="officer",
        hits=_hits(release),
    )
    text = draft.text
    assert text.startswith("Cllr Ann Lee")  # who said it, then the quotation
    assert text.index("delighted to launch") < text.index("Our reviews will help")
    # Another speaker's words are not the chair's: "Cllr" alone names no one.
    assert analyse_question("What did Cllr Bob Hart say?").said_by == "Cllr Bob Hart"
    other = _answerer().answer(
        "What did Cllr Bob Hart say about the Marlow programme?",
        audience="officer",
        hits=_hits(release),
    )
    assert not other.text.startswith("Cllr Ann Lee")


def test_one_level_of_a_scale_the_sources_do_not_define_is_a_plain_not_held() -> None:
    scale = (
        "Councils rate their resilience on a resilience scale from 1 to 5 with their partners. "
        "Each council scores its resilience every year and shares its resilience score. "
        "The LGA sources give only the 1-5 scale: they do not define what each level means."
    )
    chunk = make_chunk("catalogue", 0, scale, publisher="lga-assistant catalogue", title="Scale")
    hits = [Hit(chunk=chunk, score=1.0, dense_rank=1)]
    answerer = _answerer()
    asked = answerer.answer(
        "What exactly does a score of 3 on the resilience scale mean for our council?",
        audience="officer",
        hits=hits,
    )
    assert asked.refused and asked.refusal_reason is not None
    assert asked.refusal_reason.startswith("The sources I have give only the 1-5 scale")
    how = answerer.answer("How do councils rate their resilience?", audience="officer", hits=hits)
    assert not how.refused


def test_which_councils_took_part_is_declined_when_the_document_keeps_them_anonymous() -> None:
    from assistant.answering.extractive import participants_not_named

    told = "Twelve councils took part in the Marlow review over a year."
    note = "Its case examples are anonymised, so they do not identify the councils involved."
    hits = _hits(told)
    later = make_chunk("doc-0", 3, note, title="Document 0")  # elsewhere in the same document
    question = "Which 12 councils took part in the Marlow review?"
    reason = participants_not_named(question, hits, lambda doc: [later] if doc == "doc-0" else [])
    assert reason is not None and reason.startswith("The sources I have don't name those councils")
    assert "do not identify the councils" in reason
    assert participants_not_named(question, hits) is None  # no such note: answered as usual
    assert participants_not_named("How many councils took part?", hits, lambda doc: [later]) is None


def test_who_a_tool_is_for_is_answered_by_the_sentence_saying_so() -> None:
    hits = _hits(
        "The Marlow tool is an online hub of guidance, data and training for councils. "
        "Councils fill the Marlow tool in online, and it takes about two hours to fill in. "
        "The Marlow tool is aimed at senior leaders, but anyone in the council can complete it."
    )
    question = "Who is supposed to fill the Marlow tool in?"
    assert analyse_question(question).audience and analyse_question(question).type != "person"
    draft = _answerer().answer(question, audience="officer", hits=hits)
    assert draft.text.startswith("The Marlow tool is aimed at senior leaders")


def test_can_i_join_asks_who_it_is_for() -> None:
    for question in (
        "can i as a councillor join the Marlow network?",
        "is it true the Marlow network is for councillors?",
        "is the network just for officers?",
    ):
        assert analyse_question(question).audience, question
    assert not analyse_question("What is the Marlow network for?").audience
    # A name as the subject: "Who is TIEx aimed at?"; not "who is Ann Lee working for?".
    assert analyse_question("Who is TIEx aimed at?").audience
    assert analyse_question("Who is LG Inform for?").audience
    assert not analyse_question("Who is Ann Lee working for?").audience
    hits = _hits(
        "The Marlow network meets four times a year to share learning between councils. "
        "Councillors in a leadership role champion the network's ideas at cabinet. "
        "The Marlow network is a group for officers working in change and data roles."
    )
    draft = _answerer().answer(
        "could I join the Marlow network as a cabinet member?", audience="councillor", hits=hits
    )
    assert draft.text.removeprefix("In short: ").startswith("The Marlow network is a group for"), (
        draft.text
    )


def test_a_list_under_a_heading_naming_the_topic_answers_a_list_question() -> None:
    from assistant.answering.extractive import best_list

    questions = make_chunk(
        "toolkit",
        1,
        "Strategic questions to raise\n\nWhy is change needed?\n\nWhat problem is it solving?"
        "\n\nDoes it fit the strategy?",
        heading_path=("Scrutiny of transformation business cases", "Strategic questions to raise"),
    )
    hits = [Hit(chunk=questions, score=1.0, dense_rank=1)]
    question = "What questions should I put at scrutiny about a transformation business case?"
    found = best_list(_answerer().analyse(question, hits), hits)
    assert found is not None and found[0].items[0] == "Why is change needed?"


def test_suggestions_added_after_a_hit_share_its_rank_and_push_no_hit_down() -> None:
    from assistant.answering.analysis import added_ranks

    hits = _hits("First passage.", "Its suggestions.", "Second passage.", "Third passage.")
    added = {hits[1].chunk.id}
    assert added_ranks(hits, added) == (0, 0, 1, 2)
    assert added_ranks(hits, set()) == (0, 1, 2, 3)


def test_every_name_held_does_not_depend_on_the_order_weights_are_summed_in() -> None:
    import itertools

    from assistant.answering.extractive import holds_share

    weights = [3.6635616461296463, 1.1349799328389845, 2.151762203259462, 1.5686159179138452]
    assert len({sum(p) for p in itertools.permutations(weights)}) > 1  # float sums do differ
    for held in itertools.permutations(weights):
        assert holds_share(held, weights, 1.0)
    assert not holds_share(weights[:3], weights, 1.0)
    assert holds_share(weights[:1], weights, 0.4)


def test_a_list_of_lower_case_items_after_its_lead_is_one_candidate_sentence() -> None:
    from assistant.answering.analysis import list_sentences

    text = (
        "Leadership role\n\nCouncillors in a leadership role are expected to:\n\n"
        "- approve business cases and resources;\n- set risk tolerances;\n"
        "- require regular progress reports.\n\nScrutiny role\n\nScrutiny councillors challenge "
        "plans.\n\nThey are:\n\n- Clarity.\n- Capacity."
    )
    found = list_sentences(text, split_sentences(text))
    assert [s.text for s in found] == [
        "Councillors in a leadership role are expected to: approve business cases and "
        "resources; set risk tolerances; and require regular progress reports."
    ]  # "Clarity." and "Capacity." are sentences of their own already
    assert text[found[0].start : found[0].end].startswith("Councillors in a leadership role")


def test_a_when_question_leads_with_the_sentence_giving_the_date() -> None:
    # The best-scoring sentence describes the showcase without a date; a sentence as much about
    # the showcase gives it, and one naming a year is about something else (the network).
    hits = _hits(
        "The Marlow technology showcase invites councils to submit technology challenges that "
        "smart technology might solve. Suppliers then present possible solutions at a showcase "
        "event.",
        "The Marlow network (2024-25) shares technology news with councils.",
        "Colleagues shared an update on the Marlow technology showcase. This initiative asks "
        "councils to submit technology challenges, and the showcase event on 14 November will "
        "present solutions.",
    )
    question = (
        "When is the Marlow technology showcase where suppliers present solutions to council "
        "challenges?"
    )
    draft = _answerer().answer(question, audience="officer", hits=hits)
    lead = draft.text.split("\n\n")[1]
    assert "14 November" in lead
    assert "Colleagues shared an update" in lead  # "This initiative" comes with its antecedent
    # Without the rule the dateless description leads.
    off = replace(WEIGHTS, selection=replace(WEIGHTS.selection, asked_lead_gap=0.0))
    settings = Settings(answer=AnswerSettings(min_evidence=0.05))
    plain = Answerer(embedder=HashEmbedder(), chat_model=None, settings=settings, weights=off)
    assert (
        "14 November"
        not in plain.answer(question, audience="officer", hits=hits).text.split("\n\n")[1]
    )


QUESTIONS_TO_ASK = (
    "Questions councillors can ask officers\n\n- Why is the change needed?\n\n- What problem "
    "is the council solving?\n\n- Does the proposal fit the council's plan?"
)
MEMBERS_QUESTIONS = (
    "Members' comments and questions\n\n- Members warmly welcomed the programme.\n\n- A "
    "greater role for elected members was suggested.\n\n- Members asked about the timetable."
)


def test_what_should_i_be_asking_is_answered_with_a_list_of_questions() -> None:
    question = "A big business case is coming to cabinet next month. What should I be asking?"
    analysed = analyse_question(question)
    assert (analysed.type, analysed.listed, analysed.what_to_ask) == ("list", "questions", True)
    assert analyse_question("What questions should I put to officers at cabinet?").what_to_ask
    assert not analyse_question("What questions did members raise?").what_to_ask
    # The list of questions is the sixth passage and shares few words with the asker's
    # context; members' comments and questions come first but are not questions to ask.
    hits = _hits(
        MEMBERS_QUESTIONS,
        "The cabinet meets monthly to agree business cases and next steps for big changes.",
        "A business case develops from an outline to a full business case as costs are known.",
        "Cabinet portfolio holders review the plan from the point of view of each service.",
        "Officers brief the cabinet a month before a decision is due on a business case.",
        QUESTIONS_TO_ASK,
    )
    text = _answerer().answer(question, audience="councillor", hits=hits).text
    assert "Why is the change needed?" in text and "warmly welcomed" not in text
    assert text.startswith("Document 5 suggests asking:\n")  # where the questions come from
    # Asked what members asked, the members' questions list is the answer.
    raised = (
        _answerer().answer("What questions did members raise?", audience="officer", hits=hits).text
    )
    assert "warmly welcomed" in raised and "Why is the change needed?" not in raised


def test_a_count_about_a_council_typed_in_lower_case_needs_that_council() -> None:
    # The staff counted are the learning sets', not the Lincolnshire team's asked about.
    hits = _hits(
        "Clare Rowley, Head of Transformation at Lincolnshire County Council, chairs the "
        "network. Lincolnshire tracks the benefits of one transformation programme.",
        "The learning sets involved 11 councillors and 12 staff from 12 councils.",
    )
    question = "how many staff are in the lincolnshire transformation team?"
    assert _answerer().answer(question, audience="councillor", hits=hits).refused
    # Asked about the learning sets, the same count answers.
    sets = _answerer().answer(
        "how many staff took part in the learning sets?", audience="officer", hits=hits
    )
    assert not sets.refused and "12 staff" in sets.text


def test_a_sum_asked_in_pounds_the_passages_lack_is_refused() -> None:
    hits = _hits(
        "Derby City Council's chatbots automated 43% of phone contacts against a target of 20%."
    )
    question = "What annual cash saving in pounds did Derby report from its chatbots?"
    assert analyse_question(question).money
    assert _answerer().answer(question, audience="officer", hits=hits).refused


SPEAKER_MINUTES = (
    "The Chair invited Priya Okafor (PO), Head of Change, to introduce the report. "
    "PO reported that the Marlow programme had started in May with twelve councils. "
    "Members welcomed the programme and asked for regular updates. "
    "PO thanked members and added two points on member involvement: members would join the "
    "design workshops, and a members' guide would follow."
)


def test_what_a_speaker_added_is_their_sentence_on_it_not_their_introduction() -> None:
    # "PO added ..." is Priya Okafor's (the initials the minutes define), and what she added
    # about member involvement is its words, not the procedural line that brought her in.
    draft = _answerer().answer(
        "What did Priya Okafor add about member involvement?",
        audience="officer",
        hits=_hits(SPEAKER_MINUTES),
    )
    assert not draft.refused
    first = draft.text.split("[1]")[0]
    assert "two points on member involvement" in first, draft.text


def test_a_long_counted_phrase_counts_its_plural_and_a_how_to_run_question_is_a_process() -> None:
    assert analyse_question(
        "How many separate improvement support offers made up the programme for 2023/24?"
    ).counted == ("offers",)
    assert analyse_question("How many councillors attend scrutiny meetings?").counted == (
        "councillors",
    )
    assert analyse_question(
        "How should we organise our senior team's completion of the self-assessment?"
    ).process
    assert analyse_question("How does a council run the Marlow review?").process
    assert not analyse_question("How do councils use data in transformation?").process


ROLES = (
    "The toolkit describes three roles a councillor can play: leadership, scrutiny and ward. "
    "Scrutiny can be formal, through committees, or informal. "
    "Directors can sit on boards outside their service to see change as shared work. "
    "Councillors in a scrutiny role challenge plans and reports constructively and model "
    "curiosity about the evidence."
)


def test_the_askers_own_role_is_read_and_answered_by_what_that_role_does() -> None:
    assert analyse_question("i sit on scrutiny - what should i be doing?").asker_role == (
        "scrutiny"
    )
    assert analyse_question("I've just been put on scrutiny. What do I do?").asker_role == (
        "scrutiny"
    )
    assert analyse_question("im a new portfolio holder - what do I do?").asker_role == (
        "leadership"
    )
    assert analyse_question("As a ward councillor, how do I get involved?").asker_role == "ward"
    assert analyse_question("How do councils run scrutiny?").asker_role is None
    draft = _answerer().answer(
        "i sit on scrutiny - what should i actually be doing when the programme comes to committee?",
        audience="councillor",
        hits=_hits(ROLES),
    )
    assert draft.text.startswith("Councillors in a scrutiny role"), draft.text
    # a question about what one role does, not the asker's own, is read the same way
    asked = "How can scrutiny add value to a change programme?"
    assert analyse_question(asked).asker_role == "scrutiny"
    assert analyse_question("What is the role of scrutiny in change?").asker_role == "scrutiny"
    assert analyse_question("What should cabinet members do?").asker_role == "leadership"
    assert analyse_question("How can we get scrutiny on board?").asker_role is None
    draft = _answerer().answer(asked, audience="councillor", hits=_hits(ROLES))
    assert draft.text.startswith("Councillors in a scrutiny role"), draft.text


def test_the_lga_documents_own_list_is_given_before_our_catalogues_retelling() -> None:
    ours = make_chunk(
        "corpus/resources/marlow-review.md",
        0,
        "The Marlow review's write-up groups what it heard into five themes:\n\n"
        "1. leadership and a shared culture;\n\n2. money and making savings;\n\n"
        "3. skills people need for change;\n\n4. data and customer insight;\n\n"
        "5. working alongside residents.",
        publisher="lga-assistant catalogue",
    )
    intro = make_chunk(
        "marlow-review.pdf", 0, "The Marlow review met with twenty councils over a year."
    )
    themes = make_chunk("marlow-review.pdf", 1, THEMES)
    settings = Settings(answer=AnswerSettings(min_evidence=0.05))
    answerer = Answerer(
        embedder=HashEmbedder(),
        chat_model=None,
        settings=settings,
        document_chunks=lambda d: [intro, themes] if d == "marlow-review.pdf" else [ours],
    )
    question = "What are the five themes of the Marlow review?"
    hits = [Hit(chunk=ours, score=1.0, dense_rank=1), Hit(chunk=intro, score=0.5, dense_rank=2)]
    draft = answerer.answer(question, audience="officer", hits=hits)
    assert "- Leadership and culture [1]" in draft.text, draft.text
    assert draft.citations[0].chunk.document_id == "marlow-review.pdf"
    # ...and our list stands when the document holds no list of those themes
    alone = Answerer(
        embedder=HashEmbedder(),
        chat_model=None,
        settings=settings,
        document_chunks=lambda d: [intro] if d == "marlow-review.pdf" else [ours],
    )
    kept = alone.answer(question, audience="officer", hits=hits)
    assert "- leadership and a shared culture [1]" in kept.text, kept.text


def test_the_askers_role_counts_only_when_they_ask_what_to_do() -> None:
    role = "Councillors in a leadership role champion the network's ideas at cabinet."
    assert _bonus("im a new portfolio holder - what should I be doing?", role) > 0
    assert _bonus("could I join the Marlow network as a cabinet member?", role) == 0


def test_a_share_of_people_in_a_passage_about_the_programme_asked_about_is_answered() -> None:
    # The sentence with the share does not name the programme; its passage does.
    hits = _hits(
        "The LGA has published the Riverton Support Programme for 2024/25. The support offer "
        "continues to be valued, with 97 per cent of chief executives reporting a positive "
        "impact on their council."
    )
    question = "What percentage of chief executives valued the Riverton Support Programme?"
    draft = _answerer().answer(question, audience="officer", hits=hits)
    assert not draft.refused and "97 per cent" in draft.text
    # ...but a share of chief executives is no answer to a share of residents
    question = "What percentage of residents used the Riverton Support Programme?"
    assert analyse_question(question).share_of == "residents"
    assert _answerer().answer(question, audience="officer", hits=hits).refused


def test_a_sum_that_is_not_the_salary_income_saving_or_council_budget_asked_is_refused() -> None:
    hits = _hits(
        "Riverton Council started its \u00a318m Digital Riverton programme in 2017. Riverton "
        "gives each neighbourhood a \u00a3100,000 fund to spend. Susan Ward is Riverton's "
        "Head of Change."
    )
    for question in (
        "What is Riverton Council's annual budget?",
        "What salary does Riverton's Head of Change earn?",
        "What was Riverton Council's total income last year?",
        "How much has Riverton saved through digital?",
        "What did Digital Riverton cost per resident?",
    ):
        assert analyse_question(question).type == "number", question
        draft = _answerer().answer(question, audience="officer", hits=hits)
        assert draft.refused and "don't give that amount" in draft.text, question
    draft = _answerer().answer(
        "What was the budget for the Digital Riverton programme?", audience="officer", hits=hits
    )
    assert not draft.refused and "\u00a318m" in draft.text
    saved = _hits("Riverton's digital programme saved \u00a32m a year in contact centre costs.")
    draft = _answerer().answer("How much has Riverton saved?", audience="officer", hits=saved)
    assert not draft.refused and "\u00a32m" in draft.text


def test_when_something_ends_needs_a_date_it_ends_or_runs_to() -> None:
    presented = _hits(
        "Riverton Council presented its early help programme to the network on 17 October "
        "2024. The early help programme works with families before they reach crisis."
    )
    question = "When does Riverton's early help programme end?"
    draft = _answerer().answer(question, audience="officer", hits=presented)
    assert draft.refused and "don't give that date" in draft.text
    runs = _hits(
        "Riverton Council's early help programme runs until March 2026. The early help "
        "programme works with families before they reach crisis."
    )
    draft = _answerer().answer(question, audience="officer", hits=runs)
    assert not draft.refused and "March 2026" in draft.text
    # "When did it start?" is not about an end: the date it was presented still counts.
    draft = _answerer().answer(
        "When did Riverton present its early help programme?", audience="officer", hits=presented
    )
    assert not draft.refused and "17 October" in draft.text


def test_a_target_or_launch_date_is_a_date_question() -> None:
    for question in (
        "What is Riverton County Council's carbon net zero target date?",
        "What's the launch date of the new framework?",
    ):
        assert analyse_question(question).type == "date", question


def test_contact_details_come_from_a_document_s_contact_block_or_are_said_to_be_missing() -> None:
    report = _hits(
        "The review was written for the LGA by Marlow Research. It met twenty councils.",
        "MARLOW RESEARCH\n\n12 High Street\n\nAB1 2CD\n\n020 7946 0000\n\n"
        "www.marlow-research.example\n\nhello@marlow-research.example",
    )
    question = "Do you have a phone number or email for Marlow Research, who wrote the review?"
    draft = _answerer().answer(question, audience="officer", hits=report)
    assert not draft.refused
    assert "020 7946 0000" in draft.text and "hello@marlow-research.example" in draft.text
    assert "Marlow Research" in draft.text and draft.text.endswith("[1].")
    assert "020 7946 0000" in draft.citations[0].quote
    # Without the block: said plainly, not answered around
    for question in (
        "Is there an email address to contact the review's authors?",
        "What are the opening hours of Marlow's library?",
    ):
        draft = _answerer().answer(question, audience="officer", hits=report[:1])
        assert draft.refused and "don't give" in draft.text, question


def test_a_date_must_be_the_date_of_the_event_asked_about() -> None:
    hits = _hits(
        "The Marlow Network was set up by the LGA in 2015. Marlow Council presented its "
        "customer strategy to the network on 3 June 2024. The next meeting of the Marlow "
        "Network will be held on 9 December 2026."
    )
    for question, found in (
        ("When was the Marlow Network set up?", "2015"),
        ("When is the next meeting of the Marlow Network?", "9 December 2026"),
    ):
        draft = _answerer().answer(question, audience="officer", hits=hits)
        assert not draft.refused and found in draft.text, question
    presented = _hits(
        "Marlow Council presented its customer strategy to the Marlow Network on 3 June 2024. "
        "The strategy moves routine requests online."
    )
    for question in (
        "When was Marlow Council's customer strategy launched?",
        "When is the next round of the Marlow Network's peer reviews?",
    ):
        draft = _answerer().answer(question, audience="officer", hits=presented)
        assert draft.refused and "don't give that date" in draft.text, question


def test_a_year_after_every_year_the_passages_mention_is_said_to_be_beyond_them() -> None:
    hits = _hits(
        "The Marlow Support Programme for 2024/25 offers peer support and training. In 2023 "
        "the LGA asked councils what support they wanted."
    )
    draft = _answerer().answer(
        "What will the Marlow Support Programme offer in 2027?", audience="officer", hits=hits
    )
    assert draft.refused and "don't reach 2027" in draft.text and "2025" in draft.text
    draft = _answerer().answer(
        "What does the Marlow Support Programme offer in 2025?", audience="officer", hits=hits
    )
    assert not draft.refused  # "2024/25" reaches 2025


def test_founders_grades_and_staff_are_specific_things_to_find() -> None:
    assert analyse_question("Who founded Marlow Research?").named_person
    grade = analyse_question("What grade is the Head of Change post?")
    assert grade.type == "number" and grade.measure == "grade"
    hits = _hits(
        "Marlow Research was commissioned by the LGA to run the review in 2024. Susan Ward, "
        "Head of Change at Marlow Council, chaired the review's panel. Marlow Research's review "
        "involved 11 councillors from 6 councils."
    )
    for question in (
        "Who founded Marlow Research?",
        "What grade is the Head of Change post at Marlow Council?",
        "How many staff work at Marlow Research?",
    ):
        draft = _answerer().answer(question, audience="officer", hits=hits)
        assert draft.refused and "don't give" in draft.text, question
    draft = _answerer().answer(
        "How many councillors took part in Marlow Research's review?", audience="officer", hits=hits
    )
    assert not draft.refused and "11 councillors" in draft.text


def test_how_many_answered_a_survey_is_not_a_share_of_them() -> None:
    hits = _hits(
        "The Marlow offer is valued: 99 per cent of chief executives and 91 per cent of "
        "council leaders said Marlow support had a positive impact."
    )
    question = "How many chief executives and leaders responded to the survey behind the 99%?"
    assert analyse_question(question).taking_part
    draft = _answerer().answer(question, audience="officer", hits=hits)
    assert draft.refused and "don't give that figure" in draft.text
    draft = _answerer().answer(
        "What share of council leaders said Marlow support had a positive impact?",
        audience="officer",
        hits=hits,
    )
    assert not draft.refused and "91 per cent" in draft.text


def test_the_lga_s_own_post_holder_is_not_a_council_s_holder_of_that_post() -> None:
    hits = _hits(
        "Sam Reed, Head of Transformation at Marlow Borough Council, chairs the LGA Marlow "
        "Network. The LGA Marlow Network meets four times a year."
    )
    for question in (
        "Who is the LGA's head of transformation?",
        "Who is head of transformation at the LGA?",
    ):
        draft = _answerer().answer(question, audience="officer", hits=hits)
        assert draft.refused and "don't give their name" in draft.text, question
    for question in (
        "Who chairs the LGA Marlow Network?",
        "Who is head of transformation at Marlow Borough Council?",
    ):
        draft = _answerer().answer(question, audience="officer", hits=hits)
        assert not draft.refused and "Sam Reed" in draft.text, question
    lga = _hits("Priya Okafor, the LGA's Head of Productivity, presented the report.")
    draft = _answerer().answer(
        "Who is the LGA's head of productivity?", audience="officer", hits=lga
    )
    assert not draft.refused and "Priya Okafor" in draft.text


def test_which_council_has_done_it_keeps_sentences_as_far_below_the_first_as_advice() -> None:
    text = (
        "Marlow Borough Council grew its in-house business transformation team from 5 to 13 "
        "people. Marlow keeps digital work separate from IT, uses a work-management "
        "platform, and prioritises projects with the MoSCoW method."
    )
    # no floor but the gap: none for most questions, any for advice and its like
    answerer = _gapped_answerer(floor_gap_advice=10.0)
    question = "Which council has built an in-house business transformation team?"
    assert analyse_question(question).type == "organisation"
    draft = answerer.answer(question, audience="officer", hits=_hits(text))
    assert "5 to 13" in draft.text and "MoSCoW" in draft.text
    described = "How did Marlow build its in-house business transformation team?"
    assert analyse_question(described).type not in ("organisation", "advice", "comparison")
    draft = answerer.answer(described, audience="officer", hits=_hits(text))
    assert "MoSCoW" not in draft.text


def test_what_lga_support_there_is_keeps_the_offer_s_other_sentences() -> None:
    text = (
        "The LGA Nudge Programme funds councils to run trials that use behavioural insights "
        "to reduce demand. The Nudge Programme has run in four phases of match-funded trials, "
        "with grants such as £20,000, and now works through groups of neighbouring councils."
    )
    answerer = _gapped_answerer(floor_gap_advice=10.0)
    for question in (
        "We want to use behavioural insights to reduce demand. What LGA support is there?",
        "Does the LGA offer anything on behavioural insights to reduce demand?",
        "Is there any LGA funding for behavioural insights trials to reduce demand?",
    ):
        assert analyse_question(question).offer, question
        draft = answerer.answer(question, audience="officer", hits=_hits(text))
        assert "£20,000" in draft.text, question
    described = "What is the LGA Nudge Programme?"
    assert not analyse_question(described).offer
    draft = answerer.answer(described, audience="officer", hits=_hits(text))
    assert "£20,000" not in draft.text
    assert not analyse_question("What did the LGA say about peer challenges?").offer


def test_a_named_council_s_list_is_not_another_passage_s_list_of_that_length() -> None:
    sets = (
        "This theme explores large service changes. The focus areas discussed were:\n"
        "- keeping buy-in across the council\n- keeping service quality up\n"
        "- managing risk\n- making the gains last"
    )
    sheffield = (
        "Sheffield City Council spread ownership of change to its directors. Sheffield City "
        "Council also simplified its target operating model into four focus areas."
    )
    question = "What are the four focus areas in Sheffield's simplified target operating model?"
    draft = _answerer().answer(question, audience="officer", hits=_hits(sets, sheffield))
    assert draft.refused and "buy-in" not in draft.text
    assert "don't list the four focus areas" in draft.text
    assert "simplified its target operating model into four focus areas" in draft.text
    # "list all eight offers": the items after a colon can be another count's
    programme = (
        "The Marlow programme was made up of eight support offers, grouped under three "
        "themes: peer support; learning and skills; and tools."
    )
    draft = _answerer().answer(
        "Can you list all eight support offers in the Marlow programme by name?",
        audience="officer",
        hits=_hits(programme),
    )
    assert draft.refused and "don't list the eight support offers" in draft.text
    assert "grouped under three themes: peer support" in draft.text
    # The list itself, where a passage about the council holds it, is the answer.
    listed = sheffield + " The focus areas are: people; places; money; and data."
    draft = _answerer().answer(question, audience="officer", hits=_hits(sets, listed))
    assert not draft.refused and "places" in draft.text and "buy-in" not in draft.text


def test_what_a_board_thought_of_something_is_its_discussion_not_its_decision() -> None:
    minutes = (
        "Decision\nThe board noted the overview of the Marlow support programme and agreed "
        "that feedback on the programme be taken into account.\n\n"
        "Members' comments and questions\nThe Marlow support programme was warmly welcomed "
        "by members, who saw it as a huge opportunity for councils."
    )
    answerer = _gapped_answerer()
    for question in (
        "What did the board think of the Marlow support programme?",
        "Did the board like the Marlow support programme?",
        "How was the Marlow support programme received by the board?",
    ):
        assert analyse_question(question).reaction, question
        draft = answerer.answer(question, audience="councillor", hits=_hits(minutes))
        assert "warmly welcomed" in draft.text, question
    assert not analyse_question("What did the board decide about the programme?").reaction


def test_who_runs_it_is_answered_by_the_organisation_that_runs_it() -> None:
    text = (
        "The Marlow Review runs workshops on priorities. "
        "The Marlow Review is funded by the department and run by Local Partnerships. "
        "Three Marlow sets met three times. "
        "The Marlow Board commissioned Shared Intelligence (Si) to run the Marlow sets."
    )
    analysis = _answerer().analyser.analyse("Who runs the Marlow Review?", _hits(text))
    question = analysis.question
    assert question.type == "person" and question.by_whom and not question.named_person
    assert not analyse_question("Who announced the programme?").by_whom
    bonus = {c.sentence.text: type_bonus(question, c) for c in analysis.candidates}
    assert bonus["The Marlow Review is funded by the department and run by Local Partnerships."] > 0
    assert (
        bonus["The Marlow Board commissioned Shared Intelligence (Si) to run the Marlow sets."] > 0
    )
    assert bonus["The Marlow Review runs workshops on priorities."] == 0
    assert bonus["Three Marlow sets met three times."] == 0


def test_what_a_named_council_spends_on_something_is_an_amount() -> None:
    assert analyse_question("What does Marlow Council spend on culture change?").money
    assert analyse_question("what do councils spend on transformation?").type != "number"
    hits = _hits("Marlow Council's culture change needs time, people and money.")
    draft = _answerer().answer(
        "What does Marlow Council spend on culture change?", audience="officer", hits=hits
    )
    assert draft.refused and "don't give that amount" in draft.text


def test_the_lga_staff_or_a_whole_workforce_are_not_a_council_teams_size() -> None:
    hits = _hits(
        "Marlow Borough Council grew its in-house Business Transformation Team from 5 to 13 "
        "people. Each council sends at least one officer to the transformation "
        "sessions on Microsoft Teams. The LGA AI network is a network of more than 250 council "
        "officers."
    )
    for question in (
        "How many staff work in the LGA's Transformation Team?",
        "How many people work for the LGA?",
        "How many officers work at the LGA?",
        "How many staff does Marlow Borough Council employ overall?",
    ):
        draft = _answerer().answer(question, audience="officer", hits=hits)
        assert draft.refused and "don't give that figure" in draft.text, question
    for question, figure in (
        ("How many people are in Marlow's business transformation team?", "13 people"),
        ("How many officers are in the LGA AI network?", "250"),
    ):
        draft = _answerer().answer(question, audience="officer", hits=hits)
        assert not draft.refused and figure in draft.text, question


def test_who_held_a_post_when_something_was_launched_is_not_who_launched_it() -> None:
    hits = _hits(
        "The Marlow Board launched the Marlow Support Programme in 2023. Cllr Abi Green, "
        "Chair of the Marlow Board, welcomed the Marlow Support Programme."
    )
    question = "Who chaired the Marlow Board when the Marlow Support Programme was launched?"
    draft = _answerer().answer(question, audience="officer", hits=hits)
    assert not draft.refused and "Abi Green" in draft.text


def test_a_comparison_of_councillor_roles_describes_each_role() -> None:
    question = "What's the difference between my role on scrutiny and the cabinet's role?"
    assert analyse_question(question).roles == ("scrutiny", "leadership")
    assert analyse_question("I sit on scrutiny: what should I do?").roles == ()
    filler = " ".join(
        f"Marlow Council's cabinet and scrutiny members discussed the role of {topic} in change."
        for topic in ("data", "digital services", "housing repairs", "customer contact")
    )
    hits = _hits(
        filler,
        "The toolkit describes three roles a councillor can play in change: leadership, "
        "scrutiny and ward. Councillors in a leadership role are expected to: approve "
        "business cases and resources; set strategic risk tolerances for officers; visibly "
        "back changes once they are agreed; keep democratic oversight of benefits; and "
        "require regular and accurate progress reports from the programme board. Councillors "
        "in a scrutiny role challenge plans, reports and delivery constructively and model "
        "curiosity about the evidence.",
    )
    draft = _answerer().answer(question, audience="councillor", hits=hits)
    assert not draft.refused
    assert "approve business cases" in draft.text and "challenge plans" in draft.text


def test_what_someone_decided_to_do_is_their_planned_actions_not_the_problem() -> None:
    question = "What did the participant who raised the digital problem decide to do?"
    assert analyse_question(question).planned
    assert not analyse_question("What did the participant raise about digital?").planned
    hits = _hits(
        "Illustration\n\nA participant raised the digital problem: colleagues on the cabinet "
        "doubt that digital change is worth its cost and resist the digital programme.\n\n"
        "Suggestions\n\nPeers suggested the participant could run a digital workshop for the "
        "cabinet with an outside facilitator.\n\n"
        "The participant who outlined the issue planned to:\n\n"
        "Review the digital programme with each cabinet portfolio holder in turn."
    )
    draft = _answerer().answer(question, audience="councillor", hits=hits)
    assert not draft.refused
    assert "Review the digital programme with each cabinet portfolio holder" in draft.text


def test_which_minister_is_answered_by_the_minister_not_another_person_named_nearby() -> None:
    hits = _hits(
        "The LGA launched the Marlow Exchange at its conference; the launch was led by Cllr "
        "Peter Green, chairman of the LGA Marlow Board. The Marlow Exchange is an online hub "
        "of guidance and tools for councils.",
        *(
            f"The Marlow Exchange helps councils with {topic}, and it was launched for them."
            for topic in ("data", "peer review", "training", "benchmarking", "self-assessment")
        ),
        "\u201cBy sharing what works, it will help councils improve.\u201d\n\n"
        "- Jane Doe, Minister for Local Government",
    )
    question = "Which government minister was quoted backing the Marlow Exchange at its launch?"
    draft = _answerer().answer(question, audience="officer", hits=hits)
    assert not draft.refused and "Jane Doe" in draft.text
    assert draft.text.index("Jane Doe") < draft.text.find("Peter Green") or (
        "Peter Green" not in draft.text
    )


def test_a_named_person_s_own_details_the_passages_lack_are_said_to_be_missing() -> None:
    hits = _hits(
        "The Chair invited Priya Okafor (PO), Director of Change, to introduce the report. "
        "Priya Okafor said the programme had six parts."
    )
    for question, said in (
        ("What qualifications does Priya Okafor have?", "Priya Okafor's qualifications"),
        ("Where did Priya Okafor work before the LGA?", "Priya Okafor's previous jobs"),
        ("What is Cllr Priya Okafor's party?", "Priya Okafor's party"),
    ):
        draft = _answerer().answer(question, audience="officer", hits=hits)
        assert draft.refused and said in draft.text, question
    draft = _answerer().answer("What is Priya Okafor's role?", audience="officer", hits=hits)
    assert not draft.refused and "Director of Change" in draft.text
    before = _hits("Priya Okafor, Director of Change, was previously head of housing at Marlow.")
    draft = _answerer().answer(
        "Where did Priya Okafor work before?", audience="officer", hits=before
    )
    assert not draft.refused and "head of housing" in draft.text


def test_a_year_no_passage_mentions_is_said_to_be_missing() -> None:
    hits = _hits("The Marlow Board met in 2023 and 2024/25 to review the Marlow Programme.")
    draft = _answerer().answer(
        "What did the Marlow Board decide in 2021?", audience="officer", hits=hits
    )
    assert draft.refused and "don't mention 2021" in draft.text
    for year in ("2023", "2025"):  # "2024/25" covers 2025
        draft = _answerer().answer(
            f"What did the Marlow Board review in {year}?", audience="officer", hits=hits
        )
        assert not draft.refused, year
    # ...or the year a passage's document was published in ("Transforming improvement (2019)")
    published = [replace(h, chunk=replace(h.chunk, published="2019-07-01")) for h in hits]
    draft = _answerer().answer(
        "What did the Marlow Board review in 2019?", audience="officer", hits=published
    )
    assert not draft.refused


def test_a_question_about_several_years_is_not_refused_for_one_of_them() -> None:
    hits = _hits(
        "In 2023 the Marlow Board launched the Marlow Programme. In 2024/25 it ran the Marlow "
        "learning sets for councils."
    )
    question = "What did the Marlow Board launch or run in 2019, in 2023 and in 2024/25?"
    assert not _answerer().answer(question, audience="officer", hits=hits).refused


def test_a_labelled_post_line_answers_who_holds_the_post_and_nothing_else() -> None:
    [line] = [
        s
        for s in split_sentences(
            "The network is led by:\n\nVice chair: Jane Doe, Director of Change, Marlow Council"
        )
        if s.text.startswith("Vice chair")
    ]
    cand = Candidate(line, 0, frozenset(), frozenset())
    who = type_bonus(analyse_question("Who is the vice chair of the network?"), cand)
    peer = type_bonus(analyse_question("Which council has changed its culture over years?"), cand)
    assert who > 0.0 > peer


def test_a_time_of_day_a_rate_an_average_or_a_future_post_holder_needs_the_passage_to_say_it() -> (
    None
):
    hits = _hits(
        "The Marlow Network meets every quarter. Jane Doe, Head of Change at Marlow Council, "
        "chairs the Marlow Network. 99% of councillors said the Marlow course had a positive "
        "impact."
    )
    for question, said in (
        ("What time do Marlow Network meetings start?", "don't give that time"),
        ("What's the pass rate of the Marlow course?", "don't give that figure"),
        ("What's the average score councils get on the Marlow course?", "don't give that figure"),
        ("Who will chair the Marlow Network next year?", "don't give their name"),
    ):
        draft = _answerer().answer(question, audience="officer", hits=hits)
        assert draft.refused and said in draft.text, question
    assert not analyse_question("What time commitment does the Marlow course need?").clock
    timed = _hits("The Marlow Network meets every quarter, starting at 10am on a Tuesday.")
    draft = _answerer().answer(
        "What time do Marlow Network meetings start?", audience="officer", hits=timed
    )
    assert not draft.refused and "10am" in draft.text
    draft = _answerer().answer("Who chairs the Marlow Network?", audience="officer", hits=hits)
    assert not draft.refused and "Jane Doe" in draft.text


def test_someone_s_email_or_phone_is_a_contact_question_but_writing_an_email_is_not() -> None:
    from assistant.answering.extractive import _ASKS_CONTACT

    for question in (
        "What's Marlow's chief exec's email?",
        "what is their email?",
        "What's the LGA's phone and email?",
        "what's the chair's email: the Marlow Network?",  # as a follow-up is spelled out
    ):
        assert _ASKS_CONTACT.search(question), question
    for question in (
        "draft an email to colleagues about backing digital investment",
        "can you write an email to my group?",
    ):
        assert not _ASKS_CONTACT.search(question), question


def test_what_a_speaker_added_comes_from_wherever_the_minutes_give_it() -> None:
    opening = make_chunk(
        "marlow-minutes.txt",
        0,
        "Agenda item\n\nThe Chair invited Priya Okafor (PO), Director of Change, to introduce "
        "the report on the resilience programme.\n\nPO reported that the resilience programme "
        "had six parts.\n\nMembers welcomed the programme and asked how it would be funded.",
    )
    later = make_chunk(
        "marlow-minutes.txt",
        3,
        "Other business was taken.\n\nPO thanked members and added two points on member "
        "involvement: members would get a briefing pack, and a member panel would review "
        "progress each quarter.",
    )
    other = make_chunk("marlow-news.txt", 0, "The Marlow Board meets four times a year.")
    settings = Settings(answer=AnswerSettings(min_evidence=0.05))
    answerer = Answerer(
        embedder=HashEmbedder(),
        chat_model=None,
        settings=settings,
        document_chunks=lambda d: [opening, later] if d == "marlow-minutes.txt" else [other],
    )
    hits = [Hit(chunk=opening, score=1.0, dense_rank=1), Hit(chunk=other, score=0.5, dense_rank=2)]
    for question in (
        "What did Priya Okafor add about members?",
        "What extra points did Priya Okafor make about involving members?",
    ):
        assert analyse_question(question).said_by == "Priya Okafor", question
        draft = answerer.answer(question, audience="officer", hits=hits)
        assert not draft.refused and "member panel" in draft.text, question
    assert analyse_question("Did the board make a decision?").said_by is None


def test_what_a_speaker_said_about_a_topic_leads_with_the_sentence_they_open_on_it() -> None:
    minutes = make_chunk(
        "marlow-minutes.txt",
        0,
        "Agenda item\n\nThe Chair invited Priya Okafor (PO), Director of Change, to introduce "
        "the report on the resilience programme.\n\nFeedback was sought from members on how "
        "the programme could be improved.\n\nPO reported that the resilience programme had "
        "six parts.\n\nPO thanked members and added two points on member involvement: members "
        "would get a briefing pack, and a member panel would review progress each quarter.",
    )
    settings = Settings(answer=AnswerSettings(min_evidence=0.05, plain_english=False))
    answerer = Answerer(embedder=HashEmbedder(), chat_model=None, settings=settings)
    hits = [Hit(chunk=minutes, score=1.0, dense_rank=1)]
    for question in (
        "Did Priya Okafor say anything specific about how members would be involved?",
        "Did Priya Okafor say anything about involving members?",
    ):
        analysis = answerer.analyse(question, hits)
        spoken = [analysis.candidates[i].sentence.text for i in spoken_answers(analysis)]
        assert len(spoken) == 1 and spoken[0].startswith("PO thanked members"), question
        draft = answerer.answer(question, audience="officer", hits=hits)
        assert draft.text.startswith("Priya Okafor (PO), Director of Change, thanked"), question
    # Not asked what she said: no sentence of hers is singled out.
    analysis = answerer.analyse("How would members be involved?", hits)
    assert spoken_answers(analysis) == set()


def test_who_is_it_meant_for_asks_who_it_is_for() -> None:
    for question in ("Who's the exchange meant for?", "who is it for?", "who's it aimed at?"):
        assert analyse_question(question).audience, question


def test_a_measure_with_its_qualifier_needs_both_in_the_passage() -> None:
    hits = _hits(
        "Councils rate their maturity in each capability on a scale from 1 to 5. The LGA "
        "draws on a network of more than 2,200 peers."
    )
    draft = _answerer().answer(
        "What is the daily rate for an LGA peer?", audience="officer", hits=hits
    )
    assert draft.refused and "don't give that figure" in draft.text
    priced = _hits("An LGA peer is paid a daily rate of 300 pounds for a peer challenge.")
    draft = _answerer().answer(
        "What is the daily rate for an LGA peer?", audience="officer", hits=priced
    )
    assert not draft.refused and "300" in draft.text


def test_where_an_organisation_is_based_is_its_address_or_said_to_be_missing() -> None:
    block = _hits(
        "The review was written for the LGA by Marlow Research. It met twenty councils.",
        "MARLOW RESEARCH\n\n12 High Street\n\nAB1 2CD\n\n020 7946 0000",
    )
    draft = _answerer().answer("Where is Marlow Research based?", audience="officer", hits=block)
    assert not draft.refused and "AB1 2CD" in draft.text
    draft = _answerer().answer("Where is the LGA's office?", audience="officer", hits=block[:1])
    assert draft.refused and "don't give that address" in draft.text
    # not an address question
    draft = _answerer().answer(
        "Where does the review say councils start?", audience="officer", hits=block[:1]
    )
    assert "don't give that address" not in draft.text


def test_a_subscription_must_be_named_beside_its_sum() -> None:
    hits = _hits("Marlow Council started its \u00a318m digital programme in 2017.")
    draft = _answerer().answer(
        "What's the LGA's annual subscription for a district council?",
        audience="officer",
        hits=hits,
    )
    assert draft.refused and "don't give that amount" in draft.text


def test_a_post_holder_is_a_person_named_with_that_post_not_any_person_of_the_council() -> None:
    hits = _hits(
        "The Marlow Design Code was written with residents. Sam Reed, Head of Planning at "
        "Marlow Borough Council, presented it to the network."
    )
    draft = _answerer().answer(
        "Who is the leader of Marlow Borough Council?", audience="officer", hits=hits
    )
    assert draft.refused and "don't give their name" in draft.text
    # The post given beside a quotation's speaker counts, in the board's name with "'s".
    quoted = _hits(
        "The Marlow support programme was launched in May. Cllr Ann Lee, Chairman of the "
        "LGA\u2019s Marlow Improvement Board, said: \u201cThis will help every council.\u201d"
    )
    draft = _answerer().answer(
        "Who was chair of the LGA Marlow Improvement Board when the programme was launched?",
        audience="officer",
        hits=quoted,
    )
    assert not draft.refused and "Ann Lee" in draft.text
    assert not namesake(("LGA Marlow",), "the LGA\u2019s Marlow Improvement Board")


def test_the_name_of_an_officer_and_an_attendance_are_asked_for_as_such() -> None:
    question = "What was the name of the Marlow officer who presented on leadership?"
    assert analyse_question(question).type == "person"
    hits = _hits(
        "The Marlow showcase brings councils and suppliers together. Suppliers present "
        "their solutions at the showcase event."
    )
    draft = _answerer().answer(
        "What was the attendance at the Marlow showcase?", audience="officer", hits=hits
    )
    assert draft.refused and "don't give that figure" in draft.text


def test_a_term_in_quotes_leads_the_answer_over_the_tool_around_it() -> None:
    hits = _hits(
        "The Marlow self-assessment is aimed at senior leaders, but anyone in the council can "
        "complete the Marlow self-assessment. A \u201csuper-user\u201d enters the agreed "
        "response. The super-user can see every individual response and publish the result."
    )
    question = "What's a 'super-user' in the Marlow self-assessment?"
    assert analyse_question(question).quoted == ("super-user",)
    draft = _answerer().answer(question, audience="officer", hits=hits)
    assert not draft.refused
    assert draft.text.startswith("A \u201csuper-user\u201d enters the agreed response")


def test_an_amount_spent_on_one_thing_is_not_given_by_an_amount_for_another() -> None:
    hits = _hits(
        "Marlow Borough Council wrote co-design standards with its residents. Marlow also "
        "gives each neighbourhood a \u00a3100,000 participatory budget."
    )
    draft = _answerer().answer(
        "How much did Marlow spend on its co-design standards?", audience="officer", hits=hits
    )
    assert draft.refused and "don't give that amount" in draft.text
    draft = _answerer().answer(
        "How much did Marlow spend on its participatory budget?", audience="officer", hits=hits
    )
    assert not draft.refused and "\u00a3100,000" in draft.text


def test_a_question_about_one_councillor_role_leads_with_what_that_role_does() -> None:
    question = "What does good scrutiny of a transformation programme look like?"
    assert analyse_question(question).asker_role == "scrutiny"
    assert analyse_question("what makes effective scrutiny of change?").asker_role == "scrutiny"
    hits = _hits(
        "The Marlow transformation programme builds on an earlier programme of change. "
        "The Marlow transformation programme was developed with councils.",
        "Scrutiny can be formal or informal. Councillors in a scrutiny role challenge plans "
        "and delivery constructively, and ask for the evidence.",
    )
    draft = _answerer().answer(question, audience="councillor", hits=hits)
    assert not draft.refused
    first = draft.text.split("\n\n")[1]  # after its source's lead-in
    assert first.startswith("Councillors in a scrutiny role challenge plans")


def test_are_we_ready_is_led_by_the_readiness_check() -> None:
    for question in (
        "honestly not sure we're ready for a big change programme. how would we tell?",
        "How can I help my council get ready for a big change programme?",
    ):
        assert analyse_question(question).readiness, question
    assert not analyse_question("Is the new Marlow toolkit ready yet?").readiness
    hits = _hits(
        "Reframing digital change as something that can solve problems in the council. "
        "Conduct regular reviews of change programmes to assess progress.",
        "A council can use the Marlow 5Cs as a readiness check before committing to a programme.",
    )
    question = "we're about to start a big change programme. how do we know if we're ready?"
    draft = _answerer().answer(question, audience="officer", hits=hits)
    assert not draft.refused
    first = draft.text.split("\n\n")[1] if draft.text.startswith("Document") else draft.text
    assert first.startswith("A council can use the Marlow 5Cs as a readiness check")
