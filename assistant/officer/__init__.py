"""Officer tools: the case-study finder, the TIEx-style self-assessment and evidence packs.

``types.py`` holds the requests and results; ``cases.py`` the finder; ``assessment.py`` the
self-assessment; ``pack/`` the evidence pack (outline, Markdown, DOCX); ``tools.py`` the
``OfficerTools`` object that ``assistant.app`` builds once and the UI, API and CLI share.
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
from assistant.officer.tools import PACK_CASE_RATIO, OfficerTools
from assistant.officer.types import (
    AreaResult,
    Assessment,
    CaseQuery,
    CaseResult,
    PackFormat,
    PackRequest,
)

__all__ = [
    "PACK_CASE_RATIO",
    "AreaResult",
    "Assessment",
    "CaseQuery",
    "CaseResult",
    "OfficerTools",
    "PackFormat",
    "PackRequest",
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
