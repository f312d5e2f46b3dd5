"""Retriever over an in-memory index: hybrid fusion, filters, dedupe, stale ids, expansion."""

from __future__ import annotations

import pytest

from assistant.index import Index
from assistant.retrieval import Retriever
from assistant.settings import RetrievalSettings
from assistant.types import Chunk, Filters
from tests.helpers import SAMPLE_DOCUMENTS, build_index, index_chunks, make_chunk, memory_index

PLAIN = RetrievalSettings(sentence_rescore=False, dedupe=False)


def _corpus() -> tuple[Index, list[Chunk]]:
    chunks = [
        make_chunk(
            "tracker",
            0,
            "The benefits realisation tracker measures cashable savings and staff time.",
            doc_type="case_study",
            publisher="Local Government Association",
            published="2024",
            councils=("Newcastle-under-Lyme Borough Council",),
            themes=("benefits",),
        ),
        make_chunk(
            "almanac",
            0,
            "The digitalisation almanac lists councils using automation to redesign services.",
            doc_type="guidance",
            publisher="Local Government Association",
            published="2025",
            themes=("digital",),
        ),
        make_chunk(
            "network",
            0,
            "Brighton and Hove City Council shared its leadership programme with the network.",
            doc_type="news",
            publisher="LGA First",
            published="2023-05-01",
            councils=("Brighton and Hove City Council",),
            themes=("leadership",),
        ),
        make_chunk(
            "ai-news",
            0,
            "Artificial intelligence pilots saved social workers hours in adult social care.",
            doc_type="news",
            publisher="LGA First",
            published="2025",
            themes=("digital",),
        ),
    ]
    return index_chunks(memory_index(), chunks), chunks


def test_hits_keep_both_retrievers_evidence() -> None:
    index, _ = _corpus()
    hits = Retriever(index, PLAIN).retrieve("benefits realisation tracker savings", k=3)
    top = hits[0]
    assert top.chunk.document_id == "tracker"
    assert top.dense_rank == 1 and top.keyword_rank == 1
    assert top.dense_score is not None and top.dense_score > 0
    assert top.keyword_score is not None and top.keyword_score > 0
    assert top.score == pytest.approx(2 / 61)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(hits) <= 3


def test_keyword_only_and_dense_only_settings() -> None:
    index, _ = _corpus()
    only_kw = RetrievalSettings(dense_weight=0, sentence_rescore=False)
    hits = Retriever(index, only_kw).retrieve("almanac", k=5)
    assert hits and all(h.dense_rank is None for h in hits)
    assert hits[0].chunk.document_id == "almanac"
    only_dense = RetrievalSettings(keyword_weight=0, sentence_rescore=False)
    hits = Retriever(index, only_dense).retrieve("almanac", k=5)
    assert hits and all(h.keyword_rank is None for h in hits)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(doc_types=("news",)), {"network", "ai-news"}),
        (Filters(publishers=("lga first",)), {"network", "ai-news"}),
        (Filters(years=("2025",)), {"almanac", "ai-news"}),
        (Filters(years=("2023",)), {"network"}),
        (Filters(themes=("digital",)), {"almanac", "ai-news"}),
        (Filters(councils=("Brighton and Hove City Council",)), {"network"}),
        (Filters(doc_types=("news",), themes=("digital",)), {"ai-news"}),
        (Filters(doc_types=("minutes",)), set()),
    ],
)
def test_metadata_filters(filters: Filters, expected: set[str]) -> None:
    index, _ = _corpus()
    query = "councils services programme savings intelligence leadership automation"
    hits = Retriever(index, PLAIN).retrieve(query, k=10, filters=filters)
    assert {h.chunk.document_id for h in hits} == expected


def test_filters_overfetch_reaches_past_the_unfiltered_top() -> None:
    # 30 strong matches of the wrong type, then one weaker match of the wanted type.
    chunks = [
        make_chunk(f"g{i}", 0, f"Transformation programme savings plan number {i}.")
        for i in range(30)
    ]
    chunks.append(
        make_chunk("m", 0, "Minutes noted the savings plan in passing.", doc_type="minutes")
    )
    index = index_chunks(memory_index(), chunks)
    narrow = RetrievalSettings(dense_k=5, keyword_k=5, filter_overfetch=10, sentence_rescore=False)
    hits = Retriever(index, narrow).retrieve(
        "transformation programme savings plan", k=3, filters=Filters(doc_types=("minutes",))
    )
    assert [h.chunk.document_id for h in hits] == ["m"]


