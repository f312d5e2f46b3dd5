"""The councillor rewrite with a scripted model: markers restored in code, numbers and names
checked, unsupported or leaking sentences falling back to the original."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import pytest

from assistant.adapters.fakes import HashEmbedder
from assistant.adapters.llm import ScriptedChatModel
from assistant.answering.llm_rewrite import (
    CouncillorRewriter,
    add_markers,
    build_rewrite_messages,
    check_numbers_and_names,
    cited_numbers,
    join_pieces,
    names_in,
    numbers_in,
    parse_numbered,
    restore_markers,
    split_pieces,
    strip_markers,
)
from assistant.answering.weights import WEIGHTS, RewriteWeights
from assistant.errors import ProviderError
from assistant.ports import ChatMessage
from assistant.types import Citation
from tests.helpers import make_chunk

TRIAGE = (
    "Riverton Borough Council introduced a front door triage team for adult social care "
    "referrals in 2021. The triage team resolved 40 per cent of adult social care referrals at "
    "first contact. Waiting times for adult social care assessments fell from six weeks to two "
    "weeks."
)
PANEL = (
    "Residents were involved through a citizens panel that met every month. The citizens panel "
    "co-designed the new adult social care leaflets with residents."
)
ANSWER = (
    "Riverton Borough Council introduced a front door triage team for adult social care "
    "referrals in 2021 [1]. The triage team resolved 40 per cent of adult social care referrals "
    "at first contact [1].\n\nThe citizens panel co-designed the new adult social care leaflets "
    "with residents [2]."
)


def citations() -> tuple[Citation, ...]:
    out = []
    for n, (doc, text) in enumerate((("triage", TRIAGE), ("panel", PANEL)), start=1):
        chunk = make_chunk(doc, 0, text, source=f"{doc}.pdf")
        out.append(Citation(n=n, chunk=chunk, quote=text))
    return tuple(out)


def rewriter(replies: list[str] | object, **weights: object) -> CouncillorRewriter:
    model = ScriptedChatModel(replies)  # type: ignore[arg-type]
    return CouncillorRewriter(
        model, HashEmbedder(), weights=replace(WEIGHTS, rewrite=RewriteWeights(**weights))
    )  # type: ignore[arg-type]


# --------------------------------------------------------------------------- pure helpers


def test_split_and_join_round_trip() -> None:
    pieces = split_pieces(ANSWER)
    assert [p.cites for p in pieces] == [(1,), (1,), (2,)]
    assert [p.paragraph for p in pieces] == [0, 0, 1]
    assert pieces[1].plain.endswith("at first contact.")
    assert join_pieces(pieces, [p.text for p in pieces]) == ANSWER


def test_split_keeps_uncited_text_and_multi_markers() -> None:
    text = "In short: triage helped. Triage resolved referrals [1][2]. Also see [3, 4]."
    pieces = split_pieces(text)
    assert [p.cites for p in pieces] == [(), (1, 2), (3, 4)]
    assert pieces[0].text == "In short: triage helped."
    assert join_pieces(pieces, [p.text for p in pieces]) == text


def test_markers_added_before_punctuation_and_after_quotes() -> None:
    assert add_markers("Waiting times fell.", [1]) == "Waiting times fell [1]."
    assert add_markers("Waiting times fell", [1, 3]) == "Waiting times fell [1][3]."
    assert add_markers('He said "it worked."', [2]) == 'He said "it worked." [2]'
    assert cited_numbers("a [2] b [1, 2]. c [3]") == (2, 1, 3)
    assert strip_markers("Waiting times fell [1][3].") == "Waiting times fell."


def test_restore_markers_puts_them_on_every_sentence() -> None:
    # The model dropped one marker, moved another and invented a third: code decides.
    out = restore_markers("Triage cut waits [4]. It helped [1] staff.", [1])
    assert out == "Triage cut waits [1]. It helped staff [1]."
    assert re.findall(r"\[(\d+)\]", out) == ["1", "1"]


def test_numbers_in_reads_digits_and_words() -> None:
    assert numbers_in("fell from six weeks to 2 weeks; 1,200 staff; 40 per cent") == {
        "6",
        "2",
        "1200",
        "40",
    }


def test_names_in_skips_a_plain_sentence_start() -> None:
    assert names_in("The council asked Riverton Borough Council and the LGA.") == {
        "riverton",
        "borough",
        "council",
        "lga",
    }
    assert "the" not in names_in("The council met.")
    assert "riverton" in names_in("Riverton Borough Council met.")


@pytest.mark.parametrize(
    ("rewritten", "reason"),
    [
        ("Riverton Borough Council's triage team solved 40% of cases at once.", None),
        ("Riverton Borough Council's triage team solved most cases at once.", "lost number 40"),
        ("Riverton Borough Council's triage team solved 40% of 900 cases.", "invented number"),
        ("The triage team solved 40% of cases at once.", "lost name"),
        (
            "Riverton Borough Council and Kent County Council solved 40% of cases.",
            "invented name",
        ),
    ],
)
def test_check_numbers_and_names(rewritten: str, reason: str | None) -> None:
    original = "Riverton Borough Council's triage team resolved 40 per cent of referrals."
    found = check_numbers_and_names(original, rewritten, TRIAGE)
    assert (found is None) if reason is None else (found or "").startswith(reason)


def test_a_number_from_the_passage_may_be_used() -> None:
    original = "Waiting times for assessments fell a lot."
    assert check_numbers_and_names(original, "Waits fell from six weeks to two.", TRIAGE) is None


def test_an_expanded_acronym_may_drop_its_brackets() -> None:
    original = "The Local Government Association (LGA) runs the network."
    assert (
        check_numbers_and_names(original, "The Local Government Association runs it.", "") is None
    )


def test_parse_numbered_lines() -> None:
    reply = "Here you go:\n1. First one.\n2) Second\ncontinues here.\n5. Out of range.\n"
    assert parse_numbered(reply, 3) == {1: "First one.", 2: "Second continues here."}
    assert parse_numbered("**1.** Bold number.", 1) == {1: "Bold number."}


def test_prompt_lists_sentences_without_markers() -> None:
    messages = build_rewrite_messages(["First.", "Second."])
    assert [m.role for m in messages] == ["system", "user"]
    assert "1. First.\n2. Second." in messages[1].content
    assert "[" not in messages[1].content


# --------------------------------------------------------------------------- the rewriter


GOOD = (
    "1. In 2021 Riverton Borough Council set up a front door triage team for adult social care "
    "referrals.\n2. The triage team sorted out 40 per cent of adult social care referrals at "
    "first contact.\n"
)
PANEL_LINE = "3. Residents and the citizens panel co-designed new adult social care leaflets."


def test_rewrite_keeps_citations_and_paragraphs() -> None:
    result = rewriter([GOOD + PANEL_LINE]).rewrite(ANSWER, citations())
    assert result.rewritten == 3 and result.kept == 0, result.reasons
    assert result.requests == 1
    first, second = result.text.split("\n\n")
    assert first.startswith("In 2021 Riverton Borough Council set up") and first.count("[1]") == 2
    assert second.endswith("leaflets [2].")


def test_markers_the_model_writes_are_replaced_by_the_originals() -> None:
    replies = [
        "1. In 2021 Riverton Borough Council set up a front door triage team for adult social "
        "care referrals [7].\n2. The triage team sorted out 40 per cent of adult social care "
        "referrals at first contact.\n"
        "3. The citizens panel co-designed the new adult social care leaflets with residents."
    ]
    result = rewriter(replies).rewrite(ANSWER, citations())
    assert "[7]" not in result.text
    assert re.findall(r"\[(\d)\]", result.text) == ["1", "1", "2"]


def test_an_invented_number_falls_back_to_the_original_sentence() -> None:
    replies = [
        "1. In 2021 Riverton Borough Council set up a front door triage team for adult social "
        "care referrals.\n2. The triage team sorted out 75 per cent of adult social care "
        "referrals at first contact.\n"
        "3. The citizens panel co-designed the new adult social care leaflets with residents."
    ]
    result = rewriter(replies).rewrite(ANSWER, citations())
    assert result.rewritten == 2 and result.kept == 1
    assert "75" not in result.text
    assert (
        "The triage team resolved 40 per cent of adult social care referrals at first contact [1]."
        in result.text
    )
    assert result.reasons == ("invented number 75",)


def test_an_unsupported_sentence_falls_back() -> None:
    replies = [GOOD + "3. Councillors should vote to double the leaflet budget next year."]
    result = rewriter(replies).rewrite(ANSWER, citations())
    assert result.text.endswith(
        "The citizens panel co-designed the new adult social care leaflets with residents [2]."
    )
    assert result.kept == 1


def test_a_system_prompt_leak_is_dropped() -> None:
    leak = (
        "1. You rewrite sentences from council documents so that a busy councillor can read "
        "them quickly. Keep every fact, number and name exactly as written.\n2. Fine."
    )
    result = rewriter([leak]).rewrite(ANSWER, citations())
    assert result.text == ANSWER
    assert "prompt leak" in result.reasons


def test_a_missing_line_keeps_the_original() -> None:
    replies = [
        "1. In 2021 Riverton Borough Council set up a front door triage team for adult social "
        "care referrals."
    ]
    result = rewriter(replies).rewrite(ANSWER, citations())
    assert result.rewritten == 1
    assert "resolved 40 per cent" in result.text
    assert result.reasons.count("no line") == 2


def test_a_provider_failure_keeps_the_answer() -> None:
    def fail(_: Sequence[ChatMessage]) -> str:
        raise ProviderError("timed out")

    result = rewriter(fail).rewrite(ANSWER, citations())
    assert result.text == ANSWER and result.failed


def test_a_much_longer_rewrite_is_not_plainer() -> None:
    long = "1. " + " ".join(["Riverton Borough Council set up a triage team in 2021."] * 3)
    result = rewriter([long]).rewrite(ANSWER, citations())
    assert "longer than the original" in result.reasons


def test_batches_follow_the_weight() -> None:
    model = ScriptedChatModel(lambda messages: "")
    CouncillorRewriter(
        model, HashEmbedder(), weights=replace(WEIGHTS, rewrite=RewriteWeights(batch_sentences=1))
    ).rewrite(ANSWER, citations())
    assert len(model.calls) == 3


def test_stream_yields_the_answer_so_far() -> None:
    replies = [GOOD, "1. The citizens panel co-designed the new adult social care leaflets."]
    steps = list(rewriter(replies, batch_sentences=2).stream(ANSWER, citations()))
    assert len(steps) == 2
    assert steps[0].text.startswith("In 2021") and steps[0].text.endswith("with residents [2].")
    assert steps[-1].rewritten == 3
