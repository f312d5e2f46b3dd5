"""Officer tools: the case-study finder, the TIEx-style self-assessment and evidence packs.

``types.py`` holds the requests and results; ``cases.py`` the finder; ``assessment.py`` the
self-assessment; ``pack/`` the evidence pack (outline, Markdown, DOCX); ``weights.py`` their
tuning numbers; ``tools.py`` the ``OfficerTools`` object that ``assistant.app`` builds once
and the UI, API and CLI share.
"""

from assistant.officer.assessment import (
    area_to_dict,
    assess,
    assessment_areas,
    assessment_to_dict,
    parse_ratings,
    tiex_area_names,
    tiex_areas,
    weakest_areas,
)
from assistant.officer.cases import case_to_dict, find_cases
from assistant.officer.tools import OfficerTools
from assistant.officer.types import (
    AreaResult,
    Assessment,
    CaseQuery,
    CaseResult,
    PackFormat,
    PackRequest,
)
from assistant.officer.weights import WEIGHTS, OfficerWeights

__all__ = [
    "AreaResult",
    "Assessment",
    "CaseQuery",
    "CaseResult",
    "OfficerTools",
    "OfficerWeights",
    "PackFormat",
    "PackRequest",
    "WEIGHTS",
    "area_to_dict",
    "assess",
    "assessment_areas",
    "assessment_to_dict",
    "case_to_dict",
    "find_cases",
    "parse_ratings",
    "tiex_area_names",
    "tiex_areas",
    "weakest_areas",
]
