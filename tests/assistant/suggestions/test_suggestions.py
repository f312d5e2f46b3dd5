"""Suggestions: ranking of peers, resources and next steps on a small invented index (fake
embedder), the never-invent rule, refusals and citation numbering.

The invented corpus (catalogue Markdown files + documents) is built by helpers here that the
officer and CLI tests reuse.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from assistant.index import Index
from assistant.knowledge import find_councils, load_catalogue
from assistant.settings import Settings
from assistant.suggestions import CatalogueSuggester, build_suggester, build_suggester_from
from assistant.types import Citation, Document, Hit
from tests.helpers import make_document

CATALOGUE_FILES: dict[str, str] = {
    "frameworks/seven-cs.md": """---
title: "Seven conditions for success"
doc_type: framework
publisher: "Test catalogue"
url: https://example.org/7cs
framework: 7cs
name: 7Cs conditions for success
label: 7Cs
themes: [7cs_capacity, 7cs_collaboration]
elements:
  - id: clarity
    name: Clarity
    summary: A clear vision of the end state and the reasons for the change.
    action: Write down the end state and the reasons for it, and repeat them to staff.
  - id: capacity
    name: Capacity
    summary: Enough staff time and budget both to deliver the change and to absorb it.
    action: Check there is enough staff time to deliver the change before fixing a timetable.
  - id: collaboration
    name: Collaboration
    summary: Residents and staff affected by the change are involved early through co-design.
    action: Involve residents and staff in co-design from the start.
---

# Seven conditions for success

The seven conditions are a checklist to use before and during a change.

- **Clarity**: a clear vision of the end state and the reasons for the change.
- **Capacity**: enough staff time and budget both to deliver the change and to absorb it.
- **Collaboration**: residents and staff affected are involved early through co-design.
""",
    "frameworks/tiex.md": """---
title: "Transformation and Innovation Exchange (TIEx)"
doc_type: framework
publisher: "Test catalogue"
url: https://example.org/tiex
framework: tiex
name: Transformation and Innovation Exchange (TIEx)
label: TIEx
resource_type: tool
themes: [tiex_capacity_to_deliver, tiex_leadership_of_place]
elements:
  - id: place_priorities
    name: understanding of local place and priority setting
    summary: How well the council understands its place and sets priorities from it.
    action: Agree priorities from evidence about the local place.
  - id: leadership_of_place
    name: leadership of place
    summary: How the council leads its area with partners and communities.
    action: Map the partners the change depends on and agree how to lead with them.
  - id: financial_planning
    name: financial planning and viability
    summary: How the council plans its finances and keeps them viable.
    action: Link the transformation plan to the medium-term financial plan.
  - id: org_leadership_governance
    name: organisational leadership and governance
    summary: How political and managerial leadership and governance support change.
    action: Review who decides and how progress is reported to members.
  - id: capacity_to_deliver
    name: capacity to deliver
    summary: Whether the council has the people, skills and resources to deliver its plans.
    action: Assess whether the council has the people and skills to deliver its plans.
---

# Transformation and Innovation Exchange (TIEx)

The TIEx self-assessment covers five focus areas.

- understanding of local place and priority setting: how well the council understands its place.
- leadership of place: how the council leads its area with partners and communities.
- financial planning and viability: how the council plans its finances.
- organisational leadership and governance: how leadership and governance support change.
- capacity to deliver: whether the council has the people, skills and resources to deliver.
""",
    "frameworks/councillor-roles.md": """---
title: "Councillor roles"
doc_type: framework
publisher: "Test catalogue"
url: https://example.org/councillor-roles
framework: councillor_roles
name: Councillor roles in transformation
label: Councillor role
resource_type: guidance
audience: [councillors]
elements:
  - id: scrutiny
    name: scrutiny
    summary: Scrutiny councillors challenge plans, reports and delivery constructively.
    action: Put the programme on the scrutiny work plan and challenge its plans and reports.
---

# Councillor roles in transformation

Councillors can play a scrutiny role: scrutiny councillors challenge plans, reports and delivery
constructively.
""",
    "resources/leadership-academy.md": """---
title: "Leadership Academy"
doc_type: resource
publisher: "Test catalogue"
url: https://example.org/leadership-academy
name: Leadership Academy
resource_type: programme
themes: [leadership_development]
---

# Leadership Academy

