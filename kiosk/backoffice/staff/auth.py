"""Staff accounts, logins and sessions.

* **Passwords**: argon2id through argon2-cffi's :class:`~argon2.PasswordHasher`; hashes are
  upgraded on the next login when the parameters change. An unknown user name costs the same
  hash verification as a known one (no timing oracle for account names).
* **Sessions**: the browser holds a Starlette ``SessionMiddleware`` cookie (signed with a secret
  generated once and kept in the database) that carries a random session token and the CSRF
  token. The database keeps only the token's SHA-256 (``staff_sessions``) with an absolute
  lifetime and an idle timeout; logout, a disabled account or a password change end it on the
  server, so a copied cookie stops working too.
* **CSRF**: every POST form carries the session's CSRF token (rotated at login); a POST without
  it, or with another session's, is refused (403). A cross-site ``Origin`` is refused as well.
* **Throttling**: failed logins count per user name and per client address within a window;
  past the limit that key is locked for a while, and while locked even the right password is
  refused with the same answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import hashlib
import hmac
import logging
import re
import secrets
import sys
from typing import Final, TextIO

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kiosk.backoffice.db import BackOfficeDB, BackOfficeError, StaffUser
from kiosk.backoffice.staff.health import HealthThresholds

log = logging.getLogger(__name__)

USERNAME_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH: Final = 10
SESSION_SECRET_NAME: Final = "staff_session_cookie"  # noqa: S105 (the name of a generated secret)


@dataclasses.dataclass(frozen=True)
class StaffOptions:
    """Policy of the staff pages (defaults suit a district back office on a LAN)."""

    session_ttl: dt.timedelta = dt.timedelta(hours=12)  # absolute lifetime of a login
    idle_timeout: dt.timedelta = dt.timedelta(minutes=30)
    max_failures_per_user: int = 5
    max_failures_per_address: int = 20
    failure_window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    secure_cookie: bool = False  # True when served over https (the cookie is then https-only)
    max_post_bytes: int = 25 * 1024 * 1024  # largest staff form post (the result PDF)
    max_result_bytes: int = 20 * 1024 * 1024
    max_document_bytes: int = 5 * 1024 * 1024
    page_size: int = 50
    health: HealthThresholds = dataclasses.field(default_factory=HealthThresholds)
    hasher: PasswordHasher = dataclasses.field(default_factory=PasswordHasher, compare=False)


class LoginRefused(Exception):
    """Wrong name or password, a disabled account, or a lockout (``locked_until`` set)."""

    def __init__(self, locked_until: dt.datetime | None = None) -> None:
        super().__init__("login refused")
        self.locked_until = locked_until


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def tokens_equal(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def normalise_username(username: str) -> str:
    return username.strip().lower()


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BackOfficeError(422, "staff.weak_password",
                              f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password:
        raise BackOfficeError(422, "staff.weak_password", "the password starts or ends with a space")


def create_staff_user(db: BackOfficeDB, username: str, password: str, *, display_name: str = "",
                      created_by: str = "cli", hasher: PasswordHasher | None = None) -> str:
    """Create a staff account (what ``kiosk backoffice create-staff`` calls); returns the
    normalised user name. Refuses a malformed name, a short password or a taken name."""
    name = normalise_username(username)
    if not USERNAME_PATTERN.match(name):
        raise BackOfficeError(422, "staff.bad_username",
                              "user names are 2–64 characters: a-z, 0-9, '.', '_' or '-'")
    check_new_password(password)
    db.create_staff_user(name, (hasher or PasswordHasher()).hash(password), display_name=display_name,
                         created_by=created_by)
    return name


def set_staff_password(db: BackOfficeDB, username: str, password: str, *, staff: str = "cli",
                       hasher: PasswordHasher | None = None) -> None:
    """Reset a password (ends that account's sessions)."""
    check_new_password(password)
    db.set_staff_password(normalise_username(username), (hasher or PasswordHasher()).hash(password), staff)


class Authenticator:
    """Checks passwords with throttling; opens and resolves server-side sessions."""

    def __init__(self, db: BackOfficeDB, options: StaffOptions) -> None:
        self.db = db
        self.options = options
        # verified when the name is unknown, so both paths cost one argon2 verification
        self._dummy_hash = options.hasher.hash(secrets.token_hex(16))

    def _keys(self, username: str, address: str) -> list[str]:
        return [f"user:{username[:64]}", f"ip:{address[:64]}"]

    def login(self, username: str, password: str, address: str) -> tuple[StaffUser, str]:
        """Check the credentials; on success returns the user and a new session token."""
        name = normalise_username(username)
        keys = self._keys(name, address)
        locked = self.db.login_lockout(keys)
        if locked is not None:
            log.info("staff login refused while locked (user %s)", name[:64])
            raise LoginRefused(locked)
        user = self.db.get_staff_user(name) if USERNAME_PATTERN.match(name) else None
        ok = self._verify(user.password_hash if user else self._dummy_hash, password)
        if user is None or user.disabled or not ok:
            opts = self.options
            until = self.db.note_login_failure(
                keys, window=opts.failure_window,
                limits=[opts.max_failures_per_user, opts.max_failures_per_address], lock_for=opts.lockout)
            if until is not None:
                log.warning("staff logins locked until %s after repeated failures (user %s, address %s)",
                            until.isoformat(timespec="seconds"), name[:64], address[:64])
                raise LoginRefused(until)
            log.info("staff login failed (user %s)", name[:64])
            raise LoginRefused()
        self.db.clear_login_failures(keys[0])
        if self.options.hasher.check_needs_rehash(user.password_hash):
            self.db.set_staff_password(user.username, self.options.hasher.hash(password), "rehash")
        token = new_token()
        self.db.start_staff_session(hash_token(token), user.username, self.options.session_ttl)
        log.info("staff %s logged in", user.username)
        return user, token

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.options.hasher.verify(password_hash, password)
        except VerifyMismatchError:
            return False
        except (VerificationError, InvalidHashError):
            log.error("a staff password hash could not be verified (corrupt or unsupported)")
            return False

    def resolve(self, token: str | None) -> StaffUser | None:
        """The user of a live session token; expired or idle sessions are ended."""
        if not token:
            return None
        token_hash = hash_token(token)
        session = self.db.get_staff_session(token_hash)
        if session is None:
            return None
        now = self.db._now()
        if session.expires_at <= now or now - session.last_seen_at > self.options.idle_timeout:
            self.db.end_staff_session(token_hash, reason="session_expired")
            return None
        user = self.db.get_staff_user(session.username)
        if user is None or user.disabled:
            self.db.end_staff_session(token_hash, reason="session_revoked")
            return None
        if now - session.last_seen_at > dt.timedelta(seconds=60):
            self.db.touch_staff_session(token_hash)
        return user

    def logout(self, token: str | None) -> None:
        if token:
            self.db.end_staff_session(hash_token(token))


def read_new_password(stream: TextIO | None = None) -> str:
    """The new password: typed twice at a terminal (not echoed), else the first line of stdin
    (``printf '%s\\n' "$PW" | kiosk backoffice create-staff --username alice``)."""
    source = stream if stream is not None else sys.stdin
    if source.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise BackOfficeError(422, "staff.password_mismatch", "the two passwords differ")
        return first
    return source.readline().rstrip("\r\n")


def run_staff_command(db_url: str, command: str, username: str, *, display_name: str = "",
                      actor: str = "cli", stream: TextIO | None = None) -> tuple[bool, str]:
    """``kiosk backoffice create-staff`` / ``set-staff-password``: (ok, message for the user)."""
    db = BackOfficeDB(db_url)
    try:
        db.create_schema()
        password = read_new_password(stream)
        if command == "create-staff":
            name = create_staff_user(db, username, password, display_name=display_name, created_by=actor)
            return True, f"staff account {name} created"
        set_staff_password(db, username, password, staff=actor)
        return True, f"password of {normalise_username(username)} changed; its sessions ended"
    except BackOfficeError as err:
        return False, f"[{err.code}] {err.message}"
    finally:
        db.close()
