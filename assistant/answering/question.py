"""Question analysis: what kind of answer a question asks for, and about what.

Pure and rule-based (no model): the expected answer type (a person, an organisation, a number,
a date or period, a list, a definition, advice, yes/no, a comparison or a description) and its
focus (the words the asked-for thing must sit beside: "staff" in "How many staff does Derby
employ?"). Retrieval, sentence selection and the refusal decision read it.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, replace
from typing import Literal

from assistant.answering.structure import figures_in
from assistant.knowledge.gazetteer import find_councils
from assistant.text.terms import without_possessive

AnswerType = Literal[
    "person",
    "organisation",
    "number",
    "date",
    "list",
    "definition",
    "advice",
    "yes_no",
    "comparison",
    "description",
]

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_COUNT = r"(?:\d{1,2}|" + "|".join(NUMBER_WORDS) + r")"
_PLURAL_LIST_NOUNS = (
    r"themes|topics|areas|offers|steps|elements|capabilities|conditions|priorities|principles|"
    r"outcomes|stages|phases|types|kinds|categories|groups|strands|pillars|questions|roles|"
    r"components|parts|items|headings|domains|tools|resources|programmes|projects|benefits|"
    r"challenges|lessons|recommendations|actions|things|ways|options|measures|factors|features|"
    r"criteria|objectives|aims|goals|activities|sessions|services|cs|skills|behaviours|models|"
    r"subjects|sorts"
)

# "So, which ...", "and who ...", "as a councillor, how can I ..."
_OPENER = (
    r"^\s*(?:(?:so|and|ok)\s*,?\s*)?(?:as\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?[\w-]+\s*,?\s*)?"
)
# "How were the offers grouped?": how a list is arranged.
_GROUPING = r"(?:grouped|organi[sz]ed|divided|split|structured|arranged|categori[sz]ed)"

# A plural noun that names what a list holds ("Challenges include:", "the eight themes").
LIST_NOUN = re.compile(rf"\b(?:{_PLURAL_LIST_NOUNS})\b", re.I)

_COMPARISON = re.compile(
    r"\b(?:difference|differ|differs|compare|compared|comparison|versus|vs\.?|contrast)\b"
    r"|\b(?:more|less|better|worse)\b.*\bthan\b|\bor\b.+\bmore\b",
    re.I,
)
_LIST = re.compile(
    rf"^\s*(?:(?:so|ok|okay|and)\s*,?\s*)?(?:what|which)\s+(?:are|were|is|was)?\s*(?:the\s+)?"
    rf"(?:{_COUNT}\s+)?(?:main\s+|key\s+|different\s+|other\s+)?(?:[\w-]+\s+){{0,3}}?(?:{_PLURAL_LIST_NOUNS})\b"
    rf"|\b(?:list|name)\s+(?:the|all|every)\b"
    rf"|\bthe\s+{_COUNT}\s+(?:[\w-]+\s+){{0,2}}(?:{_PLURAL_LIST_NOUNS})\b"
    rf"|^\s*(?:what|which)\b.*\b(?:include|includes|included|cover|covers|covered|made up of)\b"
    rf"|^\s*how\s+(?:are|were|is|was)\b.{{0,100}}\b{_GROUPING}\b",
    re.I,
)
_PERSON = re.compile(
    rf"{_OPENER}who\b(?!\s+(?:is|are)\s+(?:it|this|that|they)\s+(?:for|aimed))"
    r"|\bwhich\s+(?:[a-z]+\s+)?(?:person|people|officer|councillor|minister|member|speaker|"
    r"chair|director|leader|chief\s+executive)\b"
    r"|\bwhose\b|\bname\s+of\s+the\s+(?:[\w'\u2019-]+\s+){0,5}?(?:person|chair|officer|councillor|"
    r"speaker|presenter|leader|director|minister)\b"
    # "... gave a quote when it came out, who was it?": the question closes on "who"
    r"|[,;:]\s*who\s+(?:was|is|were|are)\s+(?:it|that|this|they|he|she)\s*\??\s*$"
    r"|\bjob\s+title\s+(?:of|does|did)\b"
    # "What role does Susan Attard / she have?" asks a title; "what role does culture play?"
    # asks what something does.
    r"|\brole\s+(?:does|did)\s+(?:she|he|(?-i:(?:Cllr\s+|Dr\s+)?[A-Z][a-z]+\s+[A-Z][a-z]+))\b"
    # "the role of Susan Attard" (a name) asks for a title; "the role of the super-user"
    # (a common noun) asks what it does.
    r"|\brole\s+of\s+(?=(?-i:(?:Cllr\s+|Dr\s+)?[A-Z][a-z]+\s+[A-Z][a-z]+))",
    re.I,
)
# "What's the recommended way to run it?", "what are the steps?": a procedure.
_PROCESS = re.compile(
    r"\b(?:(?:recommended|best|right|suggested|proper)\s+way\s+(?:to|of)\s+(?:run|use|complete|"
    r"carry\s+out|do|go\s+about)|what\s+(?:are\s+)?the\s+(?:steps|stages)|step[-\s]by[-\s]step|"
    r"what(?:'s|\s+is)\s+the\s+process\b|how\s+(?:does|do)\s+(?:the|a)\s+[\w-]+\s+work\s+in\s+"
    r"practice|"
    # "how should we organise completing the self-assessment?", "how does a council run it?"
    r"how\s+(?:should|do|can|would|could|does)\s+(?:we|i|a\s+council|councils|our\s+council|"
    r"the\s+council)\s+(?:best\s+)?(?:organise|organize|run|go\s+about|carry\s+out|complete|"
    r"roll\s+out)\b)",
    re.I,
)
# "How many councillors went on it / took part?": people taking part, counted.
_TAKING_PART = re.compile(
    r"\bhow\s+many\b.{0,60}?\b(?:went\s+(?:on|to|through)|attended|took\s+part|participated|"
    r"signed\s+up|enrolled|registered|joined|completed|responded|replied|answered|"
    r"did\s+(?:the|it|a|an)\b)",
    re.I,
)
# "Who is it for?", "Who is the toolkit aimed at?": the intended audience, not a person.
# "Who can complete it?", "Who can join the network?": who may take part, not a named person.
_AUDIENCE = re.compile(
    r"^\s*who(?:\s+(?:is|are)|['\u2019]s|['\u2019]re)\s+(?:it|this|that|they|the\s+[\w\s-]{1,40}?|"
    r"(?-i:[A-Z][\w-]*(?:\s+(?:[A-Z][\w-]*|and|of))*))\s+"
    r"(?:for|aimed\s+at|open\s+to|intended\s+for|designed\s+for|meant\s+for)"
    r"(?=\s*(?:[,?.]|and\b|$))"
    r"|^\s*who\s+(?:can|could|should|may|(?:is|are)\s+(?:supposed|meant|expected)\s+to)\s+"
    r"(?:actually\s+|also\s+)?(?:use|complete|fill\s+(?:\S+\s+){0,3}?in|take\s+part|join|"
    r"apply|access|attend|sign\s+up)\b"
    # "can I as a councillor join the network?", "is the network for councillors?"
    r"|^\s*(?:so\s+|and\s+)?(?:can|could|may)\s+(?:i|we|councillors?|members|officers)\s+"
    r"(?:(?:as|being)\s+an?\s+[\w\s-]{1,30}?\s+)?(?:join|take\s+part|sign\s+up|attend|apply)\b"
    r"|\b(?:is|are)\s+(?:(?:it|this|that|they|the\s+[\w\s-]{1,40}?)\s+)?(?:just\s+|only\s+|"
    r"really\s+|meant\s+|open\s+)?(?:for|to)\s+(?:councillors?|officers?|members|staff|everyone|"
    r"anyone)\b",
    re.I,
)
_ORGANISATION = re.compile(
    # "Is there a council that has ...?", "Have any councils ...?": which ones
    r"^\s*(?:(?:is|are)\s+there|(?:has|have)\s+there\s+been)\s+(?:an?\s+|any\s+)?(?:other\s+)?"
    r"(?:councils?|local\s+authorit(?:y|ies)|authorit(?:y|ies))\s+(?:that|who|which|doing|"
    r"working|using|with)\b"
    r"|^\s*(?:has|have)\s+any\s+(?:other\s+)?(?:councils?|local\s+authorit(?:y|ies))\b"
    r"|\b(?:which|what)\s+(?:council|councils|local\s+authorit(?:y|ies)|organisations?|"
    r"organizations?|bod(?:y|ies)|department|company|companies|firm|partner|partners|"
    r"government\s+department)\b",
    re.I,
)
# "What did the LGA pay Shared Intelligence to ...?": an amount of money.
_PAID = (
    r"\bwhat\s+did\s+(?:[\w'\u2019-]+\s+){1,6}?(?:pay|charge|spend|cost)\b"
    r"(?!\s+(?:attention|tribute|off|back|heed|(?:\w+\s+)?time)\b)"
)
# Quantities a council has ("the population of Luton", "Leeds's budget").
_MEASURE_TEXT = (
    "budget|overspend|underspend|deficit|population|turnover|salary|salaries|spend|reserves|"
    "income|revenue|wages?|grade|rate|average|score|subscriptions?|attendance|turnout"
)
_NUMBER = re.compile(
    rf"{_PAID}|"
    r"\bwhat\s+(?:savings?|financial|budget)\s+(?:target|gap)\b|"
    r"\bin\s+(?:pounds|\u00a3)|\bhow\s+many\s+pounds\b|"  # "what saving in pounds ...?": a sum
    # "what does Essex spend on culture change?" (a council named, not "what do councils ...")
    r"\bwhat\s+(?:does|did|do|will)\s+(?!(?:councils|we|i|you|they|most|other|local)\b)"
    r"[^?]{2,60}?\s+spend\s+on\b|"
    r"\bhow\s+(?:many|much)\b|\bwhat\s+(?:number|percentage|proportion|share|per\s*cent|"
    r"amount|figure|total)\b|\bhow\s+big\b|\bwhat\s+size\b"
    r"|\bwhat\s+(?:is|was|were|are)\s+the\s+(?:[a-z-]+\s+){0,2}?(?:budget|cost|"
    r"price|salary|headcount|population|turnover|spend|value|amount|sum|"
    r"(?:funding|grant|allocation)(?!\s+(?:agreements?|models?|arrangements?|streams?|bids?|"
    r"rounds?|programmes?|offers?|for\s+what|for\s*\??\s*$)))\b"
    r"|\bwhat\s+savings\s+(?:has|have|had|did|does|do|is|are|was|were)\b"
    r"|\bwhat(?:'s|\u2019s|\s+is|\s+was|\s+are|\s+were)\s+(?:[\w'\u2019-]+\s+){0,5}?"
    r"(?:savings?|spending|financial|budget)\s+(?:target|gap)s?\b"
    # "What is Leeds City Council's annual budget?", "What's the population of Luton?"
    r"|\bwhat(?:'s|\u2019s|\s+is|\s+was|\s+are|\s+were)\s+(?:[\w'\u2019-]+\s+){0,5}?"
    rf"(?:{_MEASURE_TEXT}|headcount|fees?|subscriptions?)\b"
    r"|\bwhat\s+(?:pay\s+(?:rise|award|increase|offer)|percentage\s+(?:rise|increase))\b"
    r"|\bwhat\s+(?:salary|salaries|wages?|income|revenue|turnover)\b"  # "what salary does X earn?"
    r"|\bwhat\s+(?:grade|pay\s+(?:band|scale|grade))\b",  # "what grade is the post?"
    re.I,
)
_DATE = re.compile(
    rf"{_OPENER}when(?:s|'s|\u2019s)?\b"  # "whens the next meeting?"
    r"|\bwhat(?:'s|\u2019s|\s+is|\s+was)\s+(?:the\s+)?(?:[\w'\u2019-]+\s+){0,6}?(?:deadline|"
    r"(?:closing|target|end|start|launch|completion)\s+date)\b"
    r"|\bwhat\s+(?:exact\s+)?(?:years?|dates?|months?|days?|time\s+of\s+year)\b"
    r"|\b(?:what|which)\s+time\b(?!\s+(?:frame|scale|period|commitment))"  # of day
    r"|\bwhich\s+(?:years?|months?|dates?)\b|\bhow\s+often\b|\bhow\s+long\b|\bsince\s+when\b"
    r"|\bwhen\s+(?:did|was|were|is|will)\b",
    re.I,
)
# What to ask: "what should I be asking officers?", "what questions should we ask?", "what
# to ask at committee": answered by a list of questions to put, when the passages hold one.
_WHAT_TO_ASK = re.compile(
    r"\bwhat\s+(?:questions?\s+)?(?:should|could|can|do|might|must|ought\s+to)\s+"
    r"(?:i|we|councillors?|members|scrutiny)\s+(?:be\s+)?ask(?:ing)?\b"
    r"|\bwhat\s+questions?\s+(?:should|could|can|do|might|must)\s+(?:i|we|councillors?|members)\s+"
    r"(?:be\s+)?(?:put(?:ting)?|pos(?:e|ing)|rais(?:e|ing))\b"
    r"|\bwhat\s+(?:questions?\s+)?to\s+ask\b"
    r"|\bquestions?\s+(?:can|could|should|might|to)\s+(?:i\s+|we\s+|councillors?\s+|members\s+)?ask\b",
    re.I,
)
# The asker's own councillor role: "I sit on scrutiny", "I'm a new portfolio holder", "I've
# just been put on scrutiny", "as a ward councillor", "moving from cabinet to chairing scrutiny"
# (the role they move to).
_ASKER_ROLE = re.compile(
    r"\b(?:i\s*['\u2019]?m|i\s+am|i\s+sit|i\s+chair|i\s*['\u2019]?ve\s+(?:just\s+)?been\s+"
    r"(?:put|made|appointed|elected)|i\s+have\s+(?:just\s+)?been\s+(?:put|made|appointed)|"
    r"as\s+(?:a|an|the)|moving\s+(?:from\s+[\w\s]{1,20}?\s+)?to|now\s+(?:chairing|on))\s+"
    r"(?:(?:a|an|the|on|onto|to|new|newly|now|chair\s+of|chairing|member\s+of|lead\s+member\s+on)"
    r"\s+){0,3}(?P<role>scrutiny|overview\s+and\s+scrutiny|cabinet\s+member|cabinet|"
    r"portfolio[\s-]+holder|council\s+leader|leader\s+of\s+the\s+council|executive\s+member|"
    r"ward\s+councillor|ward\s+member)\b",
    re.I,
)
_ASKER_ROLES = {"scrutiny": "scrutiny", "ward": "ward"}  # any other role is leadership


# Councillor roles a question names ("cabinet", "scrutiny", "portfolio holder", "ward
# councillor"), as the toolkit's three roles.
_COUNCILLOR_ROLES = re.compile(
    r"\b(?P<scrutiny>(?:overview\s+and\s+)?scrutiny)\b"
    r"|\b(?P<ward>ward\s+(?:councillors?|members?|roles?))\b"
    r"|\b(?P<leadership>cabinet|portfolio[\s-]+holders?|executive\s+members?|council\s+leaders?|"
    r"leadership\s+roles?)\b",
    re.I,
)


# "What did the person who raised it decide to do?", "what actions did they agree?": what
# someone went on to do, which a "planned to:" / "next steps" section holds.
_PLANNED = re.compile(
    r"\b(?:decide[ds]?|decided|plan(?:s|ned)?|agree[ds]?|chose|choose|commit(?:ted)?|resolve[ds]?)"
    r"\s+to\s+do\b"
    r"|\bwhat\s+(?:actions?|next\s+steps|steps)\s+(?:did|do|does|will|were|are)\b"
    r"|\b(?:do|did)\s+next\b|\bgo(?:es)?\s+on\s+to\s+do\b|\bwent\s+on\s+to\s+do\b",
    re.I,
)


# "What LGA support is there?", "does the LGA offer that?", "is there any LGA training for
# councillors?": what the LGA provides, which an offer's several sentences describe together
# (what it is, what it funds, who it is for).
_LGA = r"(?:the\s+)?(?:lga|local\s+government\s+association)(?:['\u2019]s)?"
_OFFER = re.compile(
    rf"\b{_LGA}\s+(?:support|help|offers?|training|programmes?|courses?|funding|tools?)\b"
    rf"|\b(?:does|do|can|could|will|would)\s+{_LGA}\s+(?:offer|provide|run|fund|give|do)\b"
    rf"|\bwhat\s+(?:does|do|can|could)\s+{_LGA}\s+(?:offer|provide|run|fund|give)\b"
    rf"|\b(?:support|help|training|offers?|funding)\s+(?:from|by)\s+{_LGA}\b",
    re.I,
)


# "What did the board think of the programme?", "were they keen?", "how was it received?":
# a body's reaction, which a minutes' discussion records ("warmly welcomed ... considered a
# huge opportunity"), rather than its formal decision.
_REACTION = re.compile(
    r"\b(?:think|thought|make|made|feel|felt)\s+(?:of|about)\b"
    r"|\breact(?:ed|ion)?\s+to\b|\bhow\s+(?:was|were|is|did)\b.{0,60}\breceived\b"
    r"|\b(?:were|was)\s+(?:they|the\s+\w+|members)\s+(?:keen|happy|supportive|positive)\b"
    r"|\bdid\s+(?:they|the\s+\w+(?:\s+\w+)?|members)\s+(?:like|support|welcome|back)\b"
    r"|\b(?:reception|views?\s+(?:of|on))\b",
    re.I,
)


# "Who runs / delivered / funds it?": an organisation that does the thing may be the answer
_BY_WHOM = re.compile(
    r"\bwho\s+(?:(?:is|was|are|were)\s+)?(?:runs?|ran|running|deliver(?:s|ed|ing)?|funds?|funded|"
    r"funding|commissioned|facilitat(?:es|ed|ing)|host(?:s|ed|ing)|organis(?:es|ed|ing)|"
    r"provid(?:es|ed|ing)|developed|designed|co-designed|wrote|published|behind)\b",
    re.I,
)


def compared_roles(question: str) -> tuple[str, ...]:
    """The councillor roles a question names, when it names two or more ("what's the
    difference between my role on scrutiny and the cabinet's?" -> scrutiny, leadership)."""
    found = dict.fromkeys(
        kind for m in _COUNCILLOR_ROLES.finditer(question) for kind, v in m.groupdict().items() if v
    )
    return tuple(found) if len(found) > 1 else ()


# "How can scrutiny add value?", "what should cabinet members do?", "the role of scrutiny":
# what one councillor role does, which the sentences describing that role answer.
_ROLE_ASKED = re.compile(
    r"\b(?:how|what)\s+(?:can|could|should|does|do|might|must|will)\s+(?:the\s+|a\s+|our\s+)?"
    r"(?=(?:overview\s+and\s+)?scrutiny\b|cabinet\b|portfolio[\s-]+holders?\b|"
    r"executive\s+members?\b|ward\s+(?:councillors?|members?)\b)"
    r"|\brole\s+(?:of|for)\s+(?:the\s+)?(?=(?:overview\s+and\s+)?scrutiny\b|cabinet\b|"
    r"ward\s+(?:councillors?|members?)\b)"
    # "What does good scrutiny of a programme look like?": what doing that role well means
    r"|\b(?:good|effective|strong|better|constructive)\s+(?=(?:overview\s+and\s+)?scrutiny\b)",
    re.I,
)


def _role_asked(question: str) -> str | None:
    """The one councillor role a question asks what it does ("how can scrutiny add value to a
    programme?" -> "scrutiny"), or None."""
    match = _ROLE_ASKED.search(question)
    if not match:
        return None
    named = _COUNCILLOR_ROLES.match(question, match.end())
    if named is None:
        return None
    return next(kind for kind, v in named.groupdict().items() if v)


def _asker_role(question: str) -> str | None:
    """The councillor role the asker holds: "scrutiny", "leadership" or "ward"."""
    match = _ASKER_ROLE.search(question)
    if not match:
        return None
    role = match.group("role").lower()
    return next((v for k, v in _ASKER_ROLES.items() if k in role), "leadership")


# "Are we ready for a big change programme?", "how would we tell if we're ready?": readiness
# for a change, which a readiness check (the 7Cs) answers.
_READINESS = re.compile(
    r"\b(?:we|we're|we\u2019re|they|they're|it|council|councils|organisation|i|am|are|is|be|"
    r"actually|really|properly|truly|get|getting)\s+ready\b(?!\s+to\s+(?:go|launch)\b)"
    r"|\breadiness\b|\bprepared\s+for\s+(?:a|the|this|our|big|major)\b",
    re.I,
)
# "What time do the meetings start?": a time of day
_CLOCK_ASKED = re.compile(
    r"\b(?:what|which)\s+time\b(?!\s+(?:frame|scale|period|commitment|of\s+year))", re.I
)
_EXACT_DATE = re.compile(
    r"\b(?:what|which)\s+(?:exact\s+|precise\s+)?(?:dates?|days?(?!\s+of\s+the\s+week))\b"
    r"|\bexact\s+dates?\b"
    r"|\b(?:deadline|closing\s+date)\b",
    re.I,
)
_ADVICE = re.compile(
    rf"{_OPENER}how\s+(?:can|could|should|do|might|would|to)\s+"
    r"(?:we|i|you|councils?|a\s+council|my\s+council|our\s+council|councillors|members|"
    r"officers|leaders|colleagues|other\s+councils|they|one)\b"
    r"|\bwhat\s+(?:[a-z-]+\s+){0,2}?(?:can|could|should|might|would)\s+"
    r"(?:we|i|councils?|a\s+council|my|our)\b"  # "what questions should I ask"
    r"|\b(?:tips|advice|ideas|suggest(?:ed|ions?)?|recommend(?:ed|ations?)?|approaches|"
    r"best\s+way|ways\s+to|what\s+works|lessons|how\s+do\s+other)\b"
    r"|\bis\s+there\s+a\s+better\s+way\b"
    # "where can we find / make savings?": what to do, asked as a place (not "where can I find
    # the self-assessment?", a thing's whereabouts)
    r"|\bwhere\s+(?:can|could|should|do|might)\s+(?:we|i|councils?|a\s+council|my\s+council|"
    r"our\s+council)\s+(?:find|make|get)\s+(?!(?:the|a|an|this|that|it|them|out|hold)\b)"
    r"|\bwhat\s+(?:do|does|are|have|did|has)\s+(?:other\s+|some\s+)?(?:councils|authorities|"
    r"areas|peers|others)\s+(?:do|doing|done|tried|try|trying)\b",
    re.I,
)
_YES_NO = re.compile(
    r"^\s*(?:is|are|does|do|did|can|could|was|were|has|have|had|will|would|should)\s+"
    r"(?!you\s+(?:tell|give|explain|show|list|describe|summari[sz]e))",
    re.I,
)
# "what's this capability thing (they keep going on about)?": what "capability" is
_VAGUE_THING = re.compile(
    r"^\s*(?:(?:so|ok)\s*,?\s*)?what(?:'s|\u2019s|\s+is)\s+(?:this|that|the)\s+"
    r"(?P<x>[\w-]+(?:\s+[\w-]+){0,2}?)\s+(?:thing|stuff|business|idea)\b",
    re.I,
)
_DEFINITION = re.compile(
    r"^\s*(?:(?:so|ok)\s*,?\s*)?(?:what(?:'s|\s+is|\s+are)\s+(?:an?\s+|the\s+)?(?P<x>[^?]{2,60}?)"
    r"(?:\s+for)?\s*\??\s*$|what\s+does\s+.+\s+mean|\bdefin(?:e|ition)\b|\bmeaning\s+of\b"
    r"|^\s*what\s+(?:actually\s+)?is\s+)",
    re.I,
)
_SEQUEL = re.compile(
    r"\bwhat\s+(?:happens|happened|comes|came|follows|followed)\s+"
    r"(?:next|then|after(?:wards)?|once|when\s+\w+\s+(?:is|are|has|have)\s+(?:finished|done|over))\b"
    r"|\bwhat\s+(?:are\s+)?the\s+next\s+steps\b|\bwhat\s+(?:do|does|should)\s+\w+\s+do\s+"
    r"(?:next|afterwards|after)\b",
    re.I,
)
_ROLE = re.compile(
    r"\b(minister|chair(?:man|woman|person)?|vice[- ]chair|director|chief\s+executive|leader|"
    r"speaker|presenter|head\s+of\s+[a-z]+)\b",
    re.I,
)
_MEASURE = re.compile(rf"\b({_MEASURE_TEXT})\b", re.I)


_HEADCOUNT = re.compile(r"\bheadcount\b", re.I)  # counts staff, by any name ("13 people")


def _measure(question: str) -> str | None:
    found = _MEASURE.search(question)
    return found.group(1).lower() if found else None


_PERCENTAGE = re.compile(r"\b(?:what|which)\s+(?:percentage|proportion|share|per\s*cent)\b", re.I)
# "What percentage of chief executives ...": who the share is of, up to its first plural
# ("chief executives", "councils", "staff who ...": "staff")
_SHARE_OF = re.compile(
    r"\b(?:percentage|proportion|share|per\s*cent)\s+of\s+(?:the\s+|all\s+|our\s+)?"
    r"((?:[a-z-]+\s+){0,2}?[a-z-]+s\b|[a-z-]+)",
    re.I,
)


_NOT_WHOM = frozenset(
    ["each", "them", "these", "those", "all", "both", "it", "this", "that", "which", "what"]
)


def _share_of(question: str) -> str | None:
    found = _SHARE_OF.search(question) if _PERCENTAGE.search(question) else None
    if not found or found.group(1).split()[0].lower() in _NOT_WHOM:
        return None  # "what proportion of each ...", "of them": said earlier
    return found.group(1).lower()


_DURATION = re.compile(r"\bhow\s+long\s+(?:did|does|do|will|would|has|have|had)\b", re.I)
# "Who chairs / led / heads ...", "who were the speakers": a named person, not an organisation.
_NAMED_PERSON = re.compile(
    r"\bwho\s+(?:currently\s+|now\s+)?(?:chairs|chaired|leads|led|heads|headed|"
    r"presented|spoke|(?:co-?)?founded)\b|\b(?:speakers?|presenters?|chair(?:man|woman|person)?|vice[- ]chair)\b"
    # "Who is the leader / chief executive of X?": a post holder
    r"|\bwho(?:'s|\u2019s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+)?(?:current\s+|new\s+)?"
    r"(?:(?-i:[A-Z])[\w'\u2019]*\s+){0,3}"  # "the LGA's chief executive", "the Essex leader"
    r"(?:leader|chief\s+executive|mayor|director|head|cabinet\s+member|portfolio\s+holder|"
    r"monitoring\s+officer|minister|secretary\s+of\s+state)\b",
    re.I,
)
_COST = re.compile(
    r"\b(?:pay|paid|cost|costs|charge|charged|charges|fee|fees|free|price|subsidi[sz]ed)\b", re.I
)
# "Who's good at digital?", "who does this well?", "who has done it before?": peers (councils).
_WHO_DOES_WELL = re.compile(
    rf"{_OPENER}who(?:'s|\u2019s|\s+is|\s+are)?\s+(?:\w+\s+)?(?:good|great|best|strong|ahead|"
    r"leading|doing\s+well)\s+(?:at|on|in|with)\b"
    r"|^\s*who\s+(?:does|do|did|has|have)\s+(?:\w+\s+){0,3}(?:well|best|before|already)\b",
    re.I,
)
# "Which councils ...?": several organisations. At the start of the question it asks for
# councils whatever advice words follow ("Which councils could we learn from ...?").
_WHICH_COUNCILS = r"(?:which|what)\s+(?:other\s+)?(?:councils|local\s+authorities|organi[sz]ations)"
_ASKS_COUNCILS = re.compile(rf"{_OPENER}{_WHICH_COUNCILS}\b", re.I)
_MANY = re.compile(
    rf"\b{_WHICH_COUNCILS}\b|\b(?:which|what)\s+(?:bodies|partners|companies)\b", re.I
)
_FREQUENCY = re.compile(r"\bhow\s+often\b|\bhow\s+many\s+times\b|\bhow\s+regularly\b", re.I)
# Online or in person? ("an online self-assessment" names a kind of tool: no such question.)
_MODE = re.compile(
    r"\b(?:online|virtual)\b(?!\s+(?:hub|tool|self-assessment|platform|services?|survey|portal|"
    r"resources?|course|training|form|system|booking|version|exchange|library|map))"
    r"|\bin\s+person\b|\bface\s+to\s+face\b|\bvirtually\b",
    re.I,
)
_MONEY = re.compile(
    rf"{_PAID}|"
    r"\bhow\s+much\b|\bpounds\b|\b(?:cost|budget|spend|spent|saved|save|savings?|funding|grant|money|raise|"
    r"fees?|subscriptions?)\b"
    r"|\bpay\s+(?:rise|award|increase|offer)\b|\bsalar(?:y|ies)\b|\bwages?\b|\bincome\b|\brevenue\b",
    re.I,
)
_WANTS_ROLE = re.compile(
    r"\b(?:role|job|title|position|works?\s+for|which\s+council\s+does\s+(?:she|he)|where\s+do(?:es)?\s+(?:she|he|they)\s+work)\b",
    re.I,
)
_FOCUS_AFTER = re.compile(
    r"\bhow\s+(?:many|much)\s+(?P<x>(?:[\w'-]+\s+){0,2}?[\w'-]+?)\s+(?:do|does|did|is|are|was|were|has|have|had|will|would|can|could|took|take|in|of|on|at|for|said|say|says|attended|joined|used|use|met|received|responded|reported|signed|completed|participated|got|work|worked|went|came|from|across|should|must|might|may|shall|need|needs|ought)\b",
    re.I,
)
# ...else the words after "how many" up to a word that cannot be in the noun phrase:
# "how many separate improvement offers made up the programme" -> "separate improvement offers"
_FOCUS_NOUN_AFTER_HOW_MANY = re.compile(
    r"\bhow\s+many\s+(?P<x>[\w'-]+(?:\s+(?!(?:the|a|an|this|that|these|those|there|we|they|"
    r"it|its|our|their|to|with|by|as|than|per|each|every|last|next|made|make|up|out|"
    r"overall|actually|really|exactly)\b)[\w'-]+){0,4})",
    re.I,
)
_FOCUS_WHAT_X = re.compile(
    r"\bwhat\s+(?:actually\s+|exactly\s+)?(?:is|was|are|were)\s+(?:actually\s+|exactly\s+)?"
    r"(?:the|an?)\s+(?P<x>(?:total\s+)?[\w'-]+(?:\s+[\w'-]+){0,2}?)\s*(?:[,?]|$|\s+(?:for|in|of|on|at|and|that|which|when)\b)",
    re.I,
)
# "..., in plain English?", "in simple terms": how to answer, not what about.
_HOW_TO_ANSWER = re.compile(
    r",?\s*(?:in\s+(?:plain|simple)\s+(?:english|terms|words|language)|simply\s+put|"
    r"in\s+a\s+nutshell|briefly)\s*(?=[?.!]?\s*$)",
    re.I,
)
_COUNT_IN_QUESTION = re.compile(
    rf"\b(?:the\s+)?(?P<n>{_COUNT})\s+(?:[\w-]+\s+){{0,2}}(?:{_PLURAL_LIST_NOUNS})\b", re.I
)


@dataclass(frozen=True, slots=True)
class QuestionAnalysis:
    """What a question asks for.

    ``focus`` holds the words the asked-for item must appear beside (lower case); for a number
    question, the thing counted or measured ("staff", "councils", "council tax").
    """

    type: AnswerType
    focus: tuple[str, ...] = ()
    expected_count: int | None = None  # "the eight themes" -> 8
    wants_role: bool = False  # a "who" question that also asks for a job title or employer
    frequency: bool = False  # "how often" / "how many times"
    mode: bool = False  # "online or in person?"
    money: bool = False  # a number question about money
    exact_date: bool = False  # "on what date": a day of a month, not only a year
    numbers: frozenset[str] = frozenset()  # figures the question itself states ("2023/24")
    counted: tuple[str, ...] = ()  # "how many councils or officers..." -> councils, officers
    acronym: str | None = None  # "What's a LATCo?", "What does TIEx stand for?" -> the acronym
    listed: str | None = None  # "Which topics did members ask for?" -> "topics"
    sequel: bool = False  # "what happens after ...?", "what comes next?": the steps that follow
    cost: bool = False  # "do we have to pay?", "is it free?": what it costs (not "how much")
    role: str | None = None  # "which government minister...": the post the person holds
    many: bool = False  # "which councils ...?": several organisations, not one
    parts: tuple[str, ...] = ()  # "How was it developed, and how were councils found?": each
    # thing asked, when the question asks more than one
    quoted: tuple[str, ...] = ()  # "what's the role of the 'super-user'?": the term in quotes
    percentage: bool = False  # "what percentage / proportion of ...": a share, not a count
    share_of: str | None = None  # "what percentage of chief executives ...": "chief executives"
    duration: bool = False  # "how long did it take ...": a length of time, not a date
    named_person: bool = False  # "who chairs / led / were the speakers ...": a named individual
    names: tuple[str, ...] = ()  # the capitalised names it uses ("LGA Transformation Network")
    measure: str | None = None  # "what's the population of X": the quantity asked for
    said_by: str | None = None  # "what did the chair of the board say ...": who spoke
    audience: bool = False  # "who is it aimed at / who can complete it?": who it is for
    # "how many councillors went on / took part in it?": a count of people taking part (a
    # share of them saying something is no answer)
    taking_part: bool = False
    # "what's the recommended way to run it / what are the steps?": a procedure, which a
    # passage's list of steps answers
    process: bool = False
    # "what should I be asking officers?": the questions to put, which a list of questions
    # answers
    what_to_ask: bool = False
    # "I sit on scrutiny - what should I be doing?": the councillor role the asker holds
    # ("scrutiny", "leadership", "ward"), or the one role asked about ("how can scrutiny add
    # value?"), answered by what the sources say that role does
    asker_role: str | None = None
    # "what do cabinet and scrutiny each do on transformation?": the councillor roles compared
    roles: tuple[str, ...] = ()
    # "what did the person who raised it decide to do?": the actions someone planned or took
    planned: bool = False
    # "what LGA support is there?": what the LGA offers, which several sentences describe
    offer: bool = False
    # "what did the board think of it?": a reaction, which a discussion records
    reaction: bool = False
    # "who runs the review?": who does it, which an organisation can be ("run by ...")
    by_whom: bool = False
    clock: bool = False  # "what time do the meetings start?": a time of day
    readiness: bool = False  # "how do we know if we're ready for a big change?"

    @property
    def wants_specific(self) -> bool:
        """Does the answer hinge on one specific item the sources may not hold?"""
        return self.type in ("person", "number", "date")


_GENERIC_TYPES = ("description", "definition", "yes_no")


# A short term the user puts in quotes ("the 'super-user'", "“seven Cs”"): what is asked about.
_QUOTED_TERM = re.compile(
    r"(?:^|(?<=[\s(]))[\u2018'\"\u201c](?P<x>[A-Za-z][\w\s-]{1,40}?)[\u2019'\"\u201d](?=[\s?.,!;:)]|$)"
)


def quoted_terms(question: str) -> tuple[str, ...]:
    """The terms of up to four words ``question`` puts in quotation marks, lower case."""
    return tuple(
        m.group("x").lower()
        for m in _QUOTED_TERM.finditer(question)
        if len(m.group("x").split()) <= 4
    )


# "What did the chair of the board say about it?", "what has Cllr Brown said": who spoke.
_SAID_BY = re.compile(
    r"\bwhat\s+(?:did|does|has|have|had)\s+(?P<who>(?!you\b|i\b|we\b|they\b|it\b)"
    r"[\w'\u2019 -]{2,50}?)\s+(?:say|said|tell|add|think)\b"
    # "did Susan Attard say anything about ...?", "what extra points did she make ...?"
    r"|\b(?:what\s+(?:[\w-]+\s+){0,2}?(?:points?|comments?|remarks?)\s+)?did\s+"
    r"(?P<who2>(?-i:[A-Z])[\w'\u2019-]+(?:\s+(?-i:[A-Z])[\w'\u2019-]+){0,3})"
    r"\s+(?:say|mention|add|raise|make)\b",
    re.I,
)


# A sentence after the question saying what the answer is for ("I need the start and end
# months for a report.", "I'd like evidence I can cite in a paper to our leadership team."):
# it says what to give, not what the question is about.
_FRAMING = re.compile(
    r"(?<=[?.!])\s+(?:I|we)(?:['\u2019]d|\s+would)?\s+(?:like|need|want)\b[^?.!]*?"
    r"\b(?:cite|quote|report|paper|business\s+case|committee|briefing|contact|score|slides?|"
    r"newsletter|presentation|share|cabinet|our\s+(?:members|team|board|leadership))\b[^?.!]*"
    r"[.!]?\s*$",
    re.I,
)


def without_framing(question: str) -> str:
    """``question`` without a closing sentence saying what the answer is for (retrieval and
    relevance look at what is asked about; the question's type still reads all of it)."""
    return _FRAMING.sub("", question).strip() or question


# A council to learn from, not an organisation that did something: "which council could we
# learn from on X?", "is there a council that ...?", "anyone else doing the digital stuff well?"
_PEER_ASKED = re.compile(
    r"(?:^|[.?!]\s+)\s*(?:(?:so|and|ok)\s*,?\s*)?(?:(?:is|are)\s+there|(?:has|have)\s+there\s+been|"
    r"(?:has|have|did)\s+any|(?:which|what))\s+(?:an?\s+|any\s+)?(?:other\s+)?(?:councils?|"
    r"local\s+authorit(?:y|ies)|authorit(?:y|ies))\b(?!\s+tax\b)"
    r"|\b(?:any(?:one|body)|some(?:one|body)|other\s+councils?)\s+else\b"
    r"|\bother\s+councils?\s+(?:that|who|which|doing|done|tried|using|with)\b"
    r"|\bpeer\s+(?:councils?|examples?)\b|\bexamples?\s+of\s+(?:an?\s+|other\s+)?councils?\b",
    re.I,
)


# "Which councils presented at the network?" asks who took part in an event the sources
# record, which the event's own pages answer: not a search for peers.
_AT_AN_EVENT = re.compile(
    r"\b(?:present(?:ed|ing|s)?|presentations?|spoke|speakers?|talked|attend(?:ed|s)?)\b", re.I
)


def asks_for_peers(question: str) -> bool:
    """True when ``question`` asks for councils to learn from (and names none itself)."""
    if not (_PEER_ASKED.search(question) or _WHO_DOES_WELL.search(question)):
        return False
    return not (find_councils(question) or _AT_AN_EVENT.search(question))


@functools.lru_cache(maxsize=1024)  # pure; the answerer and the analyser both ask per answer
def analyse_question(question: str) -> QuestionAnalysis:
    """The expected answer type and focus of ``question`` (rules, first match wins), read from
    its asking sentence: "I'm writing up lessons for our board. Which themes did the sets
    work through?" asks for a list of themes, whatever the context before it says. A figure,
    date or person asked for in the context still counts when the asking sentence is general
    ("A resident asked how much we can charge. What are the rules?" wants the amount)."""
    whole = _HOW_TO_ANSWER.sub("", " ".join(question.strip().split()))
    sentence = asking_sentence(whole)
    main = _WHEN_CLAUSE.match(sentence)
    if main:  # "When the network asked members ..., what came out as popular topics?"
        rest = sentence[main.end("lead") :].lstrip(" ,")
        whole = whole.replace(sentence, rest) if sentence in whole else whole
        sentence = rest
    asked = _analyse(sentence)
    if asked.type in _GENERIC_TYPES and sentence != whole:
        context = _analyse(whole)
        if context.wants_specific:
            return context
    speaker = _SAID_BY.search(whole)
    asked = replace(
        asked,
        parts=question_parts(sentence),
        quoted=quoted_terms(whole),
        names=name_phrases(whole),
        said_by=(speaker.group("who") or speaker.group("who2")) if speaker else None,
        asker_role=_asker_role(whole) or _role_asked(whole),
        roles=compared_roles(whole),
        planned=bool(_PLANNED.search(whole)),
        offer=bool(_OFFER.search(whole)),
        reaction=bool(_REACTION.search(whole)),
        by_whom=bool(_BY_WHOM.search(whole)),
        readiness=bool(_READINESS.search(whole)),
    )
    if asked.type == "person":  # "Was there a minister who backed it? Who?": a minister
        roles = _ROLE.findall(whole)
        if roles:
            return replace(asked, role=roles[-1].lower())
    return asked


# A "when" clause before the question proper: "When the network asked members what they
# wanted, which topics came out on top?" asks for topics, not a date.
_WHEN_CLAUSE = re.compile(
    r"^\s*(?P<lead>when\b[^?]{3,160}?),\s*(?=(?:what|which|who|how|where|why|did|do|does|is|"
    r"are|was|were|can|could)\b)",
    re.I,
)


# Things to do: a question listing them asks for advice ("what steps", "which actions").
_ADVICE_ITEMS = frozenset(["steps", "recommendations", "suggestions", "ideas", "tips"])
# ...unless it asks what a framework's or a document's steps are called ("the five steps of").
_DOCUMENT_LIST = re.compile(r"\b(?:steps|recommendations)\s+(?:of|in)\s+the\b", re.I)


# Two or more capitalised words (or acronyms) in a row: a name ("the LGA Transformation
# Network"); a question word opening the sentence is not part of it.
_NAME_RUN = re.compile(r"(?<![\w'])(?:[A-Z][\w'\u2019&-]*\s+){1,5}[A-Z][\w'\u2019-]*")
_QUESTION_WORDS_TEXT = """how what who which when where why is are was were did does do can
    could should would has have i we our my"""
_QUESTION_WORDS = frozenset(_QUESTION_WORDS_TEXT.split())


def name_phrases(question: str) -> tuple[str, ...]:
    """The multi-word capitalised names in ``question`` ("LGA Transformation Network")."""
    out = []
    for match in _NAME_RUN.finditer(question):
        words = match.group(0).split()
        while words and words[0].lower() in _QUESTION_WORDS:
            words = words[1:]
        if len(words) >= 2:
            out.append(" ".join(without_possessive(w) for w in words))
    return tuple(out)


# Where a question starts asking a second thing: ", and how were ...", "? When did ...".
_PART_BREAK = re.compile(
    r",?\s+and\s+(?=(?:how|what|which|who|when|where|why|whether|was|were|did|do|does)\s)"
    r"|(?<=\?)\s+(?=[A-Z])"
    r"|,\s+(?=(?:how|what|which|who|when|where)\s+(?:many|much|often|long|did|do|does|is|are|"
    r"was|were)\b)",
    re.I,
)


# The two sides of a comparison: "the difference between X and Y", "compare X with Y",
# "X versus Y".
_COMPARED = re.compile(
    r"\bbetween\s+(?P<a>.+?)\s+and\s+(?P<b>.+?)\s*(?:\?|$)"
    r"|\bcompare\s+(?P<c>.+?)\s+(?:with|and|to)\s+(?P<d>.+?)\s*(?:\?|$)"
    r"|^(?P<e>.+?)\s+(?:versus|vs\.?)\s+(?P<f>.+?)\s*(?:\?|$)",
    re.I,
)


def question_parts(question: str) -> tuple[str, ...]:
    """The things ``question`` asks, when it asks more than one ("How many groups were
    there, how often did they meet, and were they online?" -> three parts; "the difference
    between X and Y" -> X, Y); () otherwise."""
    parts = [p.strip(" ,?") for p in _PART_BREAK.split(question) if len(p.split()) >= 2]
    if len(parts) < 2:
        compared = _COMPARED.search(question)
        if compared:
            parts = [p.strip(" ,?") for p in compared.groups() if p]
    return tuple(parts) if len(parts) > 1 else ()


def _analyse(q: str) -> QuestionAnalysis:
    count = _expected_count(q)

    def made(answer_type: AnswerType, *, money: bool = False) -> QuestionAnalysis:
        return QuestionAnalysis(
            answer_type,
            _focus(q),
            count,
            wants_role=bool(_WANTS_ROLE.search(q)),
            frequency=bool(_FREQUENCY.search(q)),
            mode=bool(_MODE.search(q)),
            money=money,
            exact_date=bool(_EXACT_DATE.search(q)),
            clock=bool(_CLOCK_ASKED.search(q)),
            numbers=frozenset(figures_in(q)),
            counted=_counted(q) or (("staff",) if _HEADCOUNT.search(q) else ()),
            acronym=_asked_acronym(q),
            listed=_listed(q),
            sequel=bool(_SEQUEL.search(q)),
            cost=bool(_COST.search(q)),
            audience=bool(_AUDIENCE.search(q)),
            taking_part=bool(_TAKING_PART.search(q)),
            process=bool(_PROCESS.search(q)),
            what_to_ask=bool(_WHAT_TO_ASK.search(q)),
            many=bool(_MANY.search(q)),
            percentage=bool(_PERCENTAGE.search(q)),
            share_of=_share_of(q),
            duration=bool(_DURATION.search(q)),
            named_person=answer_type == "person" and bool(_NAMED_PERSON.search(q)),
            measure=_measure(q) if answer_type == "number" else None,
        )

    if _WHAT_TO_ASK.search(q):  # "what should I be asking officers?": the questions to put
        return replace(made("list"), listed="questions")
    if (
        _ADVICE.search(q)
        and not _NUMBER.search(q)
        and not _PERSON.search(q)
        and not _ASKS_COUNCILS.match(q)
    ):
        return made("advice")
    if _COMPARISON.search(q) and not _NUMBER.search(q):
        return made("comparison")
    if _WHO_DOES_WELL.match(q):  # "who's good at digital?": which councils do it well
        return replace(made("organisation"), many=True)
    if _PERSON.search(q) and not _LIST.search(q) and not _AUDIENCE.search(q):
        return made("person")
    if _NUMBER.search(q) and not _FREQUENCY.search(q):
        return made("number", money=bool(_MONEY.search(q)))
    if _DATE.search(q):
        return made("date")
    if _LIST.search(q) or count is not None:
        listed = _listed(q)
        if listed in _ADVICE_ITEMS and count is None and not _DOCUMENT_LIST.search(q):
            # "What practical steps came out of the action learning?": advice, as a list
            # when the passages hold one.
            return made("advice")
        return made("list")
    if _ORGANISATION.search(q):
        return made("organisation")
    if _YES_NO.search(q):
        return made("yes_no")
    if _DEFINITION.search(q) or _VAGUE_THING.match(q):
        return made("definition")
    return made("description")


# An acronym (two or more capitals, up to seven letters: "LATCo", "TIEx", "CPC") the question
# asks the meaning of: "what's a LATCo?", "what is the TIEx", "what does CDDaT mean / stand for".
_ACRONYM_TOKEN = r"((?=(?:[a-z]*[A-Z]){2})[A-Z][A-Za-z]{1,6})\b"
_ASKED_ACRONYM = re.compile(
    rf"(?i:\bwhat(?:'s|\u2019s|\s+is|\s+are)\s+(?:an?\s+|the\s+)?){_ACRONYM_TOKEN}s?\s*(?:\?|$)"
    rf"|(?i:\bwhat\s+(?:does|do)\s+(?:an?\s+|the\s+)?){_ACRONYM_TOKEN}"
    rf"(?i:\s+(?:mean|stand\s+for)\b)"
    rf"|\b{_ACRONYM_TOKEN}(?i:\s+(?:stands\s+for|means)\s+what\b)"
)


# "... keeps going on about LATCos, what does that even stand for?": the acronym named before.
_WHAT_DOES_THAT_MEAN = re.compile(
    r"\bwhat\s+(?:does|do|is)\s+(?:that|it|this|they)\s+(?:even\s+|actually\s+|exactly\s+)?"
    r"(?:mean|stand\s+for|short\s+for)\b",
    re.I,
)
_ACRONYM_WORD = re.compile(rf"\b{_ACRONYM_TOKEN}")


def _asked_acronym(question: str) -> str | None:
    match = _ASKED_ACRONYM.search(question)
    found = next((a for a in match.groups() if a), None) if match else None
    that = _WHAT_DOES_THAT_MEAN.search(question) if found is None else None
    if that:
        named = _ACRONYM_WORD.findall(question[: that.start()])
        found = named[-1] if named else None
    if found and found.endswith("s") and len(found) > 3 and sum(map(str.isupper, found)) >= 2:
        found = found[:-1]  # "What are LATCos?"
    return found


def _counted(question: str) -> tuple[str, ...]:
    """The nouns a "how many" question counts, "councils" included (``_focus`` drops it)."""
    for pattern in (_FOCUS_AFTER, _FOCUS_NOUN_AFTER_HOW_MANY):
        match = pattern.search(question)
        if match and re.match(r"\s*how\s+many\b", question[match.start() :], re.I):
            # The head noun of each counted phrase: "Corporate Peer Challenges" counts
            # challenges (not peers); "councils or officers" counts both.
            heads = []
            for part in re.split(r",|\band\b|\bor\b", match.group("x"), flags=re.I):
                words = [
                    w.lower()
                    for w in re.findall(r"[A-Za-z][\w'-]*", part)
                    if w.lower() not in _COUNT_STOP
                ]
                # A verb ends the counted phrase: "how many people ended up in it" counts people.
                verb = next(
                    (i for i, w in enumerate(words) if i and _VERB_AFTER_NOUN.match(w)), None
                )
                words = words[:verb] if verb is not None else words
                if pattern is _FOCUS_NOUN_AFTER_HOW_MANY:
                    # No verb found to end it: the last plural in the first words ("separate
                    # improvement offers made up", "officers belong to", "sessions am I").
                    # A longer phrase counts its first plural after those three ("separate
                    # improvement support offers").
                    plural = [w for w in words if re.fullmatch(r"[a-z'-]{3,}[^su']s", w)]
                    words = ([w for w in plural if w in words[:3]][-1:] or plural[:1]) or words[:1]
                if words:
                    heads.append(words[-1])
            return tuple(heads)
    return ()


_VERB_AFTER_NOUN = re.compile(
    r"(?!(?:need|speed|seed|feed|shed|hundred)$)[a-z]{2,}ed$|(?:up|out|off|down|over)$"
)
_COUNT_STOP_TEXT = """a an the of in on at and or our my your their its
    actually really exactly roughly approximately overall altogether currently typically
    usually normally ever just"""
_COUNT_STOP = frozenset(_COUNT_STOP_TEXT.split())


_LISTED = re.compile(
    rf"^\s*(?:(?:so|ok|okay|and)\s*,?\s*)?(?:what|which)\s+(?:(?:are|were|is|was)\s+)?"
    rf"(?:the\s+)?(?:\w+\s+){{0,3}}?(?P<x>{_PLURAL_LIST_NOUNS})\b",
    re.I,
)


_GROUPED = re.compile(
    r"^\s*how\s+(?:are|were|is|was)\s+(?:the\s+|its\s+|their\s+)?(?:[a-z-]+\s+){0,2}?"
    r"(?!(?:its|this|these|those)\b)(?P<x>[a-z-]+s)\b"
    rf"(?=.{{0,100}}\b{_GROUPING}\b)",
    re.I,
)


def _listed(question: str) -> str | None:
    """The plural noun a "which/what X" list question asks for ("topics", "themes"); for
    "what sorts of peer challenge", the thing sorted ("challenge")."""
    match = _LISTED.search(question)
    if not match:
        grouped = _GROUPED.match(question)  # "How were the offers grouped?" -> "offers"
        return grouped.group("x").lower() if grouped else None
    x = match.group("x").lower()
    rest = question[match.end() :]
    if x in ("sorts", "kinds", "types") and re.match(r"\s+of\s", rest):
        words = re.findall(r"[\w-]+", rest.lower())[1:4]
        phrase = list(itertools.takewhile(lambda w: w not in _PHRASE_ENDS, words))
        if phrase:
            return phrase[-1]  # the head of "peer challenge"
    return x


# Words that end a noun phrase after "what sorts of ...".
_PHRASE_ENDS_TEXT = (
    "is are was were do does did has have had can could should will would that which"
)
_PHRASE_ENDS = _COUNT_STOP | frozenset(_PHRASE_ENDS_TEXT.split())
_SENTENCE_BREAK = re.compile(
    r"(?<=[.?!])\s+(?=[A-Z\"\u201c])|\s+[-\u2013\u2014]\s+(?=(?:what|which|who|how|when)\b)", re.I
)
_PRONOUN_QUESTION = re.compile(
    r"^\s*(?:so\s+|and\s+)?(?:(?:what|which)\s+(?:are|were)\s+(?:they|these|those|them)"
    r"|(?:(?:can|could|would)\s+you\s+(?:please\s+)?)?(?:list|name)\s+(?:them|these|those)"
    r"(?:\s+all)?(?:\s+for\s+me)?(?:\s+please)?)\s*\??\s*$",
    re.I,
)
_PRONOUN_DEFINITION = re.compile(
    r"^\s*(?:so\s+|and\s+)?what(?:'s|\s+is|\s+was)\s+(?:one|it|that|this)\s*\??\s*$", re.I
)
_LIST_PHRASE = re.compile(rf"\b((?:[\w-]+\s+){{0,2}}(?:{_PLURAL_LIST_NOUNS}))\b", re.I)


def asking_sentence(question: str) -> str:
    """The sentence of ``question`` that asks (the last one ending in "?", else the last),
    with "What are they?" spelled out from the list named before it ("...the digital outcomes
    the Almanac is organised around. What are they?" -> "What are the digital outcomes?")."""
    sentences = [s for s in _SENTENCE_BREAK.split(question) if s.strip()]
    if len(sentences) < 2:
        return question
    asked = [i for i, s in enumerate(sentences) if s.rstrip().endswith("?")]
    i = asked[-1] if asked else len(sentences) - 1
    sentence = sentences[i]
    if _PRONOUN_DEFINITION.match(sentence):  # "...kept saying LATCo - what is one?"
        acronyms = re.findall(_ACRONYM_TOKEN, " ".join(sentences[:i]))
        if acronyms:
            return f"What is a {acronyms[-1]}?"
    if _PRONOUN_QUESTION.match(sentence):
        named = _LIST_PHRASE.findall(" ".join(sentences[:i]))
        if named:
            *before, noun = named[-1].split()
            # One describing word stays ("digital outcomes"), not a verb ("picked topics").
            kept = (
                before[-1:] if before and re.fullmatch(r"[a-z]+(?<!ed)(?<!ing)", before[-1]) else []
            )
            if kept and kept[0] in _PHRASE_ENDS:
                kept = []
            return f"What are the {' '.join([*kept, noun])}?"
    return sentence


def counted_noun(question: str) -> str | None:
    """The plural noun a count in ``question`` counts ("list all eight support offers" ->
    "offers"), or None."""
    match = _COUNT_IN_QUESTION.search(question)
    return LIST_NOUN.findall(match.group(0))[-1].lower() if match else None


def _expected_count(question: str) -> int | None:
    match = _COUNT_IN_QUESTION.search(question)
    if not match:
        return None
    if re.search(rf"\b{_GROUPING}\b", question[match.end() :], re.I):
        # "Under which themes were the eight offers grouped?": the eight are what is grouped,
        # not the groups asked for
        return None
    n = match.group("n").lower()
    return int(n) if n.isdigit() else NUMBER_WORDS.get(n)


_FOCUS_STOP_TEXT = """a an the of in on at for to by with and or is are was were be been do does did has have
    had will would can could should may might what which who whom whose when where why how many
    much does council's councils council lga local our my we i you they it this that these those
    there any some all exactly actually roughly about approximately total number"""
_FOCUS_STOP = frozenset(_FOCUS_STOP_TEXT.split())


def _focus(question: str) -> tuple[str, ...]:
    """The head words of the thing asked about (after "how many", "what is the ...")."""
    for pattern in (_VAGUE_THING, _FOCUS_AFTER, _FOCUS_NOUN_AFTER_HOW_MANY, _FOCUS_WHAT_X):
        match = pattern.search(question)
        if match:
            words = [
                w.lower()
                for w in re.findall(r"[A-Za-z][\w'-]*", match.group("x"))
                if w.lower() not in _FOCUS_STOP
            ]
            if words:
                return tuple(words)
    return ()


__all__ = [
    "AnswerType",
    "LIST_NOUN",
    "QuestionAnalysis",
    "analyse_question",
    "counted_noun",
    "NUMBER_WORDS",
    "without_framing",
]
