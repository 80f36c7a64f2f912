"""Changing the admin PIN on the screen (issue 7): ≥ 6 digits, not all one digit, not a run,
not the current one; the old PIN counts towards the lockout; every try is audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.admin import Outcome
from kiosk.admin.pin import is_weak_pin
from kiosk.errors import KnownError
from tests.conftest import LogCollector
from tests.unit.admin.test_pin import Env

CURRENT = "246810"


@pytest.fixture
def env(tmp_path: Path) -> Env:
    e = Env(tmp_path)
    e.pin().set_pin(CURRENT)
    return e


@pytest.mark.parametrize("pin", ["111111", "000000000", "123456", "654321", "890123", "3210987",
                                 "0123456789"])
def test_weak_pins(pin: str) -> None:
    assert is_weak_pin(pin)


@pytest.mark.parametrize("pin", ["246810", "135792", "112233", "123457", "918273", "100000"])
def test_acceptable_pins(pin: str) -> None:
    assert not is_weak_pin(pin)


@pytest.mark.parametrize(("new", "key"), [("12345", "admin.pin_invalid"), ("12a456", "admin.pin_invalid"),
                                          ("777777", "admin.pin_weak"), ("234567", "admin.pin_weak")])
def test_a_new_pin_against_the_policy_is_refused_before_the_old_is_checked(
        env: Env, new: str, key: str) -> None:
    with pytest.raises(KnownError) as err:
        env.pin().change(CURRENT, new)
    assert err.value.key == key
    assert env.pin().verify(CURRENT).ok  # unchanged
    assert env.pin().lock_state().failures == 0
    refused = [e for e in env.audit.entries() if e["action"] == "admin.pin_change"]
    assert refused[0]["outcome"] == "refused" and refused[0]["detail"] == {"reason": key}
    assert new not in env.audit_file.read_text()


def test_the_current_pin_is_not_a_new_one(env: Env) -> None:
    with pytest.raises(KnownError) as err:
        env.pin().change(CURRENT, CURRENT)
    assert err.value.key == "admin.pin_weak"


def test_set_pin_from_the_shell_follows_the_policy_too(env: Env) -> None:
    with pytest.raises(KnownError) as err:
        env.pin().set_pin("123456")
    assert err.value.key == "admin.pin_weak"


def test_a_wrong_current_pin_counts_towards_the_lockout(env: Env, expect_logs: LogCollector) -> None:
    for _ in range(4):
        assert env.pin().change("999999", "135792").outcome is Outcome.WRONG
    assert env.pin().change("999999", "135792").outcome is Outcome.LOCKED
    assert env.pin().change(CURRENT, "135792").outcome is Outcome.LOCKED  # even the right one
    assert env.pin().verify(CURRENT).outcome is Outcome.LOCKED
    assert any("admin entry locked" in m for m in expect_logs.messages())


def test_a_change_is_audited_without_digits(env: Env) -> None:
    assert env.pin().change(CURRENT, "135792").ok
    assert env.pin().verify("135792").ok
    actions = [(e["action"], e["outcome"]) for e in env.audit.entries()]
    assert ("admin.pin_change", "ok") in actions and ("admin.pin_changed", "ok") in actions
    raw = env.audit_file.read_text()
    assert CURRENT not in raw and "135792" not in raw
    assert env.audit.verify()[0]
