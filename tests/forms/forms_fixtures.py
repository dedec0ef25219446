"""Shared data of the forms tests (a plain module: the test folders are not packages)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

ANSWERS_DIR = Path(__file__).parent / "answers"

HEADER = """\
code: T-001
version: 1
name: {zh: 测试事项, en: Test item}
department: {code: TEST, zh: 测试局, en: Test Bureau}
applicant_kind: person
legal_days: 10
promised_days: 5
fee: "0.00"
"""
HEADER_LINES = HEADER.count("\n")  # a body given to write_item starts on line HEADER_LINES + 1


def answers_for(code: str) -> dict[str, Any]:
    """The realistic valid answer set of a sample item (tests/forms/answers/<code>.json)."""
    data: dict[str, Any] = json.loads((ANSWERS_DIR / f"{code}.json").read_text(encoding="utf-8"))
    return data


WriteItem = Callable[..., Path]


def text_data(zh: str) -> dict[str, str]:
    """A bilingual label for hand-built definitions."""
    return {"zh": zh, "en": zh + " (en)"}


def choice_field(code: str, values: list[str], required: bool = False) -> dict[str, Any]:
    options = [{"value": v, "zh": v, "en": v} for v in values]
    label = text_data(code)
    return {
        "code": code,
        "type": "choice",
        "label": label,
        "options": options,
        "required": required,
    }


def item_data(
    fields: list[dict[str, Any]], materials: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Definition data of a small test item around `fields` and `materials`."""
    return {
        "code": "T-1", "version": 1, "name": text_data("测试"),
        "department": {"code": "T", **text_data("局")}, "applicant_kind": "person",
        "legal_days": 5, "promised_days": 1, "fee": "0.00",
        "materials": materials or [], "fields": fields,
    }  # fmt: skip
