"""The extractive answer: the passages' best sentences, each with its citation.

Relevance (embedding cosine + keyword overlap + the passage's retrieval rank), coverage of the
question's parts and no redundancy (MMR), within a word budget set by the audience. Every
sentence is copied from a passage and carries that passage's citation ``[n]``; the only words
added are acronym expansions for councillors.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

import numpy as np

from assistant.answering.analysis import Analysis, Candidate, coverage
from assistant.answering.coverage import GENERIC_NAME_WORDS
from assistant.answering.draft import (
    QUOTE_GAP,
    WEAK_EVIDENCE_REASON,
    Draft,
    refusal,
    related_material,
    source_label,
    with_marker,
)
from assistant.answering.primary import with_primary_citations
from assistant.answering.prompts import system_prompt_leaked
from assistant.answering.question import LIST_NOUN, NUMBER_WORDS, QuestionAnalysis, counted_noun
from assistant.answering.structure import (
    HEADED_ITEM_WORDS,
    NUMBER_WORD_PATTERN,
    ListBlock,
    Person,
    defined_initials,
    expand_initials,
    figures_in,
    has_calendar_date,
    has_date,
    has_figure,
    has_full_date,
    has_money,
    has_number,
    has_person,
    has_role_title,
    is_year,
    list_blocks,
)
from assistant.answering.weights import WEIGHTS, AnsweringWeights, SelectionWeights
from assistant.knowledge.gazetteer import find_councils
from assistant.retrieval.followup import COUNTED_LEAD
from assistant.retrieval.synonyms import expand_query
from assistant.text.glossary import GLOSSARY, expand_acronyms, known_acronyms
from assistant.text.openings import (
    ATTRIBUTION_LINE,
    FRONTED_PHRASE,
    dangling_subject,
    elaborates,
    points_back,
)
from assistant.text.readability import plainness
from assistant.text.sentences import (
    Sentence,
    normalise_whitespace,
    sentence_spans,
    split_sentences,
    with_stop,
)
from assistant.text.terms import STOPWORDS, content_terms, stem
from assistant.types import Audience, Chunk, Citation, Hit, is_catalogue

_SAID = re.compile(r"^(?P<who>[^,]{3,60}),\s*(?P<role>[^,]{3,120}),\s*(?:said|says|added)\s*:$")
LEAD_IN_WORDS = 4  # a source's lead-in ("Action Learning Sets (2025) suggests:")
_DEFINES = re.compile(
    r"\b(?:is|are|means|refers to|was|were)\s+(?:a|an|the)?\b|\bbring(?:s|ing)?\b.{1,80}\btogether\b",
    re.I,
)
_META = re.compile(
    r"^(?:This|The|Our)\s+(?:theme|section|chapter|document|report|paper|page|guide|note|"
    r"summary|discussion)s?\s+(?:explores?|describes?|sets? out|looks? at|covers?|aims?|"
    r"highlights?|summarises?|outlines?|focus(?:es)? on|considers?)\b"
    r"|^Challenges (?:that were discussed )?(?:included|covered|described)\b",
    re.IGNORECASE,
)
_SPECIFIC = re.compile(
    r"\d|\u00a3|%|\b(?:[A-Z][a-z]+\s+){1,3}(?:City |Borough |County |District )?Council\b"
    r"|\b(?:for example|such as|case stud(?:y|ies)|pilot|programme)\b"
)
_COUNCIL_NAME = re.compile(
    r"\b[A-Z][a-z]+(?:\s+(?:and\s+)?[A-Z][a-z]+)*\s+(?:City |Borough |County |District |Metropolitan Borough )?Council\b"
)
_LEADING_CONNECTIVE = re.compile(
    r"^(?:For example|For instance|However|In addition|Additionally|Also|Finally|Furthermore|"
    r"Moreover|In particular|As such|Similarly|Likewise|In turn|Therefore|Overall|As a result|"
    r"Consequently),\s+(?=\w)"
)


def extract_answer(
    analysis: Analysis,
    hits: Sequence[Hit],
    *,
    audience: Audience,
    budget: int,
    weights: AnsweringWeights = WEIGHTS,
    document_chunks: Callable[[str], Sequence[Chunk]] | None = None,
    documents_at: Callable[[str], Sequence[str]] | None = None,
) -> Draft:
    """The extractive answer within ``budget`` words, or a refusal if nothing fits. With
    ``document_chunks``, a catalogue sentence gives way to, or also cites, the LGA document
    saying the same anywhere in it (``with_primary_citations``; ``documents_at`` finds the
    documents a catalogue entry was written from by their web address)."""
    question = analysis.question
    # "What questions should I ask officers?" is advice that a list answers, when there is one.
    if question.type == "list" or (
        question.type == "advice" and (question.listed or question.process)
    ):
        found = best_list(analysis, hits, weights)
        if found is not None:
            text, citations = compose_list(*found, hits, asking=question.what_to_ask)
            text, citations = with_primary_citations(
                text, citations, hits, document_chunks, analysis.question_text, documents_at
            )
            if audience == "councillor":
                text = expand_acronyms(text, known_acronyms(hits))
            return Draft(text, citations, False, None, analysis.evidence)
    if _LEVEL_ASKED.search(analysis.question_text):
        # "What does level 3 mean?" when the catalogue notes the sources don't define the
        # levels: a plain "not held", not the scale described around it.
        for cand in analysis.candidates:
            not_held = says_not_held(cand)
            if not_held is not None and re.search(r"\blevels?\b", cand.sentence.text, re.I):
                return refusal(not_held + related_material(hits), evidence=analysis.evidence)
    chosen = select_sentences(analysis, audience=audience, budget=budget, weights=weights)
    if not chosen:
        return refusal(WEAK_EVIDENCE_REASON, evidence=analysis.evidence)
    not_held = says_not_held(analysis.candidates[chosen[0]])
    if not_held is not None and question.type != "advice":
        # The best sentence is the catalogue saying the sources lack it ("The LGA sources give
        # only the 1-5 scale: they do not define each level"): a plain "not held", not an
        # answer around it.
        return refusal(not_held + related_material(hits), evidence=analysis.evidence)
    unlisted = count_without_items(
        question, analysis.candidates[chosen[0]].sentence, analysis.question_text
    )
    if unlisted is not None:
        return refusal(unlisted + related_material(hits), evidence=analysis.evidence)
    text, citations = compose(
        [analysis.candidates[i] for i in chosen],
        hits,
        max_chars=weights.candidates.quote_max_chars,
        people=analysis.people,
    )
    text, citations = with_primary_citations(
        text, citations, hits, document_chunks, analysis.question_text, documents_at
    )
    if analysis.question.acronym:
        defined = acronym_definition(analysis.question.acronym, hits)
        if defined is not None:
            text, citations = lead_with_definition(
                analysis.question.acronym, defined, text, citations, hits
            )
    if audience == "councillor":
        text = expand_acronyms(text, known_acronyms(hits))
    if system_prompt_leaked(
        text, shingle=weights.support.leak_shingle, allowed=weights.support.leak_allowed
    ):
        return refusal(WEAK_EVIDENCE_REASON, evidence=analysis.evidence)
    # A length cap drops the least relevant sentences first: the ones holding what was asked
    # (the date, the figure, the name) count as the most relevant, whenever they were picked.
    # So do the sentences describing each councillor role a question compares.
    holds = _HOLDS_ASKED.get(question.type)

    def asked_for(text: str) -> bool:
        return (holds is not None and holds(text)) or any(
            _describes_role(role, text) for role in question.roles
        )

    order = sorted(chosen, key=lambda i: not asked_for(analysis.candidates[i].sentence.text))
    priority = tuple(analysis.candidates[i].sentence.text for i in order)
    return Draft(text, citations, False, None, analysis.evidence, priority)


_HOLDS_ASKED: dict[str, Callable[[str], bool]] = {
    "date": has_calendar_date,
    "number": has_number,
    "person": has_person,
}


# A question about one numbered level of a scale: "level 3", "a score of 3", "a 4 out of 5".
_LEVEL_ASKED = re.compile(
    r"\b(?:level|score|rating|grade|stage)\s+(?:of\s+)?(?:[1-9]|one|two|three|four|five)\b"
    r"|\b(?:a|an)\s+[1-9]\s+(?:out\s+of|on|in)\b",
    re.I,
)

# "Which 12 councils took part?", "can you list the authorities that took part?"
_PARTICIPANTS_ASKED = re.compile(
    r"\b(?:which|what|list|name)\b.{0,30}\b(?:councils|authorities)\b.{0,60}\b(?:took part|"
    r"take part|taking part|participated|participating|were involved|attended|came from)\b"
    r"|\b(?:list|name)\s+(?:the|all)\s+(?:\d+\s+|twelve\s+)?(?:councils|authorities|"
    r"local authorities)\b",
    re.I,
)
# A passage saying it keeps the councils anonymous.
_NOT_IDENTIFIED = re.compile(
    r"\b(?:do(?:es)?\s+not|don['\u2019]t|doesn['\u2019]t)\s+identify\s+the\s+(?:councils?|"
    r"authorit(?:y|ies))\b|\banonymi[sz]ed\b.{0,60}\bcouncils?\b",
    re.I,
)


def with_their_documents(
    hits: Sequence[Hit], document_chunks: Callable[[str], Sequence[Chunk]] | None, top: int = 4
) -> list[Chunk]:
    """The chunks of ``hits``, then every chunk of the documents of the first ``top`` of them:
    what a document says once, anywhere in it (that it keeps its councils anonymous, the
    publisher's contact block)."""
    chunks = [h.chunk for h in hits]
    if document_chunks is not None:
        for document_id in dict.fromkeys(h.chunk.document_id for h in hits[:top]):
            chunks += document_chunks(document_id)
    return chunks


def count_without_items(
    question: QuestionAnalysis, sentence: Sentence, asked: str = ""
) -> str | None:
    """For "what are the four focus areas of X?" when no passage lists them and the best
    sentence only says there are four ("... simplified its model into four focus areas"): the
    refusal reason, with what the sources do say; else None."""
    n, listed = question.expected_count, question.listed or counted_noun(asked)
    if question.type != "list" or n is None or not listed:
        return None
    counts = [str(n), *(w for w, v in NUMBER_WORDS.items() if v == n)]
    said = re.search(
        rf"\b(?:{'|'.join(counts)})\s+(?:[\w-]+\s+){{0,2}}?{re.escape(stem(listed))}\w*",
        sentence.text,
        re.I,
    )
    if said is None:
        return None
    rest = sentence.text[said.end() :]
    other = COUNTED_LEAD.search(rest)  # "... grouped under three themes: a; b; c"
    if other is not None:
        rest = rest[: other.start()]  # that list is the other count's
    if re.search(r"[:;]", rest) or rest.count(",") >= n - 1:
        return None  # the items follow
    return f"The sources I have don't list the {said.group(0)}. {readable(sentence)}"


def participants_not_named(
    question: str,
    hits: Sequence[Hit],
    document_chunks: Callable[[str], Sequence[Chunk]] | None = None,
) -> str | None:
    """For "which 12 councils took part?", the refusal reason when the documents of ``hits``
    say they keep the councils anonymous (wherever in the document they say it); else None."""
    if not _PARTICIPANTS_ASKED.search(question):
        return None
    chunks = with_their_documents(hits, document_chunks)
    for chunk in chunks:
        for sentence in split_sentences(chunk.text):
            if _NOT_IDENTIFIED.search(sentence.text):
                said = readable(sentence)
                return f"The sources I have don't name those councils. {said}" + related_material(
                    hits
                )
    return None


_YEAR = re.compile(r"\b((?:19|20)\d\d)(?:\s*[/-]\s*(\d\d))?\b")


# "... in 2021", "during March 2021", "2021's meeting": a year the question is set in
_IN_YEAR = re.compile(
    r"\b(?:in|during|at|for)\s+(?:(?:early|late|mid|spring|summer|autumn|winter|[A-Z][a-z]+)\s+)?"
    r"((?:19|20)\d\d)\b(?!\s*[/-]\s*\d)|\b((?:19|20)\d\d)['\u2019]s\b"
)


def years_not_covered(question: str, hits: Sequence[Hit]) -> str | None:
    """For "what will the offer look like in 2027?" or "what did the board decide in 2021?",
    the refusal reason when the question names a year later than any the passages mention
    (the sources do not reach it), or sets itself in a year no passage mentions or was
    published in. A question naming several years asks about each; it is left to the
    answer."""
    asked = [int(m.group(1)) for m in _YEAR.finditer(question)]
    if len(asked) != 1:
        return None  # none, or several ("in 2019, in 2023/24 and across 2024-25"): parts
    held: set[int] = set()
    for hit in hits:
        # ...or the year the document was published ("Transforming improvement (2019)")
        for m in _YEAR.finditer(f"{hit.chunk.text} {(hit.chunk.published or '')[:4]}"):
            start = int(m.group(1))
            end = int(m.group(1)[:2] + m.group(2)) if m.group(2) else start
            held.update(range(start, end + 1) if 0 <= end - start <= 5 else (start,))
    if not held:
        return None
    [year] = asked
    if year > max(held):
        return (
            f"The sources I have don't reach {year}: the latest year they mention is "
            f"{max(held)}.{related_material(hits)}"
        )
    if _IN_YEAR.search(question) and year not in held:
        return f"The sources I have don't mention {year}.{related_material(hits)}"
    return None


# A catalogue sentence saying what the LGA's sources do not hold.
_NOT_HELD = re.compile(
    r"^(?:the\s+)?(?:LGA\s+)?sources\s+"
    r"(?P<says>do\s+not|don't|give\s+no|give\s+only|say\s+nothing)\b",
    re.I,
)


def says_not_held(candidate: Candidate) -> str | None:
    """The refusal reason when ``candidate`` is the catalogue saying the sources lack what
    was asked ("The LGA sources do not define ..."), spoken as the assistant: "The sources I
    have do not define ..."; None for any other sentence."""
    text = candidate.sentence.text.strip()
    if not candidate.catalogue or not _NOT_HELD.match(text):
        return None
    return _NOT_HELD.sub(r"The sources I have \g<says>", text, count=1)


def base_scores(
    analysis: Analysis, audience: Audience, weights: AnsweringWeights = WEIGHTS
) -> np.ndarray:
    """Relevance of each candidate on its own: cosine to the question, weighted keyword
    coverage, its section's match to the question, the passage's retrieval rank, and
    audience preferences (short sentences for councillors, specifics for officers)."""
    w = weights.relevance
    term_weights = analysis.question_terms
    names = analysis.question_names
    scores = np.zeros(len(analysis.candidates), dtype=np.float32)
    # The plainer of two sentences for councillors, unless the answer hinges on one specific
    # item (a figure, date, name, list or council), whatever its words.
    plain_exempt = analysis.question.wants_specific or analysis.question.type in (
        "list",
        "organisation",
    )
    said_by = analysis.question.said_by
    speaker_words = _stemmed_words(said_by) if said_by else []
    # "What did Susan Attard add about members?": the words of what was said decide between
    # her sentences (the one introducing her names her but says nothing about members).
    topic_weights = {t: v for t, v in term_weights.items() if t not in speaker_words}
    # ...and her sentence that says what was asked about ("SA ... added three points on ...")
    spoken = spoken_answers(analysis)
    if not topic_weights:
        topic_weights = term_weights
    for i, cand in enumerate(analysis.candidates):
        s = cand.sentence
        keyword = coverage(cand.terms, topic_weights)
        rank = analysis.ranks[cand.hit_index] if analysis.ranks else cand.hit_index
        prior = max(w.rank_floor, 1.0 - w.rank_step * rank)
        section = max(0.0, float(analysis.context[i]) - w.section_floor)
        score = (
            w.cosine * float(analysis.sims[i])
            + w.keyword * keyword
            + w.rank_prior * prior
            + w.section * section
        )
        if not s.complete:
            score -= w.incomplete
        if names and not (cand.terms & names) and _COUNCIL_NAME.search(s.text):
            score -= w.other_council  # about another council than the one asked about
        if speaker_words and topic_weights is not term_weights and _INTRODUCED.search(s.text):
            score -= w.speaker  # "The Chair invited SA to introduce the report": not what SA said
        if i in spoken:
            score += w.speaker  # "what did Susan Attard add?": "SA ... added three points ..."
        line = analysis.speakers.get(i) if speaker_words else None
        if line is not None and _spoken_by(analysis.candidates[line].sentence.text, speaker_words):
            score += w.speaker  # "what did the chair say?": the chair's words, and who they are
        if points_back(s.text):
            score -= w.anaphora  # leans on the sentence before it
        if _META.match(s.text):
            score -= w.meta  # describes the document ("This theme explores...") more than the topic
        score += type_bonus(analysis.question, cand, weights)
        if dangling_subject(s.text):
            score -= weights.answer_type.unresolved_reference  # given back if its antecedent is in
        if audience == "officer":
            if _SPECIFIC.search(s.text):
                score += w.officer_specific
        else:
            if s.words > w.councillor_long_words:
                score -= w.councillor_long_step * min(
                    w.councillor_long_cap, (s.words - w.councillor_long_words) / 3
                )
            elif s.words <= w.councillor_short_words:
                score += w.councillor_short
            if not plain_exempt:
                score += w.councillor_plain * plainness(s.text)
        scores[i] = score
    return scores - catalogue_echo(analysis, hits_primary(analysis), weights)


def spoken_answers(analysis: Analysis) -> set[int]:
    """For a question about what a person said, the candidates that person opens (by name or
    the initials the document gives them) that say what was asked: the verb asked ("what did
    Susan Attard add?": "SA ... added three points ...") or, asked what they "said", every
    word of the topic ("did she say anything about involving members?": "... three additional
    points on member involvement"). Empty for other questions."""
    said_by = analysis.question.said_by
    if not said_by:
        return set()
    verb = _SPEECH_VERB.search(analysis.question_text)
    asked_verb = stem(verb.group(1)) if verb else None
    speaker = set(_stemmed_words(said_by))
    about = set(analysis.question_terms) - speaker - _SAY_STEMS - _SAY_FILLER
    if asked_verb is None and not (_SAY.search(analysis.question_text) and about):
        return set()
    opening = (
        said_by,
        *[abbr + " " for abbr, person in analysis.people.items() if person.name == said_by],
    )
    out = set()
    for i, cand in enumerate(analysis.candidates):
        text = cand.sentence.text
        if not text.startswith(opening):
            continue
        if asked_verb in _stemmed_words(text) if asked_verb else about <= cand.terms:
            out.add(i)
    return out


_SAY_WORDS = ("say", "said", "says", "tell", "told", "talk", "talked", "speak", "spoke")
_SAY = re.compile(rf"\b(?:{'|'.join(_SAY_WORDS)})\b", re.I)
_SAY_STEMS = frozenset(stem(w) for w in _SAY_WORDS)
# "did she say anything specific about ...": words of the asking, not of the topic
_SAY_FILLER = frozenset(stem(w) for w in ("anything", "something", "specific", "specifically"))
_SPEECH_VERB = re.compile(r"\b(add|raise|mention|propose|suggest|recommend)(?:s|ed|ing)?\b", re.I)
# Minutes' procedural line bringing a speaker in, which says nothing of what they said.
_INTRODUCED = re.compile(
    r"\b(?:invited|asked|welcomed)\b.{0,80}\bto\s+(?:introduce|present|speak\s+to)\b", re.I
)


def _spoken_by(line: str, speaker: Sequence[str]) -> bool:
    """Does the said-line ``line`` introduce the speaker asked about: a word of "the chair of
    the board" / "Cllr Abi Brown" starting one of its words ("Chairman", "Brown")?"""
    words = _stemmed_words(line)
    return any(
        w.startswith(asked)
        for asked in speaker
        if len(asked) >= 3 and asked not in _NOT_A_SPEAKER
        for w in words
    )


# Words of "the chair of the board" / "Cllr Abi Brown" that pick no one out.
_NOT_A_SPEAKER = GENERIC_NAME_WORDS - {"chair", "leader", "minister", "director", "mayor"} | {
    "cllr",
    "councillor",
    "lga",
}


def hits_primary(analysis: Analysis) -> np.ndarray:
    """Which candidates come from a primary document (not the project's own catalogue)."""
    return np.array([not c.catalogue for c in analysis.candidates], dtype=bool)


def catalogue_echo(
    analysis: Analysis, primary: np.ndarray, weights: AnsweringWeights = WEIGHTS
) -> np.ndarray:
    """Penalty for a catalogue sentence that a primary document's sentence also says: the
    LGA's own document is cited instead of our paraphrase of it."""
    w = weights.answer_type
    out = np.zeros(len(analysis.candidates), dtype=np.float32)
    if not primary.any() or primary.all():
        return out
    sims = analysis.vectors[~primary] @ analysis.vectors[primary].T
    out[~primary] = np.where(sims.max(axis=1) >= w.catalogue_echo_cosine, w.catalogue_echo, 0.0)
    return out


def _said(term: str, text: str) -> bool:
    """Does ``text`` use ``term`` (a quoted term of the question), hyphens and case aside?"""
    folded = re.sub(r"[\s-]+", " ", text.lower())
    wanted = re.escape(re.sub(r"[\s-]+", " ", term))
    return re.search(rf"\b{wanted}\b", folded) is not None


def gives_asked(question: QuestionAnalysis, cand: Candidate) -> bool:
    """Does the sentence give what a date or number question asks for? A date: a year or a
    month ("When did they run?"), or a frequency or count ("how often?"); a number: the figure
    counting the thing asked about ("eight ... offers", not a year), or a sum ("free of charge"
    when a price is asked)."""
    text = cand.sentence.text
    if question.type == "date":
        if question.frequency:
            return has_date(text) or has_number(text)
        return has_calendar_date(text)
    if question.type == "number":
        if question.money:
            return (has_money(text) and focus_near(question, cand)) or free_of_charge(
                question, cand, named=bool(question.names)
            )
        return counts_focus(question, text)
    return False


# "... funded by MHCLG and run by Local Partnerships", "commissioned Shared Intelligence": an
# organisation that does the thing, the answer to "who runs / delivers / funds it?"
_BY_AGENT = re.compile(
    r"\b(?:run|delivered|funded|led|commissioned|provided|facilitated|hosted|organised|"
    r"developed|designed|co-designed|written|published)\s+(?:jointly\s+)?(?:by|with)\s+"
    r"(?:the\s+)?(?-i:[A-Z])"
    r"|\b(?:commissioned|appointed|asked)\s+(?:the\s+)?(?-i:[A-Z])[\w'-]*(?:\s+(?-i:[A-Z])[\w'-]*)*"
    r"(?:\s*\([^)]*\))?\s+to\s+(?:run|deliver|lead|facilitate|host|provide)\b",
    re.I,
)


def type_bonus(
    question: QuestionAnalysis, cand: Candidate, weights: AnsweringWeights = WEIGHTS
) -> float:
    """How much more (or less) a sentence suits the kind of answer the question asks for."""
    w = weights.answer_type
    text = cand.sentence.text
    kind = question.type
    bonus = 0.0
    if kind == "person":
        if question.role and not _mentions_post(question.role, text) and _POST.search(text):
            pass  # "which minister ...?": a person in another post is not the answer
        elif has_person(text) or re.search(r"\b[A-Z]{2,4}\b\s+(?:reported|said|ran|thanked)", text):
            bonus += w.person
            if question.wants_role and has_role_title(text):
                bonus += w.person_role
            if question.role and question.role.split()[0] in text.lower():
                bonus += w.person_asked_role  # the minister asked about, not another person
        elif question.by_whom and not question.named_person and _BY_AGENT.search(text):
            bonus += w.person  # "who runs the review?": "... run by Local Partnerships"
    elif kind == "number":
        if gives_asked(question, cand):
            bonus += w.number
        elif has_figure(text, ignore=question.numbers):
            bonus += w.number_loose
    elif kind == "date":
        if gives_asked(question, cand):
            bonus += w.date
    elif kind in ("advice", "comparison"):
        if cand.role in ("suggestion", "action"):
            bonus += w.suggestion
        elif cand.role in ("challenge", "example"):
            bonus -= w.challenge
    elif kind == "definition":
        if defines_focus(question, text):
            bonus += w.definition
        elif re.match(r"There\s+(?:is|are|was|were)\b", text):
            bonus -= w.definition  # "There were three groups": how many, not what one is
    elif kind == "organisation" and _COUNCIL_NAME.search(text):
        # "Which councils ...?": a sentence naming several councils answers more of it.
        named = len(set(_COUNCIL_NAME.findall(text))) if question.many else 1
        bonus += w.organisation * min(named, w.organisation_cap)
    elif kind == "list" and question.listed and text.count(",") + text.count(";") >= 2:
        words = {stem(x) for x in re.findall(r"[a-z]+", text.lower())}
        if words & _listed_stems(question.listed):
            bonus += w.list_sentence
            if _ENUMERATION.search(text):
                bonus += w.list_enumeration
    if kind != "person" and _POST_LINE.match(text):
        bonus -= w.labelled_line  # "Vice chair: A B, Director ...": who holds a post, no more
    if question.quoted and any(_said(term, text) for term in question.quoted):
        bonus += w.quoted  # the term the user put in quotes is what the answer is about
    if question.mode and re.search(r"\b(?:online|in person|face to face|virtual|Teams)\b", text):
        bonus += w.date
    if question.sequel and _FOLLOWS.search(text):
        bonus += w.sequel
    if question.cost and kind != "number" and _PRICE.search(text):
        bonus += w.cost
    if question.planned and kind not in ("advice", "comparison"):
        if cand.role == "action":
            bonus += w.suggestion  # "what did they decide to do?": what they planned to do
        elif cand.role in ("challenge", "suggestion"):
            bonus -= w.challenge  # ...not the problem, nor what others suggested
    if question.reaction and cand.role == "discussion":
        bonus += w.suggestion  # "what did the board think of it?": what members said
    roles = question.roles or ((question.asker_role,) if question.asker_role else ())
    if kind != "yes_no" and any(_describes_role(role, text) for role in roles):
        bonus += w.asker_role  # "I sit on scrutiny": what councillors in a scrutiny role do
    if question.audience and _FOR_WHOM.search(text):
        bonus += w.audience  # "aimed at senior leaders", "anyone ... can complete"
    if question.readiness and kind == "advice" and _READINESS_CHECK.search(text):
        bonus += w.readiness  # "are we ready?": the readiness check
    return bonus


def _describes_role(role: str, text: str) -> bool:
    """Does ``text`` say what a councillor role does, naming it ("Councillors in a scrutiny
    role encourage ...", "Councillors in a leadership role (leaders, portfolio holders ...) are
    expected to ...")?"""
    return bool(re.search(rf"\b{role}\s+role\b", text, re.I))


# A sentence saying who something is for or who may take part.
_FOR_WHOM = re.compile(
    r"\b(?:aimed\s+at|intended\s+for|designed\s+for|open\s+to|is\s+for|are\s+for|"
    r"anyone\b.{0,40}\bcan|can\s+(?:be\s+)?(?:completed?|used?|join(?:ed)?)\s+by|"
    r"(?:can|may)\s+(?:complete|join|apply|attend|take\s+part)|"
    r"(?:is|are)\s+an?\s+(?:[\w-]+\s+){0,2}?(?:group|network|forum|programme|offer)\s+for)\b",
    re.I,
)


# A sentence naming three or more items after a colon: "five areas: a; b; c and d".
_ENUMERATION = re.compile(r":\s+[^:;,]+(?:[;,]\s+[^:;,]+){1,}(?:[;,]|\s+and\s+|\s+or\s+)")


# What a step that comes after another says: "then", "afterwards", "within 12 months", "must
# produce an action plan", "a progress review", "follow-up".
_FOLLOWS = re.compile(
    r"\b(?:then|afterwards|after(?:\s+(?:the|that|this|it))|next|later|subsequently|follow(?:s|ed|ing)?"
    r"(?:-up|\s+up)?|within\s+(?:\d+|[a-z]+)\s+(?:days?|weeks?|months?|years?)|"
    r"must\s+(?:produce|publish|prepare|agree|submit|have)|(?:is|are)\s+published|"
    r"progress\s+review|action\s+plan)\b",
    re.I,
)


# What a sentence says about a price: "free of charge", "fully subsidised", "£500", "a fee".
_PRICE = re.compile(
    r"\bfree\b|\bno\s+(?:cost|charge|fee)\b|\bsubsidi[sz]ed\b|\bfunded\s+by\b|\u00a3\s?\d|"
    r"\bfees?\b|\bcharges?\s+(?:of|for)\b|\bcosts?\s+(?:of|£)",
    re.I,
)


DEFINITION_SUBJECT_WORDS = 12  # a defining sentence names its subject before the verb


def defines_focus(question: QuestionAnalysis, text: str) -> bool:
    """Does ``text`` say what the thing asked about is: the thing, then "is / means / brings
    ... together" ("Action learning sets bring peers together...")? "There were three action
    learning set groups" counts them; it does not say what one is."""
    match = _DEFINES.search(text)
    if match is None or re.match(r"There\b", text):
        return False
    if not question.focus:
        return True
    words = re.findall(r"[A-Za-z][\w'-]*", text[: match.start()])
    if len(words) > DEFINITION_SUBJECT_WORDS:
        return False  # "SA thanked members ... in relation to the framework, it was proposed"
    for word in words:  # "ALSs bring peers together": the acronym's expansion is the subject
        words += GLOSSARY.get(word, "").split()
    subject = {stem(w.lower()) for w in words}
    return any(stem(f) in subject for f in question.focus)


_MONEY_WORDS = frozenset(
    [
        "money",
        "cash",
        "amount",
        "sum",
        "pounds",
        "funds",
        "budget",
        "cost",
        "costs",
        "spend",
        "spending",
        "funding",
        "investment",
        "price",
    ]
)


def _measured(question: QuestionAnalysis) -> list[str]:
    """The focus nouns a figure must stand beside: "how much money ..." needs a sum of money
    whatever the sentence calls it, and "the LGA's fees" are fees (the owner is not what is
    measured)."""
    return [
        f
        for f in question.focus
        if not (question.money and f in _MONEY_WORDS) and not f.endswith(("'s", "\u2019s"))
    ]


def free_of_charge(question: QuestionAnalysis, cand: Candidate, *, named: bool) -> bool:
    """'How much does the review cost?' - 'it is facilitated free of charge': a price asked
    about something named (``named``: the caller checked the sentence is about it) or
    measured ("the LGA's fees"), and a sentence saying that thing is free."""
    return (
        question.cost
        and (named or bool(_measured(question)))
        and _FREE.search(cand.sentence.text) is not None
        and focus_near(question, cand)
    )


# Sums a council or a person has, which no other sum stands for: "Cornwall's £18m programme"
# is not its annual budget, nor a board's decision the LGA's income.
_OWN_MEASURES = frozenset(
    [
        "salary",
        "salaries",
        "wage",
        "wages",
        "income",
        "revenue",
        "turnover",
        "reserves",
        "deficit",
        "overspend",
        "underspend",
        "population",
        "subscription",
        "subscriptions",
    ]
)
# A council's or the LGA's own budget ("Cornwall Council's annual budget"), not a programme's
# ("the budget for Digital Cornwall": "its \u00a318m Digital Cornwall programme" answers that).
_OWN_BUDGET = re.compile(
    r"\b(?:annual|yearly|net|gross|total|overall|revenue|capital)\s+budget\b"
    r"|\b(?:council|authority|LGA|association)(?:'s|\u2019s)\s+(?:\w+\s+)?budget\b"
    r"|\bbudget\s+of\s+(?:the\s+)?(?:[\w'-]+\s+){0,3}(?:council|authority|LGA)\b",
    re.I,
)


_ASKS_SAVING = re.compile(r"\bsav(?:e|es|ed|ing|ings)\b", re.I)
_PER_UNIT = re.compile(r"\bper\s+(?!cent\b)([A-Za-z]+)", re.I)
_SAYS_SAVING = re.compile(r"\b(?:sav\w*|cashable|efficienc\w*|reduc\w*|cut\w*)\b", re.I)


# "How much did Newham spend on its co-design standards?": what the money went on.
_SPENT_ON = re.compile(
    r"\b(?:spend|spends|spent|spending|invest|invests|invested|investing)\s+(?:\w+\s+){0,2}?on\s+"
    r"(?P<on>[^?.,;]+)",
    re.I,
)


def _measure_named(analysis: Analysis, cand: Candidate) -> bool:
    """Does a money sentence name the quantity asked about, where only that word will do:
    a saving, a salary, an income, a council's (not a programme's) budget?"""
    question = analysis.question_text
    if _ASKS_SAVING.search(question) and not _SAYS_SAVING.search(cand.sentence.text):
        return False  # "a £100,000 participatory budget" is no saving
    spent = _SPENT_ON.search(question)
    if spent and not content_terms(spent.group("on")) & cand.terms:
        return False  # "spend on its co-design standards": a neighbourhood budget is not it
    words = _word_stems(cand.sentence.text)
    unit = _PER_UNIT.search(question)
    if unit and stem(unit.group(1).lower()) not in words:
        return False  # "what did it cost per call?": "its £18m programme" is no cost per call
    measure = analysis.question.measure
    if measure is None:
        return True
    strict = measure in _OWN_MEASURES or (
        measure == "budget" and _OWN_BUDGET.search(question) is not None
    )
    return not strict or stem(measure) in words


# What a date question asks the date of, when it names an event, and the words a sentence
# giving that date uses: "when does it end?" - "until March 2025", "between September 2024
# and March 2025"; "when was the LGA founded?" - not the day a report was presented.
_FUTURE_ASKED = re.compile(
    r"\bnext\s+year\b|\bin\s+(?:the\s+)?future\b|\bgoing\s+forward\b|\bfrom\s+now\s+on\b", re.I
)
_EVENTS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(
            r"\b(?:end|ends|ended|finish|finishes|finished|close|closes|closed|conclude|"
            r"concludes|expire|expires|wind\s+up|run\s+until|last\s+until)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:end\w*|until|till|clos\w*|finish\w*|conclu\w*|expir\w*|deadline|between|"
            r"runs?\s+(?:to|from)|ran\s+(?:to|from))\b|\bto\s+(?:\w+\s+)?(?:19|20)\d\d\b|"
            r"\d{4}\s*(?:-|\u2013|to)\s*\d{2,4}\b",
            re.I,
        ),
    ),
    (
        re.compile(
            r"\b(?:found|founded|establish|established|formed|created|set\s+up|start|starts|"
            r"started|begin|begins|began|launch|launches|launched|introduce|introduced)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:found\w*|establish\w*|form(?:ed|ation)|creat\w*|set\s+up|start\w*|"
            r"begin\w*|began|launch\w*|introduc\w*|open\w*|first|since|from|"
            r"between)\b",
            re.I,
        ),
    ),
    (  # "who will chair it next year?", "what will it cost in future?": what is to come
        _FUTURE_ASKED,
        re.compile(r"\b(?:will|next|upcoming|forthcoming|future|plan(?:s|ned)?|expected)\b", re.I),
    ),
    (  # "when is the next round?": a date still to come
        re.compile(
            r"\bnext\s+(?:\w+\s+)?(?:round|cohort|intake|meeting|event|session|conference)s?\b",
            re.I,
        ),
        re.compile(
            r"\b(?:next|upcoming|forthcoming|will|future|planned|expected|due|later\s+this)\b", re.I
        ),
    ),
)


