"""Second look-ups: which questions need one, what they search for and which passages they keep."""

from __future__ import annotations

from assistant.answering.lookups import look_ups
from assistant.answering.question import analyse_question
from assistant.types import Hit
from tests.helpers import make_chunk


def _hit(doc: str, text: str, heading: tuple[str, ...] = ()) -> Hit:
    return Hit(chunk=make_chunk(doc, 0, text, heading_path=heading), score=1.0)


def _looks(question: str, *, chosen: bool = False) -> list:
    return look_ups(question, analyse_question(question), doc_types_chosen=chosen)


def test_a_peer_question_searches_case_studies_unless_the_user_chose_document_types() -> None:
    (look,) = _looks("Which council could we learn from about working with partners?")
    assert look.query is None and look.doc_types == ("case_study",) and look.per_side == 2
    assert (
        _looks("Which council could we learn from about working with partners?", chosen=True) == []
    )
    assert _looks("What is the Marlow tracker?") == []


def test_a_role_question_keeps_the_section_headed_by_the_role_before_one_mentioning_it() -> None:
    (look,) = _looks("What does good scrutiny of a programme look like?")
    assert "scrutiny role" in (look.query or "") and look.per_side == 1
    overview = _hit("roles", "Councillors take a leadership role or a scrutiny role.")
    section = _hit("roles", "Scrutiny can be formal or informal.", ("Roles", "Scrutiny role"))
    other = _hit("pilot", "The Marlow pilot matches councils with peers.")
    assert look.kept([overview, other, section]) == [section]
    assert look.kept([other, overview]) == [overview]
    assert look.kept([other]) == []


def test_are_we_ready_searches_for_the_readiness_check() -> None:
    (look,) = _looks("we're about to start a big change. how do we know if we're ready?")
    assert "readiness check" in (look.query or "") and look.per_side == 2
    check = _hit("five-cs", "A council can use the 5Cs as a readiness check.")
    assert look.kept([_hit("tips", "Reframe digital change."), check]) == [check]
    # Not for a question that is not advice ("the 7Cs checklist ... what are the seven?").
    assert _looks("theres a 7Cs checklist for whether a council is ready? what are the seven") == []
