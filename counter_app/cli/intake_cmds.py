"""`counter-app intake`: one application from a JSON file, or a batch typed from paper
during an outage (`--jsonl`: one application per line, each atomic; a bad line is reported
with its number and the rest still go in). Registered by `store_cmds.register`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from counter_app.cli.common import open_terminal, say
from counter_app.errors import CounterError
from counter_app.intake.service import IntakeResult
from counter_app.terminal import Terminal
from forms.text import LocalizedError, Text


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `intake` to `sub`."""
    p = sub.add_parser("intake", help="take an application (or a batch with --jsonl)")
    p.add_argument("--service", help="service item code")
    p.add_argument("--clerk", help="clerk ID")
    p.add_argument("--data", type=Path, help='answers JSON with the applicant under "applicant"')
    p.add_argument("--attach", action="append", default=[], metavar="MATERIAL=PATH")
    p.add_argument("--reuse", action="append", default=[], metavar="MATERIAL")
    p.add_argument("--jsonl", type=Path, help="batch: one application per line")
    p.set_defaults(func=cmd_intake)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CounterError(
            Text(f"无法读取 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}")
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise CounterError(
            Text(f"{path} 不是有效的 JSON：{exc}", f"{path} is not valid JSON: {exc}")
        ) from exc


def cmd_intake(args: argparse.Namespace) -> int:
    if args.jsonl:
        return _intake_batch(args)
    if not (args.service and args.clerk and args.data):
        raise CounterError(
            Text(
                "需要 --service、--clerk 和 --data（或 --jsonl）。",
                "Give --service, --clerk and --data (or --jsonl).",
            )
        )
    data = _read_json(args.data)
    attach = _attachments(args.attach)
    with open_terminal(args) as t:
        result = _accept(t, args.service, args.clerk, data, attach, args.reuse, None)
    _print_result(args, result)
    return 0


def _attachments(specs: list[str]) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for spec in specs:
        code, sep, path = spec.partition("=")
        if not sep or not code or not path:
            raise CounterError(
                Text(
                    f"--attach 应写作 材料代码=路径：{spec}",
                    f"--attach takes MATERIAL=PATH: {spec}",
                )
            )
        out.setdefault(code.strip(), []).append(Path(path))
    return out


def _accept(
    t: Terminal,
    service: str,
    clerk: str,
    data: Any,
    attach: dict[str, list[Path]],
    reuse: list[str],
    uuid: str | None,
) -> IntakeResult:
    if not isinstance(data, dict) or not isinstance(data.get("applicant", {}), dict):
        raise CounterError(
            Text(
                '数据应为 JSON 对象，申请人信息放在 "applicant" 下。',
                'The data must be a JSON object with the applicant under "applicant".',
            )
        )
    applicant = data.get("applicant", {})
    answers = (
        data["answers"]
        if isinstance(data.get("answers"), dict)
        else {k: v for k, v in data.items() if k not in _BATCH_KEYS}
    )
    return t.intake.accept(service, applicant, answers, attach, set(reuse), clerk, uuid=uuid)


_BATCH_KEYS = {"applicant", "answers", "service", "clerk", "attachments", "reuse", "uuid"}


def _print_result(args: argparse.Namespace, r: IntakeResult, prefix: str = "") -> None:
    if r.kind == "acceptance":
        say(
            args,
            f"{prefix}已受理 {r.display_no}，承诺办结日期 {r.due_date}",
            f"{prefix}accepted {r.display_no}, promised by {r.due_date}",
        )
    else:
        zh = "、".join(f"{m.name.zh}（{m.code}）" for m in r.missing)
        en = "; ".join(f"{m.name.en} ({m.code})" for m in r.missing)
        say(
            args,
            f"{prefix}材料不全，已出具一次性告知单 {r.display_no}（缺：{zh}）",
            f"{prefix}materials missing: one-time notice {r.display_no} (missing: {en})",
        )


def _intake_batch(args: argparse.Namespace) -> int:
    """One atomic application per line; a bad line is reported and the rest still go in."""
    base = args.jsonl.parent
    bad = good = 0
    with open_terminal(args) as t:
        for lineno, line in _lines(args.jsonl):
            try:
                result = _batch_line(t, line, base, args)
            except LocalizedError as exc:
                bad += 1
                print(
                    f"{lineno}: "
                    + Text("错误：", "error: ").get(args.lang)
                    + exc.message(args.lang)
                )
                continue
            good += 1
            _print_result(args, result, f"{lineno}: ")
    say(
        args,
        f"共 {good + bad} 行：成功 {good}，失败 {bad}。",
        f"{good + bad} lines: {good} taken, {bad} failed.",
    )
    return 1 if bad else 0


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CounterError(Text(f"无法读取 {path}：{exc}", f"Cannot read {path}: {exc}")) from exc
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield lineno, line


def _batch_line(t: Terminal, line: str, base: Path, args: argparse.Namespace) -> IntakeResult:
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise CounterError(Text(f"不是有效的 JSON：{exc}", f"not valid JSON: {exc}")) from exc
    if not isinstance(data, dict):
        raise CounterError(Text("每行应为一个 JSON 对象", "each line must be a JSON object"))
    service, clerk = data.get("service"), data.get("clerk") or args.clerk
    if not isinstance(service, str) or not isinstance(clerk, str):
        raise CounterError(Text('缺少 "service" 或 "clerk"', 'missing "service" or "clerk"'))
    attach = {
        str(code): [base / str(p) for p in (paths if isinstance(paths, list) else [paths])]
        for code, paths in (data.get("attachments") or {}).items()
    }
    reuse = [str(r) for r in data.get("reuse") or []]
    uuid = data.get("uuid") if isinstance(data.get("uuid"), str) else None
    return _accept(t, service, clerk, data, attach, reuse, uuid)