_CLOCK_TIME = re.compile(
    r"\b\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d\d\b|\bnoon\b", re.I
)
# "Who founded / set up / launched it?": the person who did that, not any person named
# beside it (unlike "who chaired the board when it was launched?").
_WHO_DID = re.compile(
    r"\bwho\s+(?:first\s+)?(?:co-?founded|founded|set\s+up|started|launched|created|"
    r"established|began)\b",
    re.I,
)


def _gives_event(question: str, text: str) -> bool:
    """Does ``text`` date the event the question asks about (when it names one)?"""
    return all(says.search(text) for asks, says in _EVENTS if asks.search(question))


def _mentions_share(whom: str, cand: Candidate) -> bool:
    """Does the sentence name who a share is of ("chief executives" in "99 per cent of chief
    executives ...")? The last word of ``whom``, by stem."""
    # by its first four letters: "execs" are "executives", "councils" "councillors" too
    head = stem(whom.split()[-1])[:4]
    return any(w.startswith(head) for w in re.findall(r"[a-z][\w'-]*", cand.sentence.text.lower()))


@functools.lru_cache(maxsize=4096)  # pure; the same candidates are checked question after question
def _word_stems(text: str) -> frozenset[str]:
    """Every word of ``text``, stemmed (stopwords kept: "per", "rate")."""
    return frozenset(stem(w) for w in re.findall(r"[A-Za-z][\w'-]*", text.lower()))


