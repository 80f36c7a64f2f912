"""What the running kiosk starts beside its window for fault detection and the nightly window
(issue 7), in one object so the composition root wires it with a few lines:

* the **data-disk monitor** joins the device health (required: below ``[diagnostics]
  disk_fail_mb`` the terminal goes out of service with ``journey.device_unavailable.disk``
  before an enqueue meets a full disk, and comes back once space is freed);
* the **health publisher** writes the device health for ``kiosk sync`` (another process),
  whose heartbeat carries it;
* **nightly maintenance in the app**, on its own thread, when no citizen session is active
  (the journey's session start/end keeps the session flag that the timer unit honours too).

Usage (``run_kiosk``, once the journey and the window exist)::

    ops = AppOperations(config, core.outbox, journey, health=hardware.health,
                        refresh_catalog=window.admin.catalog_refresher(lambda: open_catalog(config)))
    ops.start()
    ...
    ops.stop()
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.devices.health import DeviceHealth, HealthPublisher, disk_monitor
from kiosk.maintenance import InAppMaintenance, app_maintenance

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.store.outbox import Outbox

__all__ = ["AppOperations"]

log = logging.getLogger(__name__)


class AppOperations:
    def __init__(self, config: Config, outbox: Outbox, journey: Any, *,
                 health: DeviceHealth | None,
                 refresh_catalog: Callable[[], object] | None = None,
                 disk_interval_s: float = 10.0, maintenance_interval_s: float = 60.0) -> None:
        data_dir = config.paths.data_dir
        self.health = health
        self.publisher: HealthPublisher | None = None
        if health is not None:
            health.add(disk_monitor(data_dir, fail_mb=config.diagnostics.disk_fail_mb,
                                    interval_s=disk_interval_s))
            self.publisher = HealthPublisher(health, data_dir)
        self.maintenance: InAppMaintenance = app_maintenance(
            config, outbox, refresh_catalog=refresh_catalog, interval_s=maintenance_interval_s)
        self.maintenance.attach(journey)

    def start(self) -> AppOperations:
        if self.publisher is not None:
            self.publisher.start()
        self.maintenance.start()
        log.info("fault publishing and in-app maintenance started")
        return self

    def stop(self) -> None:
        self.maintenance.stop()
        if self.publisher is not None:
            self.publisher.stop()
