"""The nightly maintenance window (issue 7): purge personal data past retention, checkpoint the
WAL and VACUUM, rotate logs, refresh the catalogue.

* **When:** only inside the configured local-time window (it may cross midnight, e.g.
  23:30–05:00), and only while no citizen session is active (an injected predicate, checked
  again before every step — a session that starts mid-run stops the run before the next step).
* **Idempotent:** each completed step is recorded for the night in a small state file
  (:func:`atomic_write`), so calling :meth:`Maintenance.run_if_due` every minute, from the app
  and from the ``smarthall-kiosk-maintenance.timer`` both, runs each step once per night; a
  crash mid-run resumes with the remaining steps. A failing step is retried on the next call,
  at most ``max_attempts`` times a night.
* **VACUUM only when it is safe:** idle, and with free disk for the copy SQLite writes (twice
  the database's size); otherwise it is skipped for the night (the checkpoint still runs).

Everything is injected (clock, time zone, the session predicate, the log rotation and the
catalogue refresh), so the tests run with a fake clock and a real outbox in a temp dir.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import logging.handlers
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, cast

from kiosk.atomicfile import atomic_write
from kiosk.locks import try_flock

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.store.outbox import Outbox

log = logging.getLogger(__name__)

Now = Callable[[], dt.datetime]
STEPS: Final = ("purge", "checkpoint", "vacuum", "rotate_logs", "catalog")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_hhmm(text: str) -> dt.time:
    """``"02:30"`` → ``time(2, 30)`` (config values)."""
    hours, _, minutes = text.partition(":")
    return dt.time(int(hours), int(minutes or 0))


@dataclasses.dataclass(frozen=True, slots=True)
class MaintenanceWindow:
    """``[maintenance] window_start/window_end``, local wall-clock times."""

    start: dt.time = dt.time(2, 0)
    end: dt.time = dt.time(5, 0)

    def night_of(self, local: dt.datetime) -> dt.date | None:
        """The date the window opened on, if ``local`` lies inside it; else None."""
        t = local.time().replace(tzinfo=None)
        if self.start == self.end:
            return None
        if self.start < self.end:
            return local.date() if self.start <= t < self.end else None
        if t >= self.start:
            return local.date()
        if t < self.end:
            return local.date() - dt.timedelta(days=1)
        return None


@dataclasses.dataclass(frozen=True, slots=True)
class MaintenanceResult:
    night: dt.date | None
    ran: bool
    reason: str = ""  # why nothing ran: outside_window, already_done, session_active
    steps: tuple[tuple[str, str], ...] = ()  # (step, "done" | "skipped: …" | "failed: …")
    purged: int = 0

    def step(self, name: str) -> str | None:
        return dict(self.steps).get(name)


class SessionFlag:
    """A file the app keeps while a citizen session is active, so an out-of-process run (the
    timer) can tell. A flag older than ``stale_after_s`` (the app died mid-session) is ignored."""

    def __init__(self, path: Path, *, stale_after_s: float = 1800.0,
                 wall: Callable[[], float] = time.time) -> None:
        self.path = path
        self.stale_after_s = stale_after_s
        self._wall = wall

    def set_active(self, active: bool) -> None:
        """Create (or refresh the time of) the flag, or remove it. Not fsynced: the app calls
        this on the GUI thread, and after a power cut there is no session anyway."""
        if active:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_name(self.path.name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, b"active\n")
            finally:
                os.close(fd)
            tmp.replace(self.path)
        else:
            self.path.unlink(missing_ok=True)

    def is_active(self) -> bool:
        try:
            age = self._wall() - self.path.stat().st_mtime
        except FileNotFoundError:
            return False
        return age < self.stale_after_s


def rollover_file_handlers(logger: logging.Logger | None = None) -> int:
    """``doRollover()`` every RotatingFileHandler on ``logger`` (root by default): the in-process
    rotation step for the app (no lines lost, unlike copytruncate). Returns how many rolled."""
    target = logger or logging.getLogger()
    count = 0
    for handler in target.handlers:
        if isinstance(handler, logging.handlers.BaseRotatingHandler) and hasattr(handler, "doRollover"):
            handler.acquire()
            try:
                handler.doRollover()
            finally:
                handler.release()
            count += 1
    return count


class RunLock:
    """A non-blocking ``flock`` beside the state file: the app's scheduler and the timer's
    ``kiosk maintenance`` never run steps at the same time. ``with RunLock(p) as got:``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> bool:
        self._fd = try_flock(self.path)
        return self._fd is not None

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Maintenance:
    def __init__(
        self,
        outbox: Outbox,
        *,
        retention_days: int,
        state_file: Path,
        window: MaintenanceWindow | None = None,
        now: Now = _utcnow,
        tz: dt.tzinfo | None = None,
        session_active: Callable[[], bool] = lambda: False,
        rotate_logs: Callable[[], object] | None = None,
        refresh_catalog: Callable[[], object] | None = None,
        vacuum: bool = True,
        max_attempts: int = 3,
        disk_usage: Callable[[Path], Any] = shutil.disk_usage,
    ) -> None:
        self.outbox = outbox
        self.retention_days = retention_days
        self.state_file = state_file
        self.window = window or MaintenanceWindow()
        self._now = now
        self._tz = tz
        self._session_active = session_active
        self._rotate_logs = rotate_logs
        self._refresh_catalog = refresh_catalog
        self._vacuum = vacuum
        self._max_attempts = max_attempts
        self._disk_usage = disk_usage

    # ------------------------------------------------------------------ state
    def _load(self, night: dt.date) -> dict[str, Any]:
        try:
            state = json.loads(self.state_file.read_bytes())
            if state.get("night") == night.isoformat():
                return dict(state)
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as err:
            log.info("maintenance state unreadable (%s); starting the night afresh", type(err).__name__)
        return {"night": night.isoformat(), "done": {}, "attempts": {}}

    def _save(self, state: dict[str, Any]) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(self.state_file, json.dumps(state, sort_keys=True).encode("utf-8"), 0o600)

    def local_now(self) -> dt.datetime:
        now = self._now()
        return now.astimezone(self._tz) if self._tz is not None else now.astimezone()

    def due(self) -> dt.date | None:
        """Tonight's date when inside the window and some step is still to do."""
        night = self.window.night_of(self.local_now())
        if night is None:
            return None
        state = self._load(night)
        pending = [s for s in STEPS if s not in state["done"]
                   and state["attempts"].get(s, 0) < self._max_attempts]
        return night if pending else None

    # ------------------------------------------------------------------ running
    def run_if_due(self) -> MaintenanceResult:
        night = self.window.night_of(self.local_now())
        if night is None:
            return MaintenanceResult(None, False, "outside_window")
        if self.due() is None:
            return MaintenanceResult(night, False, "already_done")
        if self._session_active():
            log.info("maintenance deferred: a session is active")
            return MaintenanceResult(night, False, "session_active")
        with RunLock(self.state_file.with_suffix(".lock")) as got:
            if not got:  # the app and the timer both called: the other one is running it
                log.info("maintenance already running in another process")
                return MaintenanceResult(night, False, "busy")
            return self.run(night)

    def run(self, night: dt.date) -> MaintenanceResult:
        """Run tonight's remaining steps (each at most once a night)."""
        state = self._load(night)
        results: list[tuple[str, str]] = []
        purged = 0
        for step in STEPS:
            if step in state["done"]:
                results.append((step, f"done earlier: {state['done'][step]}"))
                continue
            if state["attempts"].get(step, 0) >= self._max_attempts:
                results.append((step, "skipped: gave up for tonight"))
                continue
            if self._session_active():
                log.info("maintenance paused before %s: a session started", step)
                results.append((step, "skipped: session active"))
                break
            state["attempts"][step] = state["attempts"].get(step, 0) + 1
            self._save(state)
            try:
                outcome = self._run_step(step)
            except Exception as err:
                log.exception("maintenance step %s failed: %s", step, type(err).__name__)
                results.append((step, f"failed: {type(err).__name__}"))
                continue
            if step == "purge" and outcome.startswith("purged "):
                purged = int(outcome.split()[1])
            state["done"][step] = outcome
            self._save(state)
            results.append((step, outcome))
        log.info("maintenance for the night of %s: %s", night.isoformat(),
                 "; ".join(f"{s} {r}" for s, r in results))
        return MaintenanceResult(night, True, "", tuple(results), purged)

    def _run_step(self, step: str) -> str:
        db = self.outbox.db
        if step == "purge":
            return f"purged {len(self.outbox.purge_expired(self.retention_days))}"
        if step == "checkpoint":
            busy, frames, done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return f"checkpoint busy={busy} frames={frames} checkpointed={done}"
        if step == "vacuum":
            if not self._vacuum:
                return "skipped: disabled"
            path = Path(db.execute("PRAGMA database_list").fetchone()[2])
            size = path.stat().st_size + _size(path.with_name(path.name + "-wal"))
            free = self._disk_usage(path.parent)[2]
            if free < 2 * size + 64 * 1024 * 1024:
                log.warning("VACUUM skipped: %d MB free for a %d MB database", free // 2**20, size // 2**20)
                return "skipped: not enough free disk"
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return f"vacuumed {size // 1024} KiB -> {path.stat().st_size // 1024} KiB"
        if step == "rotate_logs":
            if self._rotate_logs is None:
                return "skipped: delegated to logrotate"
            self._rotate_logs()
            return "rotated"
        if step == "catalog":
            if self._refresh_catalog is None:
                return "skipped: no refresh configured"
            version = self._refresh_catalog()
            return f"refreshed {version}" if version else "refreshed"
        raise ValueError(step)


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size  # noqa: PTH116  (one stat, no exists() race)
    except FileNotFoundError:
        return 0


def maintenance_paths(data_dir: Path) -> tuple[Path, Path]:
    """``(state file, session flag)`` under the data directory."""
    return data_dir / "maintenance.json", data_dir / "session.active"


def maintenance_main(
    data_dir: Path,
    retention_days: int,
    *,
    outbox_factory: Callable[[], Outbox],
    window: MaintenanceWindow | None = None,
    force: bool = False,
    refresh_catalog: Callable[[], object] | None = None,
    vacuum: bool = True,
    now: Now = _utcnow,
    tz: dt.tzinfo | None = None,
) -> int:
    """``kiosk maintenance`` (run by ``smarthall-kiosk-maintenance.timer``): the steps the app
    has not done tonight, unless a session is active (the app's :class:`SessionFlag`).
    ``force`` runs outside the window (a technician). Log files are left to logrotate.
    Returns 0 when nothing failed (also when nothing was due)."""
    state_file, flag_file = maintenance_paths(data_dir)
    flag = SessionFlag(flag_file)
    outbox = outbox_factory()
    try:
        job = Maintenance(outbox, retention_days=retention_days, state_file=state_file, window=window,
                          now=now, tz=tz, session_active=flag.is_active, refresh_catalog=refresh_catalog,
                          vacuum=vacuum)
        if force:
            if flag.is_active():
                log.info("maintenance not forced: a session is active")
                return 1
            local = job.local_now()
            with RunLock(state_file.with_suffix(".lock")) as got:
                if not got:
                    log.info("maintenance not forced: it is running in the app right now")
                    return 1
                result = job.run(job.window.night_of(local) or local.date())
        else:
            result = job.run_if_due()
    finally:
        outbox.close()
    failed = [s for s, r in result.steps if r.startswith("failed")]
    return 1 if failed else 0


# ---------------------------------------------------------------- in the app
class SessionTracker:
    """The UI side of :class:`SessionFlag`: follows the journey's session start/end (every
    :class:`~kiosk.journey.JourneyEvent`; :func:`kiosk.journey.core.session_active`) and keeps
    the flag file in step — created when a session starts, its time refreshed at most every
    ``refresh_s`` while it lasts (so a long session never looks stale to the timer), removed
    when the session is wiped. ``active`` is the in-process answer (no file read)."""

    def __init__(self, flag: SessionFlag, *, refresh_s: float = 60.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.flag = flag
        self._refresh_s = refresh_s
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._active = False
        self._written_at: float | None = None
        self._write_failed = False

    @property
    def active(self) -> bool:
        with self._lock:
            return self._active

    def attach(self, journey: Any) -> Callable[[], None]:
        """Follow ``journey`` (a :class:`~kiosk.journey.Journey`); returns the unsubscribe."""
        self.set_active(bool(journey.session_active))
        return cast("Callable[[], None]", journey.subscribe(self.on_event))

    def on_event(self, event: Any) -> None:
        from kiosk.journey.core import session_active

        self.set_active(session_active(event.view.state))

    def set_active(self, active: bool) -> None:
        now = self._monotonic()
        with self._lock:
            changed = active != self._active
            stale = active and (self._written_at is None or now - self._written_at >= self._refresh_s)
            self._active = active
            if not (changed or stale):
                return
            try:
                self.flag.set_active(active)
            except OSError as err:  # a full disk must not take the screen down
                if not self._write_failed:
                    log.warning("session flag %s not written: %s", self.flag.path,
                                err.strerror or type(err).__name__)
                self._write_failed = True
                return
            self._write_failed = False
            self._written_at = now if active else None
        if changed:
            log.debug("citizen session %s", "started" if active else "ended")


class InAppMaintenance:
    """The app runs tonight's maintenance itself (issue 7): a worker thread checks every
    ``interval_s`` and calls :meth:`Maintenance.run_if_due` — inside the window, when no session
    is active (the :class:`SessionTracker`). The timer unit stays as the fallback when the app
    is down; the two never run at once (:class:`RunLock`) and each step runs once a night."""

    def __init__(self, job: Maintenance, tracker: SessionTracker, *, interval_s: float = 60.0,
                 on_result: Callable[[MaintenanceResult], object] | None = None) -> None:
        self.job = job
        self.tracker = tracker
        self.interval_s = interval_s
        self.on_result = on_result  # called on the worker thread after each check
        self.last: MaintenanceResult | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def attach(self, journey: Any) -> InAppMaintenance:
        self._unsubscribe = self.tracker.attach(journey)
        return self

    def check(self) -> MaintenanceResult:
        """One check (the thread's loop body; tests call it directly with a fake clock)."""
        try:
            result = self.job.run_if_due()
        except Exception as err:  # the thread must outlive a broken night
            log.exception("maintenance check failed: %s", type(err).__name__)
            result = MaintenanceResult(None, False, f"failed: {type(err).__name__}")
        self.last = result
        if self.on_result is not None:
            self.on_result(result)
        return result

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="maintenance", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.check()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.tracker.set_active(False)


def app_maintenance(config: Config, outbox: Outbox, *, refresh_catalog: Callable[[], object] | None = None,
                    interval_s: float = 60.0, now: Now = _utcnow, tz: dt.tzinfo | None = None
                    ) -> InAppMaintenance:
    """The running kiosk's maintenance (``run_kiosk`` wires it): ``[maintenance]`` window and
    VACUUM setting, ``[store] retention_days``, the state and flag files under the data
    directory. Log files stay with logrotate (as for the timer); ``refresh_catalog`` loads the
    catalogue and hands it to the journey on the GUI thread."""
    state_file, flag_file = maintenance_paths(config.paths.data_dir)
    tracker = SessionTracker(SessionFlag(flag_file))
    m = config.maintenance
    job = Maintenance(outbox, retention_days=config.store.retention_days, state_file=state_file,
                      window=MaintenanceWindow(parse_hhmm(m.window_start), parse_hhmm(m.window_end)),
                      now=now, tz=tz, session_active=lambda: tracker.active,
                      refresh_catalog=refresh_catalog, vacuum=m.vacuum)
    return InAppMaintenance(job, tracker, interval_s=interval_s)
