"""The one font every receipt uses: WenQuanYi Micro Hei, embedded as a subset in each PDF.

The font ships in assets/fonts so a receipt looks the same on every machine, with or without
a CJK font installed. Registration parses a 5 MB collection, so it happens once per process;
a missing or unreadable file is a `FontMissing` the clerk can act on (reinstall), not a
reportlab traceback.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from forms.text import Text
from printing.errors import FontMissing

FONT_NAME = "WQYMicroHei"
FONT_PATH = Path(__file__).resolve().parents[1] / "assets" / "fonts" / "wqy-microhei.ttc"

_lock = threading.Lock()
_registered: dict[str, Path] = {}


def register_font(path: Path | None = None, name: str = FONT_NAME) -> str:
    """Register the font with reportlab (once per name) and return the name to draw with."""
    with _lock:
        if name in _registered:
            return name
        font_path = path or FONT_PATH
        try:
            font = TTFont(name, str(font_path), subfontIndex=0)
        except (OSError, TTFError) as exc:
            raise FontMissing(
                Text(
                    f"找不到或无法读取回执字体 {font_path}，请重新安装本程序。",
                    f"The receipt font {font_path} is missing or unreadable; "
                    "reinstall the application.",
                )
            ) from exc
        pdfmetrics.registerFont(font)
        _registered[name] = font_path
        return name
