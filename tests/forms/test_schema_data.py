"""Definitions as data (`from_dict`, JSON round trips) and broken definitions of every
shape: each problem reported once, never a crash."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.catalog import Catalog, load_sample_catalog
from forms.errors import CatalogError
from forms.model import ServiceItem
from tests.forms.forms_fixtures import HEADER, HEADER_LINES, WriteItem
from tests.forms.test_schema import lines_and_en

L = HEADER_LINES  # body line n is file line L + n


def test_every_sample_item_round_trips_through_json(sample_catalog: Catalog) -> None:
    for item in sample_catalog:
        data = json.loads(json.dumps(item.to_dict(), ensure_ascii=False))
        again = ServiceItem.from_dict(data)
        assert again == item
        assert again.to_dict() == data


def test_from_dict_reports_problems_as_catalog_error(sample_catalog: Catalog) -> None:
    data = sample_catalog.require("MZ-002").to_dict()
    data["fields"][0]["type"] = "fancy"
    data["materials"].append(dict(data["materials"][0]))
    with pytest.raises(CatalogError) as exc:
        ServiceItem.from_dict(data)
    texts = [(p.file, p.line, p.text.en) for p in exc.value.problems]
    assert ("<dict>", 0, "the code id_card is used twice") in texts
    assert any(t.startswith("unknown field type fancy") for _, _, t in texts)


def test_option_mistakes_each_reported_once(write_item: WriteItem) -> None:
    path = write_item(
        """
        fields:
          - code: a
            type: choice
            label: {zh: 甲, en: A}
            options:
              - x
              - {value: 1, zh: 一}
              - {zh: 二, en: two}
              - {value: [1], zh: 三, en: three}
              - {value: b, zh: 四, en: four}
              - {value: b, zh: 五, en: five}
        """
    )
    assert lines_and_en(path) == [
        (L + 6, "a mapping (key: value) is expected here"),
        (L + 7, "the key en is missing"),
        (L + 8, "the key value is missing"),
        (L + 9, "an option value is text"),
        (L + 11, "the code b is used twice"),
    ]


def test_texts_need_both_languages(write_item: WriteItem) -> None:
    header = HEADER.replace("en: Test Bureau", "en: ''")
    path = write_item(
        """
        fields:
          - {code: a, type: text, label: 甲}
          - {code: b, label: {zh: 乙, en: B}}
        """,
        header=header,
    )
    assert lines_and_en(path) == [
        (4, "en must be non-empty text"),
        (L + 2, "needs both languages: {zh: .., en: ..}"),
        (L + 3, "the key type is missing"),
    ]


def test_from_dict_refuses_what_is_not_a_mapping() -> None:
    with pytest.raises(CatalogError) as exc:
        ServiceItem.from_dict(["not", "an", "item"])  # type: ignore[arg-type]
    assert exc.value.problems[0].text.en == "a mapping (key: value) is expected here"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, child in items:
        found += _paths(child, (*path, key))
    return found


SAMPLE_DATA = [item.to_dict() for item in load_sample_catalog()]


@settings(max_examples=200)
@given(st.sampled_from(SAMPLE_DATA), st.data())
def test_any_broken_definition_gives_problems_never_a_crash(
    base: dict[str, Any], data: Any
) -> None:
    broken = copy.deepcopy(base)
    path = data.draw(st.sampled_from(_paths(broken)[1:]))
    parent = broken
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = data.draw(JSON)
    try:
        ServiceItem.from_dict(broken)
    except CatalogError as exc:
        assert exc.problems  # every failure explains itself
        assert all(p.text.zh and p.text.en for p in exc.problems)
