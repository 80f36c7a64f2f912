"""``run_kiosk``: the full-screen kiosk, or the real UI driven offscreen by a script."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.app import (
    Core,
    Devices,
    build_keyring,
    open_catalog,
    open_devices,
    open_outbox,
    signed_client_for,
    start_logging,
)
from kiosk.config import Config, load_config
from kiosk.journey import Clock, DeviceAvailability, FakeClock, Journey, SystemClock

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.catalog.model import IdKind
    from kiosk.store.models import NewSubmission, Receipt, SubmissionRow
    from kiosk.store.outbox import Outbox
    from kiosk.ui.bridge import JourneyBridge

__all__ = ["run_kiosk"]

log = logging.getLogger(__name__)

_FATAL_EXIT_MS = 8000
_START_AFTER_MS = 2000  # devices open after the first frame, or after this at the latest
_SCRIPT_BACKOFFICE_S = 60.0  # a scripted demo waits this long for its local back office
_STORE_WAIT_S = 60.0  # a store call before the store is open waits at most this long


def _needs_backoffice(script: Path) -> bool:
    """A demo script with a step that a back office must answer (the government-app QR)."""
    from kiosk.ui.driver import BACKOFFICE_STEPS

    try:
        steps = json.loads(script.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False  # the scripted run reports the unreadable script itself
    return isinstance(steps, list) and any(
        isinstance(step, dict) and step.get("do") in BACKOFFICE_STEPS for step in steps)


class _BackOffice:
    """The demo profile's local back office and a sync worker, both started and run on a
    background thread (starting uvicorn and enrolling takes a few seconds: not before the
    first frame)."""

    def __init__(self, config: Config, outbox: Any) -> None:
        self._config = config
        self._outbox = outbox
        self.services: Any = None
        self._stop = threading.Event()
        self._up = threading.Event()  # started and enrolled, or given up
        self._thread = threading.Thread(target=self._run, name="demo-backoffice", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout_s: float) -> bool:
        """Wait (bounded) until the back office is up and the terminal enrolled with it (a
        scripted demo's government-app step needs both); False when it did not start."""
        # the worker is built last, once the terminal is enrolled
        return self._up.wait(timeout_s) and getattr(self.services, "worker", None) is not None

    def _run(self) -> None:
        from kiosk.demo_services import DemoServices

        try:
            self.services = DemoServices(self._config, build_keyring(self._config),
                                         self._outbox)
            self.services.start()
        except Exception as err:  # a port in use, a failed enrolment: the kiosk still runs
            log.warning("demo back office not started: %s", type(err).__name__)
            self._up.set()
            return
        self._up.set()
        log.info("local back office on %s, sync worker running", self.services.backoffice.url)
        self.services.worker.run(self._stop)

    def sync_once(self) -> Any:
        """One sync cycle now (the admin screen); ``sync.not_enrolled`` while starting."""
        from kiosk.errors import KnownError

        worker = getattr(self.services, "worker", None)
        if worker is None:
            raise KnownError("sync.not_enrolled", "the demo back office is not started (yet)")
        return worker.run_once()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)
        if self.services is not None:
            self.services.stop()


class _LateDevices:
    """The journey's device availability until the devices are open (after the first frame):
    nothing is usable yet (unknown counts as down), then the health monitors answer."""

    def __init__(self) -> None:
        self.health: Any = None

    def available(self, device: Any) -> bool:
        health = self.health
        return health is not None and bool(health.available(device))


class _LateOutbox:
    """The journey's and the window's outbox until the store is open. Opening it (the data key
    from the keyring, SQLite's stack, sqlite-utils' numpy import, the schema check) takes
    ~0.3 s, so the kiosk does it on the start-up thread after its first frame. The attract
    screen makes no store call; one made before the store is open (a citizen faster than the
    start-up) waits for it. The live-settings poll does not wait: no settings until then."""

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._outbox: Outbox | None = None
        self._error: BaseException | None = None

    def resolve(self, outbox: Outbox) -> None:
        self._outbox = outbox
        self._ready.set()

    def fail(self, error: BaseException) -> None:
        self._error = error
        self._ready.set()

    def _open(self) -> Outbox:
        if not self._ready.wait(_STORE_WAIT_S):
            from kiosk.errors import StoreError

            raise StoreError("store.not_found", "the store is still opening")
        if self._outbox is None:
            raise RuntimeError("the store could not be opened") from self._error
        return self._outbox

    # OutboxPort and OwnerVerifier (kiosk.journey.ports)
    def enqueue(self, submission: NewSubmission) -> Receipt:
        return self._open().enqueue(submission)

    def find_by_tracking(self, tracking_no: str) -> SubmissionRow | None:
        return self._open().find_by_tracking(tracking_no)

    def set_rating(self, uuid: str, level: int, reasons: Sequence[str]) -> None:
        self._open().set_rating(uuid, level, reasons)

    def owner_matches(self, uuid: str, id_kind: IdKind, id_number: str) -> bool:
        return self._open().owner_matches(uuid, id_kind, id_number)

    # kiosk.sync.live.read_live
    def get_meta(self, key: str) -> str | None:
        outbox = self._outbox
        return outbox.get_meta(key) if outbox is not None else None


