"""Configuration: file < environment < flags, where each value came from, clear errors that
name the key, and every key documented for IT staff."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.config import (
    KEY_NAMES,
    ConfigError,
    PrinterSpec,
    load_config,
    parse_assignments,
    parse_printer,
    show,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "it-guide.md"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_nothing_is_set(tmp_path: Path) -> None:
    cfg = load_config(env={}, file=tmp_path / "absent.toml")
    assert cfg.lang == "zh_CN" and cfg.paper == "a4" and cfg.printer == PrinterSpec("pdf")
    assert cfg.backup_dir == cfg.data_dir / "backups"
    assert set(cfg.sources.values()) == {"default"}


def test_layers_override_in_order_and_sources_say_which(tmp_path: Path) -> None:
    file = write(
        tmp_path / "c.toml",
        'data_dir = "/srv/counter"\nbackup_keep = 7\npaper = "80mm"\nretention_days = 90\n',
    )
    env = {"COUNTER_BACKUP_KEEP": "30", "COUNTER_PAPER": "a4"}
    cfg = load_config({"paper": "80mm", "lang": None}, env=env, file=file)
    assert cfg.data_dir == Path("/srv/counter") and cfg.sources["data_dir"] == "file"
    assert cfg.backup_keep == 30 and cfg.sources["backup_keep"] == "env COUNTER_BACKUP_KEEP"
    assert cfg.paper == "80mm" and cfg.sources["paper"] == "flag"
    assert cfg.retention_days == 90 and cfg.sources["retention_days"] == "file"
    assert cfg.sources["lang"] == "default"  # a None flag is "not given"
    assert cfg.backup_dir == Path("/srv/counter/backups")  # default follows data_dir
    shown = {k: (v, s) for k, v, s in show(cfg)}
    assert shown["backup_keep"] == ("30", "env COUNTER_BACKUP_KEEP")
    assert shown["portal_url"] == ('""', "default")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("backup_keep = 0\n", "backup_keep"),
        ('backup_keep = "many"\n', "backup_keep"),
        ("idle_logout_minutes = true\n", "idle_logout_minutes"),
        ('paper = "a5"\n', "paper"),
        ('printer = "laser"\n', "printer"),
        ('portal_url = "ftp://x"\n', "portal_url"),
        ('log_level = "LOUD"\n', "log_level"),
        ('citizen_screen = "left"\n', "citizen_screen"),
        ("scan_dir = 3\n", "scan_dir"),
    ],
)
def test_a_bad_value_names_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(env={}, file=write(tmp_path / "c.toml", text))
    assert key in caught.value.message("en") and "config file" in caught.value.message("en")
    assert key in caught.value.message("zh_CN")


def test_citizen_screen_and_scan_dir_values(tmp_path: Path) -> None:
    text = 'citizen_screen = "01"\nscan_dir = ""\n'
    config = load_config(env={}, file=write(tmp_path / "c.toml", text))
    assert (config.citizen_screen, config.scan_dir) == ("1", None)
    assert load_config(env={}, file=tmp_path / "none.toml").citizen_screen == "auto"


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="COUNTER_SYNC_INTERVAL_SECONDS"):
        load_config(env={"COUNTER_SYNC_INTERVAL_SECONDS": "1"}, file=tmp_path / "x.toml")


def test_unknown_key_and_broken_toml_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="backup_kept"):
        load_config(env={}, file=write(tmp_path / "c.toml", "backup_kept = 3\n"))
    with pytest.raises(ConfigError, match="TOML"):
        load_config(env={}, file=write(tmp_path / "d.toml", "paper = \n"))


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config(env={}, file=tmp_path)  # a folder: reading it fails


def test_config_file_location_from_environment(tmp_path: Path) -> None:
    file = write(tmp_path / "elsewhere.toml", 'lang = "en"\n')
    cfg = load_config(env={"COUNTER_CONFIG": str(file)})
    assert cfg.file == file and cfg.lang == "en"


@pytest.mark.parametrize(
    ("value", "spec"),
    [
        ("pdf", PrinterSpec("pdf")),
        ("cups", PrinterSpec("cups")),
        ("cups:Hall_Printer", PrinterSpec("cups", "Hall_Printer")),
        ("escpos-usb:04b8:0e15", PrinterSpec("escpos-usb", vendor_id=0x04B8, product_id=0x0E15)),
        ("escpos-usb:0x0416:0x5011", PrinterSpec("escpos-usb", vendor_id=0x416, product_id=0x5011)),
        ("escpos-net:10.0.0.9", PrinterSpec("escpos-net", "10.0.0.9", port=9100)),
        ("escpos-net:printer.hall:9101", PrinterSpec("escpos-net", "printer.hall", port=9101)),
        ("escpos-serial:/dev/ttyUSB0", PrinterSpec("escpos-serial", "/dev/ttyUSB0")),
    ],
)
def test_printer_values(value: str, spec: PrinterSpec) -> None:
    assert parse_printer(value) == spec
    assert parse_printer(str(spec)) == spec  # shown values read back the same


@pytest.mark.parametrize(
    "value", ["escpos-usb:04b8", "escpos-net:", "escpos-net:h:70000", "escpos-serial:", "zpl"]
)
def test_bad_printer_values(value: str) -> None:
    with pytest.raises(ValueError):
        parse_printer(value)


def test_set_flags() -> None:
    assert parse_assignments(["paper=80mm", "backup-keep=3"]) == {
        "paper": "80mm",
        "backup_keep": "3",
    }
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_assignments(["paper"])
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_assignments(["colour=red"])


def test_every_key_is_documented_with_its_variable() -> None:
    guide = DOCS.read_text(encoding="utf-8")
    for key in KEY_NAMES:
        assert f"`{key}`" in guide, key
        assert f"COUNTER_{key.upper()}" in guide, key
