"""The forms package's errors.

    LocalizedError (forms.text)
    └── FormsError                 every error raised by forms/
        ├── CatalogError           a definition (file or dict) is wrong; carries every problem
        ├── IdentifierError        a resident ID or credit code is malformed (precise reason)
        └── UnknownServiceError    a catalog has no item with the code asked for

Loading never stops at the first mistake: IT staff fix a definition file in one pass, so
`CatalogError.problems` lists every `LoadProblem`, each with its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.text import DEFAULT_LANG, LocalizedError, Text


class FormsError(LocalizedError):
    """Base of every error raised by the forms package."""


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """One mistake in a definition: where it is (1-based line, 0 when unknown) and what."""

    file: str
    line: int
    text: Text

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """`file:line: message` in `lang`, the form editors and compilers use."""
        return f"{self.file}:{self.line}: {self.text.get(lang)}"

    def __str__(self) -> str:
        return self.message()


class CatalogError(FormsError):
    """A service-item definition could not be loaded; `.problems` holds every mistake found."""

    def __init__(self, problems: tuple[LoadProblem, ...] | list[LoadProblem]) -> None:
        self.problems: tuple[LoadProblem, ...] = tuple(problems)
        first = self.problems[0] if self.problems else None
        more = len(self.problems) - 1
        zh = first.message("zh_CN") if first else "服务事项定义有误"
        en = first.message("en") if first else "the service item definition is wrong"
        if more > 0:
            zh += f"（另有 {more} 处错误）"
            en += f" (and {more} more)"
        super().__init__(Text(zh, en))

    def messages(self, lang: str = DEFAULT_LANG) -> list[str]:
        """Every problem as a `file:line: message` line."""
        return [p.message(lang) for p in self.problems]


class IdentifierError(FormsError):
    """A resident identity number or unified social credit code is not valid; the text says
    exactly which rule failed (length, characters, check character, date, region)."""


class UnknownServiceError(FormsError):
    """The catalog has no service item with the requested code."""