@dataclasses.dataclass
class _Started:
    """What ``run_kiosk``'s start-up thread opened (each closed at exit, if it got that far)."""

    core: Core | None = None
    hardware: Devices | None = None
    link: Any = None  # kiosk.ui.devices.DeviceLink
    output: Any = None  # kiosk.ui.devices.ReceiptOutput
    back: _BackOffice | None = None
    services: Any = None  # kiosk.ui.models.admin.AdminServices
    gov_app: Any = None  # kiosk.identity.govapp.GovAppIdentifier
    staff_call: Any = None  # kiosk.sync.staff_call.StaffCall
    ops: Any = None  # kiosk.diagnostics.runtime.AppOperations (issue 7)
    thread: threading.Thread | None = None
    ready: threading.Event = dataclasses.field(default_factory=threading.Event)


def _synthetic_page(material: str, page: int) -> bytes:
    # kiosk.demo pulls in the demo's back office (FastAPI, SQLAlchemy): imported when first
    # used, not before the first frame
    from kiosk.demo import synthetic_page

    return synthetic_page(material, page)


def _simulated_card(*args: Any, **kwargs: Any) -> Any:
    from kiosk.demo import simulated_card

    return simulated_card(*args, **kwargs)


def resume_gc() -> None:
    """After the first frame: the cyclic garbage collector back on, if the launcher paused it
    for the start (:mod:`kiosk.__main__`). What the start built lives as long as the process:
    :func:`gc.freeze` moves it out of the collector's scans for good, so later collections
    (on the GUI thread too) only walk what the citizens' sessions create."""
    import gc

    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _exit_after_first_frame(app: Any, window: Any) -> None:
    """Cold-start benchmark hook: print the monotonic time of the first frame swapped while
    the attract screen is shown, then quit with 0."""
    import time

    def swapped() -> None:
        if window.session.screen == "attract":
            window.view.frameSwapped.disconnect(swapped)
            # the monotonic time, then the CPU seconds the process had used by then
            sys.stdout.write(f"KIOSK_FIRST_FRAME {time.monotonic():.6f} {time.process_time():.3f}\n")
            sys.stdout.flush()
            app.exit(0)

    window.view.frameSwapped.connect(swapped)


