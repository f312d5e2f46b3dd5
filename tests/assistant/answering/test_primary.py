"""Primary sources first: a catalogue claim also cites the LGA passage that says the same."""

from __future__ import annotations

from assistant.answering.primary import renumbered, with_primary_citations
from assistant.types import Chunk, Citation, Hit

OURS = "lga-assistant catalogue"


def chunk(
    doc: str,
    text: str,
    *,
    position: int = 0,
    publisher: str | None = None,
    url: str | None = None,
) -> Chunk:
    return Chunk(
        id=Chunk.make_id(doc, position, text),
        document_id=doc,
        position=position,
        text=text,
        title=doc.title(),
        publisher=publisher,
        url=url,
    )


RETELLING = chunk(
    "corpus/case-studies/riverton.md",
    "Riverton Borough Council's programme has three main areas: housing support, "
    "complex needs, and young carers.",
    publisher=OURS,
)
# The LGA's own note names the council in one sentence and the areas in the next.
NOTE = chunk(
    "corpus/network-notes.html",
    "Riverton on Sea Council presented its emerging programme to the network. "
    "Colleagues stressed the value of data. "
    "The project is built around three main areas: housing support, complex needs, and young "
    "carers.",
)
OTHER = chunk(
    "corpus/board-minutes.txt",
    "The board discussed housing support and complex needs in 2019 at some length.",
)


# Our retelling of a programme's reviews, and the LGA's own sentence saying the same.
SUPPORT = chunk(
    "corpus/resources/marlow-support.md",
    "The Marlow programme focused its reviews on Finance and Governance Reviews, with "
    "further reviews on planning and culture.",
    publisher=OURS,
)
SUPPORT_NEWS = chunk(
    "corpus/marlow-news.docx",
    "Reviews remain a cornerstone of Marlow support, with the programme focused on Finance "
    "and Governance Reviews and further reviews on planning and culture.",
)


def hits(*chunks: Chunk) -> list[Hit]:
    return [Hit(chunk=c, score=1.0) for c in chunks]


def test_a_catalogue_sentence_also_cites_the_lga_passage_saying_it_first() -> None:
    text = (
        "Riverton Borough Council's programme has three main areas: housing support, complex "
        "needs, and young carers [1]."
    )
    cited = (Citation(1, RETELLING, RETELLING.text),)

    new_text, citations = with_primary_citations(text, cited, hits(RETELLING, OTHER, NOTE))

    assert new_text.endswith("young carers [1][2].")
    assert [c.chunk.id for c in citations] == [NOTE.id, RETELLING.id]  # the LGA's is [1]
    quote = citations[0].quote
    assert "three main areas" in quote and quote in " ".join(NOTE.text.split())
    assert "Riverton on Sea" in quote  # the window reaches the sentence naming the council


def test_no_twin_without_the_claims_figures_or_names() -> None:
    figures = "The programme saved 40 per cent of housing support costs at Riverton [1]."
    ours = chunk("corpus/case-studies/r.md", figures[:-5] + ".", publisher=OURS)
    lga = chunk("corpus/note.txt", "The programme saved 30 per cent of housing support costs.")
    cited = (Citation(1, ours, ours.text),)

    assert with_primary_citations(figures, cited, hits(ours, lga)) == (figures, cited)
    other_council = chunk("corpus/n2.txt", "Elmford saved 40 per cent of housing support costs.")
    assert with_primary_citations(figures, cited, hits(ours, other_council))[0] == figures


def test_each_list_item_cites_the_lga_sentence_holding_the_whole_list() -> None:
    ours = chunk("corpus/frameworks/x.md", "It covers: alpha beta; gamma; delta.", publisher=OURS)
    lga = chunk("corpus/lga.txt", "It has a focus on alpha beta; gamma; and delta.")
    text = "The tool covers three areas [1]:\n- alpha beta [1]\n- gamma [1]\n- delta [1]"
    cited = (Citation(1, ours, ours.text),)

    new_text, citations = with_primary_citations(text, cited, hits(ours, lga))

    assert new_text.splitlines() == [
        "The tool covers three areas [1]:",  # the lead is ours alone: the LGA's words differ
        "- alpha beta [1][2]",
        "- gamma [1][2]",
        "- delta [1][2]",
    ]
    assert citations[1].chunk.id == lga.id
    # One item the LGA's sentence lacks: no item is co-cited.
    partial = chunk("corpus/lga2.txt", "It has a focus on alpha beta; gamma; and epsilon.")
    assert with_primary_citations(text, cited, hits(ours, partial))[0] == text