def test_stale_vectors_are_not_returned() -> None:
    """A vector whose chunk the catalogue does not hold (mid re-ingest) is skipped."""
    index, chunks = _corpus()
    ghost = make_chunk("ghost", 0, "benefits realisation tracker savings ghost copy")
    index.vectors.upsert([ghost], index.embedder.embed([ghost.text]))
    hits = Retriever(index, PLAIN).retrieve("benefits realisation tracker savings", k=10)
    assert "ghost" not in {h.chunk.document_id for h in hits}
    assert hits[0].chunk.document_id == "tracker"


def test_near_duplicates_removed() -> None:
    base = (
        "The council set up a benefits realisation tracker to measure savings, service "
        "quality and resident satisfaction across every transformation project."
    )
    chunks = [
        make_chunk("d", 0, base, heading_path=("Tracker",)),
        make_chunk("d", 1, base + " Reviewed monthly.", heading_path=("Tracker",)),
        make_chunk("e", 0, "A different passage about savings in waste collection services."),
    ]
    index = index_chunks(memory_index(), chunks)
    query = "benefits realisation tracker savings"
    with_dupes = Retriever(index, PLAIN).retrieve(query, k=5)
    assert len(with_dupes) == 3
    deduped = Retriever(index, RetrievalSettings(sentence_rescore=False)).retrieve(query, k=5)
    assert len(deduped) == 2
    assert {h.chunk.document_id for h in deduped} == {"d", "e"}


def test_neighbour_expansion_attaches_same_section_neighbours_only() -> None:
    doc = (
        "Context about the programme and its aims. "
        "The tracker measures savings. "
        "Owners report monthly to the board. "
        "A new section starts here."
    )
    pieces = ["Context about", "The tracker", "Owners report", "A new section"]
    starts = [doc.index(p) for p in pieces]
    ends = [s - 1 for s in starts[1:]] + [len(doc)]
    paths = [("Tracker",)] * 3 + [("Other",)]
    spans = list(zip(starts, ends, paths, strict=True))
    chunks = [
        make_chunk(
            "d",
            i,
            doc[a:b],
            char_start=a,
            char_end=b,
            heading_path=hp,
            page_start=i + 1,
            page_end=i + 1,
        )
        for i, (a, b, hp) in enumerate(spans)
    ]
    index = index_chunks(memory_index(), chunks)
    settings = RetrievalSettings(
        sentence_rescore=False, neighbour_expansion=True, neighbour_min_chars=40
    )
    hits = Retriever(index, settings).retrieve("tracker measures savings", k=1)
    merged = hits[0].chunk
    assert merged.id == chunks[1].id
    assert merged.text.startswith("Context about") and "Owners report monthly" in merged.text
    assert (merged.page_start, merged.page_end) == (1, 3)
    # The last chunk of the section has no next neighbour in its own section.
    hits = Retriever(index, settings).retrieve("owners report monthly board", k=1)
    assert hits[0].chunk.id == chunks[2].id
    assert "new section" not in hits[0].chunk.text
    # Long hits are left alone.
    long = RetrievalSettings(
        sentence_rescore=False, neighbour_expansion=True, neighbour_min_chars=5
    )
    assert Retriever(index, long).retrieve("tracker measures savings", k=1)[0].chunk == chunks[1]


