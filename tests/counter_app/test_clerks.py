"""Clerk sign-in: argon2id hashes, roles, lockout after five failures, all audited."""

from __future__ import annotations

import argon2
import pytest

from counter_app import clerks
from counter_app.errors import AuthenticationFailed, ConflictError, LockedOut, PermissionDenied
from counter_app.store import audit
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import PASSWORD, Clock


def test_password_stored_as_argon2id_with_owasp_parameters(terminal: Terminal) -> None:
    hashed = terminal.store.scalar("SELECT password_hash FROM clerks WHERE clerk_id = 'C001'")
    assert hashed.startswith("$argon2id$") and "m=19456,t=2,p=1" in hashed
    assert PASSWORD not in hashed


def test_good_password_opens_session_and_is_audited(terminal: Terminal, clock: Clock) -> None:
    session = clerks.authenticate(terminal.store, "S001", PASSWORD, now=clock)
    assert (session.clerk_id, session.role) == ("S001", "supervisor")
    assert audit.entries(terminal.store, "S001")[-1]["action"] == "login.ok"


def test_wrong_password_and_unknown_id_look_the_same(terminal: Terminal, clock: Clock) -> None:
    with pytest.raises(AuthenticationFailed) as a:
        clerks.authenticate(terminal.store, "C001", "wrong-password", now=clock)
    with pytest.raises(AuthenticationFailed) as b:
        clerks.authenticate(terminal.store, "NOBODY", "wrong-password", now=clock)
    assert a.value.message("en") == b.value.message("en") == "Wrong clerk ID or password."
    actions = [e["action"] for e in audit.entries(terminal.store)]
    assert actions[-2:] == ["login.failed", "login.failed"]


def test_five_failures_lock_for_fifteen_minutes(terminal: Terminal, clock: Clock) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationFailed) as err:
            clerks.authenticate(terminal.store, "C001", "nope-nope", now=clock)
        assert not isinstance(err.value, LockedOut)
    with pytest.raises(LockedOut):
        clerks.authenticate(terminal.store, "C001", "nope-nope", now=clock)
    clock.advance(minutes=14)
    with pytest.raises(LockedOut) as err:
        clerks.authenticate(terminal.store, "C001", PASSWORD, now=clock)  # even the right one
    assert "1 min" in err.value.message("en") and "锁定" in err.value.message("zh_CN")
    clock.advance(minutes=1, seconds=1)
    assert clerks.authenticate(terminal.store, "C001", PASSWORD, now=clock).clerk_id == "C001"
    assert "login.locked" in [e["action"] for e in audit.entries(terminal.store, "C001")]


def test_success_resets_failure_count(terminal: Terminal, clock: Clock) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            clerks.authenticate(terminal.store, "C001", "nope-nope", now=clock)
    clerks.authenticate(terminal.store, "C001", PASSWORD, now=clock)
    with pytest.raises(AuthenticationFailed) as err:
        clerks.authenticate(terminal.store, "C001", "nope-nope", now=clock)
    assert not isinstance(err.value, LockedOut)


def test_roles_rank_and_refuse(terminal: Terminal, clock: Clock) -> None:
    clerk = clerks.authenticate(terminal.store, "C001", PASSWORD, now=clock)
    admin = clerks.authenticate(terminal.store, "A001", PASSWORD, now=clock)
    assert clerks.require_role(admin, "supervisor") is admin
    with pytest.raises(PermissionDenied) as err:
        clerks.require_role(clerk, "admin")
    assert "管理员" in err.value.message("zh_CN")


def test_only_admin_adds_clerks_after_the_first(terminal: Terminal, clock: Clock) -> None:
    boss = clerks.authenticate(terminal.store, "S001", PASSWORD, now=clock)
    with pytest.raises(PermissionDenied):
        clerks.add_clerk(terminal.store, "C002", "新人", PASSWORD, actor=boss)
    with pytest.raises(PermissionDenied):
        clerks.add_clerk(terminal.store, "C002", "新人", PASSWORD)
    admin = clerks.authenticate(terminal.store, "A001", PASSWORD, now=clock)
    clerks.add_clerk(terminal.store, "C002", "新人", PASSWORD, actor=admin)
    assert "C002" in [c["clerk_id"] for c in clerks.list_clerks(terminal.store)]


@pytest.mark.parametrize(
    ("clerk_id", "name", "password", "role", "words"),
    [
        ("C001", "重名", PASSWORD, "clerk", "exists"),
        ("C009", "x", "short", "clerk", "at least 8"),
        ("C009", "x", PASSWORD, "boss", "Unknown role"),
        (" ", "x", PASSWORD, "clerk", "required"),
    ],
)
def test_bad_new_clerk_refused(
    terminal: Terminal, clock: Clock, clerk_id: str, name: str, password: str, role: str, words: str
) -> None:
    admin = clerks.authenticate(terminal.store, "A001", PASSWORD, now=clock)
    with pytest.raises(ConflictError) as err:
        clerks.add_clerk(terminal.store, clerk_id, name, password, role, actor=admin)
    assert words in err.value.message("en")


def test_weak_old_hash_upgraded_at_sign_in(terminal: Terminal, clock: Clock) -> None:
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    terminal.store.execute("UPDATE clerks SET password_hash = ? WHERE clerk_id = 'C001'", (weak,))
    clerks.authenticate(terminal.store, "C001", PASSWORD, now=clock)
    stored = terminal.store.scalar("SELECT password_hash FROM clerks WHERE clerk_id = 'C001'")
    assert stored != weak and "m=19456,t=2,p=1" in stored


def test_damaged_hash_refuses_sign_in(terminal: Terminal, clock: Clock) -> None:
    terminal.store.execute("UPDATE clerks SET password_hash = 'garbage' WHERE clerk_id = 'C001'")
    with pytest.raises(AuthenticationFailed):
        clerks.authenticate(terminal.store, "C001", PASSWORD, now=clock)
