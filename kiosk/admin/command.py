"""``kiosk admin set-pin | reset-lockout | audit``: the root-shell side of admin mode.

The PIN is read from the terminal (never from argv, which lands in shell history and ``ps``),
twice, and only its argon2id hash is stored. Each command is audited.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

from argon2 import PasswordHasher

from kiosk.admin import AdminPin, AdminPolicy, AuditLog, admin_paths
from kiosk.errors import KnownError
from kiosk.store.crypto import KeyringLike


def admin_main(
    data_dir: Path,
    keyring: KeyringLike,
    command: str,
    *,
    policy: AdminPolicy | None = None,
    read_pin: Callable[[str], str] = getpass.getpass,
    out: IO[str] | None = None,
    limit: int = 50,
    hasher: PasswordHasher | None = None,
) -> int:
    stream = out if out is not None else sys.stdout
    state_file, audit_file = admin_paths(data_dir)
    audit = AuditLog(audit_file)
    pin = AdminPin(keyring, state_file, audit, policy=policy, hasher=hasher)
    if command == "set-pin":
        first = read_pin("new admin PIN: ")
        if read_pin("again: ") != first:
            raise KnownError("admin.pin_invalid", "the two entries differ")
        pin.set_pin(first, actor="shell")
        stream.write("admin PIN set\n")
        return 0
    if command == "reset-lockout":
        pin.reset_lockout(actor="shell")
        stream.write("admin lockout cleared\n")
        return 0
    if command == "audit":
        intact, count = audit.verify()
        for entry in audit.entries(limit=limit):
            stream.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        stream.write(f"chain {'intact' if intact else f'BROKEN after entry {count}'}\n")
        return 0 if intact else 1
    raise KnownError("unexpected", f"unknown admin command {command}")
