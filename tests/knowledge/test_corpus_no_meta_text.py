"""No text about how the catalogue was made reaches users (issue 11, item 6).

The answerer quotes catalogue sentences verbatim, and peer/resource cards show front-matter
fields such as `summary` and element summaries/actions. None of that text may talk about the
catalogue itself, its entries, the pages "read for this catalogue" or what was "recorded": it
says only what the LGA sources do or do not say. corpus/README.md is not ingested and is exempt.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from assistant.knowledge.catalogue import (
    DOC_TYPES,
    catalogue_files,
    default_corpus_dir,
    split_front_matter,
)
from ingest.loaders.text import drop_maintainer_sections

CORPUS = default_corpus_dir()

META_TEXT = [
    re.compile(p, re.I)
    for p in (
        r"\b(?:this|the|our) catalogue\b",
        r"\bcatalogue (?:did|does|has|had|found|finds|takes|could|can|is|was)\b",
        r"\b(?:this|the|an?) entry\b",
        r"\bentry in\b",
        r"\bread for this\b",
        r"\bpages? read\b",
        r"\brecorded without\b",
        r"\bwithout (?:its|a) (?:web )?address\b",
        r"\b(?:gives?|has|have|had) no (?:LGA )?web (?:address|pages?)\b",
        r"\bweb pages? of (?:their|its) own\b",
        r"\b(?:have|has) (?:their|its) own (?:LGA )?(?:web )?page\b",
        r"\bwith LGA web pages\b",
        r"\b(?:has|have) not seen\b",
        r"\b(?:named|listed|described|given) here\b",
        r"\bnot listed here\b",
        r"\bthis (?:file|record|summary)\b",
        r"\bwe (?:found|read|did|could|have)\b",
        r"\bstored page\b",
        r"\bcrawl",
    )
]
# How the LGA's sources were read, rather than what they say: allowed only in a file's
# "## Not confirmed" section, which ingest leaves out (ingest.loaders.drop_maintainer_sections).
SOURCE_READING = [
    re.compile(p, re.I)
    for p in (
        r"\b(?:the )?LGA sources (?:do not|don't|does not|did not)\b",
        r"\baccording to the LGA [\w' ]{0,60}list of useful links\b",
        r"\bis described (?:only )?on the LGA\b",
        r"\bnames? [\w' ]{1,60} but does not describe\b",
    )
]

# Front-matter keys that are bookkeeping, never shown as text: who wrote the file, where it came
# from, and ids. Everything else (title, summary, name, elements' summary/action, ...) is checked.
NOT_SHOWN = {"publisher", "sources", "source_documents", "url", "doc_type", "themes", "framework"}


def meta_text(text: str) -> list[str]:
    return [m.group(0) for pattern in META_TEXT for m in pattern.finditer(text)]


def shown_strings(value: Any, key: str = "") -> list[tuple[str, str]]:
    if key in NOT_SHOWN:
        return []
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in shown_strings(v, str(k))]
    if isinstance(value, list):
        return [item for v in value for item in shown_strings(v, key)]
    return []


def _content() -> list[tuple[Path, dict, str]]:
    out = []
    for path in catalogue_files(CORPUS):
        data, body = split_front_matter(path.read_text(encoding="utf-8"))
        if data.get("doc_type") in DOC_TYPES:
            out.append((path, data, body))
    return out


CONTENT = _content()


@pytest.mark.parametrize(
    "text",
    [
        "The LGA page describing this offer was recorded without its web address, so this entry "
        "points to the related action learning sets page.",
        "The Transformation Network page read for this catalogue does not describe it.",
        "This catalogue has not seen the content of the Stockport Design Code.",
        "The LGA AI network for officers (see the AI network entry in this catalogue).",
        "This catalogue takes the TOM from the Transformation Network page.",
        "The toolkit's questions were not found in the pages read, so they are not listed here.",
        "The LGA sources give no web address for the offer itself; the related sets have their "
        "own LGA page.",
        "The document lists further outputs as useful links. They have no LGA web pages of their "
        "own.",
    ],
)
def test_patterns_catch_known_meta_text(text: str) -> None:
    assert meta_text(text), text


@pytest.mark.parametrize(
    "text",
    [
        "The LGA action learning document mentions Newham's co-design standards but does not "
        "describe their contents.",
        "The LGA Improvement and Innovation Board recorded a Transformation Support Programme.",
        "See the LGA AI network.",
    ],
)
def test_patterns_leave_plain_statements_alone(text: str) -> None:
    assert meta_text(text) == [], text


def test_every_content_file_is_checked() -> None:
    assert len(CONTENT) >= 40


@pytest.mark.parametrize("path,data,body", CONTENT, ids=[p.name for p, _, _ in CONTENT])
def test_no_meta_text_in_body_or_shown_front_matter(path: Path, data: dict, body: str) -> None:
    found = [("body", hit) for hit in meta_text(body)]
    ingested = drop_maintainer_sections(body)
    found += [("body", m.group(0)) for p in SOURCE_READING for m in p.finditer(ingested)]
    for key, text in shown_strings(data):
        found += [(key, hit) for hit in meta_text(text)]
    assert found == [], f"{path.relative_to(CORPUS)}: text about how the catalogue was made"
