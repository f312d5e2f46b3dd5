"""The chat UI in a real browser against the real app (real model, real corpus).

Journey of a councillor then an officer: ask, read the answer with its citations and
suggestion cards, open a citation, give feedback, download the evidence pack, switch audience
and ask a follow-up; a refused question looks different; the officer tabs work; the page only
ever talks to the local server. Screenshots are saved under test-artifacts/e2e/.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from playwright.sync_api import Page, expect

from assistant.traces import TraceStore

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

QUESTION = "How can councils involve residents in co-designing services?"


def _ask(page: Page, question: str) -> None:
    done = page.locator("#lga-chat .lga-answer")
    before = done.count()
    page.get_by_label("Your question").fill(question)
    page.locator("#lga-ask").click()
    # A finished answer is wrapped in .lga-answer (streamed partial answers are not).
    expect(done).to_have_count(before + 1, timeout=90_000)
    expect(page.locator("#lga-up")).to_be_visible()


def _shot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_councillor_and_officer_journey(app_page: Page, live_server: dict, artifacts: Path) -> None:
    page = app_page
    expect(page.get_by_role("heading", name="LGA transformation assistant")).to_be_visible()
    expect(page.get_by_role("radio", name="Councillor")).to_be_checked()
    _shot(page, artifacts, "01-start")

    _ask(page, QUESTION)
    answer = page.locator("#lga-chat")
    # A citation marker in the text, its numbered source, and suggestion cards with sources.
    expect(answer.locator("a.lga-cite").first).to_have_text(re.compile(r"\[\d+\]"))
    sources = answer.locator("details.lga-source")
    expect(sources.first).to_be_visible()
    cards = answer.locator("li.lga-card")
    expect(cards.first).to_be_visible()
    expect(answer.get_by_text("Councils that have done this")).to_be_visible()
    assert answer.locator(".lga-card__source").count() >= 1
    # Messages are read as rendered text, not as their HTML source.
    assert answer.locator("[data-testid='bot'][aria-label]").count() == 0
    _shot(page, artifacts, "02-answer")

    # Open the first citation: the quoted passage and where it comes from.
    first = sources.first
    expect(first.locator("blockquote")).to_be_hidden()
    first.locator("summary").click()
    expect(first).to_have_attribute("open", "")
    expect(first.locator("blockquote.lga-source__quote")).to_be_visible()
    expect(first.locator(".lga-source__meta")).to_contain_text(re.compile(r"Open the source|File:"))
    first.locator("summary").scroll_into_view_if_needed()
    _shot(page, artifacts, "03-citation-open")

    # Feedback: thumbs down, a reason chip, a comment; stored against the answer's trace.
    page.locator("#lga-down").click()
    reasons = page.locator("#lga-reasons")
    expect(reasons).to_be_visible()
    reasons.get_by_label("Missing information").check()
    page.get_by_label(re.compile("Comment")).fill("Would like more on costs. Call 07700 900123")
    page.locator("#lga-send-feedback").click()
    expect(page.locator("#lga-feedback-note")).to_contain_text("feedback is saved")
    store = TraceStore(Path(live_server["data_dir"]) / "traces.sqlite3")
    rows = store.feedback_rows()
    assert rows and rows[-1]["rating"] == "down"
    assert rows[-1]["reasons"] == ["Missing information"]
    assert "07700" not in rows[-1]["comment"] and "[PHONE]" in rows[-1]["comment"]
    assert rows[-1]["question"] == QUESTION
    _shot(page, artifacts, "04-feedback")

    # Evidence pack: a real DOCX with a references section.
    pack_button = page.locator("#lga-pack")
    expect(pack_button).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        pack_button.click()
    download = download_info.value
    assert download.suggested_filename.startswith("evidence-pack-")
    assert download.suggested_filename.endswith(".docx")
    doc = DocxDocument(io.BytesIO(Path(download.path()).read_bytes()))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert any("Reference" in h for h in headings), headings

    # Switch audience: the examples change, and the follow-up is answered for an officer.
    page.get_by_role("radio", name="Officer").check()
    expect(page.locator("button.lga-example").first).to_contain_text("Which councils")
    _ask(page, "Which councils have done this?")
    expect(page.locator("#lga-chat details.lga-source").last).to_be_visible()
    trace_count = store.count()
    assert trace_count >= 2
    _shot(page, artifacts, "05-officer-follow-up")


def test_refused_question_looks_different(app_page: Page, artifacts: Path) -> None:
    page = app_page
    _ask(page, "Write me a poem about the weather")
    refusal = page.locator("#lga-chat .lga-refusal").last
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("The resources I have don't cover this")
    expect(refusal.locator(".lga-icon")).to_be_visible()
    expect(refusal).to_contain_text("Transformation")  # says what the corpus does cover
    assert page.locator("#lga-chat details.lga-source").count() == 0
    expect(page.locator("#lga-pack")).to_be_hidden()
    _shot(page, artifacts, "06-refusal")


def test_case_finder_and_self_assessment_tabs(app_page: Page, artifacts: Path) -> None:
    page = app_page
    page.get_by_role("tab", name="Find case studies").click()
    expect(page.get_by_label("Council type (optional)")).to_have_value("")
    page.get_by_label("What are you looking for?").fill("co-design with residents")
    page.get_by_role("button", name="Find case studies").click()
    cards = page.locator("#lga-cases li.lga-card")
    expect(cards.first).to_be_visible(timeout=60_000)
    expect(cards.first.locator("details.lga-source").first).to_be_attached()
    _shot(page, artifacts, "07-case-finder")

    page.get_by_role("tab", name="Self-assessment").click()
    sliders = page.locator("input[type='range']")
    expect(sliders.first).to_be_visible()
    assert sliders.count() == 5
    page.get_by_role("button", name="Get suggestions").click()
    result = page.locator("#lga-assessment .lga-area")
    expect(result.first).to_be_visible(timeout=60_000)
    expect(result.first).to_contain_text("out of 5")
    _shot(page, artifacts, "08-self-assessment")


def test_every_request_stays_on_the_local_server(
    app_page: Page, live_server: dict, requested_urls: list[str]
) -> None:
    # Runs last in this module: the list holds the requests of every page above too.
    app_page.wait_for_timeout(1000)
    assert requested_urls, "no requests were recorded"
    outside = sorted(
        {u for u in requested_urls if not u.startswith((live_server["url"], "data:", "blob:"))}
    )
    assert outside == [], f"the page fetched from outside the machine: {outside}"
