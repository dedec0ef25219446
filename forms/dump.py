"""A `ServiceItem` back to definition data: the JSON the store keeps for every version and
sync ships to terminals. Same shape as the YAML files, so `schema.build_item` reads it back
and `ServiceItem.from_dict(item.to_dict()) == item` holds exactly."""

from __future__ import annotations

from typing import Any

from forms.model import CONSTRAINT_KEYS, FieldSpec, MaterialSpec, ServiceItem
from forms.text import Text


def _text(t: Text) -> dict[str, str]:
    return {"zh": t.zh, "en": t.en}


def field_to_dict(f: FieldSpec) -> dict[str, Any]:
    d: dict[str, Any] = {
        "code": f.code,
        "type": f.type,
        "label": _text(f.label),
        "required": f.required,
    }
    if f.help is not None:
        d["help"] = _text(f.help)
    if f.options:
        d["options"] = [{"value": o.value, **_text(o.label)} for o in f.options]
    for key in CONSTRAINT_KEYS:
        value = getattr(f.constraints, key)
        if value is not None and value is not False:
            d[key] = value
    for key in ("show_if", "required_if"):
        cond = getattr(f, key)
        if cond is not None:
            d[key] = cond.to_data()
    if f.type == "group":
        d["fields"] = [field_to_dict(c) for c in f.children]
    for key in ("min_items", "max_items"):
        if getattr(f, key) is not None:
            d[key] = getattr(f, key)
    return d


def material_to_dict(m: MaterialSpec) -> dict[str, Any]:
    d: dict[str, Any] = {"code": m.code, "name": _text(m.name), "requirement": m.requirement}
    if m.condition is not None:
        d["condition"] = m.condition.to_data()
    d.update(reusable=m.reusable, file_types=list(m.file_types), max_bytes=m.max_bytes)
    if m.note is not None:
        d["note"] = _text(m.note)
    d.update({k: True for k in ("main", "deferrable") if getattr(m, k)})  # only when set
    if m.licence_type is not None:
        d["licence_type"] = m.licence_type
    return d


def item_to_dict(item: ServiceItem) -> dict[str, Any]:
    """The item as JSON-serialisable data in the definition-file shape. Limits in working
    days keep the original `legal_days`/`promised_days` keys, so an item that does not use
    the newer keys reads the same (and loads on a terminal that predates them)."""
    return {
        "code": item.code,
        "version": item.version,
        "name": _text(item.name),
        "department": {"code": item.department_code, **_text(item.department)},
        "applicant_kind": item.applicant_kind,
        **_limits(item),
        "fee": item.fee,
        "materials": [material_to_dict(m) for m in item.materials],
        "fields": [field_to_dict(f) for f in item.fields],
    } | _issues(item)


def _issues(item: ServiceItem) -> dict[str, Any]:
    """`issues_licence`, only when the item issues one (older terminals never see the key)."""
    found = item.issues_licence
    if found is None:
        return {}
    return {"issues_licence": {"type_code": found.type_code, "name": _text(found.name)}}


def _limits(item: ServiceItem) -> dict[str, Any]:
    d: dict[str, Any] = {} if item.kind == "promised" else {"kind": item.kind}
    for which, limit in (("legal", item.legal_limit), ("promised", item.promised_limit)):
        if limit.unit == "working_days":
            d[f"{which}_days"] = limit.days
        else:
            d[f"{which}_limit"] = limit.to_data()
    return d
