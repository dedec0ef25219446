"""A piece of user-facing text in both of the terminal's languages.

Every message a clerk or citizen may read is built as a `Text`, so that code outside the UI
never has to know which language is active; the caller picks one with `Text.get(lang)`.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("zh_CN", "en")
DEFAULT_LANG = "zh_CN"


@dataclass(frozen=True, slots=True)
class Text:
    """The same message in Simplified Chinese and English."""

    zh: str
    en: str

    def get(self, lang: str = DEFAULT_LANG) -> str:
        """The message in `lang` ("zh_CN" or "en"); anything but English falls back to Chinese."""
        return self.en if lang.lower().startswith("en") else self.zh

    def format(self, **values: object) -> Text:
        """Both languages with `{name}` placeholders filled in."""
        return Text(self.zh.format(**values), self.en.format(**values))

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


class LocalizedError(Exception):
    """Base of every package's own error: carries a `Text` the UI and CLI can show as is."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The message in the clerk's language."""
        return self.text.get(lang)
