"""Ten people chatting at once: ten browser sessions ask at the same moment and each gets an
answer with its sources (the chat's questions pass the admission gate and share the workers;
a refused one would show "busy, retrying" and retry, never an error)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

QUESTIONS = (
    "What is the Transformation and Innovation Exchange?",
    "What are the 7Cs conditions for success?",
    "What is the digitalisation almanac for?",
    "How can a council keep service quality up while making efficiencies?",
    "How should a council govern an arm's length delivery company?",
    "How can I get political colleagues to back digitally enabled change?",
    "What support does the LGA offer councils for transformation?",
    "How have councils used artificial intelligence in adult social care?",
    "What is a benefits realisation tracker?",
    "How can councils involve residents in co-designing services?",
)


def test_ten_concurrent_chat_sessions_each_get_an_answer_with_sources(
    browser: Browser, live_server: dict
) -> None:
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in QUESTIONS]
    try:
        pages = []
        for context in contexts:
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(live_server["url"] + "/", wait_until="load")
            page.get_by_label("Your question").wait_for()
            pages.append(page)
        for page, question in zip(pages, QUESTIONS, strict=True):
            page.get_by_label("Your question").fill(question)
        for page in pages:  # all ten sent within a moment of each other
            page.locator("#lga-ask").click()
        for page, question in zip(pages, QUESTIONS, strict=True):
            answer = page.locator("#lga-chat .lga-answer")
            expect(answer, question).to_have_count(1, timeout=180_000)
            expect(page.locator("#lga-chat details.lga-source").first).to_be_attached()
            expect(page.locator("#lga-chat .lga-error")).to_have_count(0)
    finally:
        for context in contexts:
            context.close()
