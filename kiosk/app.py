"""Composition root (DESIGN §2): config → logging → keyring → store → (devices, sync, journey, UI).

Only this module chooses implementations and wires them; nothing else builds its own
collaborators or reaches for globals.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring as keyring_lib

from kiosk.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog
from kiosk.config import Config
from kiosk.log import RingBufferHandler, SessionSecrets, setup_logging
from kiosk.store.crypto import DataKey, KeyringLike, load_or_create_data_key
from kiosk.store.keyring_backend import KioskFileKeyring, load_master_secret
from kiosk.store.outbox import Outbox

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from kiosk.sync.protocol import TerminalConfigDoc
    from kiosk.sync.worker import SyncWorker

log = logging.getLogger(__name__)


def build_keyring(config: Config) -> KeyringLike:
    if config.keyring.backend == "system":
        backend: Any = keyring_lib.get_keyring()
        return backend  # type: ignore[no-any-return]
    secret = load_master_secret(config.keyring.credential_name, config.keyring.master_secret_file)
    return KioskFileKeyring(config.keyring.file, secret)


def open_outbox(config: Config, keyring: KeyringLike | None = None, *, sweep: bool = True) -> Outbox:
    ring = keyring if keyring is not None else build_keyring(config)

    def key_provider(create: bool) -> DataKey:
        return load_or_create_data_key(ring, create=create)

    return Outbox.open(
        config.paths.data_dir,
        key_provider,
        terminal_id=config.terminal.id,
        terminal_code=config.terminal.code,
        max_attachment_bytes=config.store.max_attachment_kb * 1024,
        sweep=sweep,
    )


def open_catalog(config: Config) -> Catalog:
    return load_catalog(config.paths.catalog_dir or DEFAULT_CATALOG_DIR)


@dataclasses.dataclass
class Core:
    """The Qt-free part of the kiosk, wired."""

    config: Config
    secrets: SessionSecrets
    ring: RingBufferHandler
    outbox: Outbox
    catalog: Catalog

    def close(self) -> None:
        self.outbox.close()


def build_core(config: Config, *, log_to_stderr: bool = True) -> Core:
    secrets = SessionSecrets()
    ring = setup_logging(
        config.logging.level, config.paths.log_file, secrets=secrets, stream=log_to_stderr
    )
    log.info("terminal %s starting (profile %s)", config.terminal.id, config.profile)
    outbox = open_outbox(config)
    catalog = open_catalog(config)
    return Core(config=config, secrets=secrets, ring=ring, outbox=outbox, catalog=catalog)


# ---------------------------------------------------------------- sync
def synced_documents_dir(config: Config) -> Path:
    """Where sync keeps the catalog and terminal config pulled from the back office
    (``catalog.json`` there is the validated local copy that replaces the shipped one)."""
    return config.paths.data_dir / "synced"


def build_sync_worker(
    config: Config,
    outbox: Outbox,
    keyring: KeyringLike,
    *,
    health: Callable[[], Mapping[str, str]] | None = None,
    on_catalog: Callable[[Catalog], None] | None = None,
    on_config: Callable[[TerminalConfigDoc], None] | None = None,
) -> SyncWorker:
    """The sync worker for ``outbox``, signing with the credential in ``keyring``.

    Raises ``sync.not_enrolled`` when the terminal has no credential yet (``kiosk enroll``).
    """
    from kiosk.errors import KnownError
    from kiosk.sync.client import SyncClient
    from kiosk.sync.credentials import load_credentials
    from kiosk.sync.worker import SyncWorker

    credentials = load_credentials(keyring)
    if credentials is None:
        raise KnownError("sync.not_enrolled", "no back-office credential in the keyring; run kiosk enroll")
    sync = config.sync
    client = SyncClient(
        sync.url, credentials, connect_timeout_s=sync.connect_timeout_s, read_timeout_s=sync.read_timeout_s,
        ca_file=str(sync.ca_file) if sync.ca_file else None, max_clock_offset_s=sync.clock_skew_s,
    )
    return SyncWorker(outbox, client, sync, docs_dir=synced_documents_dir(config),
                      health=health or dict, on_catalog=on_catalog, on_config=on_config)
