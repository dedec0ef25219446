"""`counter-app doctor`: every check IT staff make when a terminal misbehaves, each answering
OK, WARN or FAIL with what to do; the exit code is the worst level (0, 1, 2).

Checks open the database read-only and never migrate or write it, so running doctor on a
broken terminal changes nothing. Each check is a small function from a `Context` to a list
of `Finding`s; a check that cannot run (no database) says so instead of crashing the rest.
Thresholds are module constants (and `Context` fields where a test or an installer needs
another value), documented in docs/it-guide.md.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from pathlib import Path
from typing import Any

import httpx

from counter_app.config import Config
from counter_app.ops.doctor_clock import check_clock
from counter_app.ops.doctor_printer import check_printer
from counter_app.ops.replacement import check_moved
from counter_app.store import outbox
from counter_app.store.db import Store, connect
from counter_app.store.migrations import MIGRATIONS
from counter_app.terminal import DB_NAME
from forms.text import LocalizedError, Text
from printing.errors import FontMissing
from printing.fonts import FONT_PATH, register_font
from sync.client import PortalClient
from sync.clock import read_clock
from sync.errors import SyncError, Unreachable

DISK_WARN_BYTES = 2 * 1024**3
DISK_FAIL_BYTES = 500 * 1024**2
BACKLOG_WARN = timedelta(hours=24)
BACKLOG_FAIL = timedelta(hours=72)


class Level(IntEnum):
    OK = 0
    WARN = 1
    FAIL = 2


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the report: `check` name, level, what was found, what to do (or None)."""

    check: str
    level: Level
    text: Text
    advice: Text | None = None


@dataclass
class Context:
    """What the checks need; tests and the CLI build one."""

    config: Config
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    http: Callable[[], httpx.Client] = lambda: httpx.Client(timeout=httpx.Timeout(5.0))
    font_path: Path = FONT_PATH
    test_page: bool = False
    disk_fail_bytes: int = DISK_FAIL_BYTES
    disk_warn_bytes: int = DISK_WARN_BYTES
    store: Store | None = None
    settings: dict[str, str] = field(default_factory=dict)


Check = Callable[[Context], list[Finding]]


def _ok(check: str, zh: str, en: str) -> Finding:
    return Finding(check, Level.OK, Text(zh, en))


def _warn(check: str, found: Text, advice: Text) -> Finding:
    return Finding(check, Level.WARN, found, advice)


def _fail(check: str, found: Text, advice: Text) -> Finding:
    return Finding(check, Level.FAIL, found, advice)


# -- database --------------------------------------------------------------------------------
def check_database(ctx: Context) -> list[Finding]:
    """Opens the database read-only for the checks after it; quick_check, schema version."""
    path = ctx.config.data_dir / DB_NAME
    if not path.is_file():
        return [
            _fail(
                "database",
                Text(f"没有数据库：{path}", f"No database at {path}"),
                Text("运行 counter-app init，或从备份恢复。", "Run `counter-app init` or restore."),
            )
        ]
    try:
        ctx.store = Store(connect(path, readonly=True), path)
        result = str(ctx.store.scalar("PRAGMA quick_check"))
        ctx.settings = {r["key"]: r["value"] for r in ctx.store.query("SELECT * FROM settings")}
    except LocalizedError as exc:
        ctx.store = None
        return [_damaged(path, exc.text.en)]
    if result != "ok":
        ctx.store = None
        return [_damaged(path, result)]
    return [_ok("database", f"数据库完好：{path}", f"Database intact: {path}"), _schema(ctx)]


def _damaged(path: Path, detail: str) -> Finding:
    return _fail(
        "database",
        Text(f"数据库损坏或无法读取：{path}（{detail}）", f"Database damaged: {path} ({detail})"),
        Text(
            "停止使用本终端，运行 counter-app restore 从最近的备份恢复。",
            "Stop taking applications here and `counter-app restore` the latest backup.",
        ),
    )


def _schema(ctx: Context) -> Finding:
    assert ctx.store is not None
    have = int(ctx.store.scalar("SELECT COALESCE(MAX(version), 0) FROM _migrations") or 0)
    want = max(MIGRATIONS)
    if have > want:
        return _fail(
            "schema",
            Text(f"数据库版本 {have} 高于本程序（{want}）", f"Schema {have} is newer than {want}"),
            Text("请安装新版程序。", "Install the newer release of the application."),
        )
    if have < want:
        return _warn(
            "schema",
            Text(f"数据库版本 {have}，程序为 {want}", f"Schema {have}, application {want}"),
            Text("下次启动时自动升级，请先备份。", "It upgrades at the next start; back up first."),
        )
    return _ok("schema", f"数据库版本 {have}", f"Schema version {have}")


# -- disk, font ------------------------------------------------------------------------------
def check_disk(ctx: Context) -> list[Finding]:
    folder = ctx.config.data_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    found = Text(f"{folder} 剩余 {free / 1024**3:.1f} GB", f"{free / 1024**3:.1f} GB free")
    advice = Text("清理磁盘或更换更大的磁盘。", "Free disk space or fit a larger disk.")
    if free < ctx.disk_fail_bytes:
        return [_fail("disk", found, advice)]
    if free < ctx.disk_warn_bytes:
        return [_warn("disk", found, advice)]
    return [Finding("disk", Level.OK, found)]


def check_font(ctx: Context) -> list[Finding]:
    try:
        register_font(ctx.font_path, name=f"doctor-{ctx.font_path}")
    except FontMissing as exc:
        return [
            _fail(
                "font",
                exc.text,
                Text("重新安装本程序（字体随程序提供）。", "Reinstall the application."),
            )
        ]
    return [
        _ok("font", f"中文字体可用：{ctx.font_path.name}", f"Chinese font: {ctx.font_path.name}")
    ]


