"""Every hand-set weight and threshold of answer composition, in one place.

Each field says what it trades. Unless a line says otherwise the value was set by hand and
kept because the full eval (``lga-assistant eval run --dataset evals/datasets/all.jsonl``) did
not improve when it moved; change one, rerun that eval and compare with ``eval compare``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EvidenceWeights:
    """The refusal score (``evidence.refusal_score``); ``calibration.json`` depends on these."""

    best_sentence: float = 0.7  # the best sentence's cosine vs the runner-up's: one strong hit
    second_sentence: float = 0.3  # ...still needs a second supporting sentence to score high
    sentence_part: float = 0.6  # sentence cosines vs passage scores: sentences are more precise
    dense_part: float = 0.25  # the best dense passage score: catches paraphrases sentences miss
    keyword_part: float = 0.15  # share of question words in the top passages: exact-term guard
    keyword_passages: int = 3  # how many top passages the keyword share looks in


@dataclass(frozen=True, slots=True)
class RelevanceWeights:
    """How a candidate sentence scores on its own (``extractive.base_scores``)."""

    cosine: float = 0.5  # sentence-to-question cosine: meaning over wording
    keyword: float = 0.25  # weighted coverage of the question's terms: wording over meaning
    # Fused retrieval puts the right document first ~85-90% of the time, so its order is worth
    # more than a sentence's own cosine. 0.35 vs 0.15 on the eval set: facts 0.856 vs 0.835,
    # pass rate 0.882 vs 0.866, same retrieval.
    rank_prior: float = 0.35
    rank_step: float = 0.07  # prior lost per passage rank: later passages count less...
    rank_floor: float = 0.5  # ...but never below half, so a good sentence deep down still wins
    section: float = 0.3  # its section heading's match to the question: answers sit under them
    section_floor: float = (
        0.35  # heading similarity below this says nothing (all headings share words)
    )
    incomplete: float = 0.05  # penalty: no final punctuation (list items, fragments)
    other_council: float = 0.2  # penalty: names a council the question did not ask about
    speaker: float = 0.15  # "what did the chair say?": bonus for the chair's quotation
    anaphora: float = 0.04  # penalty: starts "This/They/However", leans on the sentence before
    meta: float = 0.06  # penalty: describes the document ("This theme explores...")
    officer_specific: float = 0.04  # officers: bonus for numbers, named councils, examples
    councillor_long_words: int = 30  # councillors: sentences longer than this lose...
    councillor_long_step: float = 0.01  # ...this much per 3 extra words...
    councillor_long_cap: float = 10.0  # ...up to this many steps (so a key long fact can still win)
    councillor_short_words: int = 20  # councillors: sentences this short or shorter gain...
    councillor_short: float = 0.02  # ...this bonus (plain, quick to read)
    councillor_plain: float = 0.1  # councillors: x ``readability.plainness`` (1.75 minus the
    # syllables per word of a sentence's common words, within +/-0.4): the plainer sentence


@dataclass(frozen=True, slots=True)
class SelectionWeights:
    """Picking sentences within the word budget (``extractive.select_sentences``, MMR)."""

    floor_ratio: float = 0.65  # a pick must score at least this share of the first pick...
    floor_gap: float = 0.2  # ...or be within this of it: relevance over filling the budget
    # Advice: several suggested approaches answer together; the second and third rarely score
    # as high as the first (held-out dev: 0.2 kept only 1-2 sentences of a suggestions list).
    # Comparisons and "which council has done X?" (a peer's other practices) too.
    floor_gap_advice: float = 0.3
    part_coverage: float = 0.5  # a question asking several things: a sentence covering this
    # share of one part's content words (weighted) may join below the floor
    fill: float = 0.85  # keep adding while under this share of the budget: length vs focus
    overshoot: float = 1.15  # a pick may take the answer up to this share of the budget
    max_redundancy: float = 0.88  # cosine to a chosen sentence above this: a near-duplicate
    asked_lead_gap: float = 0.1  # a date or number question whose best sentence lacks
    # it is led by the best sentence giving it, when that scores within this of the best
    topic_lead_gap: float = 0.2  # one councillor role, or readiness, asked about: the best
    # sentence saying what that role does (the readiness check) leads when within this of the best
    quoted_lead_gap: float = 0.25  # a term put in quotes: the best sentence using it leads
    # when it scores within this of the best sentence (which does not use it)
    asked_lead_coverage: float = 0.7  # ...and covers this share of the question words it covers
    # (0.8 let "member involvement" beat "more than 20 councils took part" for "how many
    # councils were involved in ...?" by one stem; 0.7: +1 dev answer, none lost on 18 sets)
    coverage_gain: float = 0.12  # bonus for covering question terms not yet covered
    redundancy: float = 0.3  # penalty per unit of cosine to the chosen sentences...
    redundancy_free: float = 0.4  # ...above this (sentences on one topic share some meaning)
    primary_twin_cosine: float = 0.65  # a picked catalogue sentence gives way to a primary
    primary_twin_gap: float = 0.25  # document's sentence this close in meaning, scoring no more
    # than this below it, with every figure and name it had and this share of
    primary_twin_terms: float = 0.4  # its content words: the LGA's own words cited
    primary_twin_asked: float = 0.75  # ...and this share of the question words it held (weighted)
    elaboration: float = 0.75  # "This could include ..." after a shown sentence: relevant as
    # this share of that sentence's relevance (when its own is lower)
    advice_section: float = 0.1  # advice led by a suggested approach: bonus for the other
    # suggestions of its section (one list of ideas, not a collage of sections)


@dataclass(frozen=True, slots=True)
class CandidateRules:
    """Which sentences may stand in an answer at all (``analysis.usable``)."""

    min_words: int = 5  # shorter: headings and fragments, not statements
    max_words: int = 90  # longer: a run-on table or list flattened into one "sentence"
    fragment_min_words: int = 8  # an unpunctuated line must be at least this long...
    fragment_max_capitalised: float = 0.4  # ...and not Title Case (a title or link text)
    min_letters: float = 0.6  # share of letters: below it, a table row of figures
    doc_question_min_words: int = 5  # a document's own question ("How can councils...?")
    quote_max_chars: int = 2400  # a cited span longer than this is cut to its first sentence


@dataclass(frozen=True, slots=True)
class SupportCheck:
    """The generative post-check (``generative.check_generated``): faithfulness vs recall."""

    min_cosine: float = 0.45  # generated sentence vs its cited passage's best sentence
    min_overlap: float = 0.5  # share of its content words found in the cited passage
    overlap_alone: float = 0.75  # this much overlap supports it whatever the cosine
    min_kept: float = 0.5  # under this share of sentences kept: answer extractively instead
    leak_shingle: int = 6  # words per run when checking for a repeated system prompt...
    leak_allowed: int = 1  # ...and how many shared runs are coincidence
    # The plain-English layer's sentences vs their cited passage (``Answerer._supported``):
    # a plain version under this cosine (and under its original's) stays as written. The
    # eval's own support threshold (evals/run.py), so the layer never turns a sentence the
    # eval counts as supported into one it does not.
    plain_min_cosine: float = 0.6


@dataclass(frozen=True, slots=True)
class RewriteWeights:
    """The councillor rewrite by a model (``llm_rewrite``); its support rule is ``SupportCheck``'s."""

    # Sentences per request: a short input keeps the markers and facts straight (one long
    # request dropped [n] in 2 of 4 answers, STACK.md); more requests cost prompt time.
    batch_sentences: int = 3
    # A "rewrite" this much longer than the original is not plainer: keep the original.
    max_growth: float = 1.25


