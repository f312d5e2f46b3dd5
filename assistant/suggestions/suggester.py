"""The suggestions facade: ``CatalogueSuggester`` (implements ``ports.Suggester``).

It builds the shared ``CatalogueSources`` and the three parts (``PeerFinder``,
``ResourceSuggester``, ``StepSuggester``) once, and answers two requests: ``suggest`` for an
answer and ``advise`` for a self-assessment area. The officer tools use only the public members
below; each part's scoring stays inside its module.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from assistant.knowledge.gazetteer import Council, CouncilMention
from assistant.ports import Embedder, SuggestionSet
from assistant.retrieval.synonyms import expand_query
from assistant.suggestions.evidence import (
    CitationNumbering,
    ElementEntry,
    Evidence,
    ResourceEntry,
)
from assistant.suggestions.next_steps import StepSuggester
from assistant.suggestions.peers import PeerFinder
from assistant.suggestions.resources import ResourceSuggester
from assistant.suggestions.sources import CatalogueSources
from assistant.suggestions.weights import WEIGHTS, SuggestionWeights
from assistant.types import Audience, Chunk, Citation, Hit

if TYPE_CHECKING:
    from assistant.index import Index
    from assistant.knowledge.catalogue import Catalogue
    from assistant.settings import Settings

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
# The catalogue texts' vectors, kept in the data dir between starts (by text digest and model).
CATALOGUE_VECTORS = "catalogue-vectors.npz"
logger = logging.getLogger(__name__)


class CatalogueSuggester:
    """Suggests peers, resources and next steps from the index and the structured catalogue.

    Thread-safe: holds configured dependencies and caches only.
    """

    def __init__(
        self,
        index: Index,
        catalogue: Catalogue,
        *,
        find_councils: Callable[[str], Sequence[CouncilMention]],
        tag_themes: Callable[[str], Sequence[str]],
        get_council: Callable[[str], Council | None] | None = None,
        embedder: Embedder | None = None,
        weights: SuggestionWeights = WEIGHTS,
        vector_file: Path | None = None,
    ) -> None:
        """``vector_file`` keeps the catalogue texts' vectors between runs (see
        ``assistant.retrieval.vector_file``); without it they are embedded every time."""
        self.sources = CatalogueSources(
            index,
            catalogue,
            find_councils=find_councils,
            tag_themes=tag_themes,
            get_council=get_council,
            embedder=embedder,
            weights=weights.context,
            vector_file=vector_file,
        )
        self.weights = weights
        templates = load_step_templates()
        find_councils("Warm Up Council")  # load the gazetteer now, not on the first answer
        self._resources = ResourceSuggester(self.sources, templates, weights.resources)
        self._steps = StepSuggester(self.sources, templates, weights.steps)
        self._peers = PeerFinder(self.sources, weights.peers)
        self._peers.warm_case_studies()
        self.sources.save_vectors()

    # ---------------------------------------------------------------- what it holds

    @property
    def index(self) -> Index:
        return self.sources.index

    @property
    def catalogue(self) -> Catalogue:
        return self.sources.catalogue

    @property
    def embedder(self) -> Embedder:
        """The (caching) embedder every part uses."""
        return self.sources.embedder

    @property
    def elements(self) -> list[ElementEntry]:
        """The catalogue's framework elements (7Cs, TIEx focus areas, TCF, councillor roles)."""
        return self.sources.elements

    @property
    def resources(self) -> list[ResourceEntry]:
        """The catalogue's resources (frameworks with a resource type among them)."""
        return self.sources.resources

    def use_embedder(self, embedder: Embedder) -> None:
        """Share another cache of the same model (e.g. the Assistant's ``CachedEmbedder``, which
        already holds the question and the hits' sentences). Same model id required."""
        self.sources.use_embedder(embedder)

    # ---------------------------------------------------------------- requests

    def suggest(
        self,
        *,
        question: str,
        audience: Audience,
        citations: Sequence[Citation],
        hits: Sequence[Hit],
        refused: bool,
    ) -> SuggestionSet:
        """Peers, resources and next steps for one answer, cited after its ``citations``.

        A refused question gets only pointers to what the corpus covers.
        """
        numbering = CitationNumbering.after(citations)
        if refused:
            return SuggestionSet(
                resources=tuple(self._resources.pointers(numbering)),
                citations=tuple(numbering.new),
            )
        qvec = self.embedder.embed([question])[0]
        themes = self.sources.context_themes(question, hits)
        peers = self._peers.suggest(question, qvec, hits, numbering)
        resources = self._resources.suggest(
            self._offer_vector(question, qvec), themes, hits, numbering
        )
        steps = self._steps.suggest(qvec, themes, hits, audience, numbering)
        return SuggestionSet(
            peers=tuple(peers),
            resources=tuple(resources),
            next_steps=tuple(steps),
            citations=tuple(numbering.new),
        )

    def _offer_vector(self, question: str, qvec: np.ndarray) -> np.ndarray:
        """The question's vector for matching resources: with the documents' words for the
        asker's own ("an outside look at how we're run" -> "peer challenge", synonyms.yaml)
        when it uses any, since a resource's name and summary are written in them."""
        expanded = expand_query(question)
        return qvec if expanded == question else self.embedder.embed([expanded])[0]

    def advise(
        self, question: str, hits: Sequence[Hit], *, audience: Audience, focus: Sequence[str]
    ) -> SuggestionSet:
        """Next steps (the ``focus`` elements first), resources and peers for a
        self-assessment area; citations numbered from 1."""
        numbering = CitationNumbering.after(())
        qvec = self.embedder.embed([question])[0]
        themes = self.sources.context_themes(question, hits)
        steps = self._steps.suggest(qvec, themes, hits, audience, numbering, focus=focus)
        resources = self._resources.suggest(qvec, themes, hits, numbering)
        peers = self._peers.suggest(question, qvec, hits, numbering)
        return SuggestionSet(
            peers=tuple(peers),
            resources=tuple(resources),
            next_steps=tuple(steps),
            citations=tuple(numbering.new),
        )

    # ---------------------------------------------------------------- lookups (officer tools)

    def mentions(self, chunk: Chunk) -> list[tuple[Council, Evidence]]:
        """(Council, evidence sentence) for each distinct council ``chunk`` names."""
        return self._peers.mentions(chunk)

    def council(self, name: str) -> Council | None:
        """The gazetteer's council for ``name`` (None when unknown or no gazetteer)."""
        return self.sources.get_council(name) if self.sources.get_council else None

    def council_info(self, name: str) -> tuple[str | None, str | None]:
        """(type, region) of a council from the gazetteer (``(None, None)`` if unknown)."""
        return self.sources.council_info(name)

    def tag_themes(self, text: str) -> Sequence[str]:
        """Theme ids ``text`` is about (the taxonomy)."""
        return self.sources.tag_themes(text)

    def step_text(self, element: ElementEntry, audience: Audience) -> str:
        """The actionable step for ``element``, from its framework's template."""
        return self._steps.step_text(element, audience)

    def catalogue_chunks(self, hints: Sequence[str], name: str) -> list[Chunk]:
        """The ingested chunks of the catalogue document for an entry (by path, id or title)."""
        return self.sources.catalogue_chunks(hints, name)


