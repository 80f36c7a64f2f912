"""Admin PIN: argon2 hash in the keyring, durable lockout with a fake clock, audit."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from kiosk.admin import AdminPin, AdminPolicy, AuditLog, Outcome, admin_paths
from kiosk.errors import KnownError
from kiosk.store.crypto import SERVICE
from kiosk.store.keyring_backend import KioskFileKeyring
from tests.conftest import LogCollector
from tests.factories import StepClock

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class Env:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.clock = StepClock()
        self.ring = KioskFileKeyring(tmp / "keyring" / "k.cfg", secrets.token_bytes(32))
        self.state_file, self.audit_file = admin_paths(tmp / "data")
        self.audit = AuditLog(self.audit_file, now=self.clock)

    def pin(self, policy: AdminPolicy | None = None) -> AdminPin:
        # a fresh object each time: what a restarted kiosk would build
        return AdminPin(self.ring, self.state_file, self.audit, now=self.clock, hasher=FAST,
                        policy=policy or AdminPolicy(max_attempts=5, lockout_s=600))


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return Env(tmp_path)


def test_set_and_verify_stores_only_a_hash(env: Env) -> None:
    pin = env.pin()
    assert not pin.is_set()
    pin.set_pin("246810")
    stored = env.ring.get_password(SERVICE, "admin-pin")
    assert stored and stored.startswith("$argon2id$") and "246810" not in stored
    assert b"246810" not in (env.tmp / "keyring" / "k.cfg").read_bytes()
    assert pin.verify("246810").ok
    assert pin.verify("000000").outcome is Outcome.WRONG


@pytest.mark.parametrize("bad", ["12345", "1234567890123", "12345a", "１２３４５６", ""])
def test_pin_format_is_checked(env: Env, bad: str) -> None:
    with pytest.raises(KnownError) as err:
        env.pin().set_pin(bad)
    assert err.value.key == "admin.pin_invalid"


def test_not_set_refuses_without_counting(env: Env) -> None:
    pin = env.pin()
    for _ in range(10):
        result = pin.verify("123456")
        assert result.outcome is Outcome.NOT_SET and result.key == "admin.not_set"
    assert pin.lock_state().failures == 0


def test_five_wrong_pins_lock_and_the_lock_survives_a_restart(env: Env, expect_logs: LogCollector) -> None:
    env.pin().set_pin("246810")
    lefts = [env.pin().verify("111111").attempts_left for _ in range(4)]
    assert lefts == [4, 3, 2, 1]
    locked = env.pin().verify("111111")
    assert locked.outcome is Outcome.LOCKED
    assert locked.locked_until == env.clock.value + dt.timedelta(seconds=600)
    assert any("locked" in m for m in expect_logs.messages())
    # the right PIN is refused while locked, also by a "restarted" kiosk
    env.clock.advance(seconds=599)
    assert env.pin().verify("246810").outcome is Outcome.LOCKED
    env.clock.advance(seconds=2)
    assert env.pin().verify("246810").ok
    assert env.pin().lock_state().failures == 0


def test_a_failure_is_persisted_before_the_hash_is_checked(env: Env) -> None:
    env.pin().set_pin("246810")

    class PowerCut(Exception):
        pass

    pin = env.pin()

    def cut(stored: str, given: str) -> bool:
        # the plug is pulled while the hash is being checked
        assert json.loads(env.state_file.read_text())["failures"] == 1
        raise PowerCut

    pin._matches = cut  # type: ignore[method-assign]
    with pytest.raises(PowerCut):
        pin.verify("111111")
    assert env.pin().lock_state().failures == 1


def test_success_resets_the_count(env: Env) -> None:
    env.pin().set_pin("246810")
    for _ in range(3):
        env.pin().verify("111111")
    assert env.pin().verify("246810").ok
    assert env.pin().verify("111111").attempts_left == 4


def test_corrupt_state_fails_closed(env: Env, expect_logs: LogCollector) -> None:
    env.pin().set_pin("246810")
    env.state_file.write_text("{not json")
    assert env.pin().verify("246810").outcome is Outcome.LOCKED
    assert any("unreadable" in m for m in expect_logs.messages())
    env.clock.advance(seconds=601)
    assert env.pin().verify("246810").ok


def test_clock_set_back_does_not_extend_the_lock(env: Env, expect_logs: LogCollector) -> None:
    env.pin().set_pin("246810")
    for _ in range(5):
        env.pin().verify("111111")
    env.clock.advance(days=-30)  # the clock jumped back a month
    state = env.pin().lock_state()
    assert state.locked_until is not None
    assert state.locked_until <= env.clock.value + dt.timedelta(seconds=600)


def test_change_needs_the_old_pin(env: Env) -> None:
    env.pin().set_pin("246810")
    assert env.pin().change("000000", "13579246").outcome is Outcome.WRONG
    assert env.pin().change("246810", "13579246").ok
    assert env.pin().verify("13579246").ok
    assert not env.pin().verify("246810").ok


def test_every_attempt_is_audited_without_the_pin(env: Env, expect_logs: LogCollector) -> None:
    env.pin().set_pin("246810")
    env.pin().verify("246810")
    for _ in range(5):
        env.pin().verify("111111")
    env.pin().verify("246810")
    entries = env.audit.entries()
    assert [(e["action"], e["outcome"]) for e in entries] == [
        ("admin.pin_set", "ok"), ("admin.entry", "ok"),
        *[("admin.entry", "wrong")] * 4, ("admin.entry", "locked"), ("admin.entry", "locked"),
    ]
    raw = env.audit_file.read_text()
    assert "246810" not in raw and "111111" not in raw
    assert env.audit.verify() == (True, len(entries))
    assert env.audit_file.stat().st_mode & 0o777 == 0o600
    assert env.state_file.stat().st_mode & 0o777 == 0o600


def test_unset_pin_costs_a_hash_verification(env: Env) -> None:
    calls: list[str] = []
    pin = env.pin()
    original = pin._matches

    def spy(stored: str, given: str) -> bool:
        calls.append(stored)
        return original(stored, given)

    pin._matches = spy  # type: ignore[method-assign]
    pin.verify("123456")
    assert len(calls) == 1 and calls[0].startswith("$argon2")


def test_admin_command(env: Env) -> None:
    import io

    from kiosk.admin.command import admin_main

    answers = iter(["24681357", "24681357"])
    out = io.StringIO()
    data = env.tmp / "data"
    assert admin_main(data, env.ring, "set-pin", read_pin=lambda _: next(answers), out=out,
                      hasher=FAST) == 0
    assert env.pin().verify("24681357").ok
    mismatch = iter(["24681357", "24681358"])
    with pytest.raises(KnownError):
        admin_main(data, env.ring, "set-pin", read_pin=lambda _: next(mismatch), out=out, hasher=FAST)
    assert admin_main(data, env.ring, "reset-lockout", out=out, hasher=FAST) == 0
    out = io.StringIO()
    assert admin_main(data, env.ring, "audit", out=out, hasher=FAST) == 0
    text = out.getvalue()
    assert "admin.pin_set" in text and "admin.lockout_reset" in text and "chain intact" in text
    assert "24681357" not in text
