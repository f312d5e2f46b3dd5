"""The catalogue in corpus/: loads, is complete, cites its sources and states no unconfirmed facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.errors import ConfigurationError
from assistant.knowledge import (
    find_councils,
    framework_elements,
    framework_label,
    get_council,
    get_theme,
    load_catalogue,
)
from assistant.knowledge.catalogue import (
    DOC_TYPES,
    RESOURCE_TYPES,
    catalogue_files,
    default_corpus_dir,
    split_front_matter,
)

CORPUS = default_corpus_dir()
FACTS = Path(__file__).resolve().parents[3] / "shared" / "domain" / "lga-facts.md"
URL_RE = re.compile(r"https?://[^\s;)|>\"']+")


def front_matters() -> list[tuple[Path, dict, str]]:
    out = []
    for path in catalogue_files(CORPUS):
        data, body = split_front_matter(path.read_text(encoding="utf-8"))
        out.append((path, data, body))
    return out


FILES = front_matters()
CONTENT = [(p, d, b) for p, d, b in FILES if d.get("doc_type") in DOC_TYPES]
CATALOGUE = load_catalogue(CORPUS)


def test_catalogue_loads_every_content_file() -> None:
    framework_files = [d for _, d, _ in CONTENT if d["doc_type"] == "framework"]
    resource_files = [d for _, d, _ in CONTENT if d["doc_type"] == "resource"]
    case_files = [d for _, d, _ in CONTENT if d["doc_type"] == "case_study"]
    assert len(CATALOGUE.frameworks) == len(framework_files) >= 5
    assert len(CATALOGUE.case_studies) == len(case_files) >= 20
    also_resources = sum(1 for d in framework_files if d.get("resource_type"))
    assert len(CATALOGUE.resources) == len(resource_files) + also_resources
    assert len(resource_files) >= 15


def test_front_matter_reads_the_same_as_with_the_pure_python_safe_loader() -> None:
    import yaml

    for path, data, body in FILES:
        text = path.read_text(encoding="utf-8")
        front = text[: len(text) - len(body)].strip().strip("-").strip()
        assert data == (yaml.safe_load(front) or {}), path.name


def test_every_markdown_file_is_content_or_the_readme() -> None:
    others = [
        (p.name, d.get("doc_type")) for p, d, _ in FILES if d.get("doc_type") not in DOC_TYPES
    ]
    assert others == [("README.md", "readme")]


@pytest.mark.parametrize("path,data,body", CONTENT, ids=[p.name for p, _, _ in CONTENT])
def test_file_has_required_keys_and_sources(path: Path, data: dict, body: str) -> None:
    assert str(data.get("title", "")).strip()
    assert str(data.get("publisher", "")).strip()
    sources = data.get("sources") or []
    documents = data.get("source_documents") or []
    assert all(URL_RE.fullmatch(s) for s in sources), sources
    assert sources or documents, "cite a URL, or name the source document"
    if data.get("url"):
        assert URL_RE.fullmatch(data["url"]) and data["url"] in sources
    section = body.split("## Sources", 1)
    assert len(section) == 2, "the body ends with a Sources section"
    for source in [*sources, *documents]:
        assert source in section[1], f"{source} is not listed under Sources"
    words = len(body.split())
    assert 60 <= words <= 650, words
    for theme in data.get("themes") or []:
        assert get_theme(theme) is not None, f"unknown theme id {theme!r}"


def test_every_source_url_from_the_fact_sheet_is_kept() -> None:
    if not FACTS.exists():
        pytest.skip("shared fact sheet not present")
    urls = {u.rstrip(".,") for u in URL_RE.findall(FACTS.read_text(encoding="utf-8"))}
    text = "\n".join(p.read_text(encoding="utf-8") for p, _, _ in CONTENT)
    assert sorted(u for u in urls if u not in text) == []


def test_resources_have_valid_types_and_audiences() -> None:
    for resource in CATALOGUE.resources:
        assert resource.resource_type in RESOURCE_TYPES, resource.id
        assert resource.audience, resource.id
        assert resource.summary, resource.id
        # A resource without a web address names the document that evidences it.
        assert resource.url or resource.source_documents, resource.id


@pytest.mark.parametrize("case", CATALOGUE.case_studies, ids=lambda c: c.id)
def test_case_study_council_resolves_in_gazetteer(case) -> None:  # type: ignore[no-untyped-def]
    council = get_council(case.council)
    assert council is not None and council.name == case.council
    assert council.type == case.council_type
    assert council.region == case.region
    # The summary (what retrieval quotes) names the council, so chunks get tagged with it.
    body = (CORPUS / case.path).read_text(encoding="utf-8")
    assert case.council in {m.council.name for m in find_councils(body)}
    assert case.council in {m.council.name for m in find_councils(case.summary)}


def test_framework_labels_for_next_steps() -> None:
    assert framework_label("7cs", "capacity") == "7Cs: Capacity"
    assert framework_label("tiex", "capacity_to_deliver") == "TIEx: capacity to deliver"
    assert framework_label("TIEx", "capacity to deliver") == "TIEx: capacity to deliver"
    assert framework_label("tcf", "governance_control") == "TCF: governance and control"
    assert framework_label("councillor_roles", "scrutiny") == "Councillor role: scrutiny"
    with pytest.raises(KeyError, match="known"):
        framework_label("7cs", "cash")


def test_every_element_has_a_label_and_an_action() -> None:
    elements = framework_elements()
    labels = [e.label for e in elements]
    assert len(labels) == len(set(labels))
    assert {"7cs", "tiex", "tcf", "councillor_roles"} <= {e.framework_id for e in elements}
    assert sum(e.framework_id == "7cs" for e in elements) == 7
    assert sum(e.framework_id == "tiex" for e in elements) == 5
    for ref in elements:
        assert ref.element.action.endswith("."), ref.label
        assert ref.element.summary, ref.label


def test_lookups_by_name_and_theme() -> None:
    ai_hub = CATALOGUE.resource("LGA AI hub")
    assert ai_hub is not None and ai_hub.url and "artificial-intelligence-hub" in ai_hub.url
    assert ai_hub in CATALOGUE.resources_for_theme("ai")
    co_design = {c.council for c in CATALOGUE.case_studies_for(theme="co_design")}
    assert {"London Borough of Newham", "Reigate and Banstead Borough Council"} <= co_design
    co_design_resources = {r.name for r in CATALOGUE.resources_for_theme("co_design")}
    assert "Reigate and Banstead consultation toolkit" in co_design_resources
    leaders = {c.council for c in CATALOGUE.case_studies_for(theme="leadership_development")}
    assert "Brighton and Hove City Council" in leaders
    districts = CATALOGUE.case_studies_for(council_type="district", region="South East")
    assert districts and all(c.council_type == "district" for c in districts)
    assert CATALOGUE.case_study("lincolnshire county council") is not None
    assert CATALOGUE.framework("TIEx") is not None
    tiex = CATALOGUE.resource("TIEx")
    assert tiex is not None and tiex.resource_type == "tool"


# --- never present NOT FOUND / NOT VERIFIED items as fact ---------------------------------

ALL_TEXT = "\n".join(b for _, _, b in CONTENT)
HEDGES = (  # said from the reader's side: what the LGA sources do not say (no catalogue talk)
    "not confirmed",
    "do not confirm",
    "do not define",
    "do not describe",
    "does not describe",
    "do not give",
    "do not include",
    "do not show",
    "do not say",
)


def test_maturity_levels_are_not_described() -> None:
    # The sources give only the 1-5 scale; no file may say what a level means.
    assert not re.search(r"\blevel\s*[1-5]\s*(?:[:=–-]|means|is\b|\()", ALL_TEXT, re.I)
    assert not re.search(r"\b[1-5]\s*(?:=|:)\s*[A-Z][a-z]+", ALL_TEXT)
    tcf = (CORPUS / "frameworks" / "transformation-capability-framework.md").read_text()
    assert "do not define what each maturity level means" in tcf


HEDGED = [
    # (catalogue file, the unverified item it is about)
    ("data-and-impact-framework.md", "impact measurement framework"),
    ("officer-development.md", "director development training"),
    ("transformation-partners-pilot.md", "transformation peers"),
    ("newham.md", "co-design standards"),
    ("reigate-and-banstead.md", "consultation toolkit"),
    ("rushmoor.md", "using data in transformation"),
    ("stockport.md", "Stockport Design Code"),
    ("stockton-on-tees.md", "prevention model"),
    ("reigate-and-banstead-consultation-toolkit.md", "Consultation Toolkit"),
    ("newham-co-design-standards.md", "co-design standards"),
]


@pytest.mark.parametrize(("name", "phrase"), HEDGED)
def test_unverified_items_say_what_is_not_confirmed(name: str, phrase: str) -> None:
    body = next(b for p, _, b in CONTENT if p.name == name)
    assert phrase.lower() in body.lower()
    assert "## Not confirmed" in body
    hedge = body.split("## Not confirmed", 1)[1].split("\n## ", 1)[0].lower()
    assert any(h in hedge for h in HEDGES), hedge


SHARED = FACTS.parents[1] / "corpus"
CORPUS_CONFIRMED = [
    # (catalogue file, fact stated, corpus document that confirms it, words it must contain)
    (
        "cornwall.md",
        "Transformation Operating Model",
        "transformation-network.html",
        "Operating Model",
    ),
    ("newcastle-under-lyme.md", "impact tracker", "transformation-network.html", "impact tracker"),
    ("st-helens.md", "prioritisation methodology matrix", "transformation-network.html", "matrix"),
    ("bristol.md", "change champion", "transformation-network.html", "Champion Networks"),
    (
        "brighton-and-hove.md",
        "leadership development",
        "transformation-network.html",
        "leadership development",
    ),
    (
        "newham.md",
        "co-design standards",
        "action-learning-sets-learning-document.pdf",
        "co-design standards",
    ),
    (
        "reigate-and-banstead.md",
        "consultation toolkit",
        "action-learning-sets-learning-document.pdf",
        "Consultation Toolkit",
    ),
]


def _document_text(name: str) -> str:
    path = SHARED / name
    if name.endswith(".pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "fact", "document", "evidence"), CORPUS_CONFIRMED)
def test_facts_confirmed_only_by_a_corpus_document_cite_it(
    name: str, fact: str, document: str, evidence: str
) -> None:
    path, data, body = next(item for item in CONTENT if item[0].name == name)
    assert fact.lower() in body.lower()
    # The file cites the confirming document: its URL, or its title when it has none.
    cited = {
        "transformation-network.html": "https://www.local.gov.uk/our-support/transformation/transformation-network",
        "action-learning-sets-learning-document.pdf": "Action Learning Sets: Transformation Programme learning document",
    }[document]
    sources = [*(data.get("sources") or []), *(data.get("source_documents") or [])]
    assert any(s.startswith(cited) for s in sources), sources
    if not (SHARED / document).exists():
        pytest.skip("shared corpus not present")
    text = re.sub(r"\s+", " ", _document_text(document)).replace("\u2019", "'")
    assert evidence.lower() in text.lower()


def test_other_four_business_cases_questions_are_not_invented() -> None:
    toolkit = (CORPUS / "frameworks" / "councillor-toolkit.md").read_text()
    assert "do not give the toolkit's questions for the other four cases" in toolkit
    questions = [ln for ln in toolkit.splitlines() if ln.startswith("- ") and ln.endswith("?")]
    assert len(questions) == 3


def test_malformed_file_is_reported_with_its_path(tmp_path: Path) -> None:
    (tmp_path / "case-studies").mkdir()
    bad = tmp_path / "case-studies" / "nowhere.md"
    bad.write_text("---\ntitle: X\ndoc_type: case_study\n---\n\nText.\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="nowhere.md.*'council'"):
        load_catalogue(tmp_path)


def test_readme_and_hidden_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\ntitle: About\ndoc_type: readme\n---\n# About\n")
    (tmp_path / ".draft.md").write_text("---\ntitle: D\ndoc_type: resource\n---\n")
    catalogue = load_catalogue(tmp_path)
    assert catalogue.resources == () and catalogue.case_studies == ()


def test_missing_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="corpus/ folder"):
        load_catalogue(tmp_path / "missing")


# --- written in our own words -------------------------------------------------------------

NAMES = (  # lists of official names may be quoted whole
    "understanding of local place and priority setting; leadership of place; financial planning "
    "and viability; organisational leadership and governance; and capacity to deliver",
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


def test_no_long_passages_copied_from_the_shared_corpus() -> None:
    names = ["transformation-network.html", "action-learning-sets-learning-document.pdf"]
    names += [
        "lga-first-transforming-improvement.txt",
        "iib-minutes-transformation-support-programme.txt",
    ]
    if not all((SHARED / n).exists() for n in names):
        pytest.skip("shared corpus not present")
    size = 15
    shingles: set[tuple[str, ...]] = set()
    for name in names:
        words = _words(re.sub(r"<[^>]+>", " ", _document_text(name)))
        shingles.update(tuple(words[i : i + size]) for i in range(len(words) - size + 1))
    copied = []
    for path, _, body in CONTENT:
        for name_list in NAMES:
            body = body.replace(name_list, " ")
        words = _words(body)
        for i in range(len(words) - size + 1):
            if tuple(words[i : i + size]) in shingles:
                copied.append((path.name, " ".join(words[i : i + size])))
                break
    assert copied == []