def focus_near(question: QuestionAnalysis, cand: Candidate) -> bool:
    """Does the sentence mention what the question counts or defines (or is there no focus)?"""
    nouns = _measured(question)
    if not nouns:
        return True
    words = _word_stems(cand.sentence.text)
    return any(
        stem(noun) in words or bool(noun in _PEOPLE and words & _PEOPLE_STEMS) for noun in nouns
    )


_COUNTED = re.compile(
    rf"(?<![\w.,/\u00a3$])(?P<n>\d[\d,]*(?:\.\d+)?|(?:{NUMBER_WORD_PATTERN})\b)"
    r"(?=(?P<rest>(?:[\s,]+[\w'-]+){1,5}))",
    re.I,
)
_BREAKS_TEXT = "of from in for to with at on by per than since over"
_BREAKS_NOUN_PHRASE = frozenset(_BREAKS_TEXT.split())


_GROUP_NOUNS_TEXT = """group groups team teams network networks board boards panel panels forum
    forums session sessions meeting meetings body bodies"""
_GROUP_NOUNS = frozenset(_GROUP_NOUNS_TEXT.split())


def counts_focus(question: QuestionAnalysis, text: str) -> bool:
    """Does ``text`` count the thing a "how many" question asks about: a figure (not a year,
    not one the question states) followed within a few words by the counted noun ("12
    district, metropolitan and unitary councils", "13 people"), not "two groups of officers"?"""
    nouns = question.counted or question.focus
    if not nouns:
        return has_figure(text, ignore=question.numbers)
    focus = {stem(f) for f in nouns}
    people = any(f in _PEOPLE for f in nouns)
    # "How many staff work at the LGA?": councillors and members are not its staff
    people_stems = _STAFF_STEMS if any(f in _STAFF for f in nouns) else _PEOPLE_STEMS
    # the singular of a plural asked about, used as a modifier ("officer groups")
    singular = {f[:-1] for f in nouns if f.endswith("s") and not f.endswith("ss")}
    for match in _COUNTED.finditer(text):
        n = match.group("n").replace(",", "")
        if n in question.numbers or is_year(n):
            continue
        if n[0].isalpha() and n[0].isupper() and match.start() > 0:
            continue  # part of a name: "its One Council Transformation Programme"
        if match.group("rest").lstrip().startswith(","):
            continue  # "to arrange one, a council contacts...": a pronoun, counting nothing
        words = re.findall(r"[\w'-]+", match.group("rest"))
        share = [w.lower() for w in words[:3]] == ["per", "cent", "of"]
        if share:
            if question.taking_part:
                continue  # ...said something, not how many of them took part
            words = words[3:]  # "99 per cent of chief executives" answers how many of them...
        for k, word in enumerate(words):
            low = word.lower()
            if low in _BREAKS_NOUN_PHRASE:
                break
            if low in singular and n.lower() not in ("1", "one"):
                continue  # "two officer groups" counts groups, not officers
            if stem(low) in focus:
                return True
            if people and not share and stem(low) in people_stems:
                following = words[k + 1].lower() if k + 1 < len(words) else ""
                if following not in _GROUP_NOUNS:  # "two officer groups" counts no officers
                    return True  # (...and a share of councillors says nothing about peers)
    return False