def test_a_claim_citing_a_primary_passage_already_is_left_alone() -> None:
    text = "The project is built around three main areas: housing support, complex needs [1]."
    cited = (Citation(1, NOTE, NOTE.text),)
    assert with_primary_citations(text, cited, hits(NOTE, RETELLING)) == (text, cited)


def test_the_lga_passage_may_come_from_a_top_document_retrieval_did_not_return_whole() -> None:
    text = (
        "Riverton Borough Council's programme has three main areas: housing support, complex "
        "needs, and young carers [1]."
    )
    cited = (Citation(1, RETELLING, RETELLING.text),)
    intro = chunk("corpus/network-notes.html", "Network notes. Members met in March.")
    stored = {"corpus/network-notes.html": [intro, NOTE]}

    alone, _ = with_primary_citations(text, cited, hits(RETELLING, intro))
    assert alone == text  # the passage holding it was not retrieved
    found, citations = with_primary_citations(
        text, cited, hits(RETELLING, intro), lambda doc: stored.get(doc, [])
    )
    assert found.endswith("[1][2].") and citations[0].chunk.id == NOTE.id


def test_the_lga_page_our_entry_was_written_from_is_read_wherever_it_ranked() -> None:
    text = (
        "Riverton Borough Council's programme has three main areas: housing support, complex "
        "needs, and young carers [1]."
    )
    page = "https://example.org/network"
    ours = chunk(RETELLING.document_id, RETELLING.text, publisher=OURS, url=page)
    cited = (Citation(1, ours, ours.text),)
    stored = {"corpus/network-notes.html": [NOTE]}
    at = {page: ["corpus/network-notes.html"]}
    # retrieval returned only our entry: without the address, nothing to compare with
    alone, _ = with_primary_citations(text, cited, hits(ours), lambda d: stored.get(d, []))
    assert alone == text
    found, citations = with_primary_citations(
        text,
        cited,
        hits(ours),
        lambda d: stored.get(d, []),
        documents_at=lambda url: at.get(url, []),
    )
    assert found.endswith("[1][2].") and citations[0].chunk.id == NOTE.id


def test_renumbered_by_first_appearance_with_markers_side_by_side_in_order() -> None:
    a, b, c = (Citation(n, NOTE, f"q{n}") for n in (1, 2, 3))
    text, citations = renumbered("First [3][1]. Then [2]. Again [3].", (a, b, c))
    assert text == "First [1][2]. Then [3]. Again [1]."
    assert [x.quote for x in citations] == ["q3", "q1", "q2"]
    dropped, kept = renumbered("Only [2].", (a, b, c))
    assert dropped == "Only [1]." and [x.quote for x in kept] == ["q2"]


def test_the_lga_sentences_are_shown_instead_when_they_stand_alone_and_hold_every_name() -> None:
    ours = chunk(
        "corpus/frameworks/marlow-exchange.md",
        "Marlow Exchange is aimed at senior leaders, but anyone in the council can complete "
        "the self-assessment.",
        publisher=OURS,
    )
    lga = chunk(
        "corpus/marlow-first.txt",
        "The Marlow Exchange went live in July.\n\nThe tool is aimed at senior corporate "
        "leadership teams, and at prompting a discussion.\n\nHowever, anyone in the "
        "organisation can complete the self-assessment.",
    )
    text = f"{ours.text[:-1]} [1]."
    cited = (Citation(1, ours, ours.text),)

    asked = "Is the Marlow Exchange self-assessment only for leaders?"
    shown, citations = with_primary_citations(text, cited, hits(ours, lga), question=asked)

    # "The tool" reads as the Marlow Exchange the question asks about
    assert shown == (
        "The tool is aimed at senior corporate leadership teams, and at prompting a "
        "discussion [1]. However, anyone in the organisation can complete the "
        "self-assessment [1]."
    )
    assert [c.chunk.id for c in citations] == [lga.id]  # our retelling is no longer cited
    assert citations[0].quote in " ".join(lga.text.split())
    # ...not when the question does not name it: the LGA's passage is cited beside ours.
    beside = with_primary_citations(text, cited, hits(ours, lga), question="Who is it for?")[0]
    assert beside == text.replace("[1].", "[1][2].")
    # ...nor when the LGA's subject does not share the verb with ours.
    other_verb = "Marlow Exchange was aimed at senior leaders, but anyone can complete it [1]."
    beside = with_primary_citations(other_verb, cited, hits(ours, lga), question=asked)[0]
    assert beside == other_verb.replace("[1].", "[1][2].")


