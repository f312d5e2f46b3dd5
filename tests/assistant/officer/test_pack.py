"""Evidence packs: DOCX (opened with python-docx) and Markdown, numbering, atomic writes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from docx import Document as open_docx

from assistant.errors import InputError, StorageError
from assistant.officer import CaseResult
from assistant.officer.pack import build_pack, pack_format_for, pack_outline, write_pack
from assistant.types import Answer, Chunk, Citation, Suggestion


def _chunk(doc: str, pos: int, text: str, **kw: object) -> Chunk:
    fields: dict[str, object] = {
        "title": f"Title of {doc}",
        "source": f"{doc}.pdf",
        "publisher": "Local Government Association",
        "published": "2024",
        "url": f"https://example.org/{doc}",
    }
    fields.update(kw)
    return Chunk(
        id=Chunk.make_id(doc, pos, text), document_id=doc, position=pos, text=text, **fields
    )  # type: ignore[arg-type]


GUIDE = _chunk("guide", 0, "Councils should baseline benefits in the business case.", page_start=3)
NETWORK = _chunk(
    "network",
    1,
    "Exampleton Council spoke about leadership development.",
    heading_path=("Meetings", "June"),
    url=None,
    source="network.html",
)
CATALOGUE = _chunk("catalogue-tcf", 0, "The framework rates capability from 1 to 5.")
CASE = _chunk("case-otherbury", 0, "Otherbury Council redesigned its back office with analysts.")


def _answer(**kw: object) -> Answer:
    fields: dict[str, object] = {
        "id": "a1",
        "question": "How do we track benefits?",
        "standalone_question": "How do we track benefits?",
        "audience": "officer",
        "text": "Baseline benefits in the **business case** [1].\n\n- Name an owner [1]",
        "citations": (
            Citation(1, GUIDE, "Councils should baseline benefits in the business case."),
            Citation(2, NETWORK, "Exampleton Council spoke about leadership development."),
            Citation(3, CATALOGUE, "The framework rates capability from 1 to 5."),
        ),
        "peers": (
            Suggestion(
                kind="peer",
                title="Exampleton Council",
                why="Exampleton Council spoke about leadership development.",
                citations=(2,),
                council_type="unitary",
                region="South East",
            ),
        ),
        "resources": (
            Suggestion(
                kind="resource",
                title="Transformation Capability Framework",
                why="What good looks like.",
                citations=(3,),
                url="https://example.org/tcf",
            ),
        ),
        "next_steps": (
            Suggestion(
                kind="next_step",
                title="Rate your maturity on governance.",
                why="",
                citations=(3,),
                framework="TCF: governance and control",
            ),
        ),
    }
    fields.update(kw)
    return Answer(**fields)  # type: ignore[arg-type]


CASES = [
    CaseResult(
        council="Exampleton Council",  # already a peer: not repeated
        council_type="unitary",
        region="South East",
        themes=(),
        what="dup",
        citations=(Citation(1, NETWORK, "Exampleton Council spoke."),),
        score=1.0,
    ),
    CaseResult(
        council="Otherbury Council",
        council_type="district",
        region="North West",
        themes=("digital",),
        what="Redesigned its back office.",
        citations=(
            Citation(1, CASE, "Otherbury Council redesigned its back office with analysts."),
            Citation(2, GUIDE, "Councils should baseline benefits in the business case."),
        ),
        score=0.5,
    ),
]


def _styles(doc: object) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs]  # type: ignore[attr-defined]


def test_outline_numbers_case_citations_after_the_answers_and_reuses_known_passages() -> None:
    outline = pack_outline(_answer(), CASES)
    assert [c.council for c in outline.cases] == ["Exampleton Council", "Otherbury Council"]
    other = outline.cases[1]
    assert other.citations == (4, 1)  # new passage -> 4; GUIDE is the answer's [1]
    assert [r.n for r in outline.references] == [1, 2, 3, 4]
    assert outline.references[3].title == "Title of case-otherbury"


def test_docx_has_heading_styles_answer_and_references_with_urls() -> None:
    data = build_pack(_answer(), CASES, fmt="docx")
    doc = open_docx(io.BytesIO(data))
    styles = _styles(doc)
    headings = {text: style for style, text in styles if style.startswith(("Heading", "Title"))}
    assert headings["Evidence pack: How do we track benefits?"] == "Title"
    for section in (
        "Question",
        "Answer",
        "Peer case studies",
        "Resources",
        "Next steps",
        "References",
    ):
        assert headings[section] == "Heading 1", section
    # council types as words, not ids (#15.17)
    assert headings["Exampleton Council (Unitary authority, South East)"] == "Heading 2"
    assert headings["Otherbury Council (District council, North West)"] == "Heading 2"
    texts = [t for _, t in styles]
    assert "Baseline benefits in the business case [1]." in texts
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "business case" in bold
    assert ("List Bullet", "Name an owner [1]") in styles
    # Quotes of peers carry their citation number.
    assert any(
        style == "Quote" and "Otherbury Council redesigned" in text and text.endswith("[4]")
        for style, text in styles
    )
    ref_start = texts.index("References")
    refs = texts[ref_start + 1 :]
    assert len(refs) == 4
    assert refs[0].startswith("[1] Title of guide. Local Government Association, 2024")
    assert "page 3" in refs[0] and "https://example.org/guide" in refs[0]
    assert "section: Meetings > June" in refs[1] and "source: network.html" in refs[1]
    assert refs[3].startswith("[4] Title of case-otherbury")
    step = next(t for s, t in styles if s == "List Number")
    assert "(TCF: governance and control)" in step and step.endswith("[3]")
    resource = next(t for s, t in styles if s == "List Bullet" and "Capability" in t)
    assert "https://example.org/tcf" in resource
    assert doc.core_properties.title == "Evidence pack: How do we track benefits?"


def test_markdown_has_the_same_sections_and_numbering() -> None:
    text = build_pack(_answer(), CASES, fmt="md").decode("utf-8")
    assert text.startswith("# Evidence pack: How do we track benefits?\n")
    positions = [
        text.index(h)
        for h in (
            "## Question",
            "## Answer",
            "## Peer case studies",
            "## Resources",
            "## Next steps",
            "## References",
        )
    ]
    assert positions == sorted(positions)
    assert "### Otherbury Council (District council, North West)" in text
    assert "Redesigned its back office. [4][1]" in text
    assert (
        "- **Transformation Capability Framework**: What good looks like. [3] <https://example.org/tcf>"
        in text
    )
    assert "1. Rate your maturity on governance. (_TCF: governance and control_) [3]" in text
    refs = text[text.index("## References") :]
    assert (
        "[2] Title of network. Local Government Association, 2024. section: Meetings > June."
        in refs
    )
    assert "<https://example.org/case-otherbury>" in refs


def test_refused_answer_pack_says_it_was_not_answered() -> None:
    answer = _answer(
        text="",
        refused=True,
        refusal_reason="the documents do not cover football",
        citations=(),
        peers=(),
        resources=(),
        next_steps=(),
    )
    text = build_pack(answer, (), fmt="md").decode()
    assert "the documents do not cover football" in text
    assert "No peer council in the indexed documents matches this question." in text
    doc = open_docx(io.BytesIO(build_pack(answer, (), fmt="docx")))
    assert any("football" in p.text for p in doc.paragraphs)


def test_unknown_format_and_file_names() -> None:
    with pytest.raises(InputError, match="docx"):
        build_pack(_answer(), (), fmt="pdf")  # type: ignore[arg-type]
    assert pack_format_for(Path("a/pack.DOCX")) == "docx"
    assert pack_format_for(Path("pack.md")) == "md"
    with pytest.raises(InputError, match=r"\.docx or \.md"):
        pack_format_for(Path("pack.pdf"))


def test_write_pack_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "out" / "pack.md"
    write_pack(target, b"first")
    write_pack(target, b"second")
    assert target.read_bytes() == b"second"
    assert os.listdir(target.parent) == ["pack.md"]


def test_write_pack_to_unwritable_folder_says_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="--out"):
        write_pack(blocker / "pack.docx", b"data")


def test_docx_hyperlinks_resolve_to_external_urls() -> None:
    from docx.oxml.ns import qn

    doc = open_docx(io.BytesIO(build_pack(_answer(), CASES, fmt="docx")))
    links = doc.element.body.findall(".//" + qn("w:hyperlink"))
    targets = {doc.part.rels[link.get(qn("r:id"))].target_ref for link in links}
    assert {"https://example.org/tcf", "https://example.org/guide"} <= targets
    assert all(doc.part.rels[link.get(qn("r:id"))].is_external for link in links)


def test_peer_sentence_is_said_once_and_without_filler_openings() -> None:  # #15.9
    said = "Exampleton Council spoke about leadership development."
    filler = CaseResult(
        council="Fillerby Council",
        council_type="district",
        region="North West",
        themes=(),
        what="The same document pointed to Fillerby Council's chatbot for council tax.",
        citations=(Citation(1, CASE, "Otherbury Council redesigned its back office."),),
        score=0.4,
    )
    outline = pack_outline(_answer(), [filler])
    markdown = build_pack(_answer(), [filler], fmt="md").decode()
    assert markdown.count(said) == 1, markdown  # the quote, not a paragraph repeating it
    assert "The same" not in markdown
    assert outline.cases[1].what == "Fillerby Council's chatbot for council tax."
    doc = open_docx(io.BytesIO(build_pack(_answer(), [filler], fmt="docx")))
    texts = [p.text for p in doc.paragraphs]
    assert sum(said in t for t in texts) == 1, texts
    assert not any(t.startswith("The same") for t in texts)


def test_assessment_pack_charts_every_rating_and_heads_each_weak_area() -> None:  # #15.15
    from assistant.officer import AreaResult, Assessment
    from assistant.officer.pack import build_assessment_pack

    def area(area_id: str, rating: int) -> AreaResult:
        step = Suggestion(kind="next_step", title=f"Work on {area_id}", why="", citations=(1,))
        cite = (Citation(1, GUIDE, GUIDE.text),)
        return AreaResult(area_id, f"TIEx: {area_id}", rating, (step,), (), (), cite)

    result = Assessment(
        ratings=(("place", 4), ("money", 1), ("people", 2)),
        weakest=(area("money", 1), area("people", 2)),
        labels=(("place", "TIEx: place"), ("money", "TIEx: money"), ("people", "TIEx: people")),
    )
    md = build_assessment_pack(result, "md").decode()
    assert "| TIEx: place | \u25a0\u25a0\u25a0\u25a0\u25a1 4 out of 5 |" in md
    assert "## TIEx: money: rated 1 out of 5" in md and "## TIEx: people: rated 2 out of 5" in md
    doc = open_docx(io.BytesIO(build_assessment_pack(result, "docx")))
    assert len(doc.inline_shapes) == 1  # the chart, as a picture
    assert doc.core_properties.created.year >= 2026
