"""Field types: each class turns what a clerk typed (or JSON carried) into a clean value, or
explains in both languages why it cannot.

A type also declares which definition keys it understands beyond the common ones, so the
loader can call `min:` on a text field the mistake it is instead of silently ignoring it.
`group` is listed here for its keys; its items are validated by `forms.validation`, which
recurses into the children.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from forms import validators
from forms.errors import IdentifierError
from forms.text import Text

if TYPE_CHECKING:
    from forms.model import FieldSpec

DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{4})(\d{2})(\d{2})"
)


class ValueProblem(Exception):
    """Raised by `FieldType.parse`; carries the message for the clerk."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


def problem(zh: str, en: str) -> ValueProblem:
    return ValueProblem(Text(zh, en))


def _as_text(raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise problem("应为文字", "must be text")
    return str(raw).strip()


def parse_date(raw: Any) -> date:
    """A date from ISO text, 2025/1/31, 2025.1.31, 2025年1月31日 or 20250131."""
    if isinstance(raw, date):
        return raw
    match = DATE_RE.fullmatch(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        raise problem("应为日期，如 2025-01-31", "must be a date such as 2025-01-31")
    parts = [int(g) for g in match.groups() if g is not None]
    try:
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        raise problem("不是真实的日期", "is not a real date") from None


def date_bound(value: str) -> date:
    """A date limit from a definition: ISO text, or "today" (evaluated when validating)."""
    return date.today() if value == "today" else date.fromisoformat(value)


class FieldType:
    """Base of the field types; subclasses set `name`, `keys` and override `parse`."""

    name: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        """The cleaned value of a non-empty answer; raises ValueProblem."""
        raise NotImplementedError


class TextType(FieldType):
    name = "text"
    keys = frozenset({"min_len", "max_len", "pattern"})

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        value = _as_text(raw)
        c = spec.constraints
        if c.min_len is not None and len(value) < c.min_len:
            raise problem(f"至少 {c.min_len} 个字", f"needs at least {c.min_len} characters")
        if c.max_len is not None and len(value) > c.max_len:
            raise problem(f"最多 {c.max_len} 个字", f"allows at most {c.max_len} characters")
        if c.pattern is not None and re.fullmatch(c.pattern, value) is None:
            raise problem("格式不正确", "is not in the expected format")
        return value


class AddressType(TextType):
    """Free text, runs of spaces collapsed; at least 5 characters unless the item says."""

    name = "address"
    keys = frozenset({"min_len", "max_len"})

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        value = " ".join(_as_text(raw).split())
        minimum = spec.constraints.min_len if spec.constraints.min_len is not None else 5
        if len(value) < minimum:
            raise problem(
                f"地址至少 {minimum} 个字，请写到门牌号",
                f"an address needs at least {minimum} characters, down to the house number",
            )
        return super().parse(value, spec)


class NumberType(FieldType):
    """A number; `decimals` (default 0) is how many decimal places are allowed, and with 0
    the cleaned value is an int, otherwise a float."""

    name = "number"
    keys = frozenset({"min", "max", "decimals"})

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        number = self._decimal(raw)
        c = spec.constraints
        places = c.decimals or 0
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places and number != number.to_integral():
            if places == 0:
                raise problem("应为整数", "must be a whole number")
            raise problem(f"最多 {places} 位小数", f"allows at most {places} decimal places")
        if c.min is not None and number < Decimal(str(c.min)):
            raise problem(f"不能小于 {c.min}", f"must not be less than {c.min}")
        if c.max is not None and number > Decimal(str(c.max)):
            raise problem(f"不能大于 {c.max}", f"must not be more than {c.max}")
        return int(number) if places == 0 else float(number)

    @staticmethod
    def _decimal(raw: Any) -> Decimal:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise problem("应为数字", "must be a number")
        try:
            number = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation:
            raise problem("应为数字", "must be a number") from None
        if not number.is_finite():
            raise problem("应为数字", "must be a number")
        return number


class DateType(FieldType):
    """A calendar date; cleaned to ISO text because answers are stored as JSON."""

    name = "date"
    keys = frozenset({"min", "max"})

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        value = parse_date(raw)
        c = spec.constraints
        if isinstance(c.min, str) and value < date_bound(c.min):
            raise problem(
                f"不能早于 {date_bound(c.min)}", f"must not be before {date_bound(c.min)}"
            )
        if isinstance(c.max, str) and value > date_bound(c.max):
            raise problem(f"不能晚于 {date_bound(c.max)}", f"must not be after {date_bound(c.max)}")
        return value.isoformat()


class ChoiceType(FieldType):
    name = "choice"
    keys = frozenset({"options"})

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        value = _as_text(raw)
        if value not in {o.value for o in spec.options}:
            raise problem(f"不是可选的值：{value}", f"is not one of the choices: {value}")
        return value


class MultiChoiceType(FieldType):
    """Several options; cleaned as a list in the definition's order, duplicates dropped."""

    name = "multichoice"
    keys = frozenset({"options", "min_items", "max_items"})

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        if not isinstance(raw, list):
            raise problem("应为所选项的列表", "must be a list of the chosen options")
        chosen = {_as_text(v) for v in raw}
        unknown = sorted(chosen - {o.value for o in spec.options})
        if unknown:
            joined = ", ".join(unknown)
            raise problem(f"不是可选的值：{joined}", f"is not one of the choices: {joined}")
        if spec.min_items is not None and len(chosen) < spec.min_items:
            raise problem(f"至少选 {spec.min_items} 项", f"choose at least {spec.min_items}")
        if spec.max_items is not None and len(chosen) > spec.max_items:
            raise problem(f"最多选 {spec.max_items} 项", f"choose at most {spec.max_items}")
        return [o.value for o in spec.options if o.value in chosen]


class PhoneType(FieldType):
    """A mainland mobile, or (unless `mobile_only`) a landline with its area code."""

    name = "phone"
    keys = frozenset({"mobile_only"})

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        value = _as_text(raw)
        if validators.is_valid_mobile(value):
            return validators.normalize_phone(value)
        if spec.constraints.mobile_only:
            raise problem("不是有效的手机号码（11位）", "is not a valid mobile number (11 digits)")
        if validators.is_valid_landline(value):
            return validators.normalize_phone(value)
        raise problem(
            "不是有效的电话号码（手机11位，座机须含区号）",
            "is not a valid phone number (11-digit mobile, or landline with area code)",
        )


class EmailType(FieldType):
    name = "email"

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        value = _as_text(raw)
        if not validators.is_valid_email(value):
            raise problem("不是有效的电子邮箱地址", "is not a valid e-mail address")
        return value


class ResidentIdType(FieldType):
    """GB 11643 number, cleaned with an upper-case X."""

    name = "resident_id"

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        try:
            return validators.parse_resident_id(_as_text(raw)).number
        except IdentifierError as exc:
            raise ValueProblem(exc.text) from None


class UsccType(FieldType):
    """GB 32100 unified social credit code, cleaned upper-case."""

    name = "uscc"

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        try:
            return validators.parse_uscc(_as_text(raw)).code
        except IdentifierError as exc:
            raise ValueProblem(exc.text) from None


class GroupType(FieldType):
    """Repeatable group of child fields (e.g. family members); see forms.validation."""

    name = "group"
    keys = frozenset({"fields", "min_items", "max_items"})

    def parse(self, raw: Any, spec: FieldSpec) -> Any:
        if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
            raise problem("应为若干条记录的列表", "must be a list of entries")
        return raw


FIELD_TYPES: dict[str, FieldType] = {
    t.name: t
    for t in (
        TextType(),
        NumberType(),
        DateType(),
        ChoiceType(),
        MultiChoiceType(),
        PhoneType(),
        EmailType(),
        ResidentIdType(),
        UsccType(),
        AddressType(),
        GroupType(),
    )
}
