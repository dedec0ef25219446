"""A hall's week of work, per terminal: about 1,050 applications and 3,000 materials of
100 KB-2 MB (times `scale`), taken through the real intake code (`IntakeService.accept`:
files stored by content address with fsync, the outbox filled as at the counter).

Generated once per size under the benchmark cache and reused; a run works on a copy whose
database is copied and whose material files are hard links (they are immutable: named by
their SHA-256), so even the full size (~60 GB) is not copied again for each run.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

from bench.terminals import Intake, _typed, new_terminal
from counter_app.terminal import Terminal

WEEK_APPS, WEEK_MATERIALS = 1_050, 3_000
MIN_BYTES, MAX_BYTES = 100_000, 2_000_000


def terminal_id(i: int) -> str:
    return f"WK{i:02d}"


def week_counts(scale: float) -> tuple[int, int]:
    """(applications, materials) per terminal at `scale` (1.0: the issue's week)."""
    apps = max(1, round(WEEK_APPS * scale))
    return apps, max(apps, round(WEEK_MATERIALS * scale))


class WeekIntake(Intake):
    """Applications whose materials are `sizes` bytes each, spread over the item's
    required materials (several files for one material where there are more files). A
    file goes to a material that takes its size (a photo takes 1 MB at most), or is cut
    to the largest any of them takes: intake refuses what a clerk could not scan in."""

    def take_sized(self, terminal: Terminal, sizes: list[int]) -> None:
        self.count += 1
        item = self.items[self.count % len(self.items)]
        answers = self.answers[item.code]
        specs = item.required_materials(answers)
        files: dict[str, list[bytes]] = {m.code: [] for m in specs}
        for k, wanted in enumerate(sizes):
            fits = [m for m in specs if m.max_bytes >= wanted]
            spec = fits[k % len(fits)] if fits else max(specs, key=lambda m: m.max_bytes)
            size = min(wanted, spec.max_bytes)
            body = os.urandom(16) + self.rng.randbytes(max(0, size - 16))
            files[spec.code].append(_typed(spec.file_types, body))
        for m in specs:  # an item needing more materials than files: a small shared one
            files[m.code] = files[m.code] or [_typed(m.file_types, b"shared-scan")]
        terminal.intake.accept(item.code, self.applicant(), answers, files, clerk_id="C001")

    def applicant(self) -> dict[str, str]:
        from bench.people import company, person

        item = self.items[self.count % len(self.items)]
        who = person(self.rng) if item.applicant_kind == "person" else company(self.rng)
        return {"kind": who.kind, "id_no": who.id_no, "name": who.name, "phone": who.phone}


def _generate(folder: Path, tid: str, apps: int, materials: int, seed: int) -> None:
    rng = random.Random(seed)
    per_app = [materials // apps + (1 if k < materials % apps else 0) for k in range(apps)]
    intake = WeekIntake(seed)
    with new_terminal(folder, tid) as terminal:
        for n in per_app:
            intake.take_sized(terminal, [rng.randint(MIN_BYTES, MAX_BYTES) for _ in range(n)])


def cached_week(
    cache: Path, terminals: int, scale: float, log: Callable[[str], None]
) -> list[Path]:
    """The generated terminals for this size, made now if the cache has none."""
    apps, materials = week_counts(scale)
    root = cache / f"week-{apps}x{materials}"
    folders = [root / terminal_id(i) for i in range(terminals)]
    for i, folder in enumerate(folders):
        if (folder / "done").is_file():
            continue
        shutil.rmtree(folder, ignore_errors=True)
        log(f"week: generating {terminal_id(i)}: {apps} applications, {materials} materials")
        _generate(folder, terminal_id(i), apps, materials, seed=1000 + i)
        (folder / "done").write_text("ok")
    return folders


def working_copy(source: Path, target: Path) -> Path:
    """A copy to sync from: the database copied, material files hard-linked."""
    shutil.copytree(source, target, copy_function=_link_materials, ignore=_skip_done)
    return target


def _link_materials(src: str, dst: str) -> object:
    if f"{os.sep}materials{os.sep}" in src:
        try:
            os.link(src, dst)
            return dst
        except OSError:
            pass  # another file system: copy
    return shutil.copy2(src, dst)


def _skip_done(_folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "done"]