def test_sentence_rescore_prefers_the_passage_with_the_matching_sentence() -> None:
    index = build_index(SAMPLE_DOCUMENTS)
    settings = RetrievalSettings(sentence_rescore=True, sentence_weight=0.5)
    hits = Retriever(index, settings).retrieve("What does the benefits tracker measure?", k=3)
    assert hits[0].chunk.document_id == "benefits-tracker-case-study"
    assert all(0 < h.score <= 1.0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_pipeline_built_index_answers_each_sample_topic() -> None:
    index = build_index(SAMPLE_DOCUMENTS)
    retriever = Retriever(index, RetrievalSettings())
    for query, doc in [
        ("What is the digitalisation almanac for?", "digital-almanac"),
        ("What did Brighton and Hove share with the Transformation Network?", "transformation"),
        ("benefits realisation tracker", "benefits-tracker"),
    ]:
        hits = retriever.retrieve(query, k=2)
        assert hits[0].chunk.document_id.startswith(doc), query


def test_retriever_embeds_through_the_given_cache() -> None:
    from assistant.retrieval import CachedEmbedder

    index = build_index(SAMPLE_DOCUMENTS)
    cache = CachedEmbedder(index.embedder)
    settings = RetrievalSettings(sentence_rescore=True)
    Retriever(index, settings, embedder=cache).retrieve("benefits tracker", k=2)
    assert cache.size > 1  # the query and the candidates' sentences


def test_the_catalogue_discount_puts_the_lgas_own_document_first_on_a_near_tie() -> None:
    text = "The benefits realisation tracker measures cashable savings and staff time."
    chunks = [
        make_chunk("catalogue", 0, text, publisher="lga-assistant catalogue"),
        make_chunk("primary", 0, text, publisher="Local Government Association"),
    ]
    index = index_chunks(memory_index(), chunks)
    query = "benefits realisation tracker savings"
    even = RetrievalSettings(sentence_rescore=False, dedupe=False, catalogue_discount=0.0)
    before = {h.chunk.document_id: h.score for h in Retriever(index, even).retrieve(query, k=2)}
    assert before["catalogue"] == pytest.approx(before["primary"], rel=0.03)  # a near tie
    discounted = RetrievalSettings(sentence_rescore=False, dedupe=False, catalogue_discount=0.05)
    hits = Retriever(index, discounted).retrieve(query, k=2)
    assert [h.chunk.document_id for h in hits] == ["primary", "catalogue"]
    assert hits[1].score == pytest.approx(0.95 * before["catalogue"])


def test_the_keyword_search_finds_the_documents_own_word_for_the_askers() -> None:
    from assistant.retrieval.synonyms import expand_query

    chunks = [
        make_chunk("roles", 0, "Portfolio holders approve business cases and set risk tolerances."),
        make_chunk("other", 0, "Members met in May to discuss the budget and the council's plans."),
    ]
    index = index_chunks(memory_index(), chunks)
    only_kw = RetrievalSettings(dense_weight=0, sentence_rescore=False, dedupe=False)
    hits = Retriever(index, only_kw).retrieve("What should cabinet members do?", k=2)
    assert hits[0].chunk.document_id == "roles"  # without the expansion only "other" matches
    assert expand_query("What should Cabinet Members do?").endswith(
        "portfolio holders leadership role leadership"
    )
    assert expand_query("What is the Transformation Network?") == (
        "What is the Transformation Network?"
    )
    # Plain words for the documents' terms: what to do first is prioritisation, how a
    # council compares with others is benchmarking, an outside once-over a peer challenge.
    first = [
        make_chunk("matrix", 0, "St Mary's uses a prioritisation matrix to prioritise its change."),
        make_chunk("deciding", 0, "Deciding first takes time; what comes next is uncertain."),
    ]
    hits = Retriever(index_chunks(memory_index(), first), only_kw).retrieve(
        "any tips on deciding what to change first?", k=2
    )
    assert hits[0].chunk.document_id == "matrix"
    assert "benchmarking" in expand_query("How does our council compare with others?")
    assert "peer challenge" in expand_query("Can someone give us a once-over?")
    assert "peer challenge" in expand_query("Could we get an outside look at how we're run?")
    # what a body thought of something is how minutes say it was received
    assert "welcomed" in expand_query("Did the board like the programme?")
    # A phrase matches whole words only: "cabinetry" is not "cabinet".
    assert expand_query("Who makes cabinetry?") == "Who makes cabinetry?"
    # "*" in a phrase stands for up to three words: "save * money".
    assert expand_query("Can going digital save my council money?").endswith("cost savings")
    assert expand_query("How do we save money?").endswith("cost savings")
    assert expand_query("Save time, then one day spend less money") == (
        "Save time, then one day spend less money"
    )
    # An acronym ending in S brings its plural, which the keyword index does not stem onto
    # it; other acronyms' plurals are stemmed onto them already, and words are not acronyms.
    assert expand_query("Who ran the ALS sessions?") == "Who ran the ALS sessions? ALSs"
    assert expand_query("Ask Cllr Jones about the TIEx") == "Ask Cllr Jones about the TIEx"
    assert expand_query("What are LATCos? Yes") == "What are LATCos? Yes"


def test_a_catalogue_entrys_sources_list_stands_in_for_the_entry() -> None:
    catalogue = "lga-assistant catalogue"
    entry = [
        make_chunk(
            "cornwall",
            0,
            "Cornwall Council ran a large programme of online services for residents.",
            publisher=catalogue,
            heading_path=("Cornwall Council",),
        ),
        make_chunk(
            "cornwall",
            1,
            "https://example.org/case-studies/cornwall-creating-digital-cornwall",
            publisher=catalogue,
            heading_path=("Cornwall Council", "Sources"),
        ),
    ]
    primary = make_chunk("report", 0, "Sources of digital funding are listed in the annex.")
    index = index_chunks(memory_index(), [*entry, primary])
    only_kw = RetrievalSettings(dense_weight=0, sentence_rescore=False, dedupe=False)
    hits = Retriever(index, only_kw).retrieve("creating digital cornwall", k=3)
    ids = [h.chunk.id for h in hits]
    assert entry[0].id in ids and entry[1].id not in ids  # the summary, not its URLs
    # Both found: the summary once. A primary document's own "Sources" text is left alone.
    hits = Retriever(index, only_kw).retrieve("cornwall services digital sources", k=3)
    ids = [h.chunk.id for h in hits]
    assert ids.count(entry[0].id) == 1 and entry[1].id not in ids and primary.id in ids
