"""Composition root (DESIGN §2): config → logging → keyring → store → (devices, sync, journey, UI).

Only this module chooses implementations and wires them; nothing else builds its own
collaborators or reaches for globals.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.catalog import DEFAULT_CATALOG_DIR, Catalog, CatalogError, load_catalog
from kiosk.config import Config
from kiosk.devices.health import DeviceHealth, HealthMonitor
from kiosk.devices.offline import UnavailableDevice
from kiosk.devices.status import DeviceError
from kiosk.log import RingBufferHandler, SessionSecrets, setup_logging

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from kiosk.store.crypto import DataKey, KeyringLike
    from kiosk.store.outbox import Outbox
    from kiosk.sync.protocol import TerminalConfigDoc
    from kiosk.sync.worker import SyncWorker

log = logging.getLogger(__name__)


# The keyring, the store (SQLite's stack, numpy) and the remote-config store are imported
# where they are used, not with this module: the kiosk opens them after its first frame.


def build_keyring(config: Config) -> KeyringLike:
    if config.keyring.backend == "system":
        import keyring as keyring_lib

        backend: Any = keyring_lib.get_keyring()
        return backend  # type: ignore[no-any-return]
    from kiosk.store.keyring_backend import KioskFileKeyring, load_master_secret

    secret = load_master_secret(config.keyring.credential_name, config.keyring.master_secret_file)
    return KioskFileKeyring(config.keyring.file, secret)


def open_outbox(config: Config, keyring: KeyringLike | None = None, *, sweep: bool = True) -> Outbox:
    from kiosk.store.crypto import load_or_create_data_key
    from kiosk.store.outbox import Outbox

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
    """The catalogue pulled from the back office when there is a valid one, else the shipped
    (or configured) one. Sync validates before it writes, so a refusal here means the file was
    damaged on disk: logged, and the kiosk keeps serving from the shipped catalogue."""
    shipped = config.paths.catalog_dir or DEFAULT_CATALOG_DIR
    pulled = synced_documents_dir(config) / "catalog.json"
    if pulled.is_file():
        try:
            catalog = load_catalog(pulled)
        except CatalogError as err:
            log.error("pulled catalogue %s is invalid, using %s: %s", pulled, shipped, err.detail)
        else:
            log.info("catalogue %s from the back office", catalog.version)
            return catalog
    return load_catalog(shipped)


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


def start_logging(config: Config, *, log_to_stderr: bool = True) -> tuple[SessionSecrets, RingBufferHandler]:
    """The redacting log setup (first thing at start): the session's secrets to mask and the
    ring of recent lines the diagnostics screen shows."""
    secrets = SessionSecrets()
    ring = setup_logging(
        config.logging.level, config.paths.log_file, secrets=secrets, stream=log_to_stderr
    )
    log.info("terminal %s starting (profile %s)", config.terminal.id, config.profile)
    return secrets, ring


def build_core(config: Config, *, log_to_stderr: bool = True) -> Core:
    secrets, ring = start_logging(config, log_to_stderr=log_to_stderr)
    outbox = open_outbox(config)
    catalog = open_catalog(config)
    return Core(config=config, secrets=secrets, ring=ring, outbox=outbox, catalog=catalog)


# ---------------------------------------------------------------- sync
def synced_documents_dir(config: Config) -> Path:
    """Where sync keeps the catalog and terminal config pulled from the back office
    (``catalog.json`` there is the validated local copy that replaces the shipped one)."""
    return config.paths.data_dir / "synced"


def build_sync_client(config: Config, credentials: Any) -> Any:
    """A :class:`kiosk.sync.client.SyncClient` to the configured back office, signing with
    ``credentials`` (:class:`kiosk.sync.credentials.Credentials`; None: unsigned calls only)."""
    from kiosk.sync.client import SyncClient

    sync = config.sync
    return SyncClient(
        sync.url, credentials, connect_timeout_s=sync.connect_timeout_s, read_timeout_s=sync.read_timeout_s,
        ca_file=str(sync.ca_file) if sync.ca_file else None, max_clock_offset_s=sync.clock_skew_s,
    )


def signed_client_for(config: Config, keyring: KeyringLike) -> Callable[[], Any]:
    """For the UI's calls to the back office (gov-app identification, the help button): a
    signed client when the terminal is enrolled (looked up per use: the demo enrols after
    start), else None."""
    from kiosk.sync.credentials import load_credentials

    def client() -> Any:
        credentials = load_credentials(keyring)
        return build_sync_client(config, credentials) if credentials is not None else None

    return client


def build_sync_worker(
    config: Config,
    outbox: Outbox,
    keyring: KeyringLike,
    *,
    health: Callable[[], Mapping[str, str]] | None = None,
    on_catalog: Callable[[Catalog], None] | None = None,
    on_config: Callable[[TerminalConfigDoc], None] | None = None,
    local_config: Config | None = None,
) -> SyncWorker:
    """The sync worker for ``outbox``, signing with the credential in ``keyring``.

    ``local_config``: the config file without the remote overlay (default ``config``): config
    documents from the back office are validated and staged over it (:mod:`kiosk.remote_config`).

    Raises ``sync.not_enrolled`` when the terminal has no credential yet (``kiosk enroll``).
    """
    from kiosk.errors import KnownError
    from kiosk.remote_config import RemoteConfigStore
    from kiosk.sync.credentials import load_credentials
    from kiosk.sync.worker import SyncWorker

    credentials = load_credentials(keyring)
    if credentials is None:
        raise KnownError("sync.not_enrolled", "no back-office credential in the keyring; run kiosk enroll")
    sync = config.sync
    client = build_sync_client(config, credentials)
    # remote settings are validated and staged over the local file (not over the overlay in use)
    local = local_config or config
    remote = RemoteConfigStore.for_config(local)

    def stage(content: Mapping[str, Any], etag: str) -> str | None:
        return remote.stage(content, etag, local)

    def config_status() -> tuple[str, str]:
        version, state, _warn = remote.summary()
        return version, state

    return SyncWorker(outbox, client, sync, docs_dir=synced_documents_dir(config),
                      health=health or dict, on_catalog=on_catalog, on_config=on_config,
                      stage_config=stage, config_status=config_status)


# ---------------------------------------------------------------- devices
@dataclasses.dataclass
class Devices:
    """Every configured device, its simulator where the driver is simulated, and health.

    A device that could not be opened is an :class:`UnavailableDevice` (reported OFFLINE with
    the error's key) when ``open_devices(strict=False)``; with ``strict=True`` (the kiosk's
    start) the error is raised, naming the node and the valid drivers.
    """

    idcard: Any
    camera: Any
    scanner: Any
    receipt_printer: Any
    a4_printer: Any
    simulators: dict[str, Any]
    health: DeviceHealth
    # scan results go to every listener (the UI bridge, diagnostics); called on the scanner's thread
    scan_listeners: list[Callable[[Any], None]] = dataclasses.field(default_factory=list)

    def gate_codes(self, wanted: threading.Event | None) -> None:
        """A camera scanner decodes only while ``wanted`` is set (or held: :meth:`codes_held`);
        scanners with their own decoder (HID, serial) read whenever a code is shown."""
        gate = getattr(self.scanner, "gate", None)
        if gate is not None:
            gate(wanted)

    @contextlib.contextmanager
    def codes_held(self) -> Iterator[None]:
        """Codes are read for the duration, whatever the gate says (diagnostics' scan test)."""
        hold = getattr(self.scanner, "hold", None)
        if hold is not None:
            hold(True)
        try:
            yield
        finally:
            if hold is not None:
                hold(False)

    def dispatch_scan(self, result: Any) -> None:
        for listener in list(self.scan_listeners):
            try:
                listener(result)
            except Exception:
                log.exception("scan listener failed")

    def close(self) -> None:
        self.health.stop()
        for device in (self.scanner, self.camera):
            _quietly(device.stop)
        for device in (self.idcard, self.receipt_printer, self.a4_printer):
            _quietly(device.close)
        for sim in self.simulators.values():
            for name in ("close", "stop"):
                if hasattr(sim, name):
                    _quietly(getattr(sim, name))
                    break


def _quietly(fn: Any) -> None:
    try:
        fn()
    except Exception:
        log.exception("closing a device failed")


def open_devices(config: Config, *, strict: bool = True) -> Devices:
    """Build every device from config (real driver or simulator) and one health monitor each."""
    from kiosk.devices.camera import OpenCvCamera
    from kiosk.devices.camera.factory import build_camera
    from kiosk.devices.idcard import build_idcard_reader
    from kiosk.devices.printer import build_a4_printer, build_receipt_printer
    from kiosk.devices.scanner.factory import build_scanner

    dev = config.devices
    data_dir = config.paths.data_dir
    opened: dict[str, Any] = {}
    simulators: dict[str, Any] = {}

    def attempt(name: str, build: Any) -> None:
        try:
            device, sim = build()
        except DeviceError as err:
            if strict:
                raise
            log.warning("device %s could not be opened: %s", name, err.key)
            device, sim = UnavailableDevice(err.key, err.detail), None
        opened[name] = device
        if sim is not None:
            simulators[name] = sim

    attempt("id_card_reader", lambda: build_idcard_reader(dev.idcard))
    attempt("camera", lambda: build_camera(dev.camera))
    if not isinstance(opened["camera"], UnavailableDevice):
        try:
            opened["camera"].start()
        except DeviceError as err:
            if strict:
                raise
            if isinstance(opened["camera"], OpenCvCamera):
                # not plugged in (yet): grab as soon as it appears, OFFLINE meanwhile
                log.warning("camera not there at start (%s): waiting for it", err.key)
                opened["camera"].start(wait_for_node=True)
            else:
                log.warning("device camera could not be started: %s", err.key)
                opened["camera"] = UnavailableDevice(err.key, err.detail)
    attempt("code_scanner", lambda: build_scanner(dev.scanner, opened["camera"]))
    attempt("receipt_printer", lambda: build_receipt_printer(dev.receipt_printer, data_dir))
    attempt("a4_printer", lambda: build_a4_printer(dev.a4_printer, data_dir))
    settings = {
        "id_card_reader": dev.idcard, "camera": dev.camera, "code_scanner": dev.scanner,
        "receipt_printer": dev.receipt_printer, "a4_printer": dev.a4_printer,
    }
    health = DeviceHealth({
        name: HealthMonitor(name, opened[name], interval_s=cfg.poll_interval_s,
                            timeout_s=cfg.status_timeout_s, required=cfg.required)
        for name, cfg in settings.items()
    })
    devices = Devices(
        idcard=opened["id_card_reader"], camera=opened["camera"], scanner=opened["code_scanner"],
        receipt_printer=opened["receipt_printer"], a4_printer=opened["a4_printer"],
        simulators=simulators, health=health,
    )
    if not isinstance(devices.scanner, UnavailableDevice):
        devices.scanner.start(devices.dispatch_scan)
    return devices
