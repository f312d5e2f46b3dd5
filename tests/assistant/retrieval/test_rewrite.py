"""Deterministic follow-up rewrite: follow-ups gain the earlier turn's entities and topic."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from assistant.ports import ChatMessage
from assistant.retrieval.rewrite import (
    find_entities,
    is_follow_up,
    rewrite_question,
    rewrite_with_model,
    topic_phrase,
)
from assistant.types import Turn

BRIGHTON = "What did Brighton and Hove City Council share with the Transformation Network?"
TRACKER = "Tell me about Newcastle-under-Lyme's benefits tracker"


def history(*questions: str) -> list[Turn]:
    turns: list[Turn] = []
    for q in questions:
        turns += [Turn("user", q), Turn("assistant", "An answer citing a passage [1].")]
    return turns


def test_pronoun_follow_up_carries_entity_and_topic() -> None:
    out = rewrite_question("What does it measure?", history(TRACKER))
    assert out == "What does Newcastle-under-Lyme's benefits tracker measure?"


@pytest.mark.parametrize(
    ("question", "previous", "expected_parts"),
    [
        ("What did they learn?", BRIGHTON, ["Brighton and Hove City Council", "learn"]),
        (
            "What did they learn from it?",
            BRIGHTON,
            ["Brighton and Hove City Council learn from the Transformation Network"],
        ),
        ("Who runs it?", "What is the digitalisation almanac for?", ["the digitalisation almanac"]),
        (
            "How is this programme funded?",
            "What is the Sector Support Programme?",
            ["How is the Sector Support Programme funded?"],
        ),
        ("What are their priorities?", "Tell me about Stockport Council", ["Stockport Council's"]),
        (
            "Any examples?",
            "How can councils use AI to improve services?",
            ["use AI to improve services", "Any examples"],
        ),
        ("Who took part?", "What is the Sector Support Programme?", ["Sector Support Programme"]),
    ],
)
def test_follow_ups_become_standalone(
    question: str, previous: str, expected_parts: list[str]
) -> None:
    out = rewrite_question(question, history(previous))
    for part in expected_parts:
        assert part in out
    assert out != question


def test_what_about_swaps_the_entity() -> None:
    assert (
        rewrite_question("What about Newham?", history(BRIGHTON))
        == "What did Newham share with the Transformation Network?"
    )
    out = rewrite_question("And what about the 7Cs?", history("What is the TIEx self-assessment?"))
    assert "TIEx self-assessment" in out and "7Cs" in out


@pytest.mark.parametrize(
    "question",
    [
        "How can councils use AI to improve services?",
        "What is the Transformation Network and how do I join it?",
        "What did Newham Council do about co-design with residents?",
    ],
)
def test_standalone_questions_pass_unchanged(question: str) -> None:
    assert rewrite_question(question, history(TRACKER)) == question


def test_no_history_means_no_rewrite() -> None:
    assert rewrite_question("What does it measure?", []) == "What does it measure?"
    only_assistant = [Turn("assistant", "Hello, ask me about transformation.")]
    assert rewrite_question("What does it measure?", only_assistant) == "What does it measure?"


def test_uses_the_latest_user_turn_and_resolves_chained_follow_ups() -> None:
    turns = history("What is the Sector Support Programme?", TRACKER)
    assert "Newcastle-under-Lyme" in rewrite_question("What does it measure?", turns)
    chained = history(TRACKER, "What does it measure?")
    out = rewrite_question("Who uses it?", chained)
    assert "Newcastle-under-Lyme" in out and "tracker" in out


def test_detectors() -> None:
    assert is_follow_up("What does it measure?")
    assert is_follow_up("Examples?")
    assert is_follow_up("What about Newham?")
    assert not is_follow_up("How do councils redesign adult social care services?")
    assert not is_follow_up("What does it measure?", has_history=False)
    assert find_entities(BRIGHTON) == ["Brighton and Hove City Council", "Transformation Network"]
    assert find_entities("Tell me about the 7Cs") == []
    assert find_entities("What does the LGA offer?") == ["LGA"]
    assert topic_phrase("What is the digitalisation almanac for?") == "the digitalisation almanac"
    assert topic_phrase("Which councils saved money?") is None


def test_gazetteer_names_come_first(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "How did the Transformation Network help newcastle under lyme?"
    found = find_entities(text, councils=lambda t: ["newcastle under lyme"])
    assert found[0] == "newcastle under lyme"


class _ScriptedChat:
    model_id = "scripted"

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.prompts: list[str] = []

    def generate(self, messages: Sequence[ChatMessage]) -> str:
        self.prompts.append(messages[-1].content)
        return self.reply

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[str]:
        yield self.generate(messages)


def test_model_rewrite_uses_the_prompt_file_and_falls_back() -> None:
    chat = _ScriptedChat("What does Newcastle-under-Lyme's benefits tracker measure?\nextra")
    out = rewrite_with_model("What does it measure?", history(TRACKER), chat)
    assert out == "What does Newcastle-under-Lyme's benefits tracker measure?"
    assert TRACKER in chat.prompts[0] and "Standalone question" in chat.prompts[0]
    empty = _ScriptedChat("   ")
    assert "Newcastle-under-Lyme" in rewrite_with_model(
        "What does it measure?", history(TRACKER), empty
    )
    # Not a follow-up: the model is not asked.
    unused = _ScriptedChat("x")
    assert rewrite_with_model("What is the TIEx?", history(TRACKER), unused) == "What is the TIEx?"
    assert unused.prompts == []


def test_which_council_takes_the_council_from_the_reply() -> None:
    turns = [
        Turn(
            "user",
            "Which council spoke to the Transformation Network about leadership development?",
        ),
        Turn("assistant", "Brighton and Hove City Council spoke about leadership development [1]."),
    ]
    out = rewrite_question("What did they say about it?", turns)
    assert out.startswith(
        "What did Brighton and Hove City Council say about leadership development"
    )


def test_cue_words_mark_follow_ups_without_pronouns() -> None:
    prev = history("What are the 7Cs conditions for success?")
    assert "7Cs" in rewrite_question("What does the capacity one mean?", prev)
    prev = history("How did the action learning set help a councillor with digital change?")
    out = rewrite_question("What did the participant decide to do next?", prev)
    assert "action learning set" in out and out.endswith("do next?")
    # A new subject with its own name is not a follow-up, cue or not.
    assert rewrite_question("What did Cornwall Council do next?", prev) == (
        "What did Cornwall Council do next?"
    )


def test_the_first_session_of_something_unnamed_is_a_follow_up() -> None:
    prev = history("What's a Marlow Challenge Review?")
    out = rewrite_question("What do participants need to do before the first session?", prev)
    assert "Marlow Challenge Review" in out and out.endswith("before the first session?")
    assert is_follow_up("and at the last meeting?")
    # Naming its own subject, it stands alone.
    own = "What happened at the first meeting of the Transformation Network?"
    assert not is_follow_up(own) and rewrite_question(own, prev) == own


def test_a_question_going_on_with_and_is_a_follow_up() -> None:
    prev = history("who leads the marlow network?")
    out = rewrite_question("and what's the vice chair's actual job?", prev)
    assert "marlow network" in out.lower() and "vice chair" in out
    # ...unless it names its own subject.
    assert rewrite_question("and what did Cornwall Council do next?", prev) == (
        "and what did Cornwall Council do next?"
    )


def test_they_keeps_a_plural_thing_of_the_last_question_in_view() -> None:
    plans = "Did the Transformation Network ever discuss the productivity plans councils wrote?"
    out = rewrite_question("What did members share about them?", history(plans))
    # "them" may be the plans, not the network: the last question is kept whole
    assert "productivity plans" in out and out.endswith("What did members share about them?")
    # with no other plural there, "they" is the organisation named
    out = rewrite_question("What did they learn?", history(BRIGHTON))
    assert out.startswith("What did Brighton and Hove City Council learn")


def test_a_pronoun_after_the_questions_own_subject_and_verb_points_back() -> None:
    history = [
        Turn("user", "How were the Marlow Programme's offers grouped?"),
        Turn("assistant", "Into three themes: peer support, learning and tools."),
    ]
    question = "Who is the LGA delivering them with, and under which funding arrangement?"
    assert is_follow_up(question)  # "them" is what the LGA delivers, not the LGA
    assert "the Marlow Programme's offers with" in rewrite_question(question, history)
    # A long question whose own subject the pronoun can be stays standalone.
    assert not is_follow_up(
        "How does the LGA Transformation Network help councils and what do they offer officers?"
    )


def test_a_follow_up_in_context_and_its_own_words() -> None:
    from assistant.retrieval.rewrite import added_topic, in_context, own_words_found

    history = [
        Turn("user", "Tell me about Digital Cornwall?"),
        Turn("assistant", "It began in 2017."),
    ]
    assert in_context("how much did the second phase cost?", history) == (
        "Tell me about Digital Cornwall? how much did the second phase cost?"
    )
    assert in_context("anything?", []) is None
    assert added_topic("and the weather there?") == "the weather there"
    assert added_topic("what about Derby?") == "Derby"
    assert added_topic("and how often did they meet?") is None
    assert own_words_found("the second phase cost", ["a £55m second phase of the programme"])
    assert not own_words_found("the weather there", ["Cornwall started its programme in 2017"])
    assert own_words_found("the second one?", [])  # no words of its own to look for


def test_they_after_a_plural_noun_of_the_question_is_that_noun_not_the_last_agent() -> None:
    turns = history("Who delivered the LGA's action learning sets for Marlow?")
    out = rewrite_question("How many groups were there, and how often did they meet?", turns)
    assert "did they meet" in out and "did LGA meet" not in out
    assert "action learning sets" in out  # the earlier question comes along as context
    # A "they" with no plural noun before it still points back.
    assert "LGA" in rewrite_question("How often did they meet?", turns)


def test_a_stranded_about_is_no_topic() -> None:
    assert topic_phrase("what did kent and barnet talk about at the network") is None
    assert topic_phrase("what did the network say about data?") == "data"
    turns = history("what did kent and barnet talk about at the network")
    out = rewrite_question("where have they actually used it?", turns)
    assert "at the network actually" not in out
