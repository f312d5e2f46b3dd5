"""The structured catalogue in ``corpus/``: frameworks, LGA resources and peer case studies.

Each catalogue file is Markdown with YAML front matter (see ``corpus/README.md``). The ingest
pipeline indexes the same files as text; this module reads their front matter into typed records
so suggestions can name a resource with its URL, a peer with its type and region, or a next step
with its framework element ("7Cs: Capacity", "TIEx: capacity to deliver").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigurationError

DOC_TYPES = ("framework", "resource", "case_study")
RESOURCE_TYPES = ("tool", "framework", "programme", "network", "guidance", "training", "event")


@dataclass(frozen=True, slots=True)
class FrameworkElement:
    """One element of a framework: a 7C, a TIEx focus area, a TCF capability, a councillor role.

    ``summary`` says what the element is; ``action`` is one line saying what it asks a council
    to do, ready to use as next-step text.
    """

    id: str
    name: str
    summary: str
    action: str = ""


@dataclass(frozen=True, slots=True)
class Framework:
    """A framework with its elements; ``label`` prefixes element labels ("7Cs", "TIEx")."""

    id: str
    name: str
    elements: tuple[FrameworkElement, ...]
    url: str | None
    sources: tuple[str, ...]
    label: str = ""
    summary: str = ""
    title: str = ""
    path: str = ""

    def element(self, ref: str) -> FrameworkElement | None:
        """The element with this id or name (case-insensitive)."""
        wanted = _norm(ref)
        for element in self.elements:
            if wanted in {_norm(element.id), _norm(element.name)}:
                return element
        return None


@dataclass(frozen=True, slots=True)
class Resource:
    """An LGA resource (tool, framework, programme, network, guidance, training or event)."""

    id: str
    name: str
    resource_type: str
    audience: tuple[str, ...]
    themes: tuple[str, ...]
    summary: str
    url: str | None
    sources: tuple[str, ...]
    title: str = ""
    source_documents: tuple[str, ...] = ()
    path: str = ""


@dataclass(frozen=True, slots=True)
class CaseStudy:
    """What one council did, with its type, region, themes and sources."""

    id: str
    council: str
    council_type: str
    region: str
    themes: tuple[str, ...]
    summary: str
    url: str | None
    sources: tuple[str, ...]
    title: str = ""
    source_documents: tuple[str, ...] = ()
    path: str = ""


@dataclass(frozen=True, slots=True)
class ElementRef:
    """A framework element with its display label, for next steps and self-assessment."""

    framework_id: str
    element: FrameworkElement
    label: str  # "7Cs: Capacity"
    url: str | None


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Everything in ``corpus/``, with lookups by name, council and theme."""

    frameworks: tuple[Framework, ...]
    resources: tuple[Resource, ...]
    case_studies: tuple[CaseStudy, ...]

    def framework(self, ref: str) -> Framework | None:
        """A framework by id, name or label ("tcf", "TIEx", "7Cs")."""
        wanted = _norm(ref)
        for framework in self.frameworks:
            if wanted in {_norm(framework.id), _norm(framework.name), _norm(framework.label)}:
                return framework
        return None

    def resource(self, ref: str) -> Resource | None:
        """A resource by id or name (case-insensitive); a unique partial name also works."""
        wanted = _norm(ref)
        for resource in self.resources:
            if wanted in {_norm(resource.id), _norm(resource.name)}:
                return resource
        partial = [r for r in self.resources if wanted and wanted in _norm(r.name)]
        return partial[0] if len(partial) == 1 else None

    def resources_for_theme(self, theme: str) -> tuple[Resource, ...]:
        """Resources tagged with a theme id."""
        return tuple(r for r in self.resources if theme in r.themes)

    def case_study(self, council: str) -> CaseStudy | None:
        """The case study of a council, by canonical name (case-insensitive)."""
        wanted = _norm(council)
        for case in self.case_studies:
            if _norm(case.council) == wanted or _norm(case.id) == wanted:
                return case
        return None

    def case_studies_for(
        self,
        *,
        theme: str | None = None,
        council_type: str | None = None,
        region: str | None = None,
    ) -> tuple[CaseStudy, ...]:
        """Case studies matching every filter given (theme id, council type, region)."""
        out = []
        for case in self.case_studies:
            if theme and theme not in case.themes:
                continue
            if council_type and case.council_type != council_type:
                continue
            if region and _norm(case.region) != _norm(region):
                continue
            out.append(case)
        return tuple(out)

    def elements(self) -> tuple[ElementRef, ...]:
        """Every framework element with its label, in file order."""
        return tuple(
            ElementRef(f.id, e, _label(f, e), f.url) for f in self.frameworks for e in f.elements
        )

    def element(self, framework_ref: str, element_ref: str) -> ElementRef | None:
        """One framework element with its label, or ``None``."""
        framework = self.framework(framework_ref)
        element = framework.element(element_ref) if framework else None
        if framework is None or element is None:
            return None
        return ElementRef(framework.id, element, _label(framework, element), framework.url)

    def framework_label(self, framework_ref: str, element_ref: str) -> str:
        """The display label of a framework element: ``"7Cs: Capacity"``.

        Raises ``KeyError`` naming the known frameworks/elements when either is unknown.
        """
        framework = self.framework(framework_ref)
        if framework is None:
            known = ", ".join(f.id for f in self.frameworks)
            raise KeyError(f"Unknown framework {framework_ref!r}; known: {known}")
        element = framework.element(element_ref)
        if element is None:
            known = ", ".join(e.id for e in framework.elements)
            raise KeyError(f"Unknown element {element_ref!r} of {framework.id}; known: {known}")
        return _label(framework, element)