# "How many people...": counted people go by many names in the documents.
_PEOPLE = frozenset(
    [
        "people",
        "persons",
        "participants",
        "attendees",
        "delegates",
        "members",
        "staff",
        "officers",
        "councillors",
        "employees",
        "individuals",
        "colleagues",
        "peers",
    ]
)
_PEOPLE_STEMS = frozenset(stem(w) for w in _PEOPLE)
_STAFF = frozenset(["staff", "employees", "workforce", "headcount"])
_STAFF_STEMS = frozenset(stem(w) for w in ["staff", "employees", "officers", "people"])


def _other_workforce(asked: str, question: QuestionAnalysis, text: str) -> bool:
    """For "how many staff ..." questions, is the count in ``text`` other people than those
    asked about: anyone in a sentence not about the LGA when the LGA's staff were asked about
    ("How many staff work in the LGA's transformation team?": "Tewkesbury Borough Council
    grew its ... team from 5 to 13 people"), or one team's size when a whole workforce was
    ("how many staff does Tewkesbury employ overall?")?"""
    counted = question.counted or question.focus
    if not any(f in _STAFF for f in counted) and not (
        any(f in ("people", "officers") for f in counted) and _WORKS_FOR.search(asked)
    ):
        return False
    if _LGA.search(asked):
        if not _LGA.search(text):
            return True  # "12 officers from 12 councils", "groups of six to 12 people"
        if _WORKS_FOR.search(asked) and _COUNCILS_PEOPLE.search(text):
            return True  # working at the LGA: "a network of 250 council officers" are not
    return (
        bool(_WHOLE_WORKFORCE.search(asked))
        and not _TEAM.search(asked)
        and bool(_TEAM.search(text))
    )


def _lga_post_asked(asked: str, role: str | None) -> bool:
    """Does the question ask who holds a post at the LGA itself ("Who is the LGA's head of
    transformation?", "the chief executive of the LGA"), not in a body the LGA runs ("Who
    chairs the LGA Transformation Network?")?"""
    if not role:
        return False
    post = re.escape(role.split()[0])
    return bool(
        re.search(rf"\bLGA['\u2019]s\s+(?:[a-z]+\s+){{0,2}}{post}", asked, re.I)
        or re.search(
            rf"\b{post}\b.{{0,40}}\b(?:at|of|for|in)\s+(?:the\s+)?(?:LGA|Local Government "
            r"Association)\s*[?.!]*\s*$",
            asked,
            re.I,
        )
    )


def _council_post(role: str | None, text: str) -> bool:
    """Does ``text`` give the post as one at a council ("Head of Transformation at
    Lincolnshire County Council", "Surrey County Council's Assistant Director")?"""
    if not role:
        return False
    post = re.escape(role.split()[0])
    council = _COUNCIL_NAME.pattern
    return bool(  # the post in any case, the council's name as written
        re.search(rf"\b(?i:{post})\b[\w\s,]{{0,40}}?\b(?:at|of)\s+{council}", text)
        or re.search(rf"{council}['\u2019]s\s+(?:[\w-]+\s+){{0,3}}(?i:{post})\b", text)
    )


_LGA = re.compile(r"\bLGA\b|\bLocal Government Association\b", re.I)
_COUNCILS_PEOPLE = re.compile(r"\bcouncil\s+(?:officers|staff)\b|\bcouncillors\b", re.I)
_WORKS_FOR = re.compile(r"\bwork(?:s|ing)?\s+(?:for|at|in)\b|\bemploy", re.I)
_WHOLE_WORKFORCE = re.compile(
    r"\b(?:employ(?:s|ed)?|workforce|overall|in total|altogether|headcount)\b", re.I
)
_TEAM = re.compile(r"\b(?:team|unit|network|group)s?\b", re.I)


_NAME_WORD = r"[A-Z][a-z]+(?:-(?:[a-z]+-)?[A-Z][a-z]+)*"  # "Newcastle-under-Lyme"
_NAME_PHRASE = re.compile(
    rf"\b(?:{_NAME_WORD}(?:\s+(?:and\s+)?{_NAME_WORD})+|[A-Z][a-z]+(?:-(?:[a-z]+-)?[A-Z][a-z]+)+)"
)


def _stemmed_words(text: str) -> list[str]:
    """``text``'s content words in order, stemmed, hyphenated ones split ("newcastle", "lyme")."""
    words = re.findall(r"[A-Za-z]+", text.lower())
    return [stem(w) for w in words if w not in STOPWORDS]


def holds_share(held: Iterable[float], total: Iterable[float], share: float) -> bool:
    """Is the sum of ``held`` at least ``share`` of the sum of ``total``? Summed in one order
    (sorted) with a little slack: float sums of three or more weights differ in the last bit
    with the order a set happens to iterate in, and with share 1.0 that had flipped "every
    name is here" from one run to the next."""
    return sum(sorted(held)) >= share * sum(sorted(total)) - 1e-9


def names_typed_lower(analysis: Analysis) -> frozenset[str]:
    """The names a question typed in lower case ("the lga transformation network"): the
    passages' capitalised names ("Transformation Network") whose words it uses in a row (a
    council's "Borough Council" may be left off: "newcastle under lyme")."""
    asked = " " + " ".join(_stemmed_words(analysis.question_text)) + " "
    found: set[str] = set()
    for cand in analysis.candidates:
        for match in _NAME_PHRASE.finditer(cand.sentence.text):
            run = _stemmed_words(match.group(0))
            while len(run) > 2 and run[-1] in GENERIC_NAME_WORDS:
                run = run[:-1]
            if len(run) >= 2 and f" {' '.join(run)} " in asked:
                found |= set(run)
        # A council named by one word ("the lincolnshire team"): the gazetteer's name for it.
        for mention in find_councils(cand.sentence.text):
            words = _stemmed_words(mention.surface)
            while len(words) > 1 and words[-1] in GENERIC_NAME_WORDS:
                words = words[:-1]
            if words and f" {' '.join(words)} " in asked:
                found |= set(words)
    return frozenset(found)


_FREE = re.compile(
    r"\b(?:free(?:\s+of\s+charge)?|fully\s+(?:subsidi[sz]ed|funded)|no\s+(?:cost|charge)|"
    r"at\s+no\s+(?:cost|charge))\b",
    re.I,
)
_NOT_A_RIVAL = frozenset(["lga", "the", "a", "an", "its", "our", "their", "this", "that"])


def namesake(names: Sequence[str], text: str) -> bool:
    """Does ``text`` name another thing of the kind asked about: a capitalised word or acronym
    before the asked name's last word that the name does not have ("AI network" for the
    "Transformation Network")?"""
    for name in names:
        words = name.split()
        head = words[-1].lower()
        if len(head) < 3:
            continue
        own = {w.lower() for w in words}
        for match in re.finditer(rf"\b([A-Z][\w'\u2019&-]*)\s+{re.escape(head)}\b", text, re.I):
            word = re.sub(r"['\u2019]s$", "", match.group(1))  # "the LGA's Improvement Board"
            if word[:1].isupper() and word.lower() not in own and word.lower() not in _NOT_A_RIVAL:
                return True
    return False


_PERCENT = re.compile(
    r"\d\s*(?:%|per\s*cent\b)|\b(?:all|none|half|most)\s+(?:of\s+)?(?:the\s+)?\w+\s+(?:that|who)\b",
    re.I,
)
_DURATION_GIVEN = re.compile(
    rf"\b(?:\d+|{NUMBER_WORD_PATTERN}|a|an|several|many)\s+(?:years?|months?|weeks?|days?)\b"
    r"|\b(?:since|between)\s+(?:\w+\s+)?(?:19|20)\d\d\b",
    re.I,
)
# Initials that stand for a person in minutes ("SA reported ..."): a named person there.
_ATTRIBUTED = re.compile(r"^[A-Z]{2,4}\s+(?:reported|said|introduced|presented|explained)\b")


# "Do you have a phone number or email for them?", "What are the library's opening hours?":
# contact details, which a document holds only now and then (a publisher's address block).
_ASKS_CONTACT = re.compile(
    r"\b(?P<phone>(?:phone|telephone|mobile)\s+(?:number|no\b)|e-?mail\s+address(?:es)?"
    # "what's their chief exec's email?" (not "draft an email to colleagues")
    r"|(?<=['\u2019]s\s)(?:[\w-]+\s+){0,2}?(?:e-?mail|phone|mobile)(?=\s*(?:[?:,.]|$|and\b|or\b))"
    r"|\b(?:their|his|her|its)\s+(?:[\w-]+\s+){0,2}?(?:e-?mail|phone|mobile)(?=\s*(?:[?:,.]|$|and\b|or\b)))"
    r"|\b(?P<hours>opening\s+(?:hours|times))\b"
    r"|\b(?P<address>postal\s+address|postcode|post\s+code"
    r"|(?<=where)\s+(?:is|are)\s+(?:the\s+)?[\w'\u2019 ]{1,40}?\s(?:office|offices|headquarters|HQ)"
    r"|(?<=where)\s+(?:is|are)\s+[\w'\u2019 ]{1,40}?\s(?:based|located))\b",
    re.I,
)
_GIVES_CONTACT = {
    "phone": re.compile(r"\b0\d{2,4}[\s\d]{6,}\d\b|[\w.+-]+@[\w-]+\.[\w.]+"),
    "hours": re.compile(r"\bopen(?:ing)?\s+(?:hours|times|from|between|daily)\b", re.I),
    "address": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),  # a UK postcode
}
_CONTACT_WHAT = {
    "phone": "contact details",
    "hours": "opening hours",
    "address": "that address",
}


