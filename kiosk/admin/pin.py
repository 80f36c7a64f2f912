"""The admin PIN: argon2id hash in the keyring, durable lockout, every attempt audited.

Where things live, and why:

* **The hash** is in the keyring (``smarthall-kiosk`` / ``admin-pin``). A 6–12 digit PIN has
  little entropy, so its hash must not be readable from a copied disk: the keyring file is
  AES-GCM encrypted under the master secret (systemd credential / root-only file).
* **The failure count and lock-until** are in a small JSON file beside the data
  (``<data_dir>/admin/lockout.json``, 0600, written with :func:`atomic_write`). They are not
  secret, but they are written on *every* wrong attempt — something a passer-by can trigger at
  will — and that write must not rewrite the keyring file that holds the data key (every
  rewrite of that file is a chance to lose the queue). A missing file means "no failures"; that
  can only be arranged by someone who can already write the data directory (the ``kiosk`` user
  or root), who could equally replace the hash. A corrupt or unreadable file **fails closed**:
  admin entry is locked for one lockout period.
* **Count first, verify after:** the failure is persisted (fsynced) *before* the hash is
  checked and cleared after a match, so pulling the plug after a wrong guess does not reset
  the count.

The lockout uses the injected wall clock (it must survive a reboot); a lock-until further in
the future than one lockout period (the clock was set back) is clamped to one period.
Hash verification is argon2's own constant-time comparison; an unset PIN still costs one
verification against a dummy hash, so timing does not reveal whether a PIN is set.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import itertools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kiosk.admin.audit import AuditLog
from kiosk.atomicfile import atomic_write
from kiosk.errors import KnownError
from kiosk.store.crypto import SERVICE, KeyringLike

log = logging.getLogger(__name__)

Now = Callable[[], dt.datetime]
PIN_ENTRY: Final = "admin-pin"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclasses.dataclass(frozen=True, slots=True)
class AdminPolicy:
    """``[admin]`` config: attempts before a lockout, its length, PIN length bounds."""

    max_attempts: int = 5
    lockout_s: float = 900.0
    min_length: int = 6
    max_length: int = 12


class Outcome(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"  # too many wrong PINs: entry refused without checking
    NOT_SET = "not_set"  # no PIN configured yet: a technician sets one from the shell


@dataclasses.dataclass(frozen=True, slots=True)
class EntryResult:
    outcome: Outcome
    attempts_left: int
    locked_until: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    @property
    def key(self) -> str:
        """The message key the PIN pad shows."""
        return f"admin.{self.outcome.value}" if self.outcome is not Outcome.OK else ""


@dataclasses.dataclass(frozen=True, slots=True)
class LockState:
    failures: int = 0
    locked_until: dt.datetime | None = None


def is_weak_pin(pin: str) -> bool:
    """All one digit (``111111``) or a run up or down, wrapping round (``123456``, ``654321``,
    ``890123``): the first PINs anyone tries."""
    digits = [int(c) for c in pin]
    if len(set(digits)) == 1:
        return True
    steps = {(b - a) % 10 for a, b in itertools.pairwise(digits)}
    return steps in ({1}, {9})


class AdminPin:
    """Set, verify and change the admin PIN with a durable lockout."""

    def __init__(
        self,
        keyring: KeyringLike,
        state_file: Path,
        audit: AuditLog,
        *,
        policy: AdminPolicy | None = None,
        now: Now = _utcnow,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self._ring = keyring
        self._state_file = state_file
        self._audit = audit
        self.policy = policy or AdminPolicy()
        self._now = now
        self._hasher = hasher or PasswordHasher()
        self._dummy = self._hasher.hash("not-a-pin-0000")

    # ------------------------------------------------------------------ the hash
    def _stored_hash(self) -> str | None:
        try:
            return self._ring.get_password(SERVICE, PIN_ENTRY)
        except Exception as err:  # any backend failure: the keyring cannot be read
            raise KnownError("store.key_unavailable", f"keyring read failed: {type(err).__name__}") from err

    def is_set(self) -> bool:
        return bool(self._stored_hash())

    def _check_format(self, pin: str) -> None:
        p = self.policy
        if not (pin.isascii() and pin.isdigit() and p.min_length <= len(pin) <= p.max_length):
            raise KnownError("admin.pin_invalid", f"a PIN is {p.min_length}-{p.max_length} digits")
        if is_weak_pin(pin):
            raise KnownError("admin.pin_weak", "all one digit, or a run of digits")

    def set_pin(self, pin: str, *, actor: str = "technician") -> None:
        """Set the PIN from a trusted place (the root shell at install/enrolment)."""
        self._check_format(pin)
        self._ring.set_password(SERVICE, PIN_ENTRY, self._hasher.hash(pin))
        self._save(LockState())
        self._audit.append("admin.pin_set", "ok", {"actor": actor})

    # ------------------------------------------------------------------ lockout state
    def lock_state(self) -> LockState:
        """The persisted state; a corrupt file locks entry for one period (fail closed)."""
        try:
            raw = json.loads(self._state_file.read_bytes())
            failures = int(raw["failures"])
            until_s = raw.get("locked_until")
            until = dt.datetime.fromisoformat(until_s) if until_s else None
            if failures < 0 or (until is not None and until.tzinfo is None):
                raise ValueError("bad values")
        except FileNotFoundError:
            return LockState()
        except (OSError, ValueError, KeyError, TypeError) as err:
            log.warning("admin lockout state unreadable (%s): locking admin entry", type(err).__name__)
            state = LockState(self.policy.max_attempts, self._now() + self._period)
            self._save(state)
            self._audit.append("admin.lockout_state", "corrupt", {"error": type(err).__name__})
            return state
        # a lock-until beyond one period means the clock went back: clamp it
        if until is not None and until > self._now() + self._period:
            until = self._now() + self._period
        return LockState(failures, until)

    @property
    def _period(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.policy.lockout_s)

    def _save(self, state: LockState) -> None:
        self._state_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        body = {"failures": state.failures,
                "locked_until": state.locked_until.isoformat() if state.locked_until else None}
        atomic_write(self._state_file, json.dumps(body).encode("utf-8"), 0o600)

    def _current(self) -> LockState:
        state = self.lock_state()
        if state.locked_until is not None and state.locked_until <= self._now():
            state = LockState()  # the lock expired: a fresh set of attempts
            self._save(state)
        return state

    def reset_lockout(self, *, actor: str = "technician") -> None:
        """Clear a lockout from a trusted place (the root shell)."""
        self._save(LockState())
        self._audit.append("admin.lockout_reset", "ok", {"actor": actor})

    # ------------------------------------------------------------------ entry
    def verify(self, pin: str, *, action: str = "admin.entry") -> EntryResult:
        """Check ``pin``. Every call is audited (never the PIN itself)."""
        state = self._current()
        max_attempts = self.policy.max_attempts
        if state.locked_until is not None:
            self._audit.append(action, Outcome.LOCKED.value,
                               {"locked_until": state.locked_until.isoformat()})
            return EntryResult(Outcome.LOCKED, 0, state.locked_until)
        # count first: a power cut after a wrong guess must not give the guess back
        failures = state.failures + 1
        self._save(LockState(failures, None))
        stored = self._stored_hash()
        # an unset PIN still costs one verification, so timing does not tell
        matched = self._matches(stored if stored is not None else self._dummy, pin)
        if stored is not None and matched:
            self._save(LockState())
            if self._hasher.check_needs_rehash(stored):
                self._ring.set_password(SERVICE, PIN_ENTRY, self._hasher.hash(pin))
            self._audit.append(action, Outcome.OK.value, {})
            return EntryResult(Outcome.OK, max_attempts)
        if stored is None:
            self._save(state)  # nothing to guess: do not count towards a lockout
            self._audit.append(action, Outcome.NOT_SET.value, {})
            return EntryResult(Outcome.NOT_SET, max_attempts - state.failures)
        left = max(0, max_attempts - failures)
        if left == 0:
            until = self._now() + self._period
            self._save(LockState(failures, until))
            log.warning("admin entry locked after %d wrong PINs until %s", failures, until.isoformat())
            self._audit.append(action, Outcome.LOCKED.value,
                               {"failures": failures, "locked_until": until.isoformat()})
            return EntryResult(Outcome.LOCKED, 0, until)
        self._audit.append(action, Outcome.WRONG.value, {"failures": failures})
        return EntryResult(Outcome.WRONG, left)

    def change(self, old: str, new: str) -> EntryResult:
        """Change the PIN from the admin screen: the old PIN counts as an entry attempt.
        A new PIN against the policy raises (``admin.pin_invalid`` / ``admin.pin_weak``) before
        the old one is checked, and is audited as refused (never the digits)."""
        try:
            self._check_format(new)
        except KnownError as err:
            self._audit.append("admin.pin_change", "refused", {"reason": err.key})
            raise
        result = self.verify(old, action="admin.pin_change")
        if result.ok:
            if new == old:  # old just matched: the new PIN is the current one
                self._audit.append("admin.pin_change", "refused", {"reason": "admin.pin_weak"})
                raise KnownError("admin.pin_weak", "the new PIN is the current one")
            self._ring.set_password(SERVICE, PIN_ENTRY, self._hasher.hash(new))
            self._audit.append("admin.pin_changed", "ok", {})
        return result

    def _matches(self, stored: str, pin: str) -> bool:
        try:
            return bool(self._hasher.verify(stored, pin))
        except VerifyMismatchError:
            return False
        except (VerificationError, InvalidHashError) as err:
            log.error("admin PIN hash cannot be verified: %s", type(err).__name__)
            return False