def load_step_templates() -> dict[str, Any]:
    """The next-step and pointer templates (``prompts/suggest_next_steps.yaml``)."""
    with (PROMPTS_DIR / "suggest_next_steps.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return data


def build_suggester_from(
    index: Index, catalogue: Catalogue, *, vector_file: Path | None = None
) -> CatalogueSuggester:
    """A ``CatalogueSuggester`` over ``index`` and a loaded catalogue, with the packaged
    gazetteer and theme taxonomy."""
    from assistant.knowledge import gazetteer, themes

    return CatalogueSuggester(
        index,
        catalogue,
        find_councils=gazetteer.find_councils,
        tag_themes=themes.tag_themes,
        get_council=gazetteer.get_council,
        vector_file=vector_file,
    )


def load_catalogue(settings: Settings) -> Catalogue:
    """The structured catalogue in ``settings.corpus_dir`` (frameworks, resources, cases)."""
    from assistant.knowledge.catalogue import load_catalogue as _load

    return _load(settings.corpus_dir)


def build_suggester(settings: Settings, index: Index) -> CatalogueSuggester | None:
    """The suggester for ``index``, with the catalogue read from ``settings.corpus_dir``.

    ``None`` (answers without suggestions, and a warning in the log) when there is no catalogue
    folder; a malformed catalogue file still raises ``ConfigurationError`` naming the file.
    """
    if not Path(settings.corpus_dir).is_dir():
        logger.warning(
            "No catalogue folder at %s: answers will have no suggestions. Set "
            "LGA_ASSISTANT_CORPUS_DIR to the project's corpus/ folder.",
            settings.corpus_dir,
        )
        return None
    # An index on disk keeps the catalogue's vectors beside it; an in-memory one (tests) does not.
    on_disk = settings.vector_store != "memory"
    vector_file = settings.data_dir / CATALOGUE_VECTORS if on_disk else None
    return build_suggester_from(index, load_catalogue(settings), vector_file=vector_file)