def test_under_a_lead_in_the_lga_words_stand_in_a_paragraph_led_in_by_their_document() -> None:
    ours = SUPPORT
    lga = SUPPORT_NEWS
    cited = (Citation(1, ours, ours.text),)
    text = f"Marlow support says:\n\n{ours.text[:-1]} [1]."
    shown, citations = with_primary_citations(text, cited, hits(ours, lga))
    assert shown == f"{lga.title} says:\n\n{lga.text[:-1]} [1]."  # the LGA document named
    assert [c.chunk.id for c in citations] == [lga.id]
    other = chunk("corpus/other.md", "Marlow opened a new library in the town.", publisher=OURS)
    both = (Citation(1, ours, ours.text), Citation(2, other, other.text))
    mixed = f"Marlow support says:\n\n{ours.text[:-1]} [1]. {other.text[:-1]} [2]."
    shown, citations = with_primary_citations(mixed, both, hits(ours, other, lga))
    assert shown == (
        f"{lga.title} says:\n\n{lga.text[:-1]} [1].\n\nMarlow support says:\n\n"
        f"{other.text[:-1]} [2]."
    )
    assert [c.chunk.id for c in citations] == [lga.id, other.id]


def test_the_lga_words_join_the_next_paragraph_from_their_document_said_once() -> None:
    ours, lga = SUPPORT, SUPPORT_NEWS
    more = chunk(
        "corpus/marlow-news.docx",
        "The programme also runs graduate schemes. Reviews remain a cornerstone of Marlow support.",
        position=1,
    )
    cited = (Citation(1, ours, ours.text), Citation(2, more, more.text))
    text = (
        f"Marlow support says:\n\n{ours.text[:-1]} [1].\n\n{lga.title} says:\n\n"
        "The programme also runs graduate schemes [2]. "
        "Reviews remain a cornerstone of Marlow support [2]."
    )
    shown, _ = with_primary_citations(text, cited, hits(ours, lga, more))
    # one paragraph under the news release's name; its cornerstone sentence said once
    assert shown.count(f"{lga.title} says:") == 1
    assert shown.count("Reviews remain a cornerstone of Marlow support") == 1
    assert "The programme also runs graduate schemes [2]." in shown


def test_the_lga_sentence_missing_one_of_our_names_is_cited_beside_ours_not_shown() -> None:
    ours = SUPPORT
    lga = chunk(
        "corpus/marlow-news.docx",
        "Marlow reviews help councils. This year's programme offers Finance Reviews.\n\n"
        "Further reviews, on planning and culture, will continue as part of the programme's "
        "focus.\n\nGovernance Reviews were piloted.",
    )
    text = f"{ours.text[:-1]} [1]."
    cited = (Citation(1, ours, ours.text),)

    shown, citations = with_primary_citations(text, cited, hits(ours, lga))

    assert shown.startswith("The Marlow programme focused") and shown.endswith("[1][2].")
    assert [c.chunk.id for c in citations] == [lga.id, ours.id]


def test_the_lga_sentence_already_in_the_answer_is_not_shown_twice() -> None:
    ours = SUPPORT
    lga = SUPPORT_NEWS
    cited = (Citation(1, ours, ours.text), Citation(2, lga, lga.text))
    text = f"{ours.text[:-1]} [1]. {lga.text[:-1]} [2]."
    shown, citations = with_primary_citations(text, cited, hits(ours, lga))
    assert shown == f"{ours.text[:-1]} [1][2]. {lga.text[:-1]} [1]."
    assert [c.chunk.id for c in citations] == [lga.id, ours.id]


def test_two_retellings_of_one_lga_passage_show_it_once() -> None:
    first = (
        "The Marlow programme focused its reviews on Finance and Governance Reviews, with "
        "further reviews on planning and culture."
    )
    second = (
        "Marlow support focused on Finance and Governance Reviews, and further reviews on "
        "planning and culture continue."
    )
    ours = chunk("corpus/resources/marlow-support.md", f"{first} {second}", publisher=OURS)
    lga = SUPPORT_NEWS
    cited = (Citation(1, ours, ours.text),)
    text = f"{first[:-1]} [1]. {second[:-1]} [1]."
    shown, _ = with_primary_citations(text, cited, hits(ours, lga))
    assert shown == f"{lga.text[:-1]} [1]. {second[:-1]} [1][2]."