@dataclass(frozen=True, slots=True)
class AnswerTypeWeights:
    """What the question asks for (``question.analyse_question``) shifts sentence scores
    (``extractive.type_bonus``). Set by hand on the held-out dev split (issue 11)."""

    person: float = 0.15  # "who" questions: a sentence naming a person (or defined initials)
    person_role: float = 0.05  # ...and giving a job title, when the question asks for one
    person_asked_role: float = 0.2  # ...and naming the post asked about ("which minister";
    # 0.1 -> 0.2 on dev4: the chairman's sentence had outscored the minister's attribution)
    # a "Label: value" line under a lead ("Chair: A B, Head of ..."): penalty outside "who"
    labelled_line: float = 0.3
    number: float = 0.15  # "how many/much": a sentence with a figure beside the thing asked
    number_loose: float = 0.05  # ...a figure, but not beside the thing asked
    date: float = 0.15  # "when/how often": a sentence with a date, month, year or frequency
    suggestion: float = 0.15  # advice: a sentence in a suggested-approach or action section...
    challenge: float = 0.12  # ...penalty: one in a challenge/problem description
    definition: float = 0.15  # "what is X": a sentence that says "X is/means/refers to"
    quoted: float = 0.15  # a sentence using the term the question puts in quotes
    organisation: float = 0.12  # "which councils": a sentence naming a council (per council
    organisation_cap: int = 4  # named, up to this many, when the question asks for several)
    # (0.06 -> 0.12 on the five dev sets: +1 dev case, no case lost; 0.2 lost one)
    sequel: float = 0.15  # "what happens after ...": a sentence about what follows ("then",
    # "within 12 months", "an action plan")
    asker_role: float = 0.2  # "I sit on scrutiny": a sentence on what that role does
    readiness: float = 0.2  # "are we ready for a big change?": a sentence on the readiness check
    audience: float = 0.2  # "who is it for?": a sentence saying who it is for / who may use it
    cost: float = 0.3  # "do we have to pay?": a sentence about the price ("free", "subsidised")
    list_min_coverage: float = 0.2  # a list answers a list question when its lead/items cover
    # this share of the question's terms (or its item count matches the one asked for)
    list_count_match: float = 0.3  # bonus for a list with exactly the number of items asked for
    list_sentence: float = 0.2  # a list question: a sentence enumerating the things asked for
    # ("AI, Data, Skills and PMOs were among the topics selected") when no list block answers
    list_enumeration: float = 0.2  # ...and more when it names them after a colon ("TIEx focuses
    # on five areas: place; leadership; finance; ..."): the list itself, not a remark on it
    catalogue_echo: float = 0.12  # penalty: a catalogue sentence a primary document also says
    catalogue_echo_cosine: float = 0.8  # ...judged by cosine to a primary document's sentence
    unresolved_reference: float = 0.1  # penalty: "It/They/The council..." with its antecedent
    # (the sentence before) not in the answer
    specific_name_share: float = 0.6  # a figure or date answers a "how many / when" question
    # only in a sentence sharing this share of the question's names, weighted by rarity
    # (``extractive.missing_specific``): one common name ("Transformation") is not enough,
    # nor one word of a two-word name (0.15 -> 0.6 on dev4: the AI network's 250 officers had
    # answered "how many members does the Transformation Network have"; no dev case lost)
    suggestion_sources: int = 2  # advice: the top passages whose section's suggested
    # approaches are added when not retrieved (``Analyser.with_suggestions``)...
    suggestion_per_source: int = 2  # ...the nearest this many chunks per passage...
    suggestion_chunks: int = 4  # ...and at most this many added passages in all


@dataclass(frozen=True, slots=True)
class AnsweringWeights:
    """All of answer composition's tuning numbers (one frozen value, passed to the Answerer)."""

    evidence: EvidenceWeights = EvidenceWeights()
    relevance: RelevanceWeights = RelevanceWeights()
    selection: SelectionWeights = SelectionWeights()
    candidates: CandidateRules = CandidateRules()
    support: SupportCheck = SupportCheck()
    rewrite: RewriteWeights = RewriteWeights()
    answer_type: AnswerTypeWeights = AnswerTypeWeights()
    # Used only when no calibration exists for the configured embedder (e.g. the hashing fake
    # in tests): low, so that only passages with almost nothing in common with the question
    # refuse.
    uncalibrated_min_evidence: float = 0.15
    cache_size: int = 4096  # chunks (and headings) whose sentences stay split and embedded


WEIGHTS = AnsweringWeights()