def run_kiosk(config: Config, *, script: Path | None = None, screenshots: Path | None = None,
              fullscreen: bool = True, orientation: str = "auto",
              devices: DeviceAvailability | None = None,
              attach: Callable[[JourneyBridge], object] | None = None,
              backoffice: bool | None = None) -> int:
    """Run the kiosk UI. With ``script``: drive it through the script's steps (offscreen is
    fine), saving a PNG per step into ``screenshots``; returns the number of failed steps
    (0 = success). Without: the interactive kiosk until the window closes.

    ``devices`` answers "is this device up?" for tests that simulate devices without drivers;
    by default the configured devices are opened (:func:`kiosk.app.open_devices`: in the demo
    profile the simulators behind the real drivers) and wired to the bridge on their own
    threads (:class:`kiosk.ui.devices.DeviceLink`), receipts print after the commit.
    ``attach(bridge)`` is called once the window exists: subscribe further device threads to
    the bridge there (``bridge.deliver_card``, ``deliver_code``, ``on_device_status``,
    ``deliver_out_of_service``); they may call it from any thread. ``backoffice``: the demo's
    local back office and a sync worker beside the kiosk (default: demo profile, without a
    script or with one that has a step a back office must answer, e.g. ``show_gov_app_qr``;
    a script then waits for it to be up and enrolled)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    from kiosk.ui import i18n
    from kiosk.ui.speech import TextToSpeech
    from kiosk.ui.watchdog_qt import QtWatchdog
    from kiosk.ui.window import KioskWindow, prepare_environment
    from kiosk.watchdog import Watchdog

    if script is not None and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        # a scripted run needs no display: render offscreen, in software
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ.setdefault("QT_QUICK_BACKEND", "software")
    prepare_environment()
    try:
        i18n.build()  # normally done at setup (run.sh); a no-op when the .qm are current
    except (OSError, subprocess.CalledProcessError) as err:
        log.warning("translations could not be compiled: %s", err)
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    assert isinstance(app, QGuiApplication)  # noqa: S101 - a widgets app is one too
    secrets, ring = start_logging(config, log_to_stderr=script is None)
    catalog = open_catalog(config)  # the attract screen shows its highlights
    store = _LateOutbox()  # opened on the start-up thread, after the first frame
    late = _LateDevices()
    started = _Started()
    window: KioskWindow | None = None
    try:
        clock: Clock = FakeClock(SystemClock().now()) if script is not None else SystemClock()
        journey = Journey(config=config, catalog=catalog, outbox=store, clock=clock,
                          devices=devices or late, secrets=secrets, owner_verifier=store)
        window = KioskWindow(app, config=config, journey=journey, outbox=store,
                             page_source=_synthetic_page, orientation=orientation,  # type: ignore[arg-type]
                             tick_ms=0 if script is not None else 1000,
                             speak=None if script is not None else TextToSpeech())
        if attach is not None:
            attach(window.bridge)
        with_backoffice = backoffice if backoffice is not None else (
            config.profile == "demo" and (script is None or _needs_backoffice(script)))

        def start_up() -> _Started:
            """On the ``kiosk-start`` thread, after the first frame was asked for: the store
            (:class:`_LateOutbox`), the devices (opening ports, the simulators' channels),
            their first health polls, the admin services (keyring, PIN file, link test) and
            the demo's back office. Until it is done the attract screen shows, devices count
            as not polled yet (unknown = down, DeviceLink.required_down: not out of service)
            and admin mode waits. A store that cannot open (a damaged database, the data key
            gone from the keyring) takes the terminal out of service and the app exits
            non-zero (``failed``)."""
            from kiosk.identity.govapp import GovAppIdentifier
            from kiosk.receipts.keys import ReceiptKeys
            from kiosk.sync.staff_call import StaffCall
            from kiosk.ui.devices import DeviceLink, ReceiptOutput
            from kiosk.ui.models.admin import services_for

            try:
                outbox = open_outbox(config)
            except BaseException as err:
                store.fail(err)
                raise
            started.core = core = Core(config=config, secrets=secrets, ring=ring, outbox=outbox,
                                       catalog=catalog)
            store.resolve(outbox)
            if devices is None:
                started.hardware = hardware = open_devices(config, strict=False)
                started.link = DeviceLink(hardware)
                hardware.health.start()
                started.output = ReceiptOutput(
                    hardware.receipt_printer, hardware.a4_printer,
                    qr_keys=ReceiptKeys(build_keyring(config)),
                    terminal_code=config.terminal.code)
            core.catalog.warm()  # the search index (pypinyin), before the first search
            signed_client = signed_client_for(config, build_keyring(config))
            started.gov_app = GovAppIdentifier(  # the government app's identity QR
                config.identity.gov_app_public_key, config.terminal.code, signed_client)
            started.staff_call = StaffCall(signed_client)  # the help button
            if with_backoffice:
                started.back = _BackOffice(config, core.outbox)
                if script is not None and not started.back.wait_ready(_SCRIPT_BACKOFFICE_S):
                    log.error("the demo back office did not start: the script's steps that "
                              "need it will fail")
            started.services = services_for(  # the hidden admin mode (issue 7)
                config, core, devices=started.hardware,
                sync_now=started.back.sync_once if started.back is not None else None)
            return started

        def serve(done: _Started) -> None:
            """On the GUI thread: wire what start_up opened to the window."""
            assert window is not None  # noqa: S101
            if done.hardware is not None and done.link is not None:
                late.health = done.hardware.health
                window.session.attach_output(done.output)
                done.link.start(window.bridge)
                # the capture screen's live camera (the simulator also gets the demo's scenes)
                window.attach_camera(done.hardware.camera, done.hardware.simulators.get("camera"))
                window.bridge.on_device_status()  # re-derive the greyed-out items
            window.admin.set_services(done.services)
            window.session.attach_gov_app(done.gov_app)
            window.session.attach_staff_call(done.staff_call)
            if script is None and done.core is not None:
                # disk monitor, device health for kiosk sync, nightly maintenance
                from kiosk.diagnostics.runtime import AppOperations

                done.ops = AppOperations(
                    config, done.core.outbox, journey,
                    health=done.hardware.health if done.hardware is not None else None,
                    refresh_catalog=window.admin.catalog_refresher(lambda: open_catalog(config))
                ).start()
            done.ready.set()
            log.info("devices and admin services up")

        if script is not None:
            from PySide6.QtCore import QEventLoop

            from kiosk.ui.driver import ScriptDriver

            steps: list[dict[str, Any]] = json.loads(script.read_text(encoding="utf-8"))
            window.show(fullscreen=False)
            waiting = QEventLoop()

            def serve_then_run(done: _Started) -> None:
                serve(done)
                waiting.quit()

            started.thread = window.bridge.in_background("kiosk-start", start_up, serve_then_run)
            window.bridge.outOfService.connect(waiting.quit)  # a start-up that failed
            if not started.ready.is_set():
                waiting.exec()
            if not started.ready.is_set():
                log.error("start-up failed: script %s not run", script.name)
                return max(len(steps), 1)
            assert isinstance(clock, FakeClock)  # noqa: S101
            driver = ScriptDriver(window, journey, clock, screenshots=screenshots,
                                  card_factory=_simulated_card,
                                  card_reader=(started.hardware.simulators.get("id_card_reader")
                                               if started.hardware is not None else None),
                                  camera=(started.hardware.simulators.get("camera")
                                          if started.hardware is not None else None))
            failures = driver.run(steps)
            log.info("script %s: %d step(s), %d failed, %d screenshot(s)", script.name,
                     len(steps), failures, len(driver.shots))
            return failures
        # an unexpected error: the out-of-service screen, then a non-zero exit so that systemd
        # restarts the kiosk (DESIGN §6)
        def exit_soon(*_why: object) -> None:
            QTimer.singleShot(_FATAL_EXIT_MS, lambda: app.exit(70))

        window.session.fatal.connect(exit_soon)
        # systemd's watchdog, ticked on the GUI thread: a frozen event loop gets restarted
        watchdog = QtWatchdog(Watchdog.from_env())
        watchdog.start()
        app.aboutToQuit.connect(lambda: watchdog.stop("stopping"))
        # systemd's stop (and a reboot) sends SIGTERM: quit the event loop, close the devices
        # and the outbox in the finally below, exit 0 (a remote-config trial then does not count
        # a failed start). Python runs the handler at the next Python call from the loop: the
        # session tick and the watchdog timer make that within a second.
        signal.signal(signal.SIGTERM, lambda _signum, _frame: app.quit())
        if os.environ.get("KIOSK_EXIT_AFTER_FIRST_FRAME") == "1":  # bench/ui_speed.py
            _exit_after_first_frame(app, window)
        window.show(fullscreen=fullscreen)
        # the first frame first (cold start ≤ 1.5 s), then the devices, on their own thread
        def begin() -> None:
            assert window is not None  # noqa: S101
            if started.thread is None:
                window.view.frameSwapped.disconnect(begin)
                resume_gc()
                started.thread = window.bridge.in_background("kiosk-start", start_up, serve,
                                                             failed=exit_soon)

        window.view.frameSwapped.connect(begin)
        QTimer.singleShot(_START_AFTER_MS, begin)  # a window that is never exposed
        watchdog.ready(f"serving as {config.terminal.id}")
        return app.exec()
    finally:
        if started.thread is not None:
            started.thread.join(60)  # what a cut-short start-up opened is closed below
        if started.ops is not None:
            started.ops.stop()  # the maintenance thread, the health file
        if started.link is not None:
            started.link.close()  # no more deliveries to the bridge
        if window is not None:
            window.close()  # waits for the commit and print workers
        if started.back is not None:
            started.back.stop()
        if started.hardware is not None:
            started.hardware.close()
        if started.core is not None:
            started.core.close()


def main(argv: list[str] | None = None) -> int:
    """``python -m kiosk.ui.run [--config FILE] [--script FILE --screenshots DIR]`` (until the
    CLI's ``kiosk demo`` calls :func:`run_kiosk`)."""
    parser = argparse.ArgumentParser(prog="python -m kiosk.ui.run")
    parser.add_argument("--config", type=Path)
    parser.add_argument("--profile", choices=["demo", "hall", "remote"])
    parser.add_argument("--script", type=Path)
    parser.add_argument("--screenshots", type=Path)
    parser.add_argument("--orientation", choices=["auto", "portrait", "landscape"], default="auto")
    parser.add_argument("--windowed", action="store_true")
    args = parser.parse_args(argv)
    config = load_config(args.config, args.profile)
    return run_kiosk(config, script=args.script, screenshots=args.screenshots,
                     fullscreen=not args.windowed, orientation=args.orientation)


if __name__ == "__main__":
    sys.exit(main())
