"""The embedded font: registered once, and a clear error when it cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from printing.errors import FontMissing
from printing.fonts import FONT_NAME, register_font


def test_bundled_font_registers_once() -> None:
    assert register_font() == FONT_NAME
    assert register_font() == FONT_NAME


def test_missing_font_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FontMissing) as caught:
        register_font(tmp_path / "gone.ttc", name="TestMissing")
    assert "gone.ttc" in caught.value.message("en")
    assert "重新安装" in caught.value.message("zh_CN")


def test_unreadable_font_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttc"
    broken.write_bytes(b"not a font at all" * 10)
    with pytest.raises(FontMissing, match="unreadable"):
        register_font(broken, name="TestBroken")
