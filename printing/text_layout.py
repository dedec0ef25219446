"""The roll receipt as lines of monospaced text, for ESC/POS printers' built-in fonts.

A thermal printer prints 48 half-width columns on 80 mm paper (font A, 12 x 24 dots); a
Chinese character takes two. Lines are wrapped by display width (East Asian width), which
`textwrap` does not know about.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from forms.text import Text
from printing import content
from printing.content import plain
from printing.model import ReceiptData

COLUMNS = 48
Style = Literal["title", "number", "stamp", "body", "small", "qr", "code", "rule", "signature"]


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line and how the printer should set it."""

    text: str
    style: Style = "body"
    centred: bool = False


def width(text: str) -> int:
    """Display columns: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, columns: int = COLUMNS) -> list[str]:
    """Split `text` into lines of at most `columns` display columns, breaking Latin text at
    spaces where it can and CJK text anywhere."""
    lines: list[str] = []
    current = ""
    for word in _tokens(text):
        if width(current + word) > columns and current.strip():
            lines.append(current.rstrip())
            current = word.lstrip()
        else:
            current += word
        while width(current) > columns:
            cut = _cut(current, columns)
            lines.append(current[:cut])
            current = current[cut:]
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Latin words keep their leading space; every wide character is a token of its own."""
    tokens: list[str] = []
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in "WF"
        if wide or not tokens or ch == " " or _is_wide(tokens[-1][-1]):
            tokens.append(ch)
        else:
            tokens[-1] += ch
    return tokens


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _cut(text: str, columns: int) -> int:
    used = 0
    for index, ch in enumerate(text):
        used += width(ch)
        if used > columns:
            return max(index, 1)
    return len(text)


def _bilingual(text: Text, indent: str = "") -> list[Line]:
    lines = [Line(indent + part) for part in wrap(text.zh, COLUMNS - len(indent))]
    if text.en and text.en != text.zh:
        lines += [Line(indent + p, "small") for p in wrap(text.en, COLUMNS - len(indent))]
    return lines


def _row(row: content.Row) -> list[Line]:
    """A value that reads the same in both languages is printed once, after both labels."""
    if row.value.zh == row.value.en:
        return _bilingual(plain(f"{row.label.zh} {row.label.en}：{row.value.zh}"))
    label, value = row.label, row.value
    return _bilingual(Text(f"{label.zh}：{value.zh}", f"{label.en}: {value.en}"))


def _head(data: ReceiptData) -> list[Line]:
    title = content.title(data)
    lines = [Line(part, "small", True) for part in wrap(str(content.hall_line(data)))]
    lines += [Line(title.zh, "title", True), Line(title.en, "small", True)]
    if data.duplicate:
        lines.append(Line(f"{content.DUPLICATE.zh} {content.DUPLICATE.en}", "stamp", True))
    lines.append(Line(f"{content.RECEIPT_NO.zh} {content.RECEIPT_NO.en}", "small", True))
    return [*lines, Line(data.receipt_no, "number", True), Line("", "rule")]


def _sections(data: ReceiptData) -> list[Line]:
    lines: list[Line] = []
    for row in content.rows(data):
        lines += _row(row)
    if data.is_notice:
        lines += [Line("", "rule"), *_bilingual(content.STILL_NEEDED)]
        for item in content.missing_lines(data):
            lines += _bilingual(item.label) + _bilingual(item.value, "   ")
        if data.come_back.zh:
            lines += [Line("", "rule"), *_bilingual(content.COME_BACK), *_bilingual(data.come_back)]
    lines += [Line("", "rule"), *_bilingual(content.RECEIVED)]
    for material in content.material_lines(data) or (content.NONE,):
        lines += _bilingual(material)
    return lines


def _tail(data: ReceiptData) -> list[Line]:
    typed = f"{content.TYPED_CODE.zh} {content.TYPED_CODE.en}: {data.verification_code}"
    lines = [Line("", "rule")]
    lines += _bilingual(content.SIGNATURE)
    if data.signature_png is not None:
        lines.append(Line("", "signature", True))
    else:
        lines += _bilingual(content.UNSIGNED)
    lines += [Line(data.tracking_url, "qr", True), Line(typed, "code", True)]
    address = f"{content.ADDRESS.zh} {content.ADDRESS.en}: {data.address_text}"
    lines += [Line(part, "small", True) for part in wrap(address)]
    for note in content.closing_notes(data):
        lines += _bilingual(note)
    return lines


def receipt_lines(data: ReceiptData) -> list[Line]:
    """The whole roll receipt, top to bottom. The QR is one line of style "qr" (its URL);
    a "signature" line marks where the printer puts `data.signature_png`."""
    return [*_head(data), *_sections(data), *_tail(data)]
