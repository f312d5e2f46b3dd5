"""Theme tagging: distinctive phrases tag their theme; everyday words do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigurationError
from assistant.knowledge import all_themes, get_theme, tag_themes
from assistant.knowledge.themes import FAMILIES, Taxonomy


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("The council baselined benefits in the business case.", "benefits_realisation"),
        ("A benefits realisation tracker estimates cost avoidance.", "benefits_realisation"),
        ("Derby introduced AI chatbots for phone contacts.", "ai"),
        ("We explored artificial intelligence responsibly.", "ai"),
        ("Newham's co-design standards", "co_design"),
        ("a roundtable on community engagement and consultation", "co_design"),
        ("Our capacity to deliver is stretched.", "tiex_capacity_to_deliver"),
        ("Our capacity to deliver is stretched.", "7cs_capacity"),
        ("the LATCo board has no council shareholder", "delivery_models"),
        ("reduce reliance on salami slicing", "finance_savings"),
        ("an early intervention and prevention model", "prevention"),
        ("a behaviourally informed mail-out", "behaviour_change"),
        ("Devolution & LGR were popular topics", "devolution_lgr"),
        ("the PMO tracks the portfolio", "pmo"),
        ("AI's role in customer contact", "ai"),
        ("two PMOs merged", "pmo"),
        ("Council chatbots answer calls", "ai"),
        ("everyone’s business", "people_buy_in"),
        ("leadership development and assured leaders", "leadership_development"),
        ("a culture of testing and learning", "culture_change"),
        ("Systems Thinking and Leadership approaches", "systems_thinking"),
        ("understanding of local place and priority setting", "tiex_place_priorities"),
        ("financial planning and viability", "tiex_financial_planning"),
        ("a data-driven approach to customer insight", "data_customer_insight"),
    ],
)
def test_distinctive_phrases_tag_their_theme(text: str, theme: str) -> None:
    assert theme in tag_themes(text)


@pytest.mark.parametrize(
    ("text", "not_theme"),
    [
        ("The room had capacity for 40 people.", "7cs_capacity"),
        ("The room had capacity for 40 people.", "tiex_capacity_to_deliver"),
        ("She said the aid was paid.", "ai"),
        ("The AIM of the session was clear.", "ai"),
        ("The maid paid for the raid.", "ai"),
        ("Content about agriculture and horticulture.", "culture_change"),
        ("The data was attached.", "data"),
        ("We met in the leadership suite.", "leadership_development"),
        ("The prevent duty training", "prevention"),
        ("A tomato was on the table.", "operating_model"),
        ("A non-prevention budget line", "prevention"),
        ("The TOMATO sauce", "operating_model"),
    ],
)
def test_everyday_words_do_not_tag(text: str, not_theme: str) -> None:
    assert not_theme not in tag_themes(text)


def test_plain_sentence_gets_no_themes() -> None:
    assert tag_themes("The meeting started at ten and finished at noon.") == ()


def test_tags_come_in_taxonomy_order_without_duplicates() -> None:
    tags = tag_themes("AI chatbots and culture change, then more AI and culture change.")
    order = [t.id for t in all_themes()]
    assert list(tags) == sorted(set(tags), key=order.index)


def test_taxonomy_has_every_family_and_the_expected_groups() -> None:
    themes = all_themes()
    families = {t.family for t in themes}
    assert families == set(FAMILIES)
    assert sum(t.family == "action_learning" for t in themes) == 8
    assert sum(t.family == "tiex" for t in themes) == 5
    assert sum(t.family == "7cs" for t in themes) == 7
    network = {t.id for t in themes if t.family == "network_topic"}
    assert {"devolution_lgr", "ai", "benefits_realisation", "culture_change", "data"} <= network
    assert {"skills", "pmo"} <= network


def test_get_theme_by_id_or_label() -> None:
    capacity = get_theme("7Cs: Capacity")
    assert capacity is not None and capacity.id == "7cs_capacity"
    assert get_theme("co_design") is not None
    assert get_theme("no such theme") is None


def test_bad_family_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "themes.yaml"
    path.write_text("themes:\n  - {id: x, label: X, family: other, phrases: [x]}\n")
    with pytest.raises(ConfigurationError, match="unknown family"):
        Taxonomy.from_file(path)
