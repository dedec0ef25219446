"""Loading service items from YAML files: one item per file, `assets/catalog/<code>.yaml`.

YAML because IT staff write these by hand: comments are allowed, and PyYAML's node marks give
a line for every key, so each mistake is reported as `file:line: message`. Loading a folder
reports the problems of every file together, and a code defined by two files is a problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from forms.errors import CatalogError, LoadProblem, UnknownServiceError
from forms.model import ServiceItem
from forms.schema import build_item
from forms.source import Reader, read_yaml
from forms.text import Text

SAMPLE_CATALOG_DIR = Path(__file__).resolve().parents[1] / "assets" / "catalog"
SUFFIXES = (".yaml", ".yml")
#: A definition is a few KB; a file far larger is a mistake (or an attack), and parsing it
#: would take seconds and hundreds of MB (9 MB measured: 11 s, 640 MB).
MAX_FILE_BYTES = 1024 * 1024


def _too_large(size: int) -> Text:
    mb = f"{size / 2**20:.1f} MB"
    return Text(
        f"文件过大（{mb}，上限 1 MB），不是服务事项定义",
        f"the file is too large ({mb}, limit 1 MB)",
    )


@dataclass(frozen=True)
class Catalog:
    """The service items of a hall, by code; iterating yields items in code order."""

    items: dict[str, ServiceItem] = field(default_factory=dict)

    def get(self, code: str) -> ServiceItem | None:
        return self.items.get(code)

    def require(self, code: str) -> ServiceItem:
        """The item, or UnknownServiceError with a message for the clerk."""
        item = self.items.get(code)
        if item is None:
            raise UnknownServiceError(
                Text(f"服务事项目录中没有 {code}", f"the catalog has no service item {code}")
            )
        return item

    def __iter__(self) -> Iterator[ServiceItem]:
        return iter(self.items[code] for code in sorted(self.items))

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, code: object) -> bool:
        return code in self.items


def _read(path: Path) -> tuple[ServiceItem | None, Reader]:
    """Load one file, keeping its reader (for the line of its code) and its problems."""
    try:
        if (size := path.stat().st_size) > MAX_FILE_BYTES:
            reader = Reader(str(path))
            reader.add((), _too_large(size))
            return None, reader
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        reader = Reader(str(path))
        reader.add((), Text(f"无法读取文件：{reason}", f"cannot read the file: {reason}"))
        return None, reader
    data, reader = read_yaml(text, str(path))
    if data is None:
        return None, reader
    try:
        return build_item(data, reader), reader
    except CatalogError:
        return None, reader


def load_item(path: str | Path) -> ServiceItem:
    """The item defined in `path`; raises CatalogError with every problem of the file."""
    item, reader = _read(Path(path))
    if item is None:
        raise CatalogError(sorted(reader.problems, key=lambda p: p.line))
    return item


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())


def load_catalog(path: str | Path) -> Catalog:
    """Every item of a folder's *.yaml files (or of one file); raises CatalogError listing
    the problems of all files, including a code defined twice."""
    path = Path(path)
    if not path.exists():
        raise CatalogError(
            [LoadProblem(str(path), 0, Text("路径不存在", "no such file or folder"))]
        )
    items: dict[str, ServiceItem] = {}
    problems: list[LoadProblem] = []
    first_file: dict[str, str] = {}
    for file in _files(path) if path.is_dir() else [path]:
        item, reader = _read(file)
        problems += sorted(reader.problems, key=lambda p: p.line)
        if item is None:
            continue
        if item.code in items:
            reader.add(
                ("code",),
                Text(
                    f"事项代码 {item.code} 已在 {first_file[item.code]} 中定义",
                    f"the item code {item.code} is already defined in {first_file[item.code]}",
                ),
            )
            problems.append(reader.problems[-1])
            continue
        items[item.code], first_file[item.code] = item, str(file)
    if problems:
        raise CatalogError(problems)
    return Catalog(items)


def check_path(path: str | Path) -> list[LoadProblem]:
    """Every problem of a file or folder of definitions (empty when all load)."""
    try:
        load_catalog(path)
    except CatalogError as exc:
        return list(exc.problems)
    return []


def load_sample_catalog() -> Catalog:
    """The bundled demo catalog (also the tests' fixture)."""
    return load_catalog(SAMPLE_CATALOG_DIR)
