"""Question analysis: the kind of answer a question asks for, and its focus."""

from __future__ import annotations

import pytest

from assistant.answering.question import analyse_question


@pytest.mark.parametrize(
    "question,kind",
    [
        ("Who chairs the regional network, and where does she work?", "person"),
        ("who opened the meeting?", "person"),
        ("Which government minister backed the exchange?", "person"),
        ("Which councils took part in the review?", "organisation"),
        ("Which organisation runs the scheme?", "organisation"),
        ("Which councils have spoken about prevention?", "organisation"),
        ("How many councils took part in the pilot?", "number"),
        ("How much did the county spend on its new website?", "number"),
        ("What is the annual staffing budget of the Marlow change team?", "number"),
        ("What pay rise has the network offered staff this year?", "number"),
        ("What did the agency pay the consultants to run the sessions?", "number"),
        ("What did councils pay attention to when redesigning services?", "description"),
        ("What did the network spend its time discussing?", "description"),
        ("What is the total budget for the programme?", "number"),
        ("When did the toolkit launch?", "date"),
        ("On what exact date did the board meet?", "date"),
        ("How often did the groups meet?", "date"),
        ("What are the five areas of the framework?", "list"),
        ("Which topics did members ask to discuss?", "list"),
        ("How can we get staff on board with change?", "advice"),
        ("What could my council do about falling income?", "advice"),
        ("Is there a council that has been doing culture change for years?", "organisation"),
        ("Have any councils tried a trading company?", "organisation"),
        ("Is there a councillor toolkit?", "yes_no"),
        ("We have no people to run change. What do other councils do?", "advice"),
        ("We want residents to own more. Any practical ideas from other councils?", "advice"),
        ("What have other authorities tried to engage heads of service?", "advice"),
        ("What have other councils suggested for data quality?", "advice"),
        ("Is the toolkit free to use?", "yes_no"),
        ("What's the difference between the cabinet and scrutiny roles?", "comparison"),
        ("What is an operating model?", "definition"),
        # A "when" clause before the question proper sets the scene, it asks no date.
        ("When the network asked members what they wanted, which topics came out?", "list"),
        ("When the board met, who chaired it?", "person"),
        ("When did the network last ask members what they wanted?", "date"),
        # Steps, ideas or tips to take are advice; a framework's steps are a list.
        ("What practical steps came out of the action learning?", "advice"),
        ("Any tips from other councils on keeping grants going?", "advice"),
        ("What are the five steps of the framework?", "list"),
        ("Which topics did the network cover?", "list"),
        ("What savings has the council delivered since it started?", "number"),
        ("What is the total amount the county has spent on change?", "number"),
        ("What's the population of Luton?", "number"),
        ("What was Kent's overspend in 2023?", "number"),
        ("What are the LGA's membership fees?", "number"),
        ("What is Essex's annual savings target?", "number"),
        ("What's the deadline to apply for the fund?", "date"),
        ("Who is the LGA's chief executive?", "person"),
        ("Is the toolkit free?", "yes_no"),
    ],
)
def test_answer_types(question: str, kind: str) -> None:
    assert analyse_question(question).type == kind


def test_dates_asked_in_the_plural_are_dates() -> None:
    # "three sessions" would otherwise make it a list of three things
    sessions = analyse_question("On what exact dates did the second group hold its three sessions?")
    assert (sessions.type, sessions.exact_date) == ("date", True)
    assert analyse_question("Which years did the network meet in?").type == "date"
    weekday = analyse_question("What days of the week does the network meet?")
    assert (weekday.type, weekday.exact_date) == ("date", False)  # a weekday, not a day of a month


