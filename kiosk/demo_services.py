"""What the demo profile runs beside the kiosk: the reference back office in-process on the
loopback address of ``[sync] url``, this terminal enrolled with it, and a sync worker — so the
demo shows a submission travel from the citizen's touch to a back-office case number and a
staff decision back to the kiosk."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from kiosk.backoffice.local import LocalBackOffice
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.config import Config
from kiosk.store.crypto import KeyringLike
from kiosk.store.outbox import Outbox

log = logging.getLogger(__name__)

DEMO_STAFF = ("demo", "demo-staff-pass")  # the demo back office's staff login (demo profile only)
# the demo citizen's government-app account, known to the demo back office's identity stand-in
DEMO_GOV_APP_SUBJECT = "demo-citizen-0001"


class DemoServices:
    def __init__(self, config: Config, keyring: KeyringLike, outbox: Outbox) -> None:
        self.config = config
        self.keyring = keyring
        self.outbox = outbox
        self.backoffice: LocalBackOffice | None = None
        self.worker: Any = None

    def start(self) -> DemoServices:
        from kiosk import __version__
        from kiosk.app import build_sync_worker
        from kiosk.sync.client import SyncClient
        from kiosk.sync.credentials import enrol, load_credentials

        parts = urlsplit(self.config.sync.url)
        # beside, not inside, the terminal's data: the back office is another system
        data_dir = self.config.paths.data_dir
        db_dir = data_dir.parent / f"{data_dir.name}-backoffice"
        db_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        settings = BackOfficeSettings(db_url=f"sqlite:///{db_dir / 'backoffice.sqlite3'}",
                                      gov_app_public_key=self.config.identity.gov_app_public_key)
        self.backoffice = LocalBackOffice(settings, host=parts.hostname or "127.0.0.1",
                                          port=parts.port or 80).start()
        self._ensure_staff()
        self._register_demo_citizen()
        if load_credentials(self.keyring) is None:
            code, _ = self.backoffice.db.create_enrolment_code(self.config.terminal.id, name="demo")
            enrol(SyncClient(self.config.sync.url), code, self.keyring, app_version=__version__)
            log.info("demo terminal %s enrolled with the local back office", self.config.terminal.id)
        self.worker = build_sync_worker(self.config, self.outbox, self.keyring)
        return self

    def _ensure_staff(self) -> None:
        from argon2 import PasswordHasher

        assert self.backoffice is not None  # noqa: S101 - started just before
        db = self.backoffice.db
        try:
            db.create_staff_user(DEMO_STAFF[0], PasswordHasher().hash(DEMO_STAFF[1]),
                                 display_name="Demo staff")
        except Exception as err:  # already there from an earlier demo run
            log.debug("demo staff user not created: %s", type(err).__name__)

    def _register_demo_citizen(self) -> None:
        """The demo citizen's verified identity behind their government-app account (what the
        provincial identity platform would answer)."""
        from kiosk.demo import simulated_card

        assert self.backoffice is not None  # noqa: S101 - started just before
        identity = simulated_card("resident").as_dict()
        identity.pop("source", None)
        self.backoffice.db.register_gov_app_identity(DEMO_GOV_APP_SUBJECT, identity)

    def sync_once(self) -> Any:
        return self.worker.run_once()

    def staff_decides(self, uuid: str, status: str, note: str) -> None:
        assert self.backoffice is not None  # noqa: S101
        self.backoffice.db.set_status(uuid, status, note, DEMO_STAFF[0])

    def stop(self) -> None:
        if self.worker is not None and hasattr(self.worker, "close"):
            self.worker.close()
        if self.backoffice is not None:
            self.backoffice.stop()
