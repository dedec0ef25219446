"""`counter-app intake`: one application from a JSON file, or a batch typed from paper
during an outage (`--jsonl`: one application per line, each atomic; a bad line, including
one that is not UTF-8, not JSON or holds a lone surrogate, is reported with its number and
the rest still go in). The clerk of `--clerk` signs in with their password (a prompt,
`--password-stdin` or `--password-file`; see `counter_app.cli.passwords`): no application is
entered in a clerk's name without it. Registered by `store_cmds.register`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.cli.common import open_terminal, say
from counter_app.cli.deferral_cmds import later_materials
from counter_app.cli.passwords import add_options, read_password
from counter_app.errors import CounterError
from forms.text import LocalizedError, Text
from sync.statuses import SETTLED

if TYPE_CHECKING:  # start-up: the intake service (forms, receipts) only when it is used
    from counter_app.clerks import Session
    from counter_app.intake.deferral import Deferral
    from counter_app.intake.service import IntakeResult
    from counter_app.terminal import Terminal


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `intake` to `sub`."""
    p = sub.add_parser("intake", help="take an application (or a batch with --jsonl)")
    p.add_argument("--service", help="service item code")
    p.add_argument("--clerk", help="the clerk taking it (their password is asked)")
    p.add_argument("--data", type=Path, help='answers JSON with the applicant under "applicant"')
    p.add_argument("--attach", action="append", default=[], metavar="MATERIAL=PATH")
    p.add_argument("--reuse", action="append", default=[], metavar="MATERIAL")
    p.add_argument("--jsonl", type=Path, help="batch: one application per line")
    p.add_argument("--defer", action="append", default=[], metavar="MATERIAL=FORM@YYYY-MM-DD",
                   help="容缺: the material follows later in FORM by the date")  # fmt: skip
    p.add_argument("--promise-signature", type=Path, help="PNG of the applicant's signed promise")
    add_options(p)
    p.set_defaults(func=cmd_intake)


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CounterError(
            Text(f"无法读取 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}")
        ) from exc
    try:
        return _parse_line(raw)
    except CounterError as exc:
        why = exc.text
        raise CounterError(Text(f"{path}：{why.zh}", f"{path}: {why.en}")) from exc


def _sign_in(t: Terminal, args: argparse.Namespace) -> Session:
    """The clerk of `--clerk`, signed in with their password (prompt, stdin or file): an
    application is entered in a clerk's name only by someone who knows it (the audit log
    is worth nothing otherwise). Wrong passwords count towards the clerk's lockout."""
    from counter_app import clerks

    asked = Text(f"工作人员 {args.clerk} 的密码：", f"Password of clerk {args.clerk}:")
    return clerks.authenticate(t.store, args.clerk, read_password(args, asked, args.password_file))


def cmd_intake(args: argparse.Namespace) -> int:
    if args.jsonl:
        if not args.clerk:
            raise CounterError(
                Text(
                    "批量录入需要 --clerk（录入的工作人员）。",
                    "A batch needs --clerk (who enters it).",
                )
            )
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
        clerk = _sign_in(t, args).clerk_id
        later, promise = later_materials(args.defer, args.promise_signature)
        result = _accept(t, args.service, clerk, data, attach, args.reuse, None, later, promise)
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
    later: dict[str, Deferral] | None = None,
    promise: bytes | None = None,
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
    return t.intake.accept(
        service, applicant, answers, attach, set(reuse), clerk, uuid=uuid,
        deferred=later, promise_png=promise,
    )  # fmt: skip


_BATCH_KEYS = {"applicant", "answers", "service", "clerk", "attachments", "reuse", "uuid"}


def _print_result(args: argparse.Namespace, r: IntakeResult, prefix: str = "") -> None:
    if r.kind == "acceptance" and r.status in SETTLED:  # 即办件: accepted and settled at once
        say(
            args,
            f"{prefix}已受理并当场办结 {r.display_no}（即办件）",
            f"{prefix}accepted and settled on the spot {r.display_no} (immediate item)",
        )
    elif r.kind == "acceptance":
        may_move = ("（节假日安排未公布，日期可能调整）", " (holidays not yet published)")
        zh, en = may_move if r.due_provisional else ("", "")
        say(
            args,
            f"{prefix}已受理 {r.display_no}，承诺办结日期 {r.due_date}{zh}",
            f"{prefix}accepted {r.display_no}, promised by {r.due_date}{en}",
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
    lines = _lines(args.jsonl)
    with open_terminal(args) as t:
        clerk = _sign_in(t, args).clerk_id
        for lineno, line in lines:
            try:
                result = _batch_line(t, line, base, clerk)
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


def _lines(path: Path) -> list[tuple[int, bytes]]:
    """(line number, raw bytes) of each non-blank line; decoding is per line, so one line
    that is not UTF-8 is that line's error, not the batch's."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CounterError(
            Text(f"无法读取 {path}：{exc.strerror}", f"Cannot read {path}: {exc.strerror}")
        ) from exc
    lines = enumerate(raw.removeprefix(b"\xef\xbb\xbf").splitlines(), start=1)
    return [(lineno, line) for lineno, line in lines if line.strip()]


def _parse_line(line: bytes) -> Any:
    """The JSON value of one line, or CounterError saying what is wrong with it: bytes
    that are not UTF-8, JSON that does not parse or nests too deep, and text with a lone
    surrogate (`"\\ud800"` is valid JSON but no character: nothing could store it)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CounterError(
            Text(
                f"第 {exc.start + 1} 个字节起不是 UTF-8 文本",
                f"not UTF-8 from byte {exc.start + 1}",
            )
        ) from exc
    try:
        data = json.loads(text)
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except RecursionError as exc:
        raise CounterError(Text("JSON 嵌套过深", "JSON nested too deeply")) from exc
    except UnicodeEncodeError as exc:
        raise CounterError(
            Text(
                "含有不成对的代理字符（如 \\ud800），不是有效文本",
                "contains a lone surrogate (such as \\ud800): not valid text",
            )
        ) from exc
    except ValueError as exc:
        raise CounterError(Text(f"不是有效的 JSON：{exc}", f"not valid JSON: {exc}")) from exc
    return data


def _batch_line(t: Terminal, line: bytes, base: Path, clerk: str) -> IntakeResult:
    data = _parse_line(line)
    if not isinstance(data, dict):
        raise CounterError(Text("每行应为一个 JSON 对象", "each line must be a JSON object"))
    service = data.get("service")
    if not isinstance(service, str):
        raise CounterError(Text('缺少 "service"', 'missing "service"'))
    if data.get("clerk") not in (None, clerk):
        raise CounterError(
            Text(
                f"此行写的是工作人员 {data.get('clerk')}，本批由 {clerk} 录入（已验证密码）",
                f"this line names clerk {data.get('clerk')}; the batch is entered by {clerk} "
                "(whose password was given)",
            )
        )
    attachments, reuse = data.get("attachments") or {}, data.get("reuse") or []
    if not isinstance(attachments, dict) or not isinstance(reuse, list):
        raise CounterError(
            Text(
                '"attachments" 应为 {材料代码: 路径或路径列表}，"reuse" 应为列表',
                '"attachments" must map material codes to a path or paths, "reuse" be a list',
            )
        )
    attach = {
        str(code): [base / str(p) for p in (paths if isinstance(paths, list) else [paths])]
        for code, paths in attachments.items()
    }
    reuse = [str(r) for r in reuse]
    uuid = data.get("uuid") if isinstance(data.get("uuid"), str) else None
    return _accept(t, service, clerk, data, attach, reuse, uuid)