# -- catalog, sync backlog -------------------------------------------------------------------
def check_catalog(ctx: Context) -> list[Finding]:
    if ctx.store is None:
        return []
    row = ctx.store.one(
        "SELECT COUNT(DISTINCT code) AS items, MAX(version) AS v, MAX(imported_at) AS at "
        "FROM catalog_items"
    )
    if row is None or not row["items"]:
        return [
            _fail(
                "catalog",
                Text("服务事项目录为空", "The service catalog is empty"),
                Text(
                    "运行 counter-app sync 或 catalog import。", "Run `sync` or `catalog import`."
                ),
            )
        ]
    age = ctx.now() - datetime.fromisoformat(row["at"])
    found = Text(
        f"{row['items']} 个事项，最高版本 {row['v']}，{age.days} 天前更新",
        f"{row['items']} items, highest version {row['v']}, updated {age.days} days ago",
    )
    if age > timedelta(days=ctx.config.catalog_max_age_days):
        return [_warn("catalog", found, Text("运行 counter-app sync。", "Run `counter-app sync`."))]
    return [Finding("catalog", Level.OK, found)]


def check_backlog(ctx: Context) -> list[Finding]:
    if ctx.store is None:
        return []
    count, oldest = outbox.backlog(ctx.store)
    parked = len(outbox.set_aside_entries(ctx.store))
    waited = ctx.now() - oldest if oldest else timedelta(0)
    found = Text(
        f"待上传 {count} 项，最早的已等待 {_hours(waited)} 小时，搁置 {parked} 项",
        f"{count} waiting, the oldest for {_hours(waited)} h; {parked} set aside",
    )
    advice = Text(
        "检查网络与平台，运行 counter-app sync 查看原因；搁置项见 sync --status。",
        "Check the network and platform, run `counter-app sync`; see `sync --status`.",
    )
    if waited > BACKLOG_FAIL:
        return [_fail("sync", found, advice)]
    if waited > BACKLOG_WARN or parked:
        return [_warn("sync", found, advice)]
    return [Finding("sync", Level.OK, found)]


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f}"


# -- portal and clock ------------------------------------------------------------------------
def check_portal(ctx: Context) -> list[Finding]:
    """Reachability and clock from /health's time (`counter_app.ops.doctor_clock`); the
    token with a read of /changes at the stored cursor (it never advances the cursor)."""
    url = ctx.settings.get("portal_url") or ctx.config.portal_url
    token = ctx.settings.get("token")
    if not url or not token:
        return [
            _warn(
                "portal",
                Text("尚未注册到平台", "Not enrolled with a platform"),
                Text("运行 counter-app enroll。", "Run `counter-app enroll`."),
            )
        ]
    try:
        with ctx.http() as http:
            sent = ctx.now()
            reply = http.get(url.rstrip("/") + "/api/v1/health")
            fresh = read_clock(reply.headers, sent, ctx.now())
            PortalClient(url, token, http).changes(int(ctx.settings.get("sync_cursor") or 0))
    except httpx.HTTPError as exc:
        return [_unreachable(url, type(exc).__name__), check_clock(ctx, None)]
    except Unreachable as exc:
        return [_unreachable(url, exc.text.en), check_clock(ctx, None)]
    except SyncError as exc:
        return [_refused(exc), check_clock(ctx, None)]
    ok = _ok("portal", f"平台可达，注册有效：{url}", f"Platform reachable, enrollment valid: {url}")
    return [ok, check_clock(ctx, fresh)]


def _unreachable(url: str, detail: str) -> Finding:
    return _fail(
        "portal",
        Text(f"无法连接平台 {url}（{detail}）", f"Cannot reach the platform {url} ({detail})"),
        Text(
            "检查网线、代理与防火墙；申请会保存在本机，恢复后自动上传。",
            "Check cable, proxy and firewall; applications wait here and go up later.",
        ),
    )


def _refused(exc: LocalizedError) -> Finding:
    return _fail(
        "portal",
        Text(
            f"平台拒绝了本终端：{exc.text.zh}", f"The platform refuses this terminal: {exc.text.en}"
        ),
        Text("向平台管理员申请新的注册码并重新 enroll。", "Get a new code and enroll again."),
    )


# -- running ---------------------------------------------------------------------------------
def _printer(ctx: Context) -> list[Finding]:
    level, found, advice = check_printer(ctx.config, ctx.test_page)
    return [Finding("printer", Level(level), found, advice)]


CHECKS: tuple[Check, ...] = (
    check_database,
    check_disk,
    check_portal,
    _printer,
    check_font,
    check_catalog,
    check_backlog,
    check_moved,
)


def run_checks(ctx: Context) -> list[Finding]:
    """Every check in order; the database check opens the store the later ones read."""
    findings: list[Finding] = []
    try:
        for check in CHECKS:
            findings.extend(check(ctx))
    finally:
        if ctx.store is not None:
            with contextlib.suppress(LocalizedError, sqlite3.Error):
                ctx.store.close()
    return findings


def worst(findings: list[Finding]) -> Level:
    return max((f.level for f in findings), default=Level.OK)


def render(findings: list[Finding], lang: str) -> list[str]:
    """Lines for people: `LEVEL  check  what was found` then `      → what to do`."""
    lines = []
    for f in findings:
        lines.append(f"{f.level.name:<4}  {f.check:<8}  {f.text.get(lang)}")
        if f.advice is not None and f.level != Level.OK:
            lines.append(f"{'':<16}→ {f.advice.get(lang)}")
    return lines


def as_dicts(findings: list[Finding], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "check": f.check,
            "level": f.level.name,
            "found": f.text.get(lang),
            "advice": f.advice.get(lang) if f.advice else None,
        }
        for f in findings
    ]
