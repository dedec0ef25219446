"""The log: JSON lines in a rotating file, no resident ID, credit code, phone number or
answers in it, and `recent()` reading back across rotated files."""

from __future__ import annotations

import json
import logging
import logging.handlers
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.ops import logs
from counter_app.ops.logs import FILE_NAME, LogError, recent, redact, setup_logging

RESIDENT_ID = "11010519491231002X"
USCC = "91350100M000100Y43"
PHONE = "13800138000"


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    level = root.level
    folder = tmp_path / "logs"
    setup_logging(folder, "INFO")
    yield folder
    for handler in [h for h in root.handlers if h.get_name() == logs.MARK]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def lines(folder: Path) -> list[str]:
    return (folder / FILE_NAME).read_text(encoding="utf-8").splitlines()


def test_records_are_json_lines_with_extras(log_dir: Path) -> None:
    logging.getLogger("counter_app.sync").info("pushed %d", 3, extra={"batch": 7})
    logging.getLogger("counter_app.sync").debug("not at INFO")
    (entry,) = [json.loads(line) for line in lines(log_dir)]
    assert entry["level"] == "INFO" and entry["logger"] == "counter_app.sync"
    assert entry["msg"] == "pushed 3" and entry["batch"] == 7 and entry["at"].endswith("+00:00")


def test_personal_data_never_reaches_the_file(log_dir: Path) -> None:
    log = logging.getLogger("counter_app.intake.service")
    log.info("intake for %s, phone %s, company %s", RESIDENT_ID, PHONE, USCC)
    log.warning("lookup /t/x?id=%s failed", RESIDENT_ID.lower())
    log.info("applicant", extra={"answers": {"address": "红谷滩区 1 号"}, "id_no": RESIDENT_ID})
    log.info("contact", extra={"note": f"call +86 138-0013-8000 or {PHONE}"})
    try:
        raise ValueError(f"bad id {RESIDENT_ID}")
    except ValueError:
        log.exception("intake failed")
    text = (log_dir / FILE_NAME).read_text(encoding="utf-8")
    for secret in (RESIDENT_ID, RESIDENT_ID.lower(), PHONE, USCC, "138-0013-8000", "红谷滩区"):
        assert secret not in text
    entries = [json.loads(line) for line in lines(log_dir)]
    assert entries[0]["msg"] == "intake for [id], phone [phone], company [uscc]"
    assert "answers" not in entries[2] and "id_no" not in entries[2]
    assert "[id]" in entries[4]["exc"] and "ValueError" in entries[4]["exc"]


def test_redact_keeps_what_is_not_personal() -> None:
    text = "receipt 7QXM-2603-0001, 3 files, 12345678 bytes, at 2026-03-02T10:00:00"
    assert redact(text) == text


def test_recent_reads_across_rotation(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / f"{FILE_NAME}.1").write_text('{"msg": "older"}\n{"msg": "old"}\n')
    (folder / FILE_NAME).write_text('{"msg": "new"}\nnot json\n')
    assert [e["msg"] for e in recent(folder, 3)] == ["old", "new", "not json"]
    assert [e["msg"] for e in recent(folder, 10)] == ["older", "old", "new", "not json"]
    assert recent(folder, 0) == [] and recent(tmp_path / "none", 5) == []


def test_rotation_keeps_files_small(log_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == logs.MARK)
    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    monkeypatch.setattr(handler, "maxBytes", 2000)
    for i in range(100):
        logging.getLogger("t").info("line %d %s", i, "x" * 50)
    assert (log_dir / f"{FILE_NAME}.1").is_file()
    assert (log_dir / FILE_NAME).stat().st_size <= 2000
    assert recent(log_dir, 1)[0]["msg"].startswith("line 99 ")


def test_setup_twice_does_not_double_lines(log_dir: Path) -> None:
    setup_logging(log_dir, "INFO")
    logging.getLogger("t").info("once")
    assert len(lines(log_dir)) == 1


def test_unwritable_log_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(LogError, match="log folder"):
        setup_logging(blocker / "logs")
