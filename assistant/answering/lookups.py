"""Second look-ups: passages a question needs beside those its own words find.

Some questions name what they want in words the right passage does not use, or use words that
other passages match better: "which council could we learn from on X?" wants councils' case
studies, "what does good scrutiny look like?" the passage on what scrutiny councillors do, "how
do we know if we're ready?" the readiness check. ``look_ups`` says what to search for and which
results to keep; the service retrieves them and puts them among the question's passages
(``service.with_each_side``). Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answering.question import QuestionAnalysis, asks_for_peers
from assistant.types import Chunk, Hit

PEER_PASSAGES = 2  # case studies put among a peer question's passages
ROLE_PASSAGES = 3  # passages looked up for a councillor role or the readiness check


@dataclass(frozen=True, slots=True)
class LookUp:
    """One more search: its query (``None``: the question itself), the document types it is
    limited to, how many passages it is read for, how many of them join the question's, and
    which to keep (the first test any passage passes wins: a section headed by the role, else
    one mentioning it)."""

    query: str | None
    k: int
    per_side: int
    doc_types: tuple[str, ...] = ()
    keep: tuple[Callable[[Chunk], bool], ...] = ()

    def kept(self, hits: Sequence[Hit]) -> list[Hit]:
        """The found passages to keep (all of them when there is no test)."""
        if not self.keep:
            return list(hits)
        for test in self.keep:
            passing = [h for h in hits if test(h.chunk)]
            if passing:
                return passing
        return []


def look_ups(question: str, asked: QuestionAnalysis, *, doc_types_chosen: bool) -> list[LookUp]:
    """The further searches ``question`` needs (``doc_types_chosen``: the user limited the
    document types, which a case-study search would override)."""
    out: list[LookUp] = []
    peers = asks_for_peers(question)
    if peers and not doc_types_chosen:
        # "Which council could we learn from on X?": the councils' own case studies, which the
        # question's topic words alone may rank below the LGA's general pages.
        out.append(LookUp(None, PEER_PASSAGES, PEER_PASSAGES, doc_types=("case_study",)))
    role = asked.asker_role
    if role and not peers:
        # "What does good scrutiny look like?", "I sit on scrutiny ...": the passage on what
        # councillors in that role do, which the question's other words may outrank.
        said = re.compile(rf"\b{role}\s+role\b", re.I)
        out.append(
            LookUp(
                f"the {role} role of councillors in transformation",
                ROLE_PASSAGES,
                1,
                keep=(
                    lambda c: bool(said.search(" ".join(c.heading_path))),
                    lambda c: bool(said.search(c.text)),
                ),
            )
        )
    if asked.readiness and asked.type == "advice":
        # "How do we know if we're ready for a big change?": the readiness check (the 7Cs),
        # which words about the change itself ("digital", "programme") rank low.
        out.append(
            LookUp(
                "a readiness check of the conditions for success before a council starts a "
                "change programme",
                ROLE_PASSAGES,
                2,
                keep=(lambda c: bool(re.search(r"\breadiness\b", c.text, re.I)),),
            )
        )
    return out