The Leadership Academy is a programme of leadership development and coaching for senior
councillors and managers who lead change.
""",
    "resources/consultation-toolkit.md": """---
title: "Resident consultation toolkit"
doc_type: resource
publisher: "Test catalogue"
url: https://example.org/consultation-toolkit
name: Resident consultation toolkit
resource_type: tool
themes: [co_design]
---

# Resident consultation toolkit

The Resident consultation toolkit helps councils run co-design and consultation with
residents, from planning questions to reporting back.
""",
    "resources/ai-hub.md": """---
title: "LGA AI hub"
doc_type: resource
publisher: "Test catalogue"
url: https://example.org/ai-hub
name: LGA AI hub
resource_type: guidance
themes: [ai]
---

# LGA AI hub

The LGA AI hub collects guidance and use cases so councils can get value from artificial
intelligence (AI) responsibly.
""",
    "resources/peer-review.md": """---
title: "Sector peer review"
doc_type: resource
publisher: "Test catalogue"
url: https://example.org/peer-review
name: Sector peer review
resource_type: programme
themes: [governance]
---

# Sector peer review

A peer challenge: a peer team of councillors and officers from other councils spends days
with a council and reports what it found.
""",
    "case-studies/derby.md": """---
title: "Derby City Council: AI chatbots"
doc_type: case_study
publisher: "Test catalogue"
url: https://example.org/derby
council: Derby City Council
council_type: unitary
region: East Midlands
themes: [ai]
---

# Derby City Council: AI chatbots

Derby City Council introduced two AI chatbots that now handle a large share of routine phone
contacts from residents.
""",
}

DOCUMENTS: tuple[Document, ...] = (
    make_document(
        "network-news",
        {
            "Network meeting": [
                "Brighton and Hove City Council spoke about leadership development and coaching "
                "for managers who lead change.",
                "Bristol City Council gave an update on budget monitoring dashboards for its "
                "finance team.",
            ],
        },
        title="Transformation Network news",
        doc_type="news",
        url="https://example.org/network",
    ),
    make_document(
        "learning-document",
        {
            "Co-design with residents": [
                "Newham's co-design standards show how residents shape services with the "
                "council from the start.",
                "Reigate and Banstead Borough Council shared a consultation toolkit for "
                "involving residents in co-design.",
            ],
            "Digital and AI": [
                "Councils get value from artificial intelligence (AI) when they start from a "
                "clear problem; the LGA's AI hub holds use cases.",
                "Derby City Council used AI chatbots to answer routine calls from residents.",
            ],
        },
        title="Action learning document",
        doc_type="learning_document",
        published="2025",
    ),
    make_document(
        "content-note",
        {
            "Content": [
                "The content of a business case should cover costs, benefits and risks for "
                "members before approval.",
            ]
        },
        title="Business case note",
    ),
)


def write_catalogue(corpus_dir: Path) -> Path:
    """Write the invented catalogue files under ``corpus_dir``."""
    for rel, text in CATALOGUE_FILES.items():
        path = corpus_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return corpus_dir


def fake_settings(tmp_path: Path, **kw: object) -> Settings:
    corpus = write_catalogue(tmp_path / "corpus")
    return Settings(corpus_dir=corpus, vector_store="memory", embedder={"provider": "fake"}, **kw)  # type: ignore[arg-type]


def officer_index(settings: Settings) -> Index:
    """An in-memory index (fake embedder) holding the catalogue files and ``DOCUMENTS``."""
    from ingest.pipeline import Pipeline

    index = Index.in_memory(settings=settings)
    pipeline = Pipeline(index, settings)
    report = pipeline.ingest_paths([settings.corpus_dir], progress=False)
    assert not report.failed, report.failed
    report = pipeline.index_documents(DOCUMENTS)
    assert not report.failed, report.failed
    return index


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Index, CatalogueSuggester]:
    settings = fake_settings(tmp_path_factory.mktemp("sugg"))
    index = officer_index(settings)
    suggester = build_suggester(settings, index)
    assert isinstance(suggester, CatalogueSuggester)
    return settings, index, suggester


def hits_for(index: Index, question: str, k: int = 5) -> list[Hit]:
    from assistant.retrieval import Retriever

    return Retriever(index, index.settings.retrieval).retrieve(question, k=k)


def suggest(
    suggester: CatalogueSuggester,
    index: Index,
    question: str,
    *,
    citations: tuple[Citation, ...] = (),
    hits: list[Hit] | None = None,
    refused: bool = False,
    audience: str = "officer",
):  # noqa: ANN201
    return suggester.suggest(
        question=question,
        audience=audience,  # type: ignore[arg-type]
        citations=citations,
        hits=hits_for(index, question) if hits is None else hits,
        refused=refused,
    )


def _cites_catalogue_entry(index: Index, title: str) -> tuple[Citation, ...]:
    """An answer's citation [1] of the first chunk of the catalogue entry titled ``title``."""
    chunk = next(
        chunk
        for record in index.catalog.documents()
        if record.title.startswith(title)
        for chunk in index.catalog.document_chunks(record.id)
    )
    return (Citation(n=1, chunk=chunk, quote=chunk.text[:80]),)


