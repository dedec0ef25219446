"""Loading a folder of items: the sample catalog, duplicates across files, bad paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.catalog import SAMPLE_CATALOG_DIR, Catalog, check_path, load_catalog, load_item
from forms.errors import CatalogError, UnknownServiceError
from tests.forms.forms_fixtures import HEADER, WriteItem

EXPECTED_DEPARTMENTS = {"SCJG", "GA", "RS", "GJJ", "MZ", "YB", "ZRZY"}


def test_sample_catalog_loads_every_file(sample_catalog: Catalog) -> None:
    files = sorted(SAMPLE_CATALOG_DIR.glob("*.yaml"))
    assert len(sample_catalog) == len(files) >= 12
    assert {p.stem for p in files} == set(sample_catalog.items)  # file name = item code
    assert {i.department_code for i in sample_catalog} == EXPECTED_DEPARTMENTS
    assert [i.code for i in sample_catalog] == sorted(sample_catalog.items)


def test_sample_items_are_realistic(sample_catalog: Catalog) -> None:
    for item in sample_catalog:
        assert item.name.zh and item.name.en and item.department.en
        assert 0 <= item.promised_days <= item.legal_days
        assert item.materials and item.fields
    conditional = [m for i in sample_catalog for m in i.materials if m.requirement == "required_if"]
    groups = [f for i in sample_catalog for f in i.fields if f.type == "group"]
    assert len(conditional) >= 10 and len(groups) >= 3
    used_types = {f.type for i in sample_catalog for f in i.fields}
    assert used_types == {
        "text", "number", "date", "choice", "multichoice", "phone", "email",
        "resident_id", "uscc", "address", "group",
    }  # fmt: skip


def test_get_require_and_contains(sample_catalog: Catalog) -> None:
    assert sample_catalog.get("GA-001") is sample_catalog.require("GA-001")
    assert "GA-001" in sample_catalog and "NOPE" not in sample_catalog
    assert sample_catalog.get("NOPE") is None
    with pytest.raises(UnknownServiceError) as exc:
        sample_catalog.require("NOPE")
    assert "NOPE" in exc.value.message("en") and "NOPE" in exc.value.message("zh_CN")


def test_duplicate_code_across_files_names_both(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(HEADER + "fields: []\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("# copy\n" + HEADER + "fields: []\n", encoding="utf-8")
    with pytest.raises(CatalogError) as exc:
        load_catalog(tmp_path)
    [problem] = exc.value.problems
    assert problem.file == str(tmp_path / "b.yaml")
    assert problem.line == 2  # the `code:` line of the second file
    assert str(tmp_path / "a.yaml") in problem.text.en


def test_problems_of_every_file_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(HEADER + "fields: []\n", encoding="utf-8")
    (tmp_path / "bad1.yaml").write_text("code: [\n", encoding="utf-8")
    (tmp_path / "bad2.yml").write_text(HEADER.replace("T-001", "T-2") + "fields: 3\n", "utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    problems = check_path(tmp_path)
    assert {Path(p.file).name for p in problems} == {"bad1.yaml", "bad2.yml"}
    assert any(p.text.en == "fields must be a list" and p.line == 9 for p in problems)


def test_single_file_and_check_path_clean(write_item: WriteItem) -> None:
    path = write_item("fields: []\n")
    assert check_path(path) == []
    assert list(load_catalog(path).items) == ["T-001"]


def test_missing_path() -> None:
    [problem] = check_path("/nonexistent/catalog")
    assert (problem.line, problem.text.en) == (0, "no such file or folder")


def test_undecodable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("code: 测试".encode("gbk"))
    with pytest.raises(CatalogError) as exc:
        load_item(path)
    assert exc.value.problems[0].text.en.startswith("cannot read the file")


def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "folder.yaml"  # reading a folder fails with an OSError, even for root
    path.mkdir()
    with pytest.raises(CatalogError) as exc:
        load_item(path)
    [problem] = exc.value.problems
    assert problem.file == str(path) and problem.text.en.startswith("cannot read the file")
    assert problem.text.zh.startswith("无法读取文件")


def test_catalog_error_message_counts_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("code: 1\n", encoding="utf-8")
    with pytest.raises(CatalogError) as exc:
        load_item(path)
    assert len(exc.value.problems) > 1
    assert f"(and {len(exc.value.problems) - 1} more)" in exc.value.message("en")
    assert exc.value.messages("en")[0].startswith(f"{path}:1: ")