# --- parsing ------------------------------------------------------------------------------

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def _label(framework: Framework, element: FrameworkElement) -> str:
    return f"{framework.label or framework.name}: {element.name}"


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(front matter mapping, body) of a Markdown file; ``({}, text)`` when it has none."""
    match = _FRONT_RE.match(text)
    if not match:
        return {}, text
    # libyaml when present: the catalogue's ~55 files parse in a fraction of pure Python's time.
    data = yaml.load(match.group(1), Loader=_YAML_LOADER) or {}
    if not isinstance(data, dict):
        raise ValueError("front matter is not a mapping")
    return data, text[match.end() :]


def first_paragraph(body: str) -> str:
    """The first prose paragraph of a Markdown body (headings and lists skipped)."""
    for para in re.split(r"\n\s*\n", body):
        lines = [ln.strip() for ln in para.strip().splitlines()]
        if not lines or lines[0].startswith(("#", "-", "*", "|", "```")) or lines[0][:2] == "1.":
            continue
        return " ".join(lines)
    return ""


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(";") if v.strip())
    if isinstance(value, Iterable):
        return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    return (str(value).strip(),)


def _optional(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _require(data: dict[str, Any], key: str, path: Path) -> str:
    value = data.get(key)
    if value is None or not str(value).strip():
        raise ConfigurationError(
            f"Catalogue file {path} has no {key!r} in its front matter: add it "
            "(see corpus/README.md for the keys each kind of file needs)."
        )
    return str(value).strip()


def _elements(data: dict[str, Any], path: Path) -> tuple[FrameworkElement, ...]:
    out = []
    for item in data.get("elements") or []:
        if isinstance(item, dict) and item.get("name"):
            name = str(item["name"]).strip()
            out.append(
                FrameworkElement(
                    id=str(item.get("id") or _slug(name)),
                    name=name,
                    summary=str(item.get("summary") or "").strip(),
                    action=str(item.get("action") or "").strip(),
                )
            )
        elif isinstance(item, str) and item.strip():
            out.append(FrameworkElement(id=_slug(item), name=item.strip(), summary=""))
        else:
            raise ConfigurationError(
                f"Catalogue file {path}: each framework element needs a name "
                "(a string or a mapping with id, name, summary, action)."
            )
    return tuple(out)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def catalogue_files(corpus_dir: Path) -> list[Path]:
    """Markdown files of the catalogue (hidden files and the README excluded), sorted."""
    return sorted(
        p
        for p in corpus_dir.rglob("*.md")
        if not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def load_catalogue(corpus_dir: Path) -> Catalogue:
    """Parse every catalogue file under ``corpus_dir`` into frameworks, resources, case studies.

    Files whose ``doc_type`` is not framework/resource/case_study (e.g. ``readme``) are skipped.
    A framework file that also has ``resource_type`` appears among the resources, so the TCF or
    TIEx can be suggested like any other LGA resource. Raises ``ConfigurationError`` naming the
    file and the missing key when a file is malformed.
    """
    if not corpus_dir.is_dir():
        raise ConfigurationError(
            f"No catalogue folder at {corpus_dir}: point to the project's corpus/ folder."
        )
    frameworks: list[Framework] = []
    resources: list[Resource] = []
    cases: list[CaseStudy] = []
    for path in catalogue_files(corpus_dir):
        try:
            data, body = split_front_matter(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
            raise ConfigurationError(
                f"Cannot read catalogue file {path}: {exc}. Fix its front matter."
            ) from exc
        doc_type = str(data.get("doc_type") or "").strip()
        if doc_type not in DOC_TYPES:
            continue
        title = _require(data, "title", path)
        url = _optional(data.get("url"))
        sources = _strings(data.get("sources"))
        documents = _strings(data.get("source_documents"))
        summary = first_paragraph(body)
        rel = str(path.relative_to(corpus_dir))
        file_id = path.stem
        if doc_type == "framework":
            framework = Framework(
                id=_require(data, "framework", path),
                name=str(data.get("name") or title),
                elements=_elements(data, path),
                url=url,
                sources=sources,
                label=str(data.get("label") or ""),
                summary=summary,
                title=title,
                path=rel,
            )
            frameworks.append(framework)
            if data.get("resource_type"):
                resources.append(
                    Resource(
                        id=file_id,
                        name=framework.name,
                        resource_type=str(data["resource_type"]),
                        audience=_strings(data.get("audience")),
                        themes=_strings(data.get("themes")),
                        summary=summary,
                        url=url,
                        sources=sources,
                        title=title,
                        source_documents=documents,
                        path=rel,
                    )
                )
        elif doc_type == "resource":
            resources.append(
                Resource(
                    id=file_id,
                    name=_require(data, "name", path),
                    resource_type=_require(data, "resource_type", path),
                    audience=_strings(data.get("audience")),
                    themes=_strings(data.get("themes")),
                    summary=summary,
                    url=url,
                    sources=sources,
                    title=title,
                    source_documents=documents,
                    path=rel,
                )
            )
        else:
            cases.append(
                CaseStudy(
                    id=file_id,
                    council=_require(data, "council", path),
                    council_type=_require(data, "council_type", path),
                    region=_require(data, "region", path),
                    themes=_strings(data.get("themes")),
                    summary=summary,
                    url=url,
                    sources=sources,
                    title=title,
                    source_documents=documents,
                    path=rel,
                )
            )
    return Catalogue(tuple(frameworks), tuple(resources), tuple(cases))


def default_corpus_dir() -> Path:
    """The project's ``corpus/`` folder (beside the ``assistant`` package in a checkout)."""
    return Path(__file__).resolve().parents[2] / "corpus"


@lru_cache(maxsize=4)
def _cached(corpus_dir: str) -> Catalogue:
    return load_catalogue(Path(corpus_dir))


def default_catalogue(corpus_dir: Path | None = None) -> Catalogue:
    """The catalogue at ``corpus_dir`` (default: the project's ``corpus/``), loaded once."""
    return _cached(str((corpus_dir or default_corpus_dir()).resolve()))


def framework_label(framework_id: str, element: str) -> str:
    """Display label of a framework element from the default catalogue: ``"TCF: governance and
    control"``, ``"7Cs: Capacity"``, ``"TIEx: capacity to deliver"``, ``"Councillor role: scrutiny"``.

    ``framework_id`` may be the id ("7cs"), name or label; ``element`` its id or name.
    Raises ``KeyError`` when either is unknown.
    """
    return default_catalogue().framework_label(framework_id, element)


def framework_elements() -> tuple[ElementRef, ...]:
    """Every framework element of the default catalogue with its label and one-line action."""
    return default_catalogue().elements()