def _contact_kind(match: re.Match[str]) -> str:
    return next(kind for kind in ("phone", "hours", "address") if match.group(kind))


# A line of an address block: short, no sentence of its own ("109 Borough High Street").
_BLOCK_LINE = re.compile(r"^(?:[^.!?]{1,60}|\S{1,60})$")  # or a web or email address


def contact_answer(
    question: str,
    hits: Sequence[Hit],
    document_chunks: Callable[[str], Sequence[Chunk]] | None = None,
) -> Draft | None:
    """For "do you have a phone number or email for them?", the contact block a retrieved
    document prints (a publisher's name, address, phone, web and email lines), cited, when the
    passages or their documents hold one; None otherwise (``missing_specific`` then says the
    sources don't give contact details)."""
    asked = _ASKS_CONTACT.search(question)
    if not asked or _contact_kind(asked) == "hours":
        return None
    pattern = _GIVES_CONTACT[_contact_kind(asked)]
    chunks = with_their_documents(hits, document_chunks)
    for chunk in chunks:
        lines = [line.strip() for line in chunk.text.splitlines() if line.strip()]
        found = [i for i, line in enumerate(lines) if pattern.search(line)]
        if not found:
            continue
        start = end = found[-1]
        while start > 0 and _BLOCK_LINE.match(lines[start - 1]) and end - start < 7:
            start -= 1
        while end + 1 < len(lines) and _BLOCK_LINE.match(lines[end + 1]) and end - start < 7:
            end += 1
        block = lines[start : end + 1]
        name = block[0].title() if block[0].isupper() else block[0]
        details = "; ".join(block[1:]) if len(block) > 1 else block[0]
        source = f"\u201c{chunk.title}\u201d" if chunk.title else "The document"
        text = f"{source} gives these contact details for {name}: {details} [1]."
        return Draft(text, (Citation(1, chunk, " ".join(block)),), False, None, 1.0)
    return None


# "What qualifications does Susan Attard have?", "Where did she work before?": a person's own
# details, which the sources give only now and then (their post, usually).
_PERSONAL_DETAIL = re.compile(
    r"\b(?P<detail>qualifications?|degrees?|educat\w+|universit\w+|age|born|birthday|"
    r"background|career|CV|(?:political\s+)?party|married|wife|husband|children|salary|"
    r"previous(?:ly)?\s+(?:jobs?|roles?|employers?|posts?)|work(?:ed)?\s+before)\b",
    re.I,
)
_ASKED_PERSON = re.compile(
    r"\b(?:(?:Cllr|Councillor|Dr|Mr|Mrs|Ms)\.?\s+)?(?P<first>[A-Z][a-z]+)\s+(?P<last>[A-Z][a-z]+)\b"
)
_DETAIL_SAID = re.compile(
    r"\b(?:qualifi\w+|degree|educat\w+|universit\w+|aged?|born|background|career|"
    r"Conservative|Labour|Liberal|Green\s+Party|Independent|party|married|salary|"
    r"previously|before\s+joining|formerly|former)\b",
    re.I,
)


_DETAIL_NOUNS = {
    "work": "previous jobs",
    "previous": "previous jobs",
    "born": "age",
    "birthday": "age",
    "married": "family",
    "wife": "family",
    "husband": "family",
    "children": "family",
    "educat": "education",
    "universit": "education",
    "degree": "qualifications",
    "qualification": "qualifications",
}


def personal_detail_missing(analysis: Analysis) -> str | None:
    """The refusal reason when the question asks a named person's own details
    (qualifications, age, party, career, salary) and no sentence about them gives any."""
    question = analysis.question_text
    asked = _PERSONAL_DETAIL.search(question)
    if not asked:
        return None
    people = [
        m for m in _ASKED_PERSON.finditer(question) if m.group("first").lower() not in STOPWORDS
    ]
    named = [
        m for m in people if any(m.group("last") in c.sentence.text for c in analysis.candidates)
    ]
    if not named:
        return None
    last = named[0].group("last")
    for cand in analysis.candidates:
        if last in cand.sentence.text and _DETAIL_SAID.search(cand.sentence.text):
            return None
    name = f"{named[0].group('first')} {last}"
    detail = asked.group("detail").lower()
    what = next((v for k, v in _DETAIL_NOUNS.items() if detail.startswith(k)), detail)
    return f"The sources I have don't give {name}'s {what}."


def missing_specific(
    analysis: Analysis, hits: Sequence[Hit], weights: AnsweringWeights = WEIGHTS
) -> str | None:
    """A refusal reason when the question asks for a figure, date, length of time or named
    post holder that no passage holds beside the thing asked about (rather than answering
    around it), else None."""
    detail = personal_detail_missing(analysis)
    if detail is not None:
        return detail
    contact = _ASKS_CONTACT.search(analysis.question_text)
    if contact and not any(
        _GIVES_CONTACT[_contact_kind(contact)].search(h.chunk.text) for h in hits
    ):
        return f"The sources I have don't give {_CONTACT_WHAT[_contact_kind(contact)]}."
    question = analysis.question
    person = question.type == "person" and question.named_person
    if question.type not in ("number", "date") and not person:
        return None
    if question.frequency or question.mode:
        return None
    names = analysis.question_names
    share = weights.answer_type.specific_name_share
    if not names:
        # Typed in lower case ("the lga transformation network"): the names are read off the
        # passages, and a sentence must use every word of them ("the LGA AI network" is no
        # "transformation network").
        names, share = names_typed_lower(analysis), 1.0
    weight = {n: analysis.question_terms.get(n, 1.0) for n in names}

    def about_asked(terms: frozenset[str] | set[str]) -> bool:
        # The names it shares with the question, weighted by rarity: "Transformation", in
        # nearly every passage, does not make a sentence about the board meeting asked about.
        return holds_share([weight[n] for n in names & terms], weight.values(), share)

    # Who presented it: minutes name the person in one sentence ("The Chair invited Susan
    # Attard (SA) ...") and what was asked about in others, so a person counts in a passage
    # about it.
    # A share of people works the same way: "... with 99 per cent of chief executives reporting
    # ..." in a passage about the programme asked about.
    passage_terms = _passage_terms(analysis) if person or question.share_of else {}
    lga_post = person and _lga_post_asked(analysis.question_text, question.role)
    for cand in analysis.candidates:
        text = cand.sentence.text
        if namesake(question.names, text):
            continue  # "the LGA AI network" when the "LGA Transformation Network" was asked about
        if lga_post and _council_post(question.role, text):
            continue  # "the LGA's head of transformation": not a council's Head of Transformation
        shared = question.share_of is not None and _mentions_share(question.share_of, cand)
        topical = (person or shared) and bool(names) and about_asked(passage_terms[cand.hit_index])
        if names and not topical and not about_asked(cand.terms):
            sentences = analysis.all_sentences[cand.hit_index]
            before = sentences[cand.sentence.index - 1].text if cand.sentence.index > 0 else ""
            if not (dangling_subject(text) and about_asked(cand.terms | content_terms(before))):
                continue  # about something else than the council / programme asked about
        if person:
            named = has_person(text) or _ATTRIBUTED.match(text) or ATTRIBUTION_LINE.match(text)
            # "Who is the LGA's chief executive?": a person in that post, not any person
            if (
                named
                # the post asked about, when one is, in the sentence or its passage ("Who is
                # the leader of Stockport council?" is not answered by any person named in a
                # passage about Stockport; a quotation's speaker is given the post nearby)
                and (
                    not question.role
                    or _mentions_post(question.role, text)
                    or (names and _post_in_passage(analysis, question.role, cand.hit_index))
                )
                and (
                    not (
                        _WHO_DID.search(analysis.question_text)
                        or _FUTURE_ASKED.search(analysis.question_text)
                    )
                    or _gives_event(analysis.question_text, text)
                )
            ):
                return None
        elif question.type == "number":
            if question.percentage:
                if _PERCENT.search(text) and (not question.share_of or shared):
                    return None
            elif question.money:
                if (
                    has_money(text)
                    and focus_near(question, cand)
                    and _measure_named(analysis, cand)
                ):
                    return None
                if free_of_charge(question, cand, named=bool(names)):
                    return None
            elif question.measure:  # "the population of Luton": that word and a figure
                # ...and the words that qualify it: a "daily rate" is not "rate their maturity"
                measured = {stem(f) for f in question.focus} | {stem(question.measure)}
                if measured <= cand.terms and has_figure(text, ignore=question.numbers):
                    return None
            elif counts_focus(question, text) and not _other_workforce(
                analysis.question_text, question, text
            ):
                return None
        elif question.duration:
            if _DURATION_GIVEN.search(text):
                return None
        elif question.clock:
            if _CLOCK_TIME.search(text):
                return None
        elif (
            has_full_date(text) if question.exact_date else has_calendar_date(text)
        ) and _gives_event(analysis.question_text, text):
            return None
    what = {
        "number": "that figure" if not question.money else "that amount",
        "date": "that time"
        if question.clock
        else ("that date" if not question.duration else "how long it took"),
        "person": "their name",
    }[question.type]
    return f"The sources I have don't give {what}.{related_material(hits)}"


def asked_lead(
    analysis: Analysis,
    order: Sequence[int],
    base: np.ndarray,
    first: int,
    can_show: Callable[[int], bool],
    w: SelectionWeights,
) -> int | None:
    """For a date or number question whose best sentence does not give what was asked,
    the best sentence that does, when it scores within ``asked_lead_gap`` of it and covers
    ``asked_lead_coverage`` of the question words the best one covers (the same subject, not
    another programme's year): the answer leads with the date or the figure ("When is
    the showcase?" -> "... the showcase event on 14 November ..."). None otherwise."""
    question = analysis.question
    # Not "who": a capitalised phrase reads as a person too easily ("Levelling Up, Housing"),
    # and post_holder already leads with the holder of a post asked about.
    if question.type not in ("date", "number"):
        return None
    terms = analysis.question_terms

    def covers(cand: Candidate) -> float:
        return coverage(cand.terms & set(terms), terms)

    # ...about what the best sentence is about (which never stops the best one giving it)
    about = w.asked_lead_coverage * covers(analysis.candidates[first])
    return _lead_saying(
        lambda c: gives_asked(question, c) and covers(c) >= about,
        analysis,
        order,
        base,
        first,
        can_show,
        w.asked_lead_gap,
    )


def _lead_saying(
    says: Callable[[Candidate], bool],
    analysis: Analysis,
    order: Sequence[int],
    base: np.ndarray,
    first: int,
    can_show: Callable[[int], bool],
    gap: float,
) -> int | None:
    """The best sentence that ``says`` what the question is about, when the best sentence
    overall does not and it scores within ``gap`` of it; None otherwise."""
    if says(analysis.candidates[first]):
        return None
    for i in order:
        if base[i] < base[first] - gap:
            return None
        if can_show(i) and says(analysis.candidates[i]):
            return i
    return None