def _cited(result: object, answer_citations: tuple[Citation, ...], n: int) -> Citation:
    every = {c.n: c for c in (*answer_citations, *result.citations)}  # type: ignore[attr-defined]
    return every[n]


# ------------------------------------------------------------------ peers


def test_leadership_question_suggests_the_council_that_did_leadership_development(corpus) -> None:
    _, index, suggester = corpus
    result = suggest(suggester, index, "How can we run leadership development for managers?")
    names = [p.title for p in result.peers]
    assert names[0] == "Brighton and Hove City Council"
    peer = result.peers[0]
    assert peer.council_type and peer.region  # from the gazetteer
    assert "leadership development" in peer.why
    quote = _cited(result, (), peer.citations[0]).quote
    assert "Brighton and Hove City Council" in quote


def test_codesign_question_suggests_newham_and_reigate(corpus) -> None:
    _, index, suggester = corpus
    result = suggest(suggester, index, "How do we do co-design with residents?")
    names = {p.title for p in result.peers}
    assert {"London Borough of Newham", "Reigate and Banstead Borough Council"} <= names
    assert "Resident consultation toolkit" in [r.title for r in result.resources][:2]


def test_every_peer_is_named_in_its_cited_quote(corpus) -> None:
    _, index, suggester = corpus
    for question in (
        "How can we run leadership development for managers?",
        "How do we do co-design with residents?",
        "How can we get value from AI?",
        "What budget dashboards help finance teams?",
    ):
        result = suggest(suggester, index, question)
        assert len(result.peers) <= 3
        for peer in result.peers:
            quote = _cited(result, (), peer.citations[0]).quote
            assert peer.title in {m.council.name for m in find_councils(quote)}, (question, peer)


def test_a_council_no_passage_mentions_is_never_suggested(corpus) -> None:
    _, index, suggester = corpus
    assert find_councils("Kent County Council")  # in the gazetteer...
    result = suggest(
        suggester, index, "How did Kent County Council run leadership development for managers?"
    )
    assert "Kent County Council" not in [p.title for p in result.peers]  # ...but in no passage
    assert result.peers  # the evidenced council is still suggested


def test_a_place_named_as_a_venue_is_not_evidence_of_a_councils_work(corpus) -> None:
    _, _, suggester = corpus
    from ingest.chunking import approx_token_count, chunk_document

    venue = make_document(
        "venue-note",
        {
            "Launch": [
                "The LGA launched the exchange at its annual conference in Birmingham. Sheffield "
                "City Council simplified its target operating model into four focus areas."
            ]
        },
    )
    chunk = chunk_document(venue, count_tokens=approx_token_count)[0]
    named = {council.name for council, _ in suggester.mentions(chunk)}
    assert "Sheffield City Council" in named
    assert "Birmingham City Council" not in named  # a venue, not a peer


def test_peers_only_from_passages_even_with_no_hits(corpus) -> None:
    _, index, suggester = corpus
    result = suggest(suggester, index, "Which council ran leadership development?", hits=[])
    # The suggester searches the index itself; every peer is still evidenced by a passage.
    assert [p.title for p in result.peers][:1] == ["Brighton and Hove City Council"]


# ------------------------------------------------------------------ resources


def test_ai_question_suggests_the_ai_hub_with_its_catalogue_passage_and_url(corpus) -> None:
    _, index, suggester = corpus
    result = suggest(suggester, index, "How can we get value from AI?")
    first = result.resources[0]
    assert first.title == "LGA AI hub"
    assert first.url == "https://example.org/ai-hub"
    cited = _cited(result, (), first.citations[0])
    assert "AI hub" in cited.quote


