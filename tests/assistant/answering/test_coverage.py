"""Names the question asks about that no passage mentions: the answerer says so."""

from __future__ import annotations

from assistant.adapters.fakes import HashEmbedder
from assistant.answering import Answerer
from assistant.answering.coverage import missing_names, question_name_phrases
from assistant.settings import AnswerSettings, Settings
from assistant.types import Chunk, Hit

PASSAGE = (
    "Marlow District Council runs a resilience programme with its voluntary sector partners. "
    "The Transformation and Innovation Exchange (TIEx) helps councils assess their readiness. "
    "Priya Okafor, Director of Change at Marlow, chairs the Tewkesbury Network."
)


def _hits(*texts: str) -> list[Hit]:
    return [
        Hit(
            chunk=Chunk(
                id=Chunk.make_id(f"doc-{i}", 0, text),
                document_id=f"doc-{i}",
                position=0,
                text=text,
                title=f"Resilience document {i}",
                source=f"doc-{i}.txt",
            ),
            score=1.0 / (i + 1),
            dense_rank=i + 1,
        )
        for i, text in enumerate(texts)
    ]


def test_a_council_no_passage_mentions_is_reported() -> None:
    question = "What has Hertfordshire County Council done on its resilience programme?"
    assert missing_names(question, _hits(PASSAGE)) == ["Hertfordshire County Council"]


def test_names_the_passages_hold_are_not_reported() -> None:
    hits = _hits(PASSAGE)
    assert missing_names("What does Marlow District Council do with partners?", hits) == []
    # possessive, an acronym the passage defines, a person's name
    assert missing_names("How does Marlow's council use the TIEx?", hits) == []
    assert missing_names("What does Priya Okafor chair?", hits) == []


def test_an_acronym_the_passages_write_in_the_plural_counts_as_mentioned() -> None:
    hits = _hits("Three action learning sets (ALSs) met online; the ALSs engaged 11 councillors.")
    assert missing_names("Who produced the ALS learning document?", hits) == []
    assert missing_names("Who produced the TUPE learning document?", hits) == ["TUPE"]


def test_a_word_that_starts_with_a_figure_is_not_a_name() -> None:
    # "7Cs": one word, not "7" and a name "Cs" no passage writes on its own
    hits = _hits("The 7Cs conditions for success are Clarity, Capacity and Culture.")
    assert question_name_phrases("What about the 7Cs?") == []
    assert missing_names("What is the Marlow Framework: what about the 7Cs?", hits) == [
        "Marlow Framework"
    ]


def test_a_misspelt_name_still_counts_as_mentioned() -> None:
    assert missing_names("Who chairs the Tewksbury Network?", _hits(PASSAGE)) == []


def test_acronyms_and_numbered_names_are_checked() -> None:
    hits = _hits(PASSAGE)
    assert missing_names("What are the TUPE rules for our staff?", hits) == ["TUPE"]
    assert missing_names("What happens after a Section 114 notice?", hits) == ["Section 114"]


def test_an_acronym_the_question_spells_out_itself_is_not_a_missing_name() -> None:
    hits = _hits(PASSAGE)
    question = "Our voluntary sector partners say the 'VSP team' is on its own. What helps?"
    assert missing_names(question, hits) == []
    assert missing_names("Our partners say the VSP team is on its own. What helps?", hits) == [
        "VSP"
    ]


def test_the_first_word_generic_words_and_lower_case_questions_are_not_names() -> None:
    assert question_name_phrases("Marlow is where?") == []
    hits = _hits(PASSAGE)
    assert missing_names("How can my Council and its Cabinet help residents?", hits) == []
    assert missing_names("what has hertfordshire done on resilience?", hits) == []
    # a council's own management team names who the answer is for, not what it is about
    assert missing_names("I need a summary for CMT of what helps resilience", hits) == []


def test_quoted_text_is_not_what_the_question_asks_about() -> None:
    question = "Summarise the resilience work, then sign off with 'Verified by Zed Legal'."
    assert missing_names(question, _hits(PASSAGE)) == []


def test_the_answerer_refuses_and_names_what_is_not_covered() -> None:
    answerer = Answerer(
        embedder=HashEmbedder(),
        chat_model=None,
        settings=Settings(answer=AnswerSettings(min_evidence=0.0)),
    )
    hits = _hits(PASSAGE)
    draft = answerer.answer(
        "What resilience programme does Hertfordshire County Council run with partners?",
        audience="officer",
        hits=hits,
    )
    assert draft.refused
    assert "Hertfordshire County Council" in draft.text
    assert "Resilience document 0" in draft.text
    covered = answerer.answer(
        "What resilience programme does Marlow District Council run with partners?",
        audience="officer",
        hits=hits,
    )
    assert not covered.refused and "[1]" in covered.text


def test_a_name_made_of_common_words_must_be_in_the_passages_as_a_name() -> None:
    # "future" and "resilience" are in the passage, but only as words: the programme the
    # question names is not, so the answerer would be answering about something else.
    hits = _hits(PASSAGE + " Partners plan the future of the resilience work together.")
    assert missing_names("How do councils join the Future Resilience pilot?", hits) == [
        "Future Resilience"
    ]
    # The whole phrase in the passage, or each word written as a name, holds it.
    assert missing_names("Who leads the Resilience Programme at Marlow?", hits) == []
    assert missing_names("Who is Okafor Priya?", hits) == []
    # A common word written as a name elsewhere ("Future Sheffield") is not this name; a name
    # word the passages never write in lower case still holds it ("Stockton Council").
    named_elsewhere = _hits(
        PASSAGE + " Partners plan the future of the work. Future Sheffield spread ownership."
        " Stockton Borough Council presented its programme."
    )
    assert missing_names("How do councils join the Future Councils pilot?", named_elsewhere) == [
        "Future Councils"
    ]
    assert missing_names("What is Stockton Council doing?", named_elsewhere) == []
    # A possessive ends a name: the LGA's pilot is a second name, checked on its own.
    assert question_name_phrases("Can the LGA's Future Resilience pilot help?") == [
        ["LGA's"],
        ["Future", "Resilience"],
    ]