def topic_lead(
    analysis: Analysis,
    order: Sequence[int],
    base: np.ndarray,
    first: int,
    can_show: Callable[[int], bool],
    w: SelectionWeights,
) -> int | None:
    """The sentence an answer leads with when the question is about one thing its best
    sentence overall only stands near (each within its own gap of that sentence):

    - a term put in quotes ("What's a 'super-user' in TIEx?"): a sentence using the term,
      not one about the tool around it (not for advice quoting a phrase: "staff switch off
      at 'operating model'" asks how to win them round);
    - one councillor role ("What does good scrutiny look like?", "I sit on scrutiny: what
      should I do?"): the sentence saying what councillors in that role do;
    - being ready for a change ("how do we know if we're ready?", advice): the readiness
      check.
    """
    question = analysis.question
    args = (analysis, order, base, first, can_show)
    if question.quoted and question.type in ("definition", "description"):
        found = _lead_saying(
            lambda c: any(_said(term, c.sentence.text) for term in question.quoted),
            *args,
            w.quoted_lead_gap,
        )
        if found is not None:
            return found
    role = question.asker_role
    if role and question.type in ("description", "advice", "definition"):
        found = _lead_saying(
            lambda c: _describes_role(role, c.sentence.text), *args, w.topic_lead_gap
        )
        if found is not None:
            return found
    if question.readiness and question.type == "advice":
        return _lead_saying(
            lambda c: _READINESS_CHECK.search(c.sentence.text) is not None,
            *args,
            w.topic_lead_gap,
        )
    return None


# What a council checks before a change: "a readiness check", "as a readiness checklist".
_READINESS_CHECK = re.compile(
    r"\breadiness\s+(?:check|checklist|assessment)s?\b|\bchecklist\s+of\s+\w+\s+conditions\b", re.I
)


def post_holder(analysis: Analysis, order: Sequence[int]) -> int | None:
    """For a question asking who holds a post ("which minister", "who chaired it"), the best
    candidate naming a person in that post (a sentence or a quotation's attribution line);
    None for other questions or when no candidate does."""
    role = analysis.question.role
    if analysis.question.type != "person" or not role:
        return None
    for i in order:
        text = analysis.candidates[i].sentence.text
        named = has_person(text) or ATTRIBUTION_LINE.match(text) is not None
        if named and _mentions_post(role, text):
            return i
    return None


# A post a person holds ("chairman of the board", "Head of Productivity"), not the "Cllr" or
# "Councillor" any elected member carries.
_POST = re.compile(
    r"\b(?:head|director|chair(?:man|woman|person)?|vice[- ]chair|chief|leader|minister|manager|"
    r"secretary|adviser|advisor|president|mayor|executive)\b",
    re.I,
)


# A line naming who holds a post ("Vice chair: A B, Director of ..."; "Present: ...").
_POST_LINE = re.compile(
    r"^(?:(?:vice|deputy|co)[- ]?)?(?:chair(?:man|woman|person)?|head|director|lead|leads|"
    r"secretary|president|treasurer|members?|present|attendees|apologies|officers?|"
    r"speakers?|presenters?|facilitators?)\s*:",
    re.I,
)


def _mentions_post(role: str, text: str) -> bool:
    """Does ``text`` name the post asked about ("minister" in "Minister for Local Government";
    "vice chair" by its first word)?"""
    return re.search(rf"\b{re.escape(role.split()[0])}", text, re.I) is not None


def _post_in_passage(analysis: Analysis, role: str, hit_index: int) -> bool:
    """Does any sentence of passage ``hit_index`` name the post ``role``?"""
    return any(_mentions_post(role, s.text) for s in analysis.all_sentences[hit_index])


def _passage_terms(analysis: Analysis) -> dict[int, frozenset[str]]:
    """Hit index -> the content terms of all its candidate sentences (what the passage is
    about, when one sentence names a person and another the thing asked)."""
    out: dict[int, frozenset[str]] = {}
    for cand in analysis.candidates:
        out[cand.hit_index] = out.get(cand.hit_index, frozenset()) | cand.terms
    return out


def select_sentences(
    analysis: Analysis, *, audience: Audience, budget: int, weights: AnsweringWeights = WEIGHTS
) -> list[int]:
    """Indices of the candidates to use, best first (MMR with question-term coverage).

    Each step takes the candidate with the best relevance + new coverage of the question's
    content words - redundancy with what is already chosen, among those that fit the word
    budget and are not much weaker than the first choice. A sentence whose subject leans on
    the one before it ("It...", "The council...") comes with that sentence or not at all.
    """
    w = weights.selection
    n = len(analysis.candidates)
    if n == 0:
        return []
    base = base_scores(analysis, audience, weights)
    term_weights = analysis.question_terms
    q_terms = set(term_weights)
    position = {(c.hit_index, c.sentence.index): i for i, c in enumerate(analysis.candidates)}

    def antecedent(i: int) -> int | None:
        """The candidate a dangling sentence needs before it (None: it needs none; -1: it
        needs one that cannot be shown). "The council..." may stand alone at a passage's
        start (the passage names it); "It..." never does."""
        cand = analysis.candidates[i]
        kind = dangling_subject(cand.sentence.text)
        if kind is None:
            return None
        found = position.get((cand.hit_index, cand.sentence.index - 1))
        if found is not None:
            return found
        return -1 if kind == "pronoun" else None

    # "This could include ..." right after a sentence: as relevant as what it spells out,
    # once that sentence is shown (its own words seldom match the question's).
    spelled_out = {
        i: before
        for i, cand in enumerate(analysis.candidates)
        if elaborates(cand.sentence.text)
        and (before := position.get((cand.hit_index, cand.sentence.index - 1))) is not None
    }

    def relevance(i: int) -> float:
        before = spelled_out.get(i)
        if before is None or before not in chosen:
            return float(base[i])
        return max(float(base[i]), w.elaboration * float(base[before]))

    order = [int(i) for i in np.argsort(-base)]
    first = next((i for i in order if antecedent(i) != -1), order[0])
    holder = post_holder(analysis, order)
    if holder is not None and base[holder] >= w.floor_ratio * base[first]:
        first = holder  # "which minister backed it?": the minister leads, not the topic
    spoken = spoken_answers(analysis)
    speaks = next((i for i in order if i in spoken and antecedent(i) != -1), None)
    if speaks is not None and base[speaks] >= w.floor_ratio * base[first]:
        first = speaks  # "what did she add about members?": what she added leads
    asked = asked_lead(analysis, order, base, first, lambda i: antecedent(i) != -1, w)
    if asked is not None:
        first = asked
    topical = topic_lead(analysis, order, base, first, lambda i: antecedent(i) != -1, w)
    if topical is not None:
        first = topical
    # Advice, comparisons and "which council has done X?": several sentences answer together
    # (a peer's other practices, not only the one sentence matching the question best).
    several = analysis.question.type in ("advice", "comparison", "organisation")
    several = several or analysis.question.offer  # an LGA offer: what it is, funds, is for
    gap = w.floor_gap_advice if several else w.floor_gap
    floor = max(w.floor_ratio * float(base[first]), float(base[first]) - gap)
    # A question asking two things: the best sentence for each part may stand below the floor.
    answers_part = part_answers(analysis, base, weights)
    before = antecedent(first)
    said = analysis.speakers.get(first) if analysis.question.said_by else None
    if said is not None and said != first and analysis.candidates[said].sentence.text.endswith(":"):
        before = said  # "What did the chair say?" answered by a quotation: who said it first
    chosen = [before, first] if before is not None and before >= 0 else [first]
    words = sum(analysis.candidates[i].sentence.words for i in chosen)
    covered = {t for i in chosen for t in analysis.candidates[i].terms & q_terms}
    limit = int(budget * w.overshoot)
    documents = {analysis.candidates[i].document_id for i in chosen}
    lead = analysis.candidates[first]

    def same_section(cand: Candidate) -> bool:
        """Advice led by a suggested approach: another suggestion of the same section."""
        return (
            analysis.question.type == "advice"
            and lead.role in ("suggestion", "action")
            and cand.role == "suggestion"
            and cand.document_id == lead.document_id
            and bool(cand.headings & lead.headings)
        )

    while words < budget * w.fill:
        best, best_score = -1, -1e9
        chosen_vecs = analysis.vectors[chosen]
        redundancy = (analysis.vectors @ chosen_vecs.T).max(axis=1)
        for i in range(n):
            if i in chosen:
                continue
            needs = antecedent(i)
            # A dangling sentence's penalty is given back once its antecedent is shown.
            given_back = weights.answer_type.unresolved_reference if needs in chosen else 0.0
            if relevance(i) + given_back < floor and i not in answers_part:
                continue
            cand = analysis.candidates[i]
            extra = LEAD_IN_WORDS if cand.document_id not in documents else 0
            if needs is not None and needs not in chosen:
                if needs < 0:
                    continue  # its antecedent cannot be shown: it would dangle
                extra += analysis.candidates[needs].sentence.words
            if words + cand.sentence.words + extra > limit or redundancy[i] > w.max_redundancy:
                continue
            new = coverage((cand.terms & q_terms) - covered, term_weights)
            score = (
                relevance(i)
                + w.coverage_gain * new
                - w.redundancy * max(0.0, float(redundancy[i]) - w.redundancy_free)
            )
            score += given_back
            if same_section(cand):
                score += w.advice_section  # the rest of the suggestions the lead comes from
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        needs = antecedent(best)
        if needs is not None and needs >= 0 and needs not in chosen:
            chosen.append(needs)
            words += analysis.candidates[needs].sentence.words
            covered |= analysis.candidates[needs].terms & q_terms
        chosen.append(best)
        words += analysis.candidates[best].sentence.words
        covered |= analysis.candidates[best].terms & q_terms
        if analysis.candidates[best].document_id not in documents:
            # A second source adds a lead-in naming each source ("X (2025) suggests:").
            words += LEAD_IN_WORDS * (2 if len(documents) == 1 else 1)
            documents.add(analysis.candidates[best].document_id)
    # early in the order of picks: a word cap later drops the last picks first
    chosen[2:2] = _roles_compared(analysis, chosen, order, lambda i: antecedent(i) is None)
    return primary_twins(analysis, chosen, base, lambda i: antecedent(i) is None, w)


def _roles_compared(
    analysis: Analysis, chosen: Sequence[int], order: Sequence[int], stands: Callable[[int], bool]
) -> list[int]:
    """ "What's the difference between cabinet's role and scrutiny's?": for each councillor
    role compared that no chosen sentence describes, the best sentence that does (over the
    word budget: a comparison with one side missing answers half the question)."""
    added: list[int] = []
    for role in analysis.question.roles:
        picked = [*chosen, *added]
        if any(_describes_role(role, analysis.candidates[i].sentence.text) for i in picked):
            continue
        best = next(
            (
                i
                for i in order
                if i not in picked
                and stands(i)
                and _describes_role(role, analysis.candidates[i].sentence.text)
            ),
            None,
        )
        if best is not None:
            added.append(best)
    return added


# Name words every LGA sentence may or may not carry ("the LGA Transformation Network").
_SHARED_NAME_WORDS = GENERIC_NAME_WORDS | {"lga", "transformation"}


def _name_words(text: str) -> set[str]:
    """The words of ``text`` written as names (capitalised after its first word), lower-cased,
    less the words names in this domain share ("Council", "Network", "LGA")."""
    words = re.findall(r"[A-Za-z]+", text)
    return {w.lower() for w in words[1:] if w[0].isupper()} - _SHARED_NAME_WORDS


def primary_twins(
    analysis: Analysis,
    chosen: list[int],
    base: np.ndarray,
    stands_alone: Callable[[int], bool],
    w: SelectionWeights,
) -> list[int]:
    """``chosen`` with each catalogue sentence replaced by a primary document's sentence that
    says the same (cosine >= ``primary_twin_cosine``, ``primary_twin_terms`` of its words),
    nearly as relevant, holding every figure and name and most of the question's words the
    catalogue sentence had: the LGA's own document is cited, not our paraphrase of it. When
    that sentence is in the answer already, the paraphrase goes (and the primary sentence
    takes its place if it stood later)."""
    primary = hits_primary(analysis)
    if primary.all() or not primary.any():
        return chosen
    weights_of = analysis.question_terms
    q_terms = set(weights_of)
    out = list(chosen)
    said_twice: list[int] = []
    for k, i in enumerate(out):
        cand = analysis.candidates[i]
        if not cand.catalogue:
            continue
        sims = analysis.vectors @ analysis.vectors[i]
        figures = set(figures_in(cand.sentence.text))
        asked = cand.terms & q_terms
        held = coverage(asked, weights_of)
        for j in (int(j) for j in np.argsort(-sims)):
            if sims[j] < w.primary_twin_cosine:
                break
            twin = analysis.candidates[j]
            if (
                primary[j]
                and (j in out or (base[j] >= base[i] - w.primary_twin_gap and stands_alone(j)))
                and figures <= set(figures_in(twin.sentence.text))
                and coverage(twin.terms & asked, weights_of) >= w.primary_twin_asked * held
                and len(cand.terms & twin.terms) >= w.primary_twin_terms * len(cand.terms)
                and _name_words(cand.sentence.text) <= _name_words(twin.sentence.text)
            ):
                if j in out and out.index(j) < k:
                    said_twice.append(k)  # the primary sentence is shown before it
                elif j in out:  # ...or after it: it moves up to its place
                    said_twice.append(out.index(j))
                    out[k] = j
                else:
                    out[k] = j
                break
    return [i for pos, i in enumerate(out) if pos not in said_twice]


