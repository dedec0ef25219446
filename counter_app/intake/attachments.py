"""Checking the files given for an application against the item's material rules.

Every problem is reported at once, under the path "materials.<code>", next to the form's
own problems, so the clerk fixes everything in one pass. A file's type comes from its first
bytes (a photo renamed to .pdf is still a photo), its name only when the bytes say nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from counter_app.store.db import Store
from counter_app.store.materials import normalise_extension, sniff
from forms.model import MaterialSpec, ServiceItem
from forms.text import Text
from forms.validation import FieldProblem

Attachment = Path | bytes


@dataclass(frozen=True, slots=True)
class Reused:
    code: str
    sha256: str


def path_of(code: str) -> str:
    return f"materials.{code}"


def check_attachments(
    item: ServiceItem, attachments: Mapping[str, Iterable[Attachment]]
) -> list[FieldProblem]:
    """Problems with the given files: unknown material, missing file, type, size."""
    problems: list[FieldProblem | None] = []
    for code, files in attachments.items():
        spec = item.material(code)
        if spec is None:
            problems.append(
                FieldProblem(
                    path_of(code),
                    Text(f"本事项没有材料 {code}", f"this item has no material {code}"),
                )
            )
            continue
        problems.extend(check_file(spec, f) for f in files)
    return [p for p in problems if p is not None]


def check_file(spec: MaterialSpec, source: Attachment) -> FieldProblem | None:
    """The one check of one file against its material's rules (readable, type, size): the
    service runs it at acceptance, the window as soon as the file is attached."""
    try:
        head, size, name = _facts(source)
    except OSError as exc:
        name = str(exc.filename)
        return FieldProblem(
            path_of(spec.code), Text(f"无法读取文件 {name}", f"cannot read the file {name}")
        )
    ext, _ = sniff(head, name)
    allowed = {normalise_extension(t) for t in spec.file_types}
    if ext not in allowed:
        kinds = "、".join(spec.file_types)
        return FieldProblem(
            path_of(spec.code),
            Text(
                f"文件类型 {ext} 不符合要求（可用：{kinds}）",
                f"file type {ext} is not accepted (use: {', '.join(spec.file_types)})",
            ),
        )
    if size == 0 or size > spec.max_bytes:
        limit = f"{spec.max_bytes / 1024 / 1024:.1f} MB"
        return FieldProblem(
            path_of(spec.code),
            Text(f"文件为空或超过 {limit}", f"the file is empty or larger than {limit}"),
        )
    return None


def _facts(source: Attachment) -> tuple[bytes, int, str | None]:
    if isinstance(source, bytes):
        return source[:16], len(source), None
    with open(source, "rb") as fh:
        head = fh.read(16)
    return head, source.stat().st_size, source.name


def find_reusable(
    store: Store, item: ServiceItem, id_no: str, codes: Iterable[str]
) -> tuple[list[Reused], list[FieldProblem]]:
    """The applicant's latest earlier copy of each material to reuse, or why there is none."""
    found, problems = [], []
    for code in sorted(codes):
        spec = item.material(code)
        problem = _reuse_problem(spec, code)
        sha = (
            None
            if problem
            else store.scalar(
                "SELECT sha256 FROM applicant_materials WHERE applicant_id = ? AND "
                "material_code = ? ORDER BY given_at DESC, rowid DESC LIMIT 1",
                (id_no, code),
            )
        )
        if problem is None and sha is None:
            problem = Text(
                "该申请人此前未提交过这份材料，无法复用",
                "this applicant never gave this material before",
            )
        if problem is not None:
            problems.append(FieldProblem(path_of(code), problem))
        else:
            found.append(Reused(code, str(sha)))
    return found, problems


def _reuse_problem(spec: MaterialSpec | None, code: str) -> Text | None:
    if spec is None:
        return Text(f"本事项没有材料 {code}", f"this item has no material {code}")
    if not spec.reusable:
        return Text(
            "这份材料每次须重新提交，不能复用", "this material must be given anew each time"
        )
    return None
