"""Plain helpers of the intake flow about answers (no widgets): reading a value at a problem
path, the applicant's details carried into the form, and the step a refusal sends back to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

#: Form fields that ask again for what the applicant step already has.
SAME_AS_APPLICANT = {
    "name": "name",
    "applicant_name": "name",
    "company_name": "name",
    "id_no": "id_no",
    "applicant_id_no": "id_no",
    "uscc": "id_no",
    "phone": "phone",
    "applicant_phone": "phone",
    "contact_phone": "phone",
}


def value_at(answers: Any, path: str) -> Any:
    """The raw value at a problem path like "members[0].id_no" (None when absent)."""
    current = answers
    for name, index in PATH_PART.findall(path):
        try:
            current = current[int(index)] if index else current.get(name)
        except (IndexError, AttributeError, TypeError):
            return None
    return current


def carried(applicant: Mapping[str, str], current: Mapping[str, Any]) -> dict[str, str]:
    """The empty form fields that repeat the applicant's name, identifier or phone."""
    return {
        code: applicant.get(src, "")
        for code, src in SAME_AS_APPLICANT.items()
        if code in current and not current[code]
    }


def refusal_step(paths: list[str]) -> str:
    """Where the service's refusal sends the clerk: the applicant, the materials, the form."""
    if any(p.startswith("applicant.") for p in paths):
        return "applicant"
    if paths and all(p.startswith("materials.") for p in paths):
        return "materials"
    return "form"
