"""The `--data` and `--jsonl` examples of docs/it-guide.md, run as written through the real
`counter-app` entry point on a demo terminal: the files are the guide's, the commands are
the guide's, and the output must read as the guide shows it ({…} stands for what varies)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from PIL import Image

from counter_app.cli import main
from counter_app.ops import demo

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "it-guide.md"
FENCE = re.compile(r"^```(\w+) (\S+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def guide_blocks() -> dict[str, tuple[str, str]]:
    """Fenced blocks that carry a name after their language: name -> (language, body)."""
    return {m[2]: (m[1], m[3]) for m in FENCE.finditer(GUIDE.read_text("utf-8"))}


def expected(line: str) -> re.Pattern[str]:
    parts = re.split(r"\{\w+\}", line)
    return re.compile(".+?".join(re.escape(part) for part in parts) + "$")


@pytest.fixture
def hall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A demo terminal, and a working folder holding the guide's files and some scans."""
    data_dir = demo.prepare(tmp_path / "demo", with_portal=False).data_dir
    work = tmp_path / "work"
    (work / "scans").mkdir(parents=True)
    (work / "scans" / "id.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
    Image.new("RGB", (40, 30), "teal").save(work / "scans" / "photo.png")
    (work / "clerk.pw").write_text("demo-clerk-1\n")
    for name, (lang, body) in guide_blocks().items():
        if lang in ("json", "jsonl"):
            (work / name).write_text(body, "utf-8")
    monkeypatch.chdir(work)
    return data_dir


@pytest.mark.parametrize("example", ["intake-data", "intake-jsonl"])
def test_the_guides_intake_examples_work_as_written(
    hall: Path, example: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lang, body = guide_blocks()[example]
    command, *shown = body.strip().splitlines()
    words = shlex.split(command)
    assert lang == "console" and words[0] == "counter-app"
    code = main(["--data-dir", str(hall), *words[1:]])
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == len(shown), printed
    for line, pattern in zip(printed, shown, strict=True):
        assert expected(pattern).match(line), (line, pattern)
    assert code == (1 if example == "intake-jsonl" else 0)  # the batch had a bad line


def test_the_guide_documents_every_batch_key() -> None:
    from counter_app.cli.intake_cmds import _BATCH_KEYS

    text = GUIDE.read_text("utf-8")
    section = text[text.index("## Answers files") : text.index("## Rolling out")]
    for key in _BATCH_KEYS:
        assert f'"{key}"' in section, key
