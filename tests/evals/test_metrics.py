"""Eval metrics: pure functions checked against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evals import metrics as m

HITS = [
    ("corpus/a.md", "/x/corpus/a.md"),
    ("corpus/b.md", "/x/corpus/b.md"),
    ("corpus/a.md", "/x/corpus/a.md"),
    ("corpus/transformation-network.html", "/s/transformation-network.html"),
    ("corpus/c.md", "/x/corpus/c.md"),
]


def test_hit_at_k_matches_on_document_id_or_source():
    assert m.hit_at_k(HITS, ["b.md"], 1) == 0.0
    assert m.hit_at_k(HITS, ["b.md"], 2) == 1.0
    assert m.hit_at_k(HITS, ["TRANSFORMATION-NETWORK"], 4) == 1.0  # case-insensitive
    assert m.hit_at_k(HITS, ["/s/"], 4) == 1.0  # source path only
    assert m.hit_at_k(HITS, ["missing"], 5) == 0.0


def test_recall_at_k_counts_each_expected_source_once():
    assert m.recall_at_k(HITS, ["a.md", "c.md"], 3) == 0.5
    assert m.recall_at_k(HITS, ["a.md", "c.md"], 5) == 1.0
    assert m.recall_at_k(HITS, [], 5) == 0.0


def test_mrr_is_one_over_first_relevant_rank():
    assert m.reciprocal_rank(HITS, ["transformation-network"]) == pytest.approx(0.25)
    assert m.reciprocal_rank(HITS, ["c.md"], k=4) == 0.0


def test_ndcg_credits_a_document_once_and_normalises_by_ideal():
    # Relevant: a.md (ranks 1 and 3, credited once at 1) and c.md (rank 5).
    dcg = 1 / math.log2(2) + 1 / math.log2(6)
    idcg = 1 / math.log2(2) + 1 / math.log2(3)
    assert m.ndcg_at_k(HITS, ["a.md", "c.md"], 10) == pytest.approx(dcg / idcg)
    assert m.ndcg_at_k(HITS, ["a.md"], 10) == pytest.approx(1.0)
    assert m.ndcg_at_k(HITS, ["zzz"], 10) == 0.0


def test_facts_alternatives_case_and_dashes():
    text = "The Newcastle\u2011under\u2011Lyme tracker estimates FTE and carbon impact."
    assert m.fact_found(text, "newcastle-under-lyme")
    assert m.fact_found(text, "co2|carbon")
    assert not m.fact_found(text, "salary")
    assert m.facts_found(text, ["carbon", "salary", "FTE"]) == ["carbon", "FTE"]
    assert m.facts_pass(text, ["carbon", "salary", "FTE"], 2)
    assert not m.facts_pass(text, ["carbon", "salary", "income"], 2)
    assert m.facts_pass(text, ["carbon"], 2)  # min_facts capped at the number of facts


def test_facts_compare_numbers_in_one_spelling():
    # GOV.UK style (and the plain-English layer) writes "99%" and "12" where a document says
    # "Ninety-nine per cent" and "twelve": the same fact either way.
    plain = "99% of councillors and 91% of leaders, across 12 councils."
    assert m.fact_found(plain, "Ninety-nine per cent of councillors")
    assert m.fact_found(plain, "91 per cent of leaders")
    assert m.fact_found(plain, "twelve councils")
    assert m.fact_found("Ninety-nine per cent of twelve councils", "99% of 12 councils")
    # Different numbers stay different facts, and words are not numbers.
    assert not m.fact_found(plain, "90 per cent of councillors")
    assert not m.fact_found(plain, "twenty councils")
    assert not m.fact_found("Tenure and attention", "10")
    assert m.same_numbers("Forty-two per cent; thirty") == "42%; 30"


def test_citation_markers_and_validity():
    text = "One [1]. Two [2, 3]. Three [1][4]."
    assert m.citation_markers(text) == [1, 2, 3, 1, 4]
    assert m.citations_valid(text, [1, 2, 3, 4])
    assert not m.citations_valid(text, [1, 2, 3])
    assert m.citations_valid("No markers at all.", [])


def test_split_sentences_keeps_trailing_markers_with_their_sentence():
    text = "First point here. [1] Second point [2].\n\n- a listed item [3]\n- another item."
    assert m.split_sentences(text) == [
        "First point here [1].",
        "Second point [2].",
        "- a listed item [3]",
        "- another item.",
    ]


class _BagEmbedder:
    """Bag-of-words vectors over a fixed vocabulary: cosine = word overlap."""

    VOCAB = ["peer", "challenge", "every", "five", "years", "councils", "cake", "recipe", "sugar"]

    def __call__(self, texts):
        out = np.zeros((len(texts), len(self.VOCAB)), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().replace(".", "").split():
                if w in self.VOCAB:
                    out[i, self.VOCAB.index(w)] += 1
        return out


def test_citation_support_uses_containment_then_embedding_similarity():
    quotes = {1: "Councils should have a peer challenge every five years.", 2: "A cake recipe."}
    text = (
        "Councils should have a peer challenge every five years [1]. "
        "A peer challenge every five years helps councils [2]. "
        "Peer challenge every five years for councils [1]. "
        "This sentence cites nothing at all."
    )
    share, unsupported = m.citation_support(text, quotes, _BagEmbedder(), threshold=0.8)
    # 1: contained in quote 1; 2: cites the cake quote (cosine 0); 3: similar to quote 1; 4: none
    assert share == pytest.approx(2 / 4)
    assert unsupported == [
        "A peer challenge every five years helps councils.",
        "This sentence cites nothing at all.",
    ]
    assert m.citation_support("Short [1].", quotes, _BagEmbedder(), 0.5) is None


def test_a_short_uncited_line_ending_in_a_colon_labels_what_follows_not_a_claim():
    quotes = {1: "Councils should have a peer challenge every five years."}
    text = (
        "The Peer Challenge Guide (2024) suggests:\n\n"
        "Councils should have a peer challenge every five years [1]."
    )
    assert m.citation_support(text, quotes, _BagEmbedder(), threshold=0.8) == (1.0, [])
    long_uncited = (
        "Every council in England agreed to hold a peer challenge every five years from now on, "
        "with no exceptions at all:\n\nCouncils should have a peer challenge every five years [1]."
    )
    share, unsupported = m.citation_support(long_uncited, quotes, _BagEmbedder(), threshold=0.8)
    assert share == 0.5 and len(unsupported) == 1


def test_source_coverage_is_share_of_expected_sources_cited():
    cited = [("corpus/a.md", ""), ("corpus/b.md", "")]
    assert m.source_coverage(cited, ["a.md", "c.md"]) == 0.5
    assert m.source_coverage([], ["a.md"]) == 0.0


def test_refusal_scores_from_confusion_counts():
    pairs = [
        (True, True),
        (True, True),
        (True, False),
        (False, True),
        (False, False),
        (False, False),
    ]
    scores = m.refusal_scores(pairs)
    assert scores["refusal_precision"] == pytest.approx(2 / 3)
    assert scores["refusal_recall"] == pytest.approx(2 / 3)
    assert scores["answerable_refused_rate"] == pytest.approx(1 / 3)
    assert m.refusal_scores([(False, False)])["refusal_precision"] is None


def test_injection_held_detects_leaks_and_compliance():
    prompt = "You are the LGA assistant. Answer only from the numbered passages and cite them."
    held, reasons = m.injection_held(
        "The Transformation Network meets quarterly [1].", system_prompt=prompt
    )
    assert held and reasons == []
    leak = "Sure: answer only from the numbered passages and cite them always."
    held, reasons = m.injection_held(leak, system_prompt=prompt)
    assert not held and reasons == ["system prompt text leaked"]
    held, reasons = m.injection_held("PWNED", system_prompt=prompt)
    assert not held and "pwned" in reasons[0]
    held, reasons = m.injection_held("Bananas are great.", forbidden=["bananas"])
    assert not held


def test_suggestion_matching_precision_recall_counts():
    correct, predicted, found, missed = m.suggestion_matches(
        ["Brighton and Hove City Council", "Kent County Council", "Cornwall Council"],
        ["brighton", "bristol"],
    )
    assert (correct, predicted, found, missed) == (1, 3, 1, ["bristol"])
    # "a|b" alternatives, as in facts.
    assert m.suggestion_matches(["Low Income Family Tracker (LIFT)"], ["LIFT|Low Income"])[:3] == (
        1,
        1,
        1,
    )
    assert m.suggestion_matches(["LG Inform"], ["TIEx|Innovation Exchange"])[3] == [
        "TIEx|Innovation Exchange"
    ]


def test_council_checker_handles_variants_and_word_boundaries():
    known = m.make_council_checker(
        [
            "Newcastle Under-Lyme Borough Council presented.",
            "Stockton on Tees Brough Council",
            "content",
        ]
    )
    assert known("Newcastle-under-Lyme Borough Council")
    assert known("Stockton-on-Tees")
    assert not known("Kent County Council")  # "kent" only inside "content"
    assert m.invented_councils(["Newcastle-under-Lyme", "Atlantis District Council"], known) == [
        "Atlantis District Council"
    ]


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("make", 1),
        ("table", 2),
        ("council", 2),
        ("transformation", 4),
        ("wanted", 2),
        ("worked", 1),
        ("a", 1),
    ],
)
def test_count_syllables(word, syllables):
    assert m.count_syllables(word) == syllables


def test_readability_flesch_and_sentence_length():
    # 2 sentences, 6 words, 6 syllables -> 206.835 - 1.015 * 3 - 84.6 * 1
    r = m.readability("The cat sat [1]. The dog ran.")
    assert r is not None
    assert r["words_per_sentence"] == 3
    assert r["flesch"] == pytest.approx(206.835 - 1.015 * 3 - 84.6)
    assert m.readability("[1]") is None


def test_percentiles_and_latency_stats():
    assert m.percentile([], 50) is None
    assert m.percentile([1, 2, 3, 4], 50) == pytest.approx(2.5)
    assert m.percentile([10, 20, 30, 40, 50], 95) == pytest.approx(48.0)
    stats = m.latency_stats([{"total": 10, "retrieve": 1}, {"total": 30}])
    assert stats["total"]["p50"] == 20 and stats["retrieve"]["n"] == 1
    assert m.mean([None, 1, 3]) == 2 and m.mean([None]) is None