_POST_ASKED = re.compile(
    r"\b(chair|leader|minister|director|head|chief\s+executive)(?:man|woman|person|s)?\b", re.I
)


def _holds_post(post: str, text: str) -> bool:
    """Does ``text`` give someone the post as a title ("X, Chairman of ...", "chair of the
    board"), not only mention it ("The Chair invited X ...")?"""
    title = rf"{post}(?:man|woman|person)?"
    return re.search(rf",\s+(?:the\s+)?{title}\b|\b{title}\s+of\b", text, re.I) is not None


def part_answers(
    analysis: Analysis, base: np.ndarray, weights: AnsweringWeights = WEIGHTS
) -> set[int]:
    """For a question asking several things, the candidate that best covers each part's own
    content words (at least ``part_coverage`` of them, weighted), best relevance first."""
    out: set[int] = set()
    term_weights = analysis.question_terms
    # "Who chaired it then, and was it the same person when X launched?": a person sentence
    # of the passage about X answers the second part, though only its passage names X.
    by_person = analysis.question.type == "person"
    passage_terms = _passage_terms(analysis) if by_person else {}
    for part in analysis.question.parts:
        terms = content_terms(expand_query(part)) & set(term_weights)  # "cabinet": leadership
        if not terms:
            continue
        part_weights = {t: term_weights[t] for t in terms}
        best, best_key = -1, (0.0, 0.0, 0.0, 0.0)
        post = _POST_ASKED.search(part) if by_person else None
        for i, cand in enumerate(analysis.candidates):
            covered = coverage(cand.terms & terms, part_weights)
            names, holder = 0.0, 0.0
            if by_person:
                text = cand.sentence.text
                names = float(has_person(text))
                # "Cllr Abi Brown, Chairman of ...": the holder of the post asked about comes
                # before a better-covering passage's other person ("The Chair invited X").
                holder = float(bool(names and post and _holds_post(post.group(1), text)))
                covered = max(
                    covered, coverage(passage_terms[cand.hit_index] & terms, part_weights)
                )
            key = (holder, round(covered, 2), names, float(base[i]))
            if covered >= weights.selection.part_coverage and key > best_key:
                best, best_key = i, key
        if best >= 0:
            out.add(best)
    return out


def quote_for(chunk: Chunk, sentences: Sequence[Sentence], max_chars: int = 2400) -> str:
    """The verbatim span of ``chunk`` covering ``sentences`` (so every sentence citing it is
    inside its quote), or the first of them if the span is unusually long."""
    ordered = sorted(sentences, key=lambda s: s.start)
    span = normalise_whitespace(chunk.text[ordered[0].start : ordered[-1].end])
    if len(span) <= max_chars:
        return span
    return sentences[0].quote


def readable(sentence: Sentence, *, follows_previous: bool = False) -> str:
    """The sentence as shown: a dangling connective ("For example, ...") dropped when the
    sentence it connected to is not shown, unbalanced quote marks removed, a full stop added."""
    text = sentence.text
    said = _SAID.match(text)
    if said:  # "Cllr A B, Chair of the Board, said:" introduces a quote: state who they are
        return f"{said.group('who')} is {said.group('role')}."
    if follows_previous and ATTRIBUTION_LINE.match(text):
        return f"\u2014 {text}."  # under the quotation it closes: who said it
    if not follows_previous:
        stripped = _LEADING_CONNECTIVE.sub("", text)
        if stripped != text:
            text = stripped[:1].upper() + stripped[1:]
    for opening, closing in (("\u201c", "\u201d"), ("\u2018", "\u2019")):
        if text.count(opening) > text.count(closing) and text.startswith(opening):
            text = text[1:]
        if text.count(closing) > text.count(opening) and text.rstrip(".").endswith(closing):
            text = text.replace(closing, "", 1) if text.endswith(closing) else text
    if text.count('"') % 2 == 1:
        text = text.replace('"', "", 1) if text.startswith('"') else text
    return with_stop(text)


# "A few years ago, the council embarked on ...": the subject of a case the document tells
# without naming the council (the action learning document anonymises its cases).
_THE_COUNCIL = re.compile(
    rf"^(?P<pre>(?:{FRONTED_PHRASE})?)(?P<the>[Tt]he) council(?=\s+[a-z])(?!\s+of\b)"
)


def name_anonymous_council(text: str, chunk: Chunk, start: int) -> str:
    """ "The council ..." as "One council ..." when neither the passage up to the sentence nor
    its title or headings names a council: shown on its own, "the council" would read as the
    reader's own council, or as one the answer never named."""
    found = _THE_COUNCIL.match(text)
    if found is None:
        return text
    named = " ".join([chunk.title, *chunk.heading_path, chunk.text[:start]])
    if _COUNCIL_NAME.search(named):
        return text
    one = "One" if found["the"] == "The" else "one"
    return f"{found['pre']}{one} council{text[found.end() :]}"


def compose(
    picks: Sequence[Candidate],
    hits: Sequence[Hit],
    *,
    max_chars: int = 2400,
    people: dict[str, Person] | None = None,
) -> tuple[str, tuple[Citation, ...]]:
    """Order the picked sentences into one paragraph per document and number their citations.

    Documents appear in the order their first sentence was picked (so the most direct answer
    leads); within a document sentences keep document order, the first pick first. When the
    answer draws on more than one document, each paragraph opens by naming its source ("The
    action learning document (2025) suggests: ..."). Citations are numbered 1..n by first
    appearance; each passage has one number.
    """
    groups: dict[str, list[Candidate]] = {}
    for pick in picks:
        groups.setdefault(hits[pick.hit_index].chunk.document_id, []).append(pick)
    numbers: dict[int, int] = {}
    passage = passage_keys(hits, {c.hit_index for c in picks})
    paragraphs = []
    spelled: set[str] = set()  # initials already spelled out ("Susan Attard (SA)")
    for members in groups.values():
        lead = members[0]
        members = sorted(
            members, key=lambda c: (hits[c.hit_index].chunk.position, c.sentence.index)
        )
        if members[0] is not lead and not points_back(lead.sentence.text):
            # The most direct answer first (with the sentences that spell it out, or the
            # quotation a "said:" line introduces), the rest in document order.
            moved = [lead]
            introduces = lead.sentence.text.endswith(":")  # "X, Chair of Y, said:" + quotation
            for c in members[members.index(lead) + 1 :]:
                last = moved[-1]
                if not (
                    c.hit_index == last.hit_index
                    and c.sentence.index == last.sentence.index + 1
                    and (introduces or elaborates(c.sentence.text))
                ):
                    break
                moved.append(c)
            members = moved + [c for c in members if c not in moved]
        shown = {(c.hit_index, c.sentence.index) for c in members}
        sentences = []
        for c in members:
            n = numbers.setdefault(passage[c.hit_index], len(numbers) + 1)
            follows = (c.hit_index, c.sentence.index - 1) in shown
            text = expand_initials(
                readable(c.sentence, follows_previous=follows), people or {}, spelled
            )
            if not follows:
                text = name_anonymous_council(text, hits[c.hit_index].chunk, c.sentence.start)
            sentences.append(with_marker(text, n))
        paragraph = " ".join(sentences)
        if len(groups) > 1:  # a line naming the source, then what it says
            paragraph = f"{source_lead_in(hits[lead.hit_index].chunk, members)}\n\n{paragraph}"
        paragraphs.append(paragraph)
    citations = []
    for key, n in numbers.items():
        in_passage = [i for i in dict.fromkeys(c.hit_index for c in picks) if passage[i] == key]
        quotes: list[str] = []
        for i in sorted(in_passage, key=lambda i: hits[i].chunk.position):
            best_first = [c.sentence for c in picks if c.hit_index == i]
            quote = quote_for(hits[i].chunk, best_first, max_chars)
            if quote not in " ".join(quotes):
                quotes.append(quote)
        chunk = hits[min(in_passage, key=lambda i: hits[i].chunk.position)].chunk
        citations.append(Citation(n=n, chunk=chunk, quote=QUOTE_GAP.join(quotes)))
    return "\n\n".join(paragraphs), tuple(citations)


def passage_keys(hits: Sequence[Hit], used: set[int]) -> dict[int, int]:
    """Hit index -> the hit index whose citation number it shares: adjacent chunks of one
    section of one document are one passage to a reader, so they get one number."""
    keys: dict[int, int] = {}
    for i in sorted(used, key=lambda i: (hits[i].chunk.document_id, hits[i].chunk.position)):
        chunk = hits[i].chunk
        keys[i] = i
        for j, key in keys.items():
            other = hits[j].chunk
            if (
                j != i
                and other.document_id == chunk.document_id
                and other.heading_path == chunk.heading_path
                and abs(other.position - chunk.position) == 1
            ):
                keys[i] = key
                break
    return keys


def source_lead_in(chunk: Chunk, members: Sequence[Candidate]) -> str:
    """ "<Source> suggests:" for suggested approaches, "<Source>:" otherwise."""
    label = source_label(chunk)
    suggesting = sum(c.role in ("suggestion", "action") for c in members)
    if suggesting * 2 > len(members):
        return f"{label} suggests:"
    return f"{label} says:"


def best_list(
    analysis: Analysis, hits: Sequence[Hit], weights: AnsweringWeights = WEIGHTS
) -> tuple[ListBlock, int] | None:
    """The list in the top passages that best answers a list question, with its hit index.
    When none of the top four holds one and the question asks what to ask, a list of questions
    from a later passage is taken (the asker's context words seldom rank it high). A passage
    ``with_primary_lists`` added counts at the rank of the hit it follows."""
    ranks = analysis.ranks if len(analysis.ranks) == len(hits) else range(len(hits))
    top = [i for i, rank in enumerate(ranks) if rank < 4]
    found = _best_list(analysis, hits, top, weights)
    if found is None and analysis.question.what_to_ask:
        found = _best_list(analysis, hits, [i for i in range(len(hits)) if i not in top], weights)
    if found is not None and is_catalogue(hits[found[1]].chunk):
        # Our catalogue's retelling of a list the LGA's own document holds gives way to it.
        return _primary_twin_list(analysis, hits, found[0]) or found
    return found


def with_primary_lists(
    question: QuestionAnalysis,
    hits: Sequence[Hit],
    document_chunks: Callable[[str], Sequence[Chunk]] | None,
) -> list[Hit]:
    """For a list question ("what are the eight themes?"), ``hits`` with the passage of each
    primary document among them that holds the list asked for (the list's own lead names the
    items, and it has as many as asked), put after that document's first hit when retrieval
    missed it: the LGA's own list, not only our catalogue's retelling of it."""
    if question.type != "list" or not question.listed or document_chunks is None:
        return list(hits)
    have = {hit.chunk.id for hit in hits}
    extra: dict[int, list[Hit]] = {}
    documents: set[str] = set()
    for rank, hit in enumerate(hits):
        document = hit.chunk.document_id
        if is_catalogue(hit.chunk) or document in documents:
            continue
        documents.add(document)
        for chunk in document_chunks(document):
            heading = chunk.heading_path[-1] if chunk.heading_path else ""
            if chunk.id in have or not any(
                _names_listed(question.listed, block.lead)
                and question.expected_count in (None, len(block.items))
                for block in list_blocks(chunk.text, heading=heading)
            ):
                continue
            extra[rank] = [replace(hit, chunk=chunk)]
            have.add(chunk.id)
            break
    return _after_their_hits(hits, extra)


def _after_their_hits(hits: Sequence[Hit], extra: dict[int, list[Hit]]) -> list[Hit]:
    """``hits`` with each ``extra[rank]`` put right after the hit at that rank."""
    out: list[Hit] = []
    for rank, hit in enumerate(hits):
        out.append(hit)
        out.extend(extra.get(rank, []))
    return out