def test_resource_citation_reuses_an_answer_citation_that_names_it(corpus) -> None:
    _, index, suggester = corpus
    question = "How can we get value from AI?"
    hits = hits_for(index, question)
    naming = next(h for h in hits if "AI hub" in h.chunk.text and h.chunk.doc_type != "resource")
    answer_citations = (Citation(1, naming.chunk, "Councils get value from AI."),)
    result = suggest(suggester, index, question, citations=answer_citations, hits=hits)
    hub = next(r for r in result.resources if r.title == "LGA AI hub")
    assert hub.citations == (1,)


def test_leadership_resource_ranks_first_for_leadership(corpus) -> None:
    _, index, suggester = corpus
    result = suggest(suggester, index, "How can we run leadership development for managers?")
    assert result.resources[0].title == "Leadership Academy"
    assert len(result.resources) <= 3


def test_a_resource_whose_own_entry_the_answer_cites_comes_first(corpus) -> None:
    _, index, suggester = corpus
    question = "How can we run leadership development for managers?"
    assert suggest(suggester, index, question).resources[0].title == "Leadership Academy"
    cited = _cites_catalogue_entry(index, "Resident consultation toolkit")
    result = suggest(suggester, index, question, citations=cited)
    # the answer quotes the toolkit's own entry: the toolkit is the first resource, cited [1]
    assert result.resources[0].title == "Resident consultation toolkit"
    assert result.resources[0].citations == (1,)
    assert "Leadership Academy" in [r.title for r in result.resources]


def test_a_resource_the_answers_lead_document_is_about_comes_first(corpus) -> None:
    from tests.helpers import make_chunk

    _, index, suggester = corpus
    question = "How can we run leadership development for managers?"
    text = "Councils shaped the Resident consultation toolkit with residents."
    article = make_chunk(
        "article", 0, text, title="Listening better (Resident consultation toolkit)"
    )
    cited = (Citation(n=1, chunk=article, quote=text),)
    result = suggest(suggester, index, question, citations=cited)
    assert result.resources[0].title == "Resident consultation toolkit"


def test_a_name_with_its_acronym_matches_either_half() -> None:
    from assistant.suggestions.evidence import compile_names

    pattern = compile_names(["Low Income Family Tracker (LIFT)"])
    assert pattern is not None
    for text in (
        "the Low Income Family Tracker helps",
        "LIFT helps",
        "Low Income Family Tracker (LIFT)",
    ):
        assert pattern.search(text), text
    assert not pattern.search("it will lift the cap")  # the acronym in its own case only


# ------------------------------------------------------------------ next steps


@pytest.mark.parametrize("audience", ["councillor", "officer"])
def test_next_steps_name_their_framework_element_and_cite_the_framework(
    corpus, audience: str
) -> None:
    _, index, suggester = corpus
    result = suggest(
        suggester,
        index,
        "Do we have enough staff capacity to deliver the change?",
        audience=audience,
    )
    assert 2 <= len(result.next_steps) <= 4
    labels = [s.framework for s in result.next_steps]
    assert labels[0] in {"7Cs: Capacity", "TIEx: capacity to deliver"}
    for step in result.next_steps:
        assert step.framework and ": " in step.framework
        cited = _cited(result, (), step.citations[0])
        assert cited.chunk.doc_type == "framework"
        assert step.title.endswith(".")
    counts: dict[str, int] = {}
    for label in labels:
        counts[label.split(":")[0]] = counts.get(label.split(":")[0], 0) + 1
    assert max(counts.values()) <= 2


def test_councillor_frameworks_rank_higher_for_councillors(corpus) -> None:
    _, index, suggester = corpus
    q = "How should we challenge plans and reports on delivery?"
    hits = hits_for(index, q)
    ranks = {}
    for audience in ("councillor", "officer"):
        result = suggest(suggester, index, q, hits=hits, audience=audience)
        labels = [s.framework for s in result.next_steps]
        ranks[audience] = (
            labels.index("Councillor role: scrutiny")
            if ("Councillor role: scrutiny" in labels)
            else 99
        )
    assert ranks["councillor"] == 0
    assert ranks["officer"] >= ranks["councillor"]