def test_focus_count_role_and_money() -> None:
    staff = analyse_question("How many staff does the borough employ?")
    assert staff.type == "number" and "staff" in staff.focus and not staff.money
    saved = analyse_question("How much money has the district saved with its tracker?")
    assert saved.type == "number" and saved.money
    assert analyse_question("What did the LGA pay the facilitators to run the sets?").money
    # "how were its different offers grouped?" lists offers; an online tool asks no mode
    assert analyse_question("How were its different offers grouped together?").listed == "offers"
    assert not analyse_question("What does the online self-assessment look at?").mode
    assert analyse_question("Did the groups meet online or in person?").mode
    # "the role of" a common noun asks what it does; of a named person, for a title
    super_user = analyse_question("In the review, what's the role of the 'super-user'?")
    assert super_user.type != "person" and super_user.quoted == ("super-user",)
    assert analyse_question("What is the role of Susan Attard?").type == "person"
    assert analyse_question("What is the role of scrutiny in change?").type != "person"
    assert analyse_question("What's it for? They're unsure").quoted == ()  # apostrophes
    # "what's this capability thing ...?" asks what "capability" is
    thing = analyse_question("what's this capability thing officers keep going on about?")
    assert thing.type == "definition" and thing.focus == ("capability",)
    # a modal after the counted noun ends it: "people", not "be"
    group = analyse_question("How many people should be in each group?")
    assert group.counted == ("people",)
    # an adverb after it is not what is counted ("how many people actually did ...")
    did = analyse_question("how many people actually did the action learning sets?")
    assert did.counted == ("people",)
    offers = analyse_question("How many separate improvement offers made up the programme?")
    assert offers.counted == ("offers",)  # not "separate", the first word after "how many"
    belong = analyse_question("Roughly how many officers belong to the AI network?")
    assert belong.counted == ("officers",)
    sessions = analyse_question("If I sign up, how many sessions am I committing to?")
    assert sessions.counted == ("sessions",)
    # "what was the total funding ...?" asks an amount; "the funding agreement" names a thing
    funding = analyse_question("What was the total funding DLUHC put into the programme?")
    assert funding.type == "number" and funding.money
    assert analyse_question("What was the funding agreement for 2023/24?").type != "number"
    assert analyse_question("What is the funding for?").type != "number"
    assert analyse_question("whens the next network meeting?").type == "date"
    # "what does that stand for?" asks about the acronym named before it
    latco = analyse_question("the doc keeps going on about LATCos, what does that even stand for")
    assert latco.acronym == "LATCo"
    assert analyse_question("what does that mean for us?").acronym is None
    team = analyse_question("how many people ended up in that team?")
    assert team.counted == ("people",)
    themes = analyse_question("What were the eight themes of the sessions?")
    assert themes.type == "list" and themes.expected_count == 8
    # ...but the eight things grouped are not the groups asked for
    grouped = analyse_question("Under which themes were the eight offers grouped?")
    assert grouped.type == "list" and grouped.expected_count is None
    # "where can we find savings?" asks what to do; "where can I find the toolkit?" where it is
    assert analyse_question("Budgets are tight. Where can we find savings?").type == "advice"
    assert analyse_question("Where can I find the TIEx self-assessment?").type != "advice"
    # "as a councillor, how can I ...?" asks for advice like "how can I ...?"
    assert analyse_question("as a councillor how can i push a data led approach?").type == "advice"
    # a question closing on "who was it?" asks for a person, and the post it names
    quote = analyse_question("a minister gave a quote about the tool when it came out, who was it?")
    assert quote.type == "person" and quote.role == "minister"
    assert analyse_question("The tool is aimed at leaders, who is it for?").type != "person"
    chair = analyse_question("Who chairs the network and which council does she work for?")
    assert chair.type == "person" and chair.wants_role
    often = analyse_question("How often did they meet, and was it online or in person?")
    assert often.frequency and often.mode
    assert analyse_question("Who is the toolkit aimed at?").type != "person"
    # who may take part, not a named person
    assert analyse_question("Who is the tool aimed at, and who can complete it?").type != "person"
    assert analyse_question("Who can join the network?").type != "person"
    assert analyse_question("Who can tell me about the network?").type == "person"


