"""A service item as data: its materials, its form fields, and the questions a counter asks of
it (is this filled form valid, which fields are visible, which materials are still missing).

All classes are frozen: an item version never changes once loaded, which is what lets the
store keep every version and sync ship them as JSON (`to_dict` / `from_dict` round-trip).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, NamedTuple

from forms.conditions import Condition
from forms.fieldtypes import FIELD_TYPES, FieldType
from forms.limits import TimeLimit
from forms.text import Text

if TYPE_CHECKING:
    from forms.validation import ValidationReport

APPLICANT_KINDS = ("person", "company")
REQUIREMENTS = ("required", "optional", "required_if")
DEFAULT_FILE_TYPES = ("pdf", "jpg", "jpeg", "png")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class Option(NamedTuple):
    """One choice of a choice/multichoice field: the stored value and its label."""

    value: str
    label: Text


@dataclass(frozen=True, slots=True)
class Constraints:
    """Type-specific limits; which apply depends on the field type (see fieldtypes)."""

    min: int | float | str | None = None  # numbers; dates as ISO text or "today"
    max: int | float | str | None = None
    min_len: int | None = None
    max_len: int | None = None
    pattern: str | None = None  # a Python regular expression the whole value must match
    decimals: int | None = None  # number: allowed decimal places (None = 0)
    mobile_only: bool = False  # phone: refuse landlines


CONSTRAINT_KEYS = tuple(f.name for f in fields(Constraints))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One form field. For `type == "group"`, `children` are the fields of each entry."""

    code: str
    type: str
    label: Text
    required: bool = False
    help: Text | None = None
    options: tuple[Option, ...] = ()
    constraints: Constraints = field(default_factory=Constraints)
    show_if: Condition | None = None
    required_if: Condition | None = None
    children: tuple[FieldSpec, ...] = ()
    min_items: int | None = None
    max_items: int | None = None

    @property
    def kind(self) -> FieldType:
        """The field-type object that parses this field's values."""
        return FIELD_TYPES[self.type]

    def option_label(self, value: str) -> Text | None:
        """The label of a choice value (None when it is not an option)."""
        return next((o.label for o in self.options if o.value == value), None)


@dataclass(frozen=True, slots=True)
class LicenceType:
    """A type of electronic licence (电子证照): its 证照类型代码 and 证照名称 (GB/T 36902)."""

    type_code: str
    name: Text


@dataclass(frozen=True, slots=True)
class MaterialSpec:
    """A document the applicant hands in. `condition` is set only for "required_if"."""

    code: str
    name: Text
    requirement: str = "required"  # one of REQUIREMENTS
    condition: Condition | None = None
    reusable: bool = False  # a copy the same applicant gave before may be reused
    file_types: tuple[str, ...] = DEFAULT_FILE_TYPES  # lower-case extensions
    max_bytes: int = DEFAULT_MAX_BYTES
    note: Text | None = None  # e.g. "原件核验，复印件留存"
    main: bool = False  # a main material (主要材料): never accepted missing
    deferrable: bool = False  # 容缺: may follow within the promised limit on a signed promise
    licence_type: str | None = None  # a valid licence of this type code may stand for it

    def accepts_file(self, filename: str, size: int) -> bool:
        """True when a scan with this name and size fits the material's rules."""
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        return ext in self.file_types and 0 < size <= self.max_bytes


@dataclass(frozen=True, slots=True)
class ServiceItem:
    """One version of a service item of the hall's catalog."""

    code: str
    version: int
    name: Text
    department_code: str
    department: Text
    applicant_kind: str  # "person" | "company"
    legal_days: int  # statutory time limit (法定办结时限), in `legal_unit`
    promised_days: int  # the hall's promised time limit (承诺办结时限), in `promised_unit`
    fee: str  # yuan with two decimals, "0.00" when free
    materials: tuple[MaterialSpec, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    kind: str = "promised"  # "promised" 承诺件 | "immediate" 即办件 (forms.limits.KINDS)
    legal_unit: str = "working_days"  # or "natural_days"
    promised_unit: str = "working_days"
    issues_licence: LicenceType | None = None  # the licence a settled application yields

    @property
    def legal_limit(self) -> TimeLimit:
        return TimeLimit(self.legal_days, self.legal_unit)

    @property
    def promised_limit(self) -> TimeLimit:
        """The limit the hall promises; its `due(day)` is an application's due date."""
        return TimeLimit(self.promised_days, self.promised_unit)

    @property
    def is_immediate(self) -> bool:
        """即办件: accepted and settled at the window in one step."""
        return self.kind == "immediate"

    def field(self, path: str) -> FieldSpec | None:
        """The spec of a field by code, or by path into groups ("members.id_no")."""
        specs, found = self.fields, None
        for part in path.split("."):
            found = next((f for f in specs if f.code == part.split("[")[0]), None)
            if found is None:
                return None
            specs = found.children
        return found

    def material(self, code: str) -> MaterialSpec | None:
        return next((m for m in self.materials if m.code == code), None)

    def material_for(self, kind: str, code: str) -> MaterialSpec | None:
        """The material a reused file stands for (`sync.lookup.ReusableMaterial`): a copy,
        the material of its own code; an electronic licence ("licence", its code the type,
        e.g. YYZZ), the material whose `licence_type` that is. None: no use for it here."""
        if kind == "licence":
            return next((m for m in self.materials if m.licence_type == code), None)
        return self.material(code)

    def validate(self, answers: Mapping[str, Any]) -> ValidationReport:
        """Every problem of a filled form at once, plus the cleaned answers."""
        from forms.validation import validate  # it imports this module

        return validate(self, answers)

    def visible_fields(self, answers: Mapping[str, Any]) -> tuple[FieldSpec, ...]:
        """Top-level fields shown for these answers (for entries of groups, see
        `validate(answers).visible`)."""
        visible = self.validate(answers).visible
        return tuple(f for f in self.fields if f.code in visible)

    def required_materials(self, answers: Mapping[str, Any]) -> tuple[MaterialSpec, ...]:
        """Materials required for these answers: "required" ones and "required_if" ones whose
        condition holds."""
        from forms.validation import top_level_values  # it imports this module

        values = top_level_values(self, answers)
        return tuple(
            m
            for m in self.materials
            if m.requirement == "required"
            or (m.requirement == "required_if" and m.condition and m.condition.evaluate(values))
        )

    def missing_materials(
        self, answers: Mapping[str, Any], provided_codes: Collection[str]
    ) -> tuple[MaterialSpec, ...]:
        """Required materials not among `provided_codes`: what a one-time notice lists."""
        provided = set(provided_codes)
        return tuple(m for m in self.required_materials(answers) if m.code not in provided)

    def to_dict(self) -> dict[str, Any]:
        """The definition as JSON-serialisable data, in the same shape as the YAML files."""
        from forms.dump import item_to_dict  # it imports this module

        return item_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ServiceItem:
        """Rebuild from `to_dict` data (or any definition data); raises CatalogError."""
        from forms.schema import build_item  # it imports this module
        from forms.source import Reader  # start-up: the YAML reader, only for definitions

        return build_item(dict(data) if isinstance(data, Mapping) else data, Reader("<dict>"))