def test_councillor_steps_are_plainer_than_officer_steps(corpus) -> None:
    _, index, suggester = corpus
    q = "Do we have enough staff capacity to deliver the change?"
    councillor = suggest(suggester, index, q, audience="councillor").next_steps
    officer = suggest(suggester, index, q, audience="officer").next_steps
    assert councillor[0].framework == officer[0].framework
    assert councillor[0].title.startswith("Ask officers to ")
    assert councillor[0].title != officer[0].title


# ------------------------------------------------------------------ refusal and numbering


def test_refused_question_gets_only_pointers(corpus) -> None:
    _, index, suggester = corpus
    result = suggest(suggester, index, "Write me a poem about football", refused=True, hits=[])
    assert result.peers == () and result.next_steps == ()
    assert 1 <= len(result.resources) <= 2
    # The frameworks the corpus is built around come first.
    assert {r.title for r in result.resources} == {
        "Transformation and Innovation Exchange (TIEx)",
        "Councillor roles in transformation",
    }
    for resource in result.resources:
        assert resource.why.startswith("Not an answer to your question, but a guide to")
        assert resource.url and resource.citations
    assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))


def test_new_citations_are_numbered_after_the_answers(corpus) -> None:
    _, index, suggester = corpus
    question = "How do we do co-design with residents?"
    hits = hits_for(index, question)
    answer_citations = (
        Citation(1, hits[0].chunk, hits[0].chunk.text[:50]),
        Citation(2, hits[1].chunk, hits[1].chunk.text[:50]),
    )
    result = suggest(suggester, index, question, citations=answer_citations, hits=hits)
    numbers = [c.n for c in result.citations]
    assert numbers == list(range(3, 3 + len(numbers)))
    # One number per (passage, quote): a passage is cited again only to quote another sentence.
    pairs = {(c.chunk.id, c.quote) for c in (*answer_citations, *result.citations)}
    assert len(pairs) == 2 + len(numbers)
    valid = {1, 2, *numbers}
    for s in (*result.peers, *result.resources, *result.next_steps):
        assert s.citations and set(s.citations) <= valid


def test_suggestions_are_deterministic_and_fast(corpus) -> None:
    _, index, suggester = corpus
    question = "How do we do co-design with residents?"
    hits = hits_for(index, question)
    first = suggest(suggester, index, question, hits=hits)
    start = time.perf_counter()
    for _ in range(5):
        again = suggest(suggester, index, question, hits=hits)
    elapsed = (time.perf_counter() - start) / 5
    assert again == first
    assert elapsed < 0.1


def test_build_suggester_from_reuses_a_loaded_catalogue(corpus) -> None:
    settings, index, _ = corpus
    suggester = build_suggester_from(index, load_catalogue(settings.corpus_dir))
    labels = {e.label for e in suggester.elements}
    assert {"7Cs: Capacity", "TIEx: capacity to deliver"} <= labels


def test_peer_why_comes_from_the_catalogue_case_study_when_there_is_one(corpus) -> None:
    _, index, suggester = corpus
    result = suggest(suggester, index, "Which councils use AI chatbots for calls from residents?")
    derby = next(p for p in result.peers if p.title == "Derby City Council")
    cited = _cited(result, (), derby.citations[0])
    assert cited.chunk.doc_type == "case_study"
    assert derby.why.startswith("Derby City Council introduced two AI chatbots")


def test_a_catalogue_resource_with_no_indexed_passage_is_not_suggested(
    corpus, tmp_path: Path
) -> None:
    settings, index, _ = corpus
    extra = write_catalogue(tmp_path / "corpus")
    (extra / "resources" / "chatbot-guide.md").write_text(
        "---\ntitle: Chatbot guide\ndoc_type: resource\npublisher: Test\n"
        "url: https://example.org/chatbots\nname: Chatbot guide\nresource_type: guidance\n"
        "themes: [ai]\n---\n\n# Chatbot guide\n\nThe Chatbot guide explains how to get value "
        "from AI chatbots.\n",
        encoding="utf-8",
    )
    suggester = build_suggester_from(index, load_catalogue(extra))
    assert "Chatbot guide" in [r.name for r in suggester.resources]
    result = suggest(suggester, index, "How can we get value from AI chatbots?")
    names = [r.title for r in result.resources]
    assert "Chatbot guide" not in names  # never ingested: nothing to cite
    assert names[0] == "LGA AI hub"  # the next best is still offered


