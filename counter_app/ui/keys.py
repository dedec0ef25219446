"""Every key of the window, written once: the buttons take their shortcut from here, their
label and tooltip show it, the F1 sheet lists it, and a test checks the README's table and
that pressing each shown key really does the action.

Why one table: the buttons used to show 下一步(N) (a mnemonic that Alt+N did not trigger,
because the real shortcut was Ctrl+Return) — labels and keys had drifted apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

from forms.text import Text


@dataclass(frozen=True, slots=True)
class KeyAction:
    """One action: its key as Qt's portable text, where it works and what it does."""

    name: str
    sequence: str
    where: Text
    does: Text

    def shown(self) -> str:
        """The key as the clerk reads it on the button, in the sheet and in the README."""
        return QKeySequence(self.sequence).toString(QKeySequence.SequenceFormat.NativeText)


_ANY = Text("任何页面", "any page")
_INTAKE = Text("新申请", "new application")
_MAT = Text("材料", "materials")
_DETAIL = Text("申请详情", "application detail")
_STATS = Text("统计", "statistics")
_SET = Text("设置", "settings")

ACTIONS: tuple[KeyAction, ...] = (
    KeyAction("help", "F1", _ANY, Text("按键一览", "this list of keys")),
    KeyAction("nav_home", "F2", _ANY, Text("首页：今日受理与查找", "home: today's list, search")),
    KeyAction("nav_new", "F3", _ANY, Text("开始新申请", "start a new application")),
    KeyAction("nav_stats", "F4", _ANY, Text("统计", "statistics")),
    KeyAction("nav_settings", "F9", _ANY, Text("设置（管理员）", "settings (administrator)")),
    KeyAction("nav_logout", "Ctrl+L", _ANY, Text("退出登录", "log out")),
    KeyAction("search", "Ctrl+F", Text("首页", "home"), Text("到查找框", "to the search box")),
    KeyAction("next", "Ctrl+Return", _INTAKE, Text("下一步；复核页上受理", "next step; accept")),
    KeyAction("return", "Return", _INTAKE, Text("下一栏，最后一栏后下一步", "next field, then on")),
    KeyAction("back", "Alt+Left", _INTAKE, Text("上一步", "previous step")),
    KeyAction("materials_return", "Return", _MAT, Text("为所选材料选文件", "choose a file")),
    KeyAction("materials_space", "Space", _MAT, Text("预览所选材料", "preview the row")),
    KeyAction("attach", "Ctrl+O", _MAT, Text("为所选材料添加文件", "attach a file to the row")),
    KeyAction("reuse", "Ctrl+R", _MAT, Text("复用留存的材料", "reuse the copy on file")),
    KeyAction("preview", "Ctrl+Shift+V", _MAT, Text("预览文件", "preview the file")),
    KeyAction("remove", "Delete", _MAT, Text("移除所选材料的文件", "remove the row's files")),
    KeyAction("defer", "Ctrl+Shift+D", _MAT, Text("容缺：承诺后补此材料", "defer: bring it later")),
    KeyAction("add_entry", "Ctrl+Shift+A", _INTAKE, Text("添加一组（如家庭成员）", "add an entry")),
    KeyAction(
        "clear_signature",
        "Ctrl+Shift+L",
        Text("签名", "signature"),
        Text("清除签名", "clear the signature"),
    ),
    KeyAction("print", "Ctrl+P", Text("回执", "receipt"), Text("打印回执", "print the receipt")),
    KeyAction("save_pdf", "Ctrl+S", Text("回执", "receipt"), Text("另存为 PDF", "save as PDF")),
    KeyAction(
        "deferral_notice",
        "Ctrl+Shift+N",
        Text("回执", "receipt"),
        Text("容缺受理通知书", "the deferral notice"),
    ),
    KeyAction("reprint", "Ctrl+P", _DETAIL, Text("补打回执（标明副本）", "reprint (duplicate)")),
    KeyAction("detail_save", "Ctrl+S", _DETAIL, Text("另存为 PDF", "save as PDF")),
    KeyAction("supplement", "Ctrl+U", _DETAIL, Text("补正材料", "supplement materials")),
    KeyAction("void", "Ctrl+D", _DETAIL, Text("作废（须填原因）", "void (with a reason)")),
    KeyAction(
        "hand_over",
        "Ctrl+G",
        _DETAIL,
        Text("结果已交付，请申请人评价", "result handed over: rate it"),
    ),
    KeyAction(
        "supplement_submit", "Ctrl+Return", Text("补正", "supplement"), Text("受理", "accept")
    ),
    KeyAction("stats_refresh", "Ctrl+R", _STATS, Text("显示所选期间", "show the period")),
    KeyAction("stats_export", "Ctrl+E", _STATS, Text("导出", "export")),
    KeyAction("settings_save", "Ctrl+S", _SET, Text("保存设置", "save the settings")),
    KeyAction("enroll", "Ctrl+Shift+E", _SET, Text("接入平台", "enroll with the platform")),
    KeyAction("add_clerk", "Ctrl+Shift+A", _SET, Text("添加窗口人员", "add a clerk")),
    KeyAction("close_preview", "Esc", Text("预览", "preview"), Text("关闭预览", "close")),
)
BY_NAME = {a.name: a for a in ACTIONS}


def key(name: str) -> str:
    """The key of action `name` (KeyError for an action missing from the table)."""
    return BY_NAME[name].sequence


def strip_mnemonic(text: str) -> str:
    """A label without its Alt mnemonic, also the Chinese form "下一步(&N)": a button here
    is pressed by the key it shows, and a dead Alt+letter only misleads."""
    return re.sub(r"\(&.\)", "", text).replace("&&", "\0").replace("&", "").replace("\0", "&")


def labelled(text: str, sequence: str) -> str:
    """The button's label: its words and the key that really presses it."""
    words = strip_mnemonic(text).rstrip()
    return f"{words}  {QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)}"
