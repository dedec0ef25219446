"""The roll receipt as lines of monospaced text, for ESC/POS printers' built-in fonts.

A thermal printer prints 48 half-width columns on 80 mm paper (font A, 12 x 24 dots); a
Chinese character takes two. Lines are wrapped by display width (East Asian width), which
`textwrap` does not know about.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
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


# Line-breaking rules for Chinese (GB/T 15834 punctuation; the rules called kinsoku in
# Japanese): no line starts with closing punctuation, none ends with opening punctuation.
CLOSING = (
    "，。、；：？！）」』》〉】〕〗〙〛］｝”’…‥—–～·・％‰℃°"  # full-width / CJK closers
    ",.;:?!)]}%"  # their half-width forms, in mixed text
)
OPENING = "（「『《〈【〔〖〘〚［｛“‘([{"

Fits = Callable[[str, int], bool]


def wrap(text: str, columns: int = COLUMNS) -> list[str]:
    """Split `text` into lines of at most `columns` display columns, breaking Latin text at
    spaces where it can and CJK text anywhere the Chinese line-breaking rules allow."""
    return break_lines(text, lambda line, _n: width(line) <= columns)


def break_lines(text: str, fits: Fits) -> list[str]:
    """Greedy line breaking with the Chinese rules. `fits(line, n)` says whether `line` fits
    as line number `n` (widths may differ per line). A break that would put a closer first
    or an opener last moves back, character by character; only when no such break exists on
    the line (a line of nothing but punctuation) is the rule given up rather than the width."""
    tokens = _split_long(_tokens(text), fits)
    lines: list[str] = []
    start = 0
    while start < len(tokens):
        end = start + 1
        while end < len(tokens) and fits(_join(tokens[start : end + 1]), len(lines)):
            end += 1
        if end < len(tokens):
            end = _kinsoku(tokens, start, end)
        lines.append(_join(tokens[start:end]))
        start = end
    return lines or [""]


def _kinsoku(tokens: list[str], start: int, end: int) -> int:
    """The break at or before `end` that the rules allow, or `end` when none does."""
    for cut in range(end, start, -1):
        first, last = tokens[cut].lstrip()[:1], tokens[cut - 1].rstrip()[-1:]
        if (not first or first not in CLOSING) and (not last or last not in OPENING):
            return cut
    return end


def _join(tokens: list[str]) -> str:
    return "".join(tokens).strip()


def _split_long(tokens: list[str], fits: Fits) -> list[str]:
    """A word wider than a whole line is cut into pieces that fit (a long URL)."""
    out: list[str] = []
    for token in tokens:
        while not fits(token.strip(), 0) and len(token.strip()) > 1:
            cut = max(n for n in range(1, len(token)) if fits(token[:n].strip(), 0) or n == 1)
            out.append(token[:cut])
            token = token[cut:]
        out.append(token)
    return out


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
    if not data.taken_for:  # a supplement receipt: signed at the owner's window
        lines += _bilingual(content.SIGNATURE)
        if data.signature_png is not None:
            lines.append(Line("", "signature", True))
        else:
            lines += _bilingual(content.UNSIGNED)
    lines += [Line(data.tracking_url, "qr", True), Line(typed, "code", True)]
    lines.append(Line(f"{content.ADDRESS.zh} {content.ADDRESS.en}:", "small", True))
    lines += [Line(part, "small", True) for part in wrap(content.address(data))]
    for note in content.closing_notes(data):
        lines += _bilingual(note)
    return lines


def receipt_lines(data: ReceiptData) -> list[Line]:
    """The whole roll receipt, top to bottom. The QR is one line of style "qr" (its URL);
    a "signature" line marks where the printer puts `data.signature_png`."""
    return [*_head(data), *_sections(data), *_tail(data)]
