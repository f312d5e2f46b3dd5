"""The TIEx-style self-assessment: ratings 1-5 on the TIEx focus areas (and optionally the
7Cs); for the weakest areas, next steps, resources and peers with citations."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.errors import ConfigurationError, InputError
from assistant.guardrails import check_audience
from assistant.officer.types import AreaResult, Assessment
from assistant.officer.weights import WEIGHTS, AssessmentWeights
from assistant.serialize import citation_to_dict, next_step_to_dict, peer_to_dict, resource_to_dict
from assistant.settings import Settings
from assistant.suggestions import CatalogueSuggester, ElementEntry, first_sentence
from assistant.types import Audience, Hit


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")


def assessment_areas(suggester: CatalogueSuggester) -> list[ElementEntry]:
    """The areas a council can rate: the TIEx focus areas, then the 7Cs."""
    tiex = tiex_areas(suggester.elements)
    sevens = [e for e in suggester.elements if "7c" in e.framework_id.casefold()]
    return tiex + sevens


def _area_keys(element: ElementEntry) -> set[str]:
    fw = _slug(element.framework_id)
    keys = {_slug(element.id), _slug(element.name), _slug(element.label)}
    keys |= {f"{fw}_{k}" for k in list(keys)}
    for k in list(keys):
        keys.add(re.sub(rf"^{re.escape(fw)}_", "", k))
    return keys


def parse_ratings(
    ratings: Mapping[str, Any], areas: Sequence[ElementEntry]
) -> list[tuple[ElementEntry, int]]:
    """Validate ratings: known areas, integers 1-5, each area once. InputError otherwise."""
    if not ratings:
        raise InputError(
            "No ratings given: rate at least one area from 1 to 5, e.g. "
            "--rating capacity_to_deliver=2."
        )
    lookup: dict[str, ElementEntry] = {}
    ambiguous: set[str] = set()
    for element in areas:
        for key in _area_keys(element):
            if key in lookup and lookup[key] is not element:
                ambiguous.add(key)
            lookup.setdefault(key, element)
    known = ", ".join(_slug(a.id) for a in areas)
    out: list[tuple[ElementEntry, int]] = []
    seen: set[str] = set()
    for raw_key, raw_value in ratings.items():
        key = _slug(str(raw_key))
        if key in ambiguous:
            raise InputError(
                f"Area {raw_key!r} is ambiguous: prefix it with its framework, e.g. "
                f"tiex:{key} or 7cs:{key}."
            )
        found = lookup.get(key)
        if found is None:
            raise InputError(f"Unknown area {raw_key!r}: use one of {known}.")
        element = found
        if isinstance(raw_value, bool):
            raise InputError(f"Rating for {raw_key!r} must be a whole number from 1 to 5.")
        if isinstance(raw_value, str) and raw_value.strip().isdigit():
            raw_value = int(raw_value.strip())
        if isinstance(raw_value, float) and raw_value.is_integer():
            raw_value = int(raw_value)
        if not isinstance(raw_value, int) or not 1 <= raw_value <= 5:
            raise InputError(
                f"Rating for {raw_key!r} must be a whole number from 1 to 5, not {raw_value!r}."
            )
        uid = f"{element.framework_id}:{element.id}"
        if uid in seen:
            raise InputError(f"Area {raw_key!r} is rated twice: give each area one rating.")
        seen.add(uid)
        out.append((element, raw_value))
    return out


def weakest_areas(
    rated: Sequence[tuple[ElementEntry, int]],
    *,
    weights: AssessmentWeights = WEIGHTS.assessment,
) -> list[tuple[ElementEntry, int]]:
    """Every area rated at or below ``weights.weak_rating``, and always the lowest rated (ties
    all kept), weakest first (ties in the order given), at most ``weights.max_weak_areas``."""
    if not rated:
        return []
    low = min(r for _, r in rated)
    chosen = [(e, r) for e, r in rated if r <= max(weights.weak_rating, low)]
    return sorted(chosen, key=lambda er: er[1])[: weights.max_weak_areas]


def tiex_areas(elements: Sequence[ElementEntry]) -> list[ElementEntry]:
    """The TIEx focus areas, as the catalogue lists them (the one list of them)."""
    return [e for e in elements if "tiex" in e.framework_id.casefold()]


def tiex_area_names(settings: Settings) -> tuple[str, ...]:
    """Names of the TIEx focus areas in the catalogue at ``settings.corpus_dir`` (empty when
    there is none): for a UI drawn before the officer tools are built."""
    from assistant.suggestions import element_entries, load_catalogue

    if not Path(settings.corpus_dir).is_dir():
        return ()
    try:
        elements = element_entries(load_catalogue(settings))
    except ConfigurationError:
        return ()
    return tuple(e.name for e in tiex_areas(elements))


def assess(
    ratings: Mapping[str, Any],
    *,
    suggester: CatalogueSuggester,
    retrieve: Callable[[str], Sequence[Hit]],
    audience: Audience = "officer",
    weights: AssessmentWeights = WEIGHTS.assessment,
) -> Assessment:
    """Self-assessment: validate ``ratings`` and advise on the weak areas (``weakest_areas``).

    Each weak area gets a retrieval (``retrieve``) with a query built from its description,
    then next steps (the area's own framework element first), resources and peers, cited;
    citation numbers in an ``AreaResult`` refer to its own ``citations``.
    """
    check_audience(audience)
    areas = assessment_areas(suggester)
    if not areas:
        raise InputError(
            "The catalogue has no TIEx focus areas to rate: check that corpus/ holds the "
            "frameworks and run `lga-assistant ingest`."
        )
    rated = parse_ratings(ratings, areas)
    results: list[AreaResult] = []
    for element, rating in weakest_areas(rated, weights=weights):
        query = f"{element.name}: {first_sentence(element.description)}"
        hits = list(retrieve(query))
        advice = suggester.advise(query, hits, audience=audience, focus=(element.id,))
        results.append(
            AreaResult(
                area=element.id,
                label=element.label,
                rating=rating,
                next_steps=advice.next_steps,
                resources=advice.resources,
                peers=advice.peers,
                citations=advice.citations,
            )
        )
    return Assessment(
        ratings=tuple((e.id, r) for e, r in rated),
        weakest=tuple(results),
        labels=tuple((e.id, e.label) for e, _ in rated),
    )


def area_to_dict(area: AreaResult) -> dict[str, Any]:
    """JSON form of one area's advice."""
    return {
        "area": area.area,
        "label": area.label,
        "rating": area.rating,
        "next_steps": [next_step_to_dict(s) for s in area.next_steps],
        "resources": [resource_to_dict(s) for s in area.resources],
        "peers": [peer_to_dict(s) for s in area.peers],
        "citations": [citation_to_dict(c) for c in area.citations],
    }


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """JSON form of an assessment (for the CLI's ``--json`` and the API)."""
    return {
        "ratings": dict(assessment.ratings),
        "labels": dict(assessment.labels),
        "weakest": [area_to_dict(a) for a in assessment.weakest],
    }
