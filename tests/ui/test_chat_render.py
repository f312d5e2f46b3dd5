"""The chat's HTML rendering (``ui.chat.render``): escaped text, citations that open to their
passage, suggestion cards, refusals. Pure functions: no Gradio (see test_chat.py for the
handlers and the page)."""

from __future__ import annotations

import dataclasses
import re

from conftest import CHUNKS, FakeAssistant

from assistant.types import Answer, Citation, Suggestion, Turn
from ui.chat.render import render_answer, render_citation, render_text


def _answer(**kw: object) -> Answer:
    return FakeAssistant().ask("How have councils used action learning?", **kw)  # type: ignore[arg-type]


def test_render_text_escapes_html_and_marks_citations() -> None:
    out = render_text("Councils <script>x</script> learn [1].\n\n- one [2]\n- two")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert (
        '<a class="lga-cite" href="#lga-source-1"><span class="lga-visually-hidden">Source </span>'
        "[1]</a>" in out
    )
    assert "<ul><li>one" in out and "<li>two</li>" in out


def test_citation_opens_to_quote_title_page_section_and_link() -> None:
    out = render_citation(Citation(1, CHUNKS[0], "Brighton and Hove ran <b>sets</b>"))
    assert out.startswith('<details class="lga-source"><summary>')
    assert "[1]</span> Action learning sets: learning document" in out
    assert "page 2, Learning &gt; What councils did" in out
    assert "&lt;b&gt;sets&lt;/b&gt;" in out  # the quote is escaped
    assert 'href="https://www.local.gov.uk/example/action-learning"' in out


def test_unsafe_links_are_not_rendered() -> None:
    from dataclasses import replace

    chunk = replace(CHUNKS[0], url="javascript:alert(1)")
    out = render_citation(Citation(1, chunk, "quote"))
    assert "javascript:" not in out and "File: als.pdf" in out


def test_answer_has_sources_and_suggestion_cards_with_their_source() -> None:
    out = render_answer(_answer())
    assert "Sources (select a number" in out
    assert out.count('<details class="lga-source" ') == 2
    assert "Councils that have done this" in out and "Brighton and Hove City Council" in out
    assert "Resources that can help" in out and "Next steps" in out
    assert "Framework: 7Cs: Capability" in out
    assert out.count('class="lga-card__source">Source: [') == 3


def test_refusal_is_distinct_by_heading_and_icon_and_lists_coverage() -> None:
    refused = FakeAssistant().ask("Write me a poem about bins")
    out = render_answer(refused, ["Action learning sets", "Transformation Network"])
    assert "The resources I have don't cover this" in out
    assert 'class="lga-icon"' in out and 'role="note"' in out
    assert "<li>Transformation Network</li>" in out
    assert "lga-source" not in out


def test_warnings_shown_first() -> None:
    out = render_answer(
        _answer(audience="officer").__class__(
            **{
                **{f: getattr(_answer(), f) for f in Answer.__slots__},  # type: ignore[attr-defined]
                "warnings": ("Personal data removed.",),
            }
        )
    )
    assert '<div class="lga-answer" data-answer-id="ans-' in out
    body = out.split(">", 1)[1].lstrip()
    assert body.startswith('<p class="lga-warning">') and "Personal data removed." in body


def test_suggestion_without_citation_has_no_source_line() -> None:
    answer = _answer()
    bare = Suggestion("peer", "Somewhere Council", "Did things.")
    out = render_answer(
        answer.__class__(
            **{
                **{f: getattr(answer, f) for f in Answer.__slots__},  # type: ignore[attr-defined]
                "peers": (bare,),
            }
        )
    )
    card = out[out.index("Somewhere Council") :]
    assert card[: card.index("</li>")].count("Source:") == 0


def test_refusal_reason_not_repeated_when_the_text_starts_with_it() -> None:
    from dataclasses import replace

    refused = FakeAssistant().ask("Write me a poem")
    same = replace(
        refused,
        refusal_reason="I don't write poems.",
        text="I don't write poems. I can help with X.",
    )
    assert render_answer(same).count("I don&#x27;t write poems.") == 1
    assert render_answer(refused).count(refused.refusal_reason or "") == 1


def test_rewritten_follow_up_shows_answering_line_above_the_answer() -> None:
    history = (Turn("user", "Tell me about leadership"), Turn("assistant", "Leadership [1]."))
    follow_up = FakeAssistant().ask("What did they learn?", history=history)
    out = render_answer(follow_up)
    line = 'class="lga-muted lga-standalone">Answering: What did they learn? (about Tell me'
    assert line in out
    assert out.index("Answering:") < out.index("Councils have used action learning sets")
    assert "Answering:" not in render_answer(_answer())
    assert "Answering:" not in render_answer(
        dataclasses.replace(follow_up, refused=False, standalone_question="  What did they learn? ")
    )


def test_markers_link_to_their_source_in_the_same_answer() -> None:  # #15.13
    answer = _answer()
    out = render_answer(answer)
    targets = set(re.findall(r'<a class="lga-cite" href="#([^"]+)"', out))
    ids = set(re.findall(r'<details class="lga-source" id="([^"]+)"', out))
    assert targets and targets <= ids  # every marker opens a source of this answer
    assert all(answer.id.replace("-", "") in t.replace("-", "") for t in ids)
    other = render_answer(dataclasses.replace(answer, id="another-answer"))
    assert not ids & set(re.findall(r'id="([^"]+)"', other))  # unique across answers