def with_person_passages(
    question: QuestionAnalysis,
    hits: Sequence[Hit],
    document_chunks: Callable[[str], Sequence[Chunk]] | None,
    limit: int = 2,
) -> list[Hit]:
    """For a question naming a person a retrieved document defines by initials ("Susan
    Attard (SA)"), ``hits`` with up to ``limit`` more passages of that document where the
    person speaks ("SA thanked members and added three points ..."), put after its first hit:
    minutes name a speaker once and go on with the initials, passages later."""
    if document_chunks is None or not question.names:
        return list(hits)
    have = {hit.chunk.id for hit in hits}
    extra: dict[int, list[Hit]] = {}
    for rank, hit in enumerate(hits[:4]):
        people = defined_initials(hit.chunk.text)
        asked = [abbr for abbr, p in people.items() if any(p.name in n for n in question.names)]
        if not asked:
            continue
        speaks = re.compile(rf"\b(?:{'|'.join(map(re.escape, asked))})\b")
        for chunk in document_chunks(hit.chunk.document_id):
            if chunk.id not in have and speaks.search(chunk.text):
                extra.setdefault(rank, []).append(replace(hit, chunk=chunk))
                have.add(chunk.id)
                if len(extra[rank]) >= limit:
                    break
    return _after_their_hits(hits, extra)


def _best_list(
    analysis: Analysis, hits: Sequence[Hit], indices: Sequence[int], weights: AnsweringWeights
) -> tuple[ListBlock, int] | None:
    w = weights.answer_type
    expected = analysis.question.expected_count
    # "What are the four focus areas in Sheffield's operating model?": a list from a passage
    # about another council (or none) is not Sheffield's, however well its count fits.
    asked_councils = {m.council.name for m in find_councils(analysis.question_text)}
    best: tuple[float, ListBlock, int] | None = None
    for index in indices:
        hit = hits[index]
        if asked_councils and not asked_councils & _councils_of(hit.chunk):
            continue
        heading = hit.chunk.heading_path[-1] if hit.chunk.heading_path else ""
        # Steps under a heading ("How a council runs TIEx") are longer lines than topics are.
        headed = PROCESS_STEP_WORDS if analysis.question.process else HEADED_ITEM_WORDS
        for block in list_blocks(hit.chunk.text, heading=heading, headed_item_words=headed):
            if re.match(
                r"^\s*(?:useful links|related|resources from|outputs from)", block.lead, re.I
            ):
                continue
            listed = analysis.question.listed
            if listed and not _introduces(listed, hit.chunk.text, block, heading):
                continue  # a list of something else than the topics / themes asked for
            # Questions to ask: a list of questions ("Members' comments and questions" is not)
            # matches by what it is; the asker's context ("a business case is coming to cabinet
            # next month") seldom shares its words.
            asks = analysis.question.what_to_ask and listed == "questions"
            if asks and 2 * sum(i.rstrip().endswith("?") for i in block.items) < len(block.items):
                continue
            terms = content_terms(" ".join([block.lead, *hit.chunk.heading_path, *block.items]))
            score = coverage(frozenset(terms), analysis.question_terms)
            if expected is not None and len(block.items) != expected:
                continue  # "the two groups" are not a list of three
            if expected is not None:
                score += w.list_count_match
            if score < w.list_min_coverage and not asks:
                continue  # not the list asked for
            score -= 0.03 * index  # among those that are, retrieval rank still counts...
            if is_catalogue(hit.chunk):
                score -= w.catalogue_echo  # ...and the LGA's own document's list comes first
            if best is None or score > best[0]:
                best = (score, block, index)
    return (best[1], best[2]) if best else None


def _councils_of(chunk: Chunk) -> set[str]:
    """The councils a passage is about: its tags, and those its title, headings or text name."""
    text = " ".join([chunk.title, *chunk.heading_path, chunk.text])
    return set(chunk.councils) | {m.council.name for m in find_councils(text)}


def _names_listed(listed: str, lead: str) -> bool:
    """Does a list's own lead name what the question lists, in its word ("... the themes
    discussed. These are:")? Stricter than ``_introduces``, which also reads the heading, the
    line before and near words ("groups" / "network"): a passage fetched from elsewhere in a
    document must say itself what its list is."""
    return stem(listed) in {stem(w) for w in re.findall(r"[a-z]+", lead.lower())}


def _primary_twin_list(
    analysis: Analysis, hits: Sequence[Hit], ours: ListBlock
) -> tuple[ListBlock, int] | None:
    """A primary document's list among ``hits`` that holds our catalogue list's items, item
    for item, and is introduced as what the question lists."""
    listed = analysis.question.listed
    for index, hit in enumerate(hits):
        if is_catalogue(hit.chunk):
            continue
        heading = hit.chunk.heading_path[-1] if hit.chunk.heading_path else ""
        for block in list_blocks(hit.chunk.text, heading=heading):
            if _same_list(ours, block) and (
                not listed or _introduces(listed, hit.chunk.text, block, heading)
            ):
                return block, index
    return None


def _same_list(ours: ListBlock, theirs: ListBlock) -> bool:
    """Do two lists hold the same items in the same order (as many, and most items sharing
    a content word with their counterpart)?"""
    if len(ours.items) != len(theirs.items):
        return False
    shared = sum(
        bool(content_terms(a) & content_terms(b))
        for a, b in zip(ours.items, theirs.items, strict=True)
    )
    return 2 * shared > len(ours.items)


PROCESS_STEP_WORDS = 30  # a step of a procedure under its heading: a line this short

# Words a list's lead may use for what the question calls its items.
_LIST_SYNONYMS = {
    "topics": ("topic", "theme", "subject", "issue", "area"),
    "themes": ("theme", "topic", "area", "strand"),
    "areas": ("area", "theme", "domain", "topic"),
    "headings": ("heading", "area", "theme", "domain", "topic"),
    "strands": ("strand", "area", "theme", "workstream", "pillar"),
    "pillars": ("pillar", "area", "theme", "strand", "workstream"),
    "groups": ("group", "network"),
    "subjects": ("subject", "topic", "theme", "issue", "area"),
    # "What kind of things does it look at?": any of the usual names for a list's items.
    "things": ("area", "theme", "topic", "element", "part", "aspect", "focus"),
}


def _listed_stems(listed: str) -> set[str]:
    return {stem(listed)} | {stem(w) for w in _LIST_SYNONYMS.get(listed, ())}


def _introduces(listed: str, text: str, block: ListBlock, heading: str) -> bool:
    """Does the list's lead, the line before it or its heading name what the question lists
    ("topics", "themes", or a close word), so that it is that list? A lead naming other items
    ("Challenges include:" under the heading "Themes") lists those."""
    wanted = _listed_stems(listed)
    named = {stem(n.lower()) for n in LIST_NOUN.findall(block.lead)} - _GENERIC_ITEMS
    if named and not named & wanted:
        return False
    before = text[: block.start].strip().splitlines()[-1:] if block.start else []
    lines = " ".join([block.lead, heading, *before]).lower()
    return bool({stem(w) for w in re.findall(r"[a-z]+", lines)} & wanted)


# Names for a list's items that say nothing about what they are ("things", "items").
_GENERIC_ITEMS = frozenset(
    stem(w) for w in ("things", "items", "parts", "ways", "sorts", "kinds", "types")
)


def compose_list(
    block: ListBlock, hit_index: int, hits: Sequence[Hit], *, asking: bool = False
) -> tuple[str, tuple[Citation, ...]]:
    """A list answer: its lead line, then one cited line per item. With ``asking`` (questions
    to put, for "what should I ask?") the lead names where they come from: "Councillor
    Transformation Toolkit suggests asking"."""
    chunk = hits[hit_index].chunk
    lead = normalise_whitespace(block.lead).strip()
    if lead.endswith(":") and len(lead.split()) < 4:  # "These are:" leans on the line before
        before = chunk.text[: block.start].strip().splitlines()
        if before:
            lead = f"{normalise_whitespace(before[-1])} {lead}"
    lead = lead.rstrip(":").strip()
    items = [normalise_whitespace(x).rstrip(".;,") for x in block.items]
    if asking:  # a lead-in naming the source, uncited like "X suggests:" above a paragraph
        lines = [f"{source_label(chunk)} suggests asking:"]
    elif lead:
        # Each sentence of a lead cites the passage ("... the themes discussed [1]. These are
        # [1]:"): a sentence without its own marker would be an uncited claim.
        said = [lead[a:b].rstrip(".") for a, b in sentence_spans(lead)] or [lead]
        earlier = "".join(f"{x} [1]. " for x in said[:-1])
        lines = [f"{earlier}{said[-1]} [1]:"]
    else:
        lines = [f"There are {len(items)} [1]:"]
    lines += [f"- {item} [1]" for item in items]
    quote = normalise_whitespace(chunk.text[block.start : block.end])
    return "\n".join(lines), (Citation(n=1, chunk=chunk, quote=quote),)


# ---------------------------------------------------------------------------------------------
# "What's a LATCo?": the expansion a passage gives, as the answer's first line


_JOINERS = frozenset(["and", "of", "for", "the", "in", "on", "to", "&", "with"])


def acronym_definition(acronym: str, hits: Sequence[Hit]) -> tuple[int, str, str] | None:
    """(hit index, expansion, quote) of the first top passage that spells out ``acronym``:
    "a local authority's trading company (LATCo)", "TIEx (Transformation and Innovation
    Exchange)", or the glossary's expansion written beside it. None when none does."""
    capitals = "".join(c for c in acronym if c.isupper())
    written = re.escape(acronym) + r"s?"
    before = re.compile(rf"((?:[\w\u2019'\-]+,?\s+){{1,10}})\(\s*{written}\s*\)")
    after = re.compile(rf"\b{written}\s*\(([^()]{{5,90}})\)")
    known = GLOSSARY.get(acronym)
    for index, hit in enumerate(hits[:6]):
        text = hit.chunk.text
        for match in before.finditer(text):
            words = _spelled_out(match.group(1).split(), capitals)
            if words:
                return index, _expansion(words), normalise_whitespace(match.group(0))
        for match in after.finditer(text):
            words = _spelled_out(match.group(1).split(), capitals)
            if words and len(words) == len(match.group(1).split()):
                return index, _expansion(words), normalise_whitespace(match.group(0))
        if known and acronym in text:
            spot = re.search(r"\s+".join(map(re.escape, known.split())), text, re.I)
            if spot:
                return index, known, normalise_whitespace(spot.group(0))
    return None


def _spelled_out(words: list[str], capitals: str) -> list[str] | None:
    """The trailing ``words`` whose initials (joining words aside) are ``capitals``."""
    initials = ""
    for start in range(len(words) - 1, -1, -1):
        word = words[start].strip(",")
        if word.lower() in _JOINERS and initials:
            continue
        initials = word[:1].upper() + initials
        if len(initials) == len(capitals):
            return words[start:] if initials == capitals.upper() else None
    return None


def _expansion(words: list[str]) -> str:
    """The spelled-out words as a name, possessives dropped ("authority's")."""
    return re.sub(r"['\u2019]s\b", "", " ".join(words)).rstrip(",")


def lead_with_definition(
    acronym: str,
    defined: tuple[int, str, str],
    text: str,
    citations: tuple[Citation, ...],
    hits: Sequence[Hit],
) -> tuple[str, tuple[Citation, ...]]:
    """``text`` led by "ACRONYM stands for EXPANSION [1]." with the citations renumbered so
    the new first line cites [1] (the defining passage's own number, if it was cited already)."""
    index, expansion, quote = defined
    chunk = hits[index].chunk
    own = next((c.n for c in citations if c.chunk.id == chunk.id), None)
    if own is None:
        citations = (Citation(len(citations) + 1, chunk, quote), *citations)
        own = len(citations)
    order = [own] + [c.n for c in sorted(citations, key=lambda c: c.n) if c.n != own]
    new_number = {old: i + 1 for i, old in enumerate(order)}
    body = re.sub(r"\[(\d+)\]", lambda m: f"[{new_number.get(int(m.group(1)), m.group(1))}]", text)
    lead = with_marker(f"{acronym} stands for {expansion}.", 1)
    renumbered = sorted((replace(c, n=new_number[c.n]) for c in citations), key=lambda c: c.n)
    return f"{lead}\n\n{body}" if body else lead, tuple(renumbered)