def test_use_embedder_shares_a_cache_of_the_same_model(corpus) -> None:
    from assistant.adapters.fakes import HashEmbedder

    class Counting(HashEmbedder):
        texts = 0

        def embed(self, texts):  # noqa: ANN001, ANN202
            Counting.texts += len(texts)
            return super().embed(texts)

    settings, index, _ = corpus
    suggester = build_suggester_from(index, load_catalogue(settings.corpus_dir))
    suggester.use_embedder(Counting())
    suggest(suggester, index, "How do we do co-design with residents?")
    assert Counting.texts > 0  # the shared embedder is the one used
    with pytest.raises(ValueError, match="differs"):
        suggester.use_embedder(HashEmbedder(dimension=64))


def test_a_suggester_built_before_ingest_finds_the_catalogue_afterwards(tmp_path: Path) -> None:
    from ingest.pipeline import Pipeline

    settings = fake_settings(tmp_path)
    index = Index.in_memory(settings=settings)
    suggester = build_suggester(settings, index)  # empty index, e.g. the app started first
    assert suggester is not None
    empty = suggest(suggester, index, "How can we get value from AI?", hits=[])
    assert empty.resources == () and empty.next_steps == () and empty.peers == ()
    pipeline = Pipeline(index, settings)
    pipeline.ingest_paths([settings.corpus_dir], progress=False)
    pipeline.index_documents(DOCUMENTS)
    later = suggest(suggester, index, "How can we get value from AI?")
    assert later.resources[0].title == "LGA AI hub"
    assert len(later.next_steps) >= 2


@pytest.mark.parametrize("audience", ["councillor", "officer"])
def test_every_element_of_the_project_catalogue_renders_a_step(audience: str) -> None:
    from assistant.knowledge.catalogue import default_catalogue

    suggester = build_suggester_from(Index.in_memory(), default_catalogue())
    assert len(suggester.elements) >= 20
    for element in suggester.elements:
        text = suggester.step_text(element, audience)  # type: ignore[arg-type]
        assert "{" not in text and "}" not in text, text
        assert text.endswith(".") and len(text.split()) >= 6, text
        assert ".." not in text and " ;" not in text, text


def test_no_catalogue_folder_means_no_suggester(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=tmp_path / "missing", vector_store="memory")
    assert build_suggester(settings, Index.in_memory(settings=settings)) is None


def test_peer_blurb_has_no_back_pointing_opening() -> None:  # #15.9
    from assistant.suggestions.evidence import sentence_naming

    text = "The same document pointed to case studies of councils' use of AI, including Derby."
    start = text.index("Derby")
    evidence = sentence_naming(text, start, start + 5, "Derby")
    assert evidence.text == "Case studies of councils' use of AI, including Derby."
    assert evidence.quote == text  # the quote stays verbatim


def test_one_citation_number_per_passage_across_suggestions() -> None:  # #15.8
    from assistant.suggestions.evidence import CitationNumbering
    from assistant.types import Chunk, Citation

    def chunk(position: int, text: str) -> Chunk:
        return Chunk(
            id=Chunk.make_id("seven-cs", position, text),
            document_id="seven-cs",
            position=position,
            text=text,
            heading_path=("7Cs", "The seven conditions"),
        )

    first = chunk(0, "Capacity means having the people to do the work. Culture is shared values.")
    second = chunk(1, "Control means governance that keeps the programme on track.")
    answered = chunk(5, "Clarity is a shared view of the goal.")
    numbering = CitationNumbering.after([Citation(n=1, chunk=answered, quote="Clarity is...")])
    capacity = numbering.cite(first, "Capacity means having the people.", needle="Capacity")
    culture = numbering.cite(first, "Culture is shared values.", needle="Culture")
    control = numbering.cite(second, "Control means governance.", needle="Control")
    assert capacity == culture == control == 2  # one passage, one number
    quote = numbering.final(2).quote  # widened to show every need
    assert "Capacity" in quote and "Culture" in quote and "Control" in quote
    assert numbering.cite(answered, "Clarity", needle="Clarity") == 1  # the answer's number
    assert [c.n for c in numbering.new] == [2]


