"""Building a `ServiceItem` from definition data, and back (`item_to_dict`).

The builder never stops at the first mistake: each problem goes to the `Reader` with the line
of the key or value at fault, and only a definition without problems becomes an item. The
checks that need the whole form (a condition naming a missing field, duplicate codes, a
cycle between conditions) run after every field is built; see `forms.references`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from forms.conditions import Condition, parse_condition
from forms.errors import CatalogError
from forms.fieldtypes import FIELD_TYPES
from forms.model import (
    APPLICANT_KINDS,
    CONSTRAINT_KEYS,
    DEFAULT_FILE_TYPES,
    DEFAULT_MAX_BYTES,
    REQUIREMENTS,
    Constraints,
    FieldSpec,
    MaterialSpec,
    Option,
    ServiceItem,
)
from forms.references import Scope, check_references
from forms.schema_licences import ISSUES_KEY, MATERIAL_KEY, read_issues, read_material_type
from forms.schema_limits import LIMIT_KEYS, read_limits
from forms.source import NodePath, Reader
from forms.text import Text

ITEM_KEYS = {"code", "version", "name", "department", "applicant_kind"}
ITEM_KEYS |= {"fee", "materials", "fields"}
REQUIRED_ITEM_KEYS = set(ITEM_KEYS) - {"materials"}
ITEM_KEYS |= LIMIT_KEYS | {ISSUES_KEY}
COMMON_FIELD_KEYS = {"code", "type", "label", "required", "help", "show_if", "required_if"}
MATERIAL_KEYS = {"code", "name", "requirement", "condition", "reusable"}
MATERIAL_KEYS |= {"file_types", "max_bytes", "note", "main", "deferrable", MATERIAL_KEY}
ITEM_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
CODE_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
EXT_RE = re.compile(r"[a-z0-9]{1,8}")


def _t(zh: str, en: str) -> Text:
    return Text(zh, en)


class Builder:
    """Reads definition values, reporting every mistake to `reader`."""

    def __init__(self, reader: Reader) -> None:
        self.r = reader

    # -- generic readers --------------------------------------------------------------------
    def mapping(
        self, value: Any, path: NodePath, allowed: set[str], required: set[str]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.r.add(
                path, _t("此处应为映射（键: 值）", "a mapping (key: value) is expected here")
            )
            return {}
        for key in value:
            if key not in allowed:
                self.r.add_at_key((*path, key), _t(f"未知的键 {key}", f"unknown key {key}"))
        for key in sorted(required - value.keys()):
            self.r.add(path, _t(f"缺少键 {key}", f"the key {key} is missing"))
        return value

    def text(self, value: Any, path: NodePath) -> Text | None:
        """A `{zh: ..., en: ...}` mapping: both languages, nothing else."""
        if not isinstance(value, dict):
            self.r.add(
                path, _t("应为中英文对照 {zh: …, en: …}", "needs both languages: {zh: .., en: ..}")
            )
            return None
        self.mapping(value, path, {"zh", "en"}, {"zh", "en"})
        return self.text_parts(value, path)

    def text_parts(self, d: dict[str, Any], path: NodePath) -> Text | None:
        """The zh/en pair of a mapping whose keys the caller has checked already."""
        parts: list[str] = []
        for lang in ("zh", "en"):
            value = d.get(lang)
            if isinstance(value, str) and value.strip():
                parts.append(value.strip())
            elif lang in d:
                self.r.add(
                    (*path, lang), _t(f"{lang} 应为非空文字", f"{lang} must be non-empty text")
                )
        return Text(parts[0], parts[1]) if len(parts) == 2 else None

    def integer(self, value: Any, path: NodePath, minimum: int = 0) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.r.add(
                path, _t(f"应为不小于 {minimum} 的整数", f"must be a whole number >= {minimum}")
            )
            return None
        return value

    def boolean(self, value: Any, path: NodePath) -> bool:
        if not isinstance(value, bool):
            self.r.add(path, _t("应为 true 或 false", "must be true or false"))
            return False
        return value

    def code(self, value: Any, path: NodePath, pattern: re.Pattern[str]) -> str:
        if not isinstance(value, str) or pattern.fullmatch(value) is None:
            self.r.add(
                path,
                _t(
                    f"代码 {value} 格式不对（{pattern.pattern}）",
                    f"code {value} must match {pattern.pattern}",
                ),
            )
            return str(value)
        return value

    def condition(self, value: Any, path: NodePath, scope: Scope) -> Condition | None:
        found = parse_condition(value, path, self.r)
        if found is not None:
            scope.pending.append((value, path))
        return found

    # -- the item ---------------------------------------------------------------------------
    def item(self, data: Any) -> ServiceItem | None:
        d = self.mapping(data, (), ITEM_KEYS, REQUIRED_ITEM_KEYS)
        if not d:
            return None
        top = Scope(None)
        fields = self.fields(d.get("fields", []), ("fields",), top)
        materials = self.materials(d.get("materials", []), ("materials",), top)
        check_references(top, self.r)
        issues = read_issues(self, d, materials)
        dept = self.department(d.get("department"))
        item = dict(
            code=self.code(d.get("code"), ("code",), ITEM_CODE_RE),
            version=self.integer(d.get("version"), ("version",), 1),
            name=self.text(d.get("name"), ("name",)),
            department_code=dept[0],
            department=dept[1],
            applicant_kind=self.choice(
                d.get("applicant_kind"), ("applicant_kind",), APPLICANT_KINDS
            ),
            fee=self.fee(d.get("fee"), ("fee",)),
            materials=materials,
            fields=fields,
            **read_limits(self, d),
            issues_licence=issues,
        )
        return None if self.r.problems else ServiceItem(**item)

    def department(self, value: Any) -> tuple[str, Text | None]:
        d = self.mapping(value, ("department",), {"code", "zh", "en"}, {"code", "zh", "en"})
        code = self.code(d.get("code"), ("department", "code"), ITEM_CODE_RE) if d else ""
        return code, self.text_parts(d, ("department",))

    def choice(self, value: Any, path: NodePath, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            self.r.add(
                path, _t(f"应为 {'/'.join(allowed)} 之一", f"must be one of {'/'.join(allowed)}")
            )
        return str(value)

    def fee(self, value: Any, path: NodePath) -> str:
        try:
            amount = Decimal(str(value)) if not isinstance(value, bool) else Decimal("x")
        except InvalidOperation:
            amount = Decimal(-1)
        if not amount.is_finite() or amount < 0 or amount != round(amount, 2):
            self.r.add(
                path, _t('收费应为元，最多两位小数，如 "0.00"', 'fee must be yuan such as "0.00"')
            )
            return "0.00"
        return f"{amount:.2f}"

    # -- materials --------------------------------------------------------------------------
    def materials(self, value: Any, path: NodePath, scope: Scope) -> tuple[MaterialSpec, ...]:
        if not isinstance(value, list):
            self.r.add(path, _t("materials 应为列表", "materials must be a list"))
            return ()
        found = [self.material(v, (*path, i), scope) for i, v in enumerate(value)]
        self.duplicates([(m.code, (*path, i, "code")) for i, m in enumerate(found) if m], "材料")
        return tuple(m for m in found if m is not None)

    def material(self, value: Any, path: NodePath, scope: Scope) -> MaterialSpec | None:
        d = self.mapping(value, path, MATERIAL_KEYS, {"code", "name"})
        if not d:
            return None
        requirement = self.choice(
            d.get("requirement", "required"), (*path, "requirement"), REQUIREMENTS
        )
        condition = None
        if (requirement == "required_if") != ("condition" in d):
            self.r.add(
                path,
                _t(
                    "condition 须与 requirement: required_if 同时使用",
                    "condition goes with required_if",
                ),
            )
        elif "condition" in d:
            condition = self.condition(d["condition"], (*path, "condition"), scope)
        return MaterialSpec(
            code=self.code(d.get("code"), (*path, "code"), CODE_RE),
            name=self.text(d.get("name"), (*path, "name")),  # type: ignore[arg-type]
            requirement=requirement,
            condition=condition,
            reusable=self.boolean(d.get("reusable", False), (*path, "reusable")),
            file_types=self.file_types(
                d.get("file_types", list(DEFAULT_FILE_TYPES)), (*path, "file_types")
            ),
            max_bytes=self.integer(d.get("max_bytes", DEFAULT_MAX_BYTES), (*path, "max_bytes"), 1)
            or 1,
            note=self.text(d["note"], (*path, "note")) if "note" in d else None,
            licence_type=read_material_type(self, d, path),
            **self.deferral(d, path, requirement),
        )

    def deferral(self, d: dict[str, Any], path: NodePath, requirement: str) -> dict[str, bool]:
        """`main` and `deferrable` (容缺): a main material may never follow later, and an
        optional one needs no promise."""
        main = self.boolean(d.get("main", False), (*path, "main"))
        deferrable = self.boolean(d.get("deferrable", False), (*path, "deferrable"))
        if deferrable and (main or requirement == "optional"):
            self.r.add(
                (*path, "deferrable"),
                _t(
                    "主要材料或选交材料不能容缺",
                    "a main or optional material cannot be deferrable",
                ),
            )
        return {"main": main, "deferrable": deferrable}

    def file_types(self, value: Any, path: NodePath) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            self.r.add(path, _t("file_types 应为非空列表", "file_types must be a non-empty list"))
            return ()
        types = [str(v).strip().lstrip(".").lower() for v in value]
        for i, ext in enumerate(types):
            if EXT_RE.fullmatch(ext) is None:
                self.r.add(
                    (*path, i), _t(f"文件类型 {ext} 不对", f"file type {ext} is not an extension")
                )
        return tuple(types)

    def duplicates(self, codes: list[tuple[str, NodePath]], what: str) -> None:
        seen: set[str] = set()
        for code, path in codes:
            if code in seen:
                self.r.add(path, _t(f"{what}代码 {code} 重复", f"the code {code} is used twice"))
            seen.add(code)

    # -- fields -----------------------------------------------------------------------------
    def fields(self, value: Any, path: NodePath, scope: Scope) -> tuple[FieldSpec, ...]:
        if not isinstance(value, list):
            self.r.add(path, _t("fields 应为列表", "fields must be a list"))
            return ()
        found = [self.field(v, (*path, i), scope) for i, v in enumerate(value)]
        specs = [(f, (*path, i, "code")) for i, f in enumerate(found) if f is not None]
        self.duplicates([(f.code, p) for f, p in specs], "字段")
        for spec, code_path in specs:
            scope.add(spec, code_path[:-1])
        return tuple(f for f in found if f is not None)

    def field(self, value: Any, path: NodePath, scope: Scope) -> FieldSpec | None:
        if not isinstance(value, dict):
            self.mapping(value, path, set(), set())
            return None
        ftype = value.get("type")
        kind = FIELD_TYPES.get(ftype) if isinstance(ftype, str) else None
        if kind is None and "type" in value:
            names = ", ".join(FIELD_TYPES)
            self.r.add(
                (*path, "type"),
                _t(
                    f"未知的字段类型 {ftype}（可用：{names}）",
                    f"unknown field type {ftype} (known: {names})",
                ),
            )
        allowed = COMMON_FIELD_KEYS | (kind.keys if kind else set(value))
        d = self.mapping(value, path, allowed, {"code", "type", "label"})
        inner = Scope(scope) if ftype == "group" else scope
        spec = FieldSpec(
            code=self.code(d.get("code"), (*path, "code"), CODE_RE),
            type=str(ftype),
            label=self.text(d.get("label"), (*path, "label")),  # type: ignore[arg-type]
            required=self.boolean(d.get("required", False), (*path, "required")),
            help=self.text(d["help"], (*path, "help")) if "help" in d else None,
            options=self.options(d, path, ftype),
            constraints=self.constraints(d, path, ftype),
            show_if=self.condition(d["show_if"], (*path, "show_if"), scope)
            if "show_if" in d
            else None,
            required_if=(
                self.condition(d["required_if"], (*path, "required_if"), scope)
                if "required_if" in d
                else None
            ),
            children=self.fields(d.get("fields", []), (*path, "fields"), inner)
            if ftype == "group"
            else (),
            min_items=self.count(d, path, "min_items"),
            max_items=self.count(d, path, "max_items"),
        )
        if ftype == "group" and not spec.children:
            self.r.add(path, _t("分组至少要有一个字段", "a group needs at least one field"))
        self.order(d, path, "min_items", "max_items")
        return spec if kind is not None else None

    def count(self, d: dict[str, Any], path: NodePath, key: str) -> int | None:
        return self.integer(d[key], (*path, key)) if key in d else None

    def order(self, d: dict[str, Any], path: NodePath, low: str, high: str) -> None:
        a, b = d.get(low), d.get(high)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and a > b:
            self.r.add((*path, low), _t(f"{low} 大于 {high}", f"{low} is greater than {high}"))

    def options(self, d: dict[str, Any], path: NodePath, ftype: Any) -> tuple[Option, ...]:
        if ftype not in ("choice", "multichoice"):
            return ()
        value = d.get("options")
        if not isinstance(value, list) or not value:
            self.r.add(
                path,
                _t(
                    "选择题需要非空的 options 列表", "a choice field needs a non-empty options list"
                ),
            )
            return ()
        found: list[tuple[Option, NodePath]] = []
        for i, raw in enumerate(value):
            o = self.mapping(
                raw, (*path, "options", i), {"value", "zh", "en"}, {"value", "zh", "en"}
            )
            label = self.text_parts(o, (*path, "options", i))
            if "value" in o and not isinstance(o["value"], (str, int)):
                self.r.add(
                    (*path, "options", i, "value"), _t("选项值应为文字", "an option value is text")
                )
            elif "value" in o and label is not None:
                found.append((Option(str(o["value"]), label), (*path, "options", i)))
        self.duplicates([(o.value, where) for o, where in found], "选项")
        return tuple(o for o, _ in found)

    def constraints(self, d: dict[str, Any], path: NodePath, ftype: Any) -> Constraints:
        values = {k: d[k] for k in CONSTRAINT_KEYS if k in d}
        for key in ("min_len", "max_len", "decimals"):
            if key in values:
                values[key] = self.integer(values[key], (*path, key))
        if "mobile_only" in values:
            values["mobile_only"] = self.boolean(values["mobile_only"], (*path, "mobile_only"))
        if "pattern" in values:
            self.pattern(values["pattern"], (*path, "pattern"))
        for key in ("min", "max"):
            if key in values:
                self.bound(values[key], (*path, key), ftype)
        self.order(d, path, "min_len", "max_len")
        if ftype == "number":
            self.order(d, path, "min", "max")
        return Constraints(**values)

    def pattern(self, value: Any, path: NodePath) -> None:
        try:
            re.compile(value if isinstance(value, str) else "(")
        except re.error as exc:
            self.r.add(
                path, _t(f"正则表达式有误：{exc}", f"the regular expression is wrong: {exc}")
            )

    def bound(self, value: Any, path: NodePath, ftype: Any) -> None:
        if ftype == "date" and not (value == "today" or _is_iso_date(value)):
            self.r.add(
                path, _t("日期界限应为 YYYY-MM-DD 或 today", "a date limit is YYYY-MM-DD or today")
            )
        elif ftype != "date" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            self.r.add(path, _t("数值界限应为数字", "a number limit must be a number"))


def _is_iso_date(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def build_item(data: Any, reader: Reader) -> ServiceItem:
    """The item described by `data`; raises CatalogError listing every problem (by line)."""
    item = Builder(reader).item(data)
    if reader.problems or item is None:
        raise CatalogError(sorted(reader.problems, key=lambda p: p.line))
    return item