@pytest.mark.parametrize(
    "question,kind,listed",
    [
        # Context first, then the question: the asking sentence decides.
        (
            "I'm writing up lessons from the review for our board. Which themes did it cover?",
            "list",
            "themes",
        ),
        (
            "Staff switch off when we talk about it. How do we explain it so they get on board?",
            "advice",
            None,
        ),
        ("We lack a programme director. What are other councils doing about that?", "advice", None),
        # "What are they?" names the list of the sentence before it.
        (
            "I need the full set of digital outcomes the guide is built around. What are they?",
            "list",
            "outcomes",
        ),
        ("The programme is grouped into some broad themes - what are they?", "list", "themes"),
        # Other ways of asking for a list.
        ("What sorts of peer challenge did the programme focus on?", "list", "challenge"),
        ("Which subjects did members ask to cover at future meetings?", "list", "subjects"),
        ("How were the offers in the programme grouped?", "list", "offers"),
        # A figure asked for in the context still counts when the asking sentence is general.
        (
            "A resident asked how much the council can charge for care. What are the rules?",
            "number",
            None,
        ),
    ],
)
def test_the_asking_sentence_decides_the_type(question: str, kind: str, listed: str | None) -> None:
    analysis = analyse_question(question)
    assert (analysis.type, analysis.listed) == (kind, listed)


def test_a_pay_rise_is_an_amount() -> None:
    analysis = analyse_question("What pay rise has the network offered staff this year?")
    assert (analysis.type, analysis.money) == ("number", True)


def test_what_is_one_asks_for_the_acronym_named_before_it() -> None:
    analysis = analyse_question("someone in a meeting kept saying LATCo - what is one?")
    assert (analysis.type, analysis.acronym) == ("definition", "LATCo")


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "How was the programme developed, and how were the councils chosen?",
            ("How was the programme developed", "how were the councils chosen"),
        ),
        (
            "How many groups were there, how often did they meet, and was it online?",
            ("How many groups were there", "how often did they meet", "was it online"),
        ),
        ("What is TIEx and who is it for?", ("What is TIEx", "who is it for")),
        # A comparison's two sides.
        (
            "What is the difference between a cabinet member and a scrutiny member?",
            ("a cabinet member", "a scrutiny member"),
        ),
        ("Compare the 7Cs with the capability framework", ("the 7Cs", "the capability framework")),
        # One thing asked: no parts ("and" inside a phrase is not a second question).
        ("What do councillors and officers get from the sets?", ()),
        ("What is the 7Cs model?", ()),
    ],
)
def test_the_parts_of_a_question_asking_several_things(
    question: str, parts: tuple[str, ...]
) -> None:
    assert analyse_question(question).parts == parts


def test_which_councils_asks_for_councils_even_with_advice_words() -> None:
    question = analyse_question("Which councils could we look at for setting a vision?")
    assert (question.type, question.many) == ("organisation", True)
    assert analyse_question("How could we learn from other councils?").type == "advice"


def test_who_is_good_at_asks_for_peer_councils_not_a_person() -> None:
    for text in ("who's good at digital?", "Who does this well?", "who is really good at data?"):
        question = analyse_question(text)
        assert (question.type, question.many) == ("organisation", True), text
    assert analyse_question("Who chairs the network?").type == "person"


def test_the_names_a_question_uses_are_its_runs_of_capitalised_words() -> None:
    names = analyse_question("How many members does the LGA Transformation Network have?").names
    assert names == ("LGA Transformation Network",)
    assert analyse_question("What did Kent County Council's team say?").names == (
        "Kent County Council",
    )
    assert analyse_question("how many staff does the lga have?").names == ()
    # a possessive "'s" goes, the name's own final "s" stays
    assert analyse_question("What did St Helens's matrix do?").names == ("St Helens",)


def test_what_the_answer_is_for_is_not_what_is_asked_about() -> None:
    from assistant.answering.question import without_framing

    asked = "What role does culture play in transformation?"
    assert without_framing(f"{asked} I'd like evidence I can cite in a paper.") == asked
    assert without_framing(f"{asked} I need the dates for a report to cabinet.") == asked
    # a request that is the whole question, or a second question, stays
    whole = "Please give me a definition of the framework for a committee report."
    assert without_framing(whole) == whole
    two = "What is TIEx? I need to know who can use it."
    assert without_framing(two) == two
    # "what role does culture play" asks what it does, not for a person's title
    assert analyse_question(asked).type != "person"
    assert analyse_question("What role does Susan Attard have at the LGA?").type == "person"