def test_the_catalogues_vectors_are_kept_for_the_next_start(tmp_path: Path) -> None:  # #13
    from assistant.adapters.fakes import HashEmbedder
    from assistant.suggestions.suggester import CATALOGUE_VECTORS

    class Counting(HashEmbedder):
        texts = 0

        def embed(self, texts):  # type: ignore[no-untyped-def]
            Counting.texts += len(texts)
            return super().embed(texts)

    settings = fake_settings(tmp_path)
    index = officer_index(settings)
    index.embedder = Counting()
    path = tmp_path / "data" / CATALOGUE_VECTORS
    first = build_suggester_from(index, load_catalogue(settings.corpus_dir), vector_file=path)
    assert Counting.texts > 0 and path.is_file()
    Counting.texts = 0
    # The next start: nothing embedded.
    second = build_suggester_from(index, load_catalogue(settings.corpus_dir), vector_file=path)
    assert Counting.texts == 0
    question = "How do we do co-design with residents?"
    assert suggest(second, index, question) == suggest(first, index, question)


def test_a_first_time_suggestion_embeds_only_the_question(corpus) -> None:  # #13
    """Ingest stores the peers' evidence sentences' vectors with each chunk."""
    from assistant.adapters.fakes import HashEmbedder

    class Recording(HashEmbedder):
        texts: list[str] = []

        def embed(self, texts):  # type: ignore[no-untyped-def]
            Recording.texts += list(texts)
            return super().embed(texts)

    settings, index, _ = corpus
    suggester = build_suggester_from(index, load_catalogue(settings.corpus_dir))
    suggester.use_embedder(Recording())
    question = "Which councils redesigned services with residents through co-design?"
    result = suggest(suggester, index, question)
    assert result.peers  # peers were scored (their sentences needed vectors)
    assert Recording.texts == [question]


def test_a_council_whose_case_study_the_answer_cites_is_the_first_peer(corpus) -> None:
    _, index, suggester = corpus
    question = "How can we run leadership development for managers?"
    assert suggest(suggester, index, question).peers[0].title == "Brighton and Hove City Council"
    cited = _cites_catalogue_entry(index, "Derby City Council")
    assert cited[0].chunk.doc_type == "case_study"
    assert "Derby City Council" in cited[0].chunk.councils
    result = suggest(suggester, index, question, citations=cited)
    # "The Derby City Council case study says..." in the answer: Derby is the first peer
    assert result.peers[0].title == "Derby City Council"
    assert result.peers[0].citations == (1,)
    assert "Brighton and Hove City Council" in [p.title for p in result.peers]


def test_a_listed_council_is_ranked_by_what_the_list_says_it_did() -> None:
    from assistant.suggestions.evidence import Evidence
    from assistant.suggestions.peers import own_part, within_lists

    sentence = (
        "Meetings heard from Marlow Council (its operating model), Hove Council (leadership "
        "development) and Kent County Council and the London Borough of Barnet (systems thinking)."
    )

    def part(needle: str) -> str | None:
        return own_part(Evidence(quote=sentence, text=sentence, needle=needle))

    assert part("Marlow Council") == "Marlow Council (its operating model)"
    assert part("Hove Council") == "Hove Council (leadership development)"
    assert part("Kent County Council") == "Kent County Council (systems thinking)"  # shared
    plain = "Marlow Council grew its in-house team."
    assert own_part(Evidence(quote=plain, text=plain, needle="Marlow Council")) is None
    # Each listed council's window of the sentence scored it by accident of where it stands:
    # the list keeps its mean, and the council whose own part matches best comes first.
    sims = np.array([0.70, 0.60, 0.50, 0.65], dtype=np.float32)  # the last is not listed
    ranked = within_lists(sims, [[0, 1, 2]], {0: 0.2, 1: 0.3, 2: 0.7})
    assert ranked[2] > ranked[1] > ranked[0]
    assert abs(float(ranked[:3].mean()) - 0.6) < 1e-6
    assert ranked[3] == np.float32(0.65)


def test_the_asker_s_plain_words_find_the_resource_named_in_the_documents_words(corpus) -> None:
    _, index, suggester = corpus
    # "an outside look" is a peer challenge (synonyms.yaml): the resource's own words, even
    # when no passage retrieved names it
    question = "What would an outside look at how we are run involve?"
    result = suggest(suggester, index, question, hits=[])
    assert result.resources and result.resources[0].title == "Sector peer review"
