"""The electronic-licence keys of an item definition (电子证照, issue 16), read by the builder.

An item that settles with a licence says which type it issues (`issues_licence`: its
证照类型代码 and 证照名称, GB/T 36902); a material that a licence can stand for says which
type it takes (`licence_type`). The platform keeps the licences it issues and offers a valid
one of that type, held by the applicant, as that material at any later window.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from forms.model import LicenceType, MaterialSpec
from forms.text import Text

if TYPE_CHECKING:
    from forms.schema import Builder
    from forms.source import NodePath

ISSUES_KEY = "issues_licence"
MATERIAL_KEY = "licence_type"
#: A 证照类型代码: letters, digits and `._-`, as a city's licence catalog writes them.
TYPE_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def read_issues(
    b: Builder, d: dict[str, Any], materials: tuple[MaterialSpec, ...]
) -> LicenceType | None:
    """The item's `issues_licence: {type_code, name: {zh, en}}`, or None when absent."""
    if ISSUES_KEY not in d:
        return None
    path = (ISSUES_KEY,)
    m = b.mapping(d[ISSUES_KEY], path, {"type_code", "name"}, {"type_code", "name"})
    if not m:
        return None
    code = read_type_code(b, m.get("type_code"), (*path, "type_code"))
    name = b.text(m.get("name"), (*path, "name"))
    found = LicenceType(code, name) if code and name else None
    _check_not_own(b, found, materials)
    return found


def read_material_type(b: Builder, d: dict[str, Any], path: NodePath) -> str | None:
    """A material's `licence_type` (None when absent or not a type code)."""
    if MATERIAL_KEY not in d:
        return None
    return read_type_code(b, d[MATERIAL_KEY], (*path, MATERIAL_KEY))


def read_type_code(b: Builder, value: Any, path: NodePath) -> str | None:
    """A licence type code, or None (with the reason in `b.r`) when it is not one."""
    if not isinstance(value, str) or TYPE_CODE_RE.fullmatch(value) is None:
        b.r.add(
            path,
            Text(
                f"证照类型代码 {value} 格式不对（{TYPE_CODE_RE.pattern}）",
                f"licence type code {value} must match {TYPE_CODE_RE.pattern}",
            ),
        )
        return None
    return value


def _check_not_own(
    b: Builder, issues: LicenceType | None, materials: tuple[MaterialSpec, ...]
) -> None:
    """An item cannot ask for the licence it issues: the applicant would need the result to
    apply for it."""
    for index, m in enumerate(materials):
        if issues is not None and m.licence_type == issues.type_code:
            b.r.add(
                ("materials", index, MATERIAL_KEY),
                Text(
                    f"材料 {m.code} 要求的证照正是本事项颁发的证照",
                    f"material {m.code} asks for the licence this item issues",
                ),
            )
