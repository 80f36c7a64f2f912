"""Remote config from the back office: validated, staged, tried, promoted — or rolled back (issue 7).

No Qt here; the UI's only part is :class:`kiosk.ui.watchdog_qt.QtWatchdog` calling
:meth:`ConfigRuntime.confirm_started` and :meth:`ConfigRuntime.restart_due`.

**What may change remotely.** The config document (:class:`~kiosk.sync.protocol.TerminalConfigDoc`)
carries ``settings``: config sections and keys exactly as in the terminal's TOML
(``{"session": {"idle_timeout_s": 60}}``). Only the key paths of :data:`REMOTE_ALLOWED` may
appear (a path names a key and everything under it; ``*`` is one path segment): session
timeouts, sync intervals and timeouts, services and languages offered, the terminal's display
name, retention days, logging level, maintenance window, diagnostics thresholds and device
*settings* (polling, the network receipt printer's host/port, paper width, the CUPS queue…).
Never, without a technician at the terminal: the profile, terminal id/code, paths, the keyring
and its secret, the back-office URL/CA/clock skew, the government-app key, the admin policy, a
device's driver or device node, and this module's own ``[remote_config]`` safety net.

**Validation.** :func:`check_settings` checks the allow-list and each value against its field's
model type and bounds (the back office runs it before it offers a document, the terminal again);
then the terminal validates the *full* :class:`~kiosk.config.Config` over its local file plus
the overlay (:func:`kiosk.config.apply_overlay`: the same pydantic models, the same key-path
errors, cross-field rules included). An invalid document is refused: the sync worker logs it
with the key path and remembers its ETag, ``refused.json`` records it, the heartbeat and
``kiosk diag`` say ``config refused: <key path>``, and nothing the app runs on changes.

**Staging.** Files in ``<data_dir>/remote-config/``, each written with
:func:`~kiosk.store.keyring_backend.atomic_write` (temp file, fsync, rename, directory fsync; a
kill -9 leaves the old file or the new one, never a mix), and changed only under an exclusive
``flock`` on ``.lock`` (the sync process and the app never interleave):

* ``pending.json`` — the valid overlay staged by ``kiosk sync``: version, ETag, settings;
* ``state.json`` — the app's side: the last-known-good overlay and the one before it, the trial
  (which overlay, how many starts), the last rollback and the last promotion. Promotion and
  rollback are each one atomic write of this file;
* ``refused.json`` — the last refused document and why (cleared by the next valid one);
* ``devices.json`` — the device baseline: which devices were healthy (and which required) under
  the config last confirmed, as that run last published it.

A document whose settings equal the running ones only relabels the good overlay (no restart).

**Trial, promotion, rollback.** ``kiosk run`` loads through :meth:`RemoteConfigStore.load_for_run`:
with a pending overlay it first counts the start in ``state.json`` (fsynced), then validates and
runs local file + pending *on trial*. Once READY is sent and the first screen is shown, the
GUI-thread watchdog waits ``[remote_config] healthy_s`` with its event loop turning and calls
:meth:`ConfigRuntime.settle`: pending becomes last-known-good — unless a **required device that
was healthy before the switch** is not healthy on trial (say a pushed printer port that nothing
answers on). Then the trial is rolled back at once (recorded, logged and reported in the
heartbeat like any rollback, reason ``required device(s) down on trial: …``) and the app
restarts into the last-known-good config as soon as no citizen session is active. "Before" is
the device baseline (``devices.json``) that every confirmed run (last-known-good or local file,
or a trial once promoted) records from the health it publishes for the heartbeat
(:class:`~kiosk.devices.health.HealthPublisher`) whenever that changes: a device already down
then does not count, so one broken reader does not make every new config roll back. "On
trial" is what the trial run has published by the deadline; a device not read yet (not polled,
a camera waiting for its first frame) is waited for up to ``[remote_config] device_grace_s`` more, then counts
as down. Without a baseline (none recorded yet) devices are not judged. If the app exits
non-zero, is killed, hangs (the systemd watchdog kills it) or the overlay fails validation at
start, the next start finds the counter at ``max_attempts`` and rolls back: the pending overlay
is dropped, recorded as rolled back (log, heartbeat ``config_state``, ``kiosk diag``) and the app
runs on the last-known-good one. That ETag is never staged again; a newer publication is. A
clean exit 0 before promotion (a technician closing the kiosk) does not count as a failure.

**Applying.** Most settings are read at start, so the app restarts into a new overlay: its
watchdog tick asks :meth:`ConfigRuntime.restart_due` (a few file reads every 5 s), which says yes
when a newer overlay is pending, this run's own trial is over, no citizen session is active
(:class:`~kiosk.maintenance.SessionFlag`) and — with ``apply = "maintenance_window"`` — the
nightly window is open. The app then quits with :data:`EXIT_RESTART` and ``kiosk run``
re-executes itself (same PID, so systemd's ``MAINPID`` and watchdog stay valid). ``kiosk sync``
(and every other command) runs on local file + last-known-good without any trial; the sync
loop re-executes itself when the last-known-good overlay changes. The document's live fields
(``heartbeat_s``, ``notice``, ``out_of_service``) need no restart.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import logging
import os
import time
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, TypeAdapter, ValidationError

from kiosk.atomicfile import atomic_write
from kiosk.config import Config, apply_overlay
from kiosk.devices.health import PublishedHealth, read_health_file
from kiosk.errors import ConfigError
from kiosk.maintenance import MaintenanceWindow, SessionFlag, maintenance_paths, parse_hhmm

log = logging.getLogger(__name__)

Now = Callable[[], dt.datetime]
RunMode = Literal["local", "good", "trial"]

#: key paths the back office may set (a path covers everything under it; ``*``: any one segment)
REMOTE_ALLOWED: Final[tuple[str, ...]] = (
    "terminal.name", "terminal.district", "terminal.languages", "terminal.identification",
    "terminal.services",
    "session",  # idle_timeout_s, idle_warning_s, care_mode_factor
    "store.retention_days",
    "logging.level",
    "sync.heartbeat_s", "sync.poll_s", "sync.connect_timeout_s", "sync.read_timeout_s",
    "sync.backoff_base_s", "sync.backoff_cap_s", "sync.push_concurrency",
    "maintenance",  # window_start, window_end, vacuum
    "diagnostics",
    "devices.*.required", "devices.*.poll_interval_s", "devices.*.status_timeout_s",
    "devices.receipt_printer.host", "devices.receipt_printer.port", "devices.receipt_printer.timeout_s",
    "devices.receipt_printer.paper_width_chars", "devices.receipt_printer.cut",
    "devices.receipt_printer.chinese_mode", "devices.receipt_printer.profile",
    "devices.a4_printer.queue", "devices.a4_printer.server", "devices.a4_printer.job_timeout_s",
    "devices.camera.width", "devices.camera.height", "devices.camera.fps",
    "devices.camera.stall_timeout_ms",
    "devices.scanner.decoder", "devices.scanner.max_payload_bytes",
)

#: ``kiosk run`` quits with this to be re-executed into a newly staged config
EXIT_RESTART: Final = 75
#: how ``kiosk run`` hands the running config's :class:`ConfigRuntime` to the UI's watchdog
ENV_VAR: Final = "KIOSK_REMOTE_CONFIG"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def remote_config_dir(data_dir: Path) -> Path:
    return data_dir / "remote-config"


# ---------------------------------------------------------------- allow-list and value checks
def _match(path: tuple[str, ...]) -> Literal["covered", "prefix"] | None:
    """``covered``: ``path`` is an allowed key or lies under one; ``prefix``: some allowed key lies
    under ``path`` (a section to descend into); None: not remotely configurable."""
    prefix = False
    for pattern in REMOTE_ALLOWED:
        segs = pattern.split(".")
        n = min(len(segs), len(path))
        if all(s in ("*", p) for s, p in zip(segs[:n], path[:n], strict=True)):
            if len(path) >= len(segs):
                return "covered"
            prefix = True
    return "prefix" if prefix else None


def _unwrap(annotation: Any) -> list[Any]:
    """The alternatives of a (possibly Annotated, Optional or union) annotation."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [alt for arg in typing.get_args(annotation) for alt in _unwrap(arg)]
    return [annotation]


def _models(annotations: list[Any]) -> list[type[BaseModel]]:
    return [a for ann in annotations for a in _unwrap(ann)
            if isinstance(a, type) and issubclass(a, BaseModel)]


def _field(model: type[BaseModel], key: str) -> Any | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return None


def _check_value(annotations: list[Any], value: Any, path: tuple[str, ...]) -> list[str]:
    where = ".".join(path)
    models = _models(annotations)
    if isinstance(value, dict) and models:
        # a table merges key by key over the local one: check each key against every model it
        # may belong to (a device section's drivers)
        problems = []
        for key, sub in value.items():
            fields = [f for f in (_field(m, str(key)) for m in models) if f is not None]
            if not fields:
                problems.append(f"{where}.{key}: Extra inputs are not permitted")
            else:
                problems += _check_value(fields, sub, (*path, str(key)))
        return problems
    first: list[str] = []
    for ann in annotations:
        try:
            TypeAdapter(ann).validate_python(value)
        except ValidationError as err:
            if not first:
                first = [f"{'.'.join((*path, *map(str, e['loc'])))}: {e['msg']}" for e in err.errors()]
        else:
            return []
    return first or [f"{where}: not a valid value"]


def check_settings(settings: Mapping[str, Any]) -> list[str]:
    """Problems of a document's ``settings`` (``key.path: message``; [] when none): keys outside
    :data:`REMOTE_ALLOWED`, or a value that its field's type and bounds refuse. Cross-field
    rules and the local file are the terminal's to check (:meth:`RemoteConfigStore.stage`)."""
    problems: list[str] = []

    def walk(node: Mapping[str, Any], path: tuple[str, ...], annotations: list[Any]) -> None:
        for key, value in node.items():
            here = (*path, str(key))
            verdict = _match(here)
            fields = [f for f in (_field(m, str(key)) for m in _models(annotations)) if f is not None]
            if verdict is None:
                problems.append(f"{'.'.join(here)}: not remotely configurable (only a technician may "
                                f"change it, in the terminal's local config file)")
            elif not fields:
                problems.append(f"{'.'.join(here)}: Extra inputs are not permitted")
            elif verdict == "prefix":
                if isinstance(value, dict):
                    walk(value, here, fields)
                else:
                    problems.append(f"{'.'.join(here)}: expected a table of settings")
            else:
                problems.extend(_check_value(fields, value, here))

    walk(settings, (), [Config])
    return problems


def first_key_path(problem: str) -> str:
    """``"session.idle_timeout_s"`` of ``"session.idle_timeout_s: Input should be …"``."""
    return problem.split(": ", 1)[0].strip() or "(top level)"


def _overlay_problems(err: ConfigError) -> list[str]:
    """``apply_overlay``'s lines are ``source: key.path: message``; keep ``key.path: message``."""
    return [line.split(": ", 1)[1] if ": " in line else line for line in err.detail.splitlines()]


def _paths(node: Mapping[str, Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for key, value in node.items():
        path = f"{prefix}{key}"
        out += _paths(value, path + ".") if isinstance(value, dict) and value else [path]
    return out


# ---------------------------------------------------------------- records
@dataclasses.dataclass(frozen=True)
class Overlay:
    """One remote config: the document's version and ETag, and its settings."""

    version: int
    etag: str
    settings: dict[str, Any]
    received_at: str = ""

    @property
    def label(self) -> str:
        return f"v{self.version} {self.etag.strip(chr(34))[:12]}"

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Overlay:
        if not isinstance(data, dict) or not isinstance(data.get("settings"), dict):
            raise ValueError("not an overlay record")
        return cls(int(data["version"]), str(data["etag"]), dict(data["settings"]),
                   str(data.get("received_at", "")))


@dataclasses.dataclass(frozen=True)
class RunInfo:
    """What a start runs on: the local file alone, the last-known-good overlay, or a pending one
    on trial (``attempt`` of ``max_attempts``)."""

    mode: RunMode
    overlay: Overlay | None = None
    attempt: int = 0
    note: str = ""

    @property
    def etag(self) -> str:
        return self.overlay.etag if self.overlay is not None else ""


@dataclasses.dataclass(frozen=True)
class DeviceBaseline:
    """Which devices were healthy (and which required) on the last confirmed run: the "before"
    that a trial's devices are judged against. ``etag``: the config it ran on ("" for the local
    file alone)."""

    etag: str
    healthy: frozenset[str]
    required: frozenset[str]
    at: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"etag": self.etag, "healthy": sorted(self.healthy), "required": sorted(self.required),
                "at": self.at}

    @classmethod
    def from_json(cls, data: Any) -> DeviceBaseline:
        if not isinstance(data, dict) or not isinstance(data.get("healthy"), list):
            raise ValueError("not a device baseline")
        return cls(str(data.get("etag", "")), frozenset(map(str, data["healthy"])),
                   frozenset(map(str, data.get("required", ()))), str(data.get("at", "")))

    @classmethod
    def of(cls, etag: str, health: PublishedHealth, at: str = "") -> DeviceBaseline:
        return cls(etag, health.healthy(), health.required, at)

    def same_devices(self, other: DeviceBaseline) -> bool:
        return (self.etag, self.healthy, self.required) == (other.etag, other.healthy, other.required)


@dataclasses.dataclass(frozen=True)
class DeviceCheck:
    """A trial's required devices that were healthy before it: ``down`` (read, not usable, or
    never published once the grace is over) and ``waiting`` (not read yet)."""

    down: tuple[str, ...] = ()
    waiting: tuple[str, ...] = ()
    detail: str = ""  # "receipt_printer offline device.printer.offline" …

    @property
    def healthy(self) -> bool:
        return not self.down and not self.waiting


def check_trial_devices(before: DeviceBaseline | None, now: PublishedHealth | None, *,
                        final: bool) -> DeviceCheck:
    """Judge a trial's devices (pure). Only a device that is required on trial *and* was healthy
    ``before`` counts; one that was down already does not. ``now`` None: the trial has not
    published its health (yet). ``final``: the grace is over, what is not read yet is down."""
    if before is None:
        return DeviceCheck()  # nothing to compare with: devices are not judged
    required = now.required if now is not None and now.required else before.required
    watched = sorted(before.healthy & required)
    if now is None:
        if not watched:
            return DeviceCheck()
        return (DeviceCheck(tuple(watched), (), "device health not published on trial") if final
                else DeviceCheck((), tuple(watched)))
    down: list[str] = []
    waiting: list[str] = []
    detail: list[str] = []
    for name in watched:
        if now.usable(name):
            continue
        if now.undecided(name) and not final:
            waiting.append(name)
            continue
        down.append(name)
        detail.append(f"{name} {now.devices.get(name, 'not reported')}".strip())
    return DeviceCheck(tuple(down), tuple(waiting), ", ".join(detail))


# ---------------------------------------------------------------- the store
class RemoteConfigStore:
    """The files of ``<data_dir>/remote-config`` (see the module docstring)."""

    def __init__(self, directory: Path, *, now: Now = _utcnow) -> None:
        self.dir = directory
        self._now = now

    @classmethod
    def for_config(cls, config: Config, *, now: Now = _utcnow) -> RemoteConfigStore:
        return cls(remote_config_dir(config.paths.data_dir), now=now)

    @property
    def pending_path(self) -> Path:
        return self.dir / "pending.json"

    @property
    def state_path(self) -> Path:
        return self.dir / "state.json"

    @property
    def refused_path(self) -> Path:
        return self.dir / "refused.json"

    @property
    def baseline_path(self) -> Path:
        return self.dir / "devices.json"

    def _stamp(self) -> str:
        return self._now().isoformat(timespec="seconds")

    # ------------------------------------------------------------------ files
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.dir / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _read_json(self, path: Path) -> Any:
        try:
            return json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:
            # atomic writes never leave a torn file: this one was damaged from outside
            log.error("remote config file %s is unreadable (%s); ignored", path.name, type(err).__name__)
            return None

    def _write_json(self, path: Path, data: Any | None) -> None:
        if data is None:
            if path.exists():
                path.unlink()
                fd = os.open(path.parent, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            return
        atomic_write(path, json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8"),
                     0o600)

    def _sweep(self) -> None:
        """Temp files of a writer killed mid-write (called with the lock held: no writer is alive)."""
        for tmp in self.dir.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()

    def read_pending(self) -> Overlay | None:
        data = self._read_json(self.pending_path)
        try:
            return None if data is None else Overlay.from_json(data)
        except (ValueError, KeyError, TypeError):
            log.error("remote config pending.json is not an overlay; ignored")
            return None

    def write_pending(self, overlay: Overlay | None) -> None:
        """Stage ``overlay`` (None: unstage). Public for the atomic-write test; callers hold no lock."""
        with self._locked():
            self._write_json(self.pending_path, None if overlay is None else overlay.to_json())

    def read_state(self) -> dict[str, Any]:
        data = self._read_json(self.state_path)
        return dict(data) if isinstance(data, dict) else {}

    def read_refused(self) -> dict[str, Any] | None:
        data = self._read_json(self.refused_path)
        return dict(data) if isinstance(data, dict) else None

    @staticmethod
    def _overlay(state: Mapping[str, Any], key: str) -> Overlay | None:
        try:
            return Overlay.from_json(state[key]) if state.get(key) else None
        except (ValueError, KeyError, TypeError):
            log.error("remote config state.json: %s is not an overlay; ignored", key)
            return None

    def good(self) -> Overlay | None:
        return self._overlay(self.read_state(), "good")

    def read_baseline(self) -> DeviceBaseline | None:
        data = self._read_json(self.baseline_path)
        try:
            return None if data is None else DeviceBaseline.from_json(data)
        except (ValueError, TypeError):
            log.error("remote config devices.json is not a device baseline; ignored")
            return None

    def record_baseline(self, baseline: DeviceBaseline) -> bool:
        """Keep the devices a confirmed run found healthy (written only when they changed)."""
        current = self.read_baseline()
        if current is not None and current.same_devices(baseline):
            return False
        with self._locked():
            self._write_json(self.baseline_path, dataclasses.replace(baseline, at=self._stamp()).to_json())
        log.info("device baseline for remote config trials: healthy %s", ", ".join(sorted(baseline.healthy))
                 or "none")
        return True

    # ------------------------------------------------------------------ the sync side
    def stage(self, content: Mapping[str, Any], etag: str, local: Config) -> str | None:
        """Validate a config document over ``local`` and stage it as pending. Returns None when
        it is usable (staged, or nothing to change), else the problems, one ``key.path: message``
        per line (also recorded in ``refused.json``)."""
        from kiosk.sync.protocol import TerminalConfigDoc  # the sync side only (kiosk run: not)

        try:
            doc = TerminalConfigDoc.model_validate(content)
        except ValidationError as err:
            problems = [f"{'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}" for e in err.errors()]
            version = content.get("version")
            return self._refuse(version if isinstance(version, int) else 0, etag, problems)
        if doc.settings and not local.remote_config.enabled:
            return self._refuse(doc.version, etag, ["remote_config.enabled: remote settings are switched off "
                                                    "on this terminal (local config file)"])
        problems = [f"settings.{p}" for p in check_settings(doc.settings)]
        if not problems:
            try:
                apply_overlay(local, doc.settings, f"remote config v{doc.version}")
            except ConfigError as err:
                problems = [f"settings.{p}" for p in _overlay_problems(err)]
        if problems:
            return self._refuse(doc.version, etag, problems)
        overlay = Overlay(doc.version, etag, dict(doc.settings), self._stamp())
        with self._locked():
            state = self.read_state()
            good = self._overlay(state, "good")
            rolled = state.get("rolled_back") or {}
            if rolled.get("etag") == etag:
                reason = (f"{overlay.label} was rolled back on this terminal ({rolled.get('reason', '')}); "
                          "waiting for a newer publication")
                log.info("remote config %s not staged again: it was rolled back", overlay.label)
                return reason
            if good is not None and doc.version < good.version:
                problem = f"version: {doc.version} is older than the running v{good.version}"
                self._write_refused(overlay, [problem])
                return problem
            self._write_json(self.refused_path, None)
            if (good.settings if good is not None else {}) == overlay.settings:
                # the running settings under a new label: nothing to restart for
                if good is not None and good.etag != etag:
                    state["good"] = overlay.to_json()
                    self._write_json(self.state_path, state)
                self._write_json(self.pending_path, None)
                log.info("remote config %s has the running settings; no restart needed", overlay.label)
                return None
            pending = self.read_pending()
            if pending is not None and pending.etag == etag:
                return None
            self._write_json(self.pending_path, overlay.to_json())
        log.info("remote config %s staged (%s); the app restarts into it when idle", overlay.label,
                 ", ".join(_paths(overlay.settings)) or "no settings")
        return None

    def _refuse(self, version: int, etag: str, problems: list[str]) -> str:
        overlay = Overlay(version, etag, {}, self._stamp())
        with self._locked():
            self._write_refused(overlay, problems)
        log.info("remote config %s refused, the running config is untouched: %s", overlay.label, problems[0])
        return "\n".join(problems)

    def _write_refused(self, overlay: Overlay, problems: list[str]) -> None:
        self._write_json(self.refused_path, {
            "version": overlay.version, "etag": overlay.etag, "at": self._stamp(),
            "key_path": first_key_path(problems[0]), "problems": problems[:50]})

    # ------------------------------------------------------------------ the app side
    def load_for_run(self, local: Config) -> tuple[Config, RunInfo]:
        """The config ``kiosk run`` starts with (see the module docstring): counts a trial start
        durably *before* the pending overlay is used; rolls back an exhausted or invalid one."""
        if not local.remote_config.enabled:
            return local, RunInfo("local", note="remote settings switched off")
        try:
            return self._load_for_run(local)
        except OSError as err:
            # the trial cannot be counted (read-only or full disk): no trial, nothing written
            log.error("remote config state cannot be updated (%s); starting without trying a pending "
                      "config", err.strerror or type(err).__name__)
            good = self._overlay(self.read_state(), "good")
            config = self.load_current(local)
            return config, RunInfo("good" if good is not None and config is not local else "local",
                                   good if config is not local else None, note="state not writable")

    def _load_for_run(self, local: Config) -> tuple[Config, RunInfo]:
        max_attempts = local.remote_config.max_attempts
        with self._locked():
            self._sweep()
            state = self.read_state()
            good = self._overlay(state, "good")
            pending = self.read_pending()
            rolled = state.get("rolled_back") or {}
            if pending is not None and (pending.etag == rolled.get("etag")
                                        or (good is not None and pending.etag == good.etag)):
                self._write_json(self.pending_path, None)  # decided already (a crash came between)
                pending = None
            if pending is not None:
                trial = state.get("trial") or {}
                if trial.get("etag") != pending.etag:
                    trial = {"etag": pending.etag, "version": pending.version, "attempts": 0,
                             "overlay": pending.to_json()}
                attempts = int(trial.get("attempts", 0))
                if attempts >= max_attempts:
                    self._rollback_locked(state, pending, f"no healthy start in {attempts} attempt(s)")
                else:
                    trial.update(attempts=attempts + 1, last_start_at=self._stamp())
                    state["trial"] = trial
                    self._write_json(self.state_path, state)  # counted before it is used
                    try:
                        config = apply_overlay(local, pending.settings, f"remote config {pending.label}")
                    except ConfigError as err:
                        problem = _overlay_problems(err)[0]
                        self._rollback_locked(state, pending, f"invalid at start: {problem}")
                    else:
                        log.info("starting on remote config %s on trial (start %d of %d)", pending.label,
                                 attempts + 1, max_attempts)
                        return config, RunInfo("trial", pending, attempts + 1)
                good = self._overlay(state, "good")
        if good is not None:
            try:
                config = apply_overlay(local, good.settings, f"remote config {good.label}")
            except ConfigError as err:
                log.error("last-known-good remote config %s does not fit the local config file; running on "
                          "the local file alone: %s", good.label, _overlay_problems(err)[0])
                return local, RunInfo("local", note=f"good {good.label} invalid over the local file")
            log.info("running on remote config %s", good.label)
            return config, RunInfo("good", good)
        return local, RunInfo("local")

    def _rollback_locked(self, state: dict[str, Any], overlay: Overlay, reason: str) -> None:
        good = self._overlay(state, "good")
        state["trial"] = None
        state["rolled_back"] = {"version": overlay.version, "etag": overlay.etag, "reason": reason[:500],
                                "at": self._stamp()}
        self._write_json(self.state_path, state)  # the decision; the pending file goes after it
        pending = self.read_pending()
        if pending is not None and pending.etag == overlay.etag:
            self._write_json(self.pending_path, None)
        log.error("remote config %s rolled back to %s: %s", overlay.label,
                  good.label if good is not None else "the local config file", reason)

    def load_current(self, local: Config) -> Config:
        """Local file + last-known-good overlay (no trial): every command but ``kiosk run``."""
        if not local.remote_config.enabled or not self.state_path.exists():
            return local
        good = self.good()
        if good is None:
            return local
        try:
            return apply_overlay(local, good.settings, f"remote config {good.label}")
        except ConfigError as err:
            log.warning("last-known-good remote config %s does not fit the local config file; using the "
                        "local file alone: %s", good.label, _overlay_problems(err)[0])
            return local

    def confirm(self, etag: str) -> bool:
        """Promote the overlay on trial (``etag``) to last-known-good; False when it is not the
        one on trial any more."""
        with self._locked():
            state = self.read_state()
            trial = state.get("trial") or {}
            if trial.get("etag") != etag:
                return False
            overlay = Overlay.from_json(trial["overlay"])
            if state.get("good"):
                state["previous"] = state["good"]
            state.update(good=overlay.to_json(), trial=None,
                         promoted={"version": overlay.version, "etag": etag, "at": self._stamp()})
            self._write_json(self.state_path, state)  # the promotion
            pending = self.read_pending()
            if pending is not None and pending.etag == etag:
                self._write_json(self.pending_path, None)
        log.info("remote config %s promoted to last-known-good after a healthy start", overlay.label)
        return True

    def reject_trial(self, etag: str, reason: str) -> bool:
        """Roll back the overlay on trial (``etag``) while it runs (its devices are not healthy);
        False when it is not the one on trial any more."""
        with self._locked():
            state = self.read_state()
            trial = state.get("trial") or {}
            if trial.get("etag") != etag:
                return False
            self._rollback_locked(state, Overlay.from_json(trial["overlay"]), reason)
        return True

    def release_attempt(self, etag: str) -> None:
        """A clean stop (exit 0) before promotion: that start does not count as a failure."""
        with self._locked():
            state = self.read_state()
            trial = state.get("trial") or {}
            if trial.get("etag") == etag and int(trial.get("attempts", 0)) > 0:
                trial["attempts"] = int(trial["attempts"]) - 1
                state["trial"] = trial
                self._write_json(self.state_path, state)

    def restart_candidate(self, running_etag: str) -> Overlay | None:
        """A staged overlay the app is not running yet and has not rolled back."""
        pending = self.read_pending()
        if pending is None or pending.etag == running_etag:
            return None
        state = self.read_state()
        if pending.etag == (state.get("rolled_back") or {}).get("etag"):
            return None
        good = self._overlay(state, "good")
        if good is not None and good.etag == pending.etag:
            return None
        return pending

    # ------------------------------------------------------------------ technicians
    def rollback(self, *, to_local: bool = False) -> str:
        """``kiosk config rollback``: drop the pending overlay (recorded as rolled back, never
        staged again); with none pending, replace the last-known-good overlay by the one before
        it (or by the local file alone: ``to_local`` or no earlier one). Returns what was done;
        the running app picks it up at its next start."""
        with self._locked():
            state = self.read_state()
            pending = self.read_pending()
            if pending is not None and not to_local:
                self._rollback_locked(state, pending, "rolled back by a technician (kiosk config rollback)")
                return f"pending {pending.label} dropped"
            if pending is not None:  # to_local: the pending one goes too
                self._rollback_locked(state, pending, "rolled back by a technician (kiosk config rollback)")
            good = self._overlay(state, "good")
            if good is None:
                if pending is not None:
                    return f"pending {pending.label} dropped; the terminal runs on its local config file"
                return "nothing to roll back: the terminal runs on its local config file"
            target = None if to_local else self._overlay(state, "previous")
            state["rolled_back"] = {"version": good.version, "etag": good.etag, "at": self._stamp(),
                                    "reason": "rolled back by a technician (kiosk config rollback)"}
            state.update(good=None if target is None else target.to_json(), previous=None, trial=None)
            self._write_json(self.state_path, state)
        now_on = target.label if target is not None else "the local config file alone"
        log.warning("remote config %s rolled back by a technician: now %s", good.label, now_on)
        return f"{good.label} rolled back; now {now_on} (restart the kiosk to apply)"

    def status(self) -> dict[str, Any]:
        """Everything for ``kiosk config show --json`` and diagnostics (no personal data here)."""
        state = self.read_state()
        pending = self.read_pending()
        baseline = self.read_baseline()
        return {
            "good": state.get("good"), "previous": state.get("previous"),
            "trial": _no_overlay(state.get("trial")),
            "pending": pending.to_json() if pending is not None else None,
            "rolled_back": state.get("rolled_back"), "promoted": state.get("promoted"),
            "refused": self.read_refused(),
            "devices_before": baseline.to_json() if baseline is not None else None,
        }

    def summary(self) -> tuple[str, str, bool]:
        """``(config_version, config_state, warn)`` for the heartbeat and ``kiosk diag``."""
        if not self.dir.exists():
            return "", "local", False
        state = self.read_state()
        good = self._overlay(state, "good")
        pending = self.read_pending()
        refused = self.read_refused()
        parts = ["good" if good is not None else "local"]
        warn = False
        trial = state.get("trial") or {}
        if pending is not None and trial.get("etag") == pending.etag:
            parts.append(f"trial v{pending.version} (start {trial.get('attempts', 0)})")
        elif pending is not None:
            parts.append(f"pending v{pending.version}")
        rolled = state.get("rolled_back")
        promoted = state.get("promoted") or {}
        if rolled and str(rolled.get("at", "")) >= str(promoted.get("at", "")):
            parts.append(f"rolled back v{rolled.get('version')}: {rolled.get('reason', '')}")
            warn = True
        if refused:
            parts.append(f"config refused: {refused.get('key_path', '')} (v{refused.get('version')})")
            warn = True
        return (good.label if good is not None else ""), "; ".join(parts)[:300], warn


def _no_overlay(trial: Any) -> Any:
    if isinstance(trial, dict):
        return {k: v for k, v in trial.items() if k != "overlay"}
    return trial


# ---------------------------------------------------------------- the running app
Outcome = Literal["promoted", "rolled_back", "wait", "none"]


class ConfigRuntime:
    """What the running ``kiosk run`` does about remote config, driven by the GUI-thread
    watchdog: :meth:`settle` after ``healthy_s`` (trial → last-known-good, or rolled back when
    its devices are not healthy) and :meth:`restart_due` on its ticks (which also keeps the
    device baseline of a confirmed run). Handed to the UI through :data:`ENV_VAR`
    (:meth:`to_env` / :meth:`from_env`), like systemd's ``NOTIFY_SOCKET``.

    ``health_dir``: where the app publishes its device health (the data directory; None: devices
    are not judged and no baseline is kept)."""

    def __init__(self, store: RemoteConfigStore, run: RunInfo, *, healthy_s: float,
                 apply: str = "when_idle", window: MaintenanceWindow | None = None,
                 session_flag: SessionFlag | None = None, health_dir: Path | None = None,
                 device_grace_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, now: Now = _utcnow,
                 wall: Callable[[], float] = time.time, check_every_s: float = 5.0) -> None:
        self.store = store
        self.run = run
        self.healthy_s = healthy_s
        self.apply = apply
        self.window = window or MaintenanceWindow()
        self.session_flag = session_flag
        self.health_dir = health_dir
        self.device_grace_s = device_grace_s
        self._clock = clock
        self._now = now
        self._wall = wall
        # a health file written before this process started is a predecessor's (killed -9)
        self._started_wall = wall()
        self.check_every_s = check_every_s
        self._next_check = 0.0
        self._grace_until: float | None = None
        self._told_waiting = False
        self.confirmed = run.mode != "trial"
        self.rolled_back = False

    @classmethod
    def for_run(cls, config: Config, store: RemoteConfigStore, run: RunInfo) -> ConfigRuntime:
        rc, m = config.remote_config, config.maintenance
        flag = SessionFlag(maintenance_paths(config.paths.data_dir)[1])
        return cls(store, run, healthy_s=rc.healthy_s, apply=rc.apply, session_flag=flag,
                   window=MaintenanceWindow(parse_hhmm(m.window_start), parse_hhmm(m.window_end)),
                   health_dir=config.paths.data_dir, device_grace_s=rc.device_grace_s)

    def to_env(self) -> str:
        flag = self.session_flag
        return json.dumps({
            "dir": str(self.store.dir), "mode": self.run.mode, "attempt": self.run.attempt,
            "overlay": self.run.overlay.to_json() if self.run.overlay is not None else None,
            "healthy_s": self.healthy_s, "apply": self.apply,
            "window": [self.window.start.strftime("%H:%M"), self.window.end.strftime("%H:%M")],
            "session_flag": str(flag.path) if flag is not None else None,
            "health_dir": str(self.health_dir) if self.health_dir is not None else None,
            "device_grace_s": self.device_grace_s,
        })

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ConfigRuntime | None:
        raw = (os.environ if env is None else env).get(ENV_VAR)
        if not raw:
            return None
        try:
            data = json.loads(raw)
            overlay = Overlay.from_json(data["overlay"]) if data.get("overlay") else None
            run = RunInfo(data["mode"], overlay, int(data.get("attempt", 0)))
            flag = SessionFlag(Path(data["session_flag"])) if data.get("session_flag") else None
            window = MaintenanceWindow(*(parse_hhmm(t) for t in data["window"]))
            health_dir = Path(data["health_dir"]) if data.get("health_dir") else None
            return cls(RemoteConfigStore(Path(data["dir"])), run, healthy_s=float(data["healthy_s"]),
                       apply=str(data["apply"]), window=window, session_flag=flag, health_dir=health_dir,
                       device_grace_s=float(data.get("device_grace_s", 60.0)))
        except (ValueError, KeyError, TypeError) as err:
            log.error("%s is malformed (%s); remote config promotion disabled", ENV_VAR, type(err).__name__)
            return None

    @property
    def awaiting_confirmation(self) -> bool:
        return not self.confirmed

    def published_health(self) -> PublishedHealth | None:
        """This run's published device health; None before it published any."""
        if self.health_dir is None:
            return None
        health = read_health_file(self.health_dir)
        if health is None or health.at < self._started_wall - 1.0:  # a predecessor's file
            return None
        return health

    def settle(self) -> Outcome:
        """``healthy_s`` after READY (the UI up, its loop turning): promote this run's trial
        overlay, or roll it back when a required device that was healthy before is not
        (:func:`check_trial_devices`). ``wait``: a device is not read yet — ask again shortly
        (after ``device_grace_s`` it counts as down). Decides once; ``none``: nothing to decide,
        or it was decided otherwise meanwhile."""
        if self.confirmed:
            return "none"
        if self.health_dir is not None:
            now = self._clock()
            if self._grace_until is None:
                self._grace_until = now + self.device_grace_s
            final = now >= self._grace_until
            check = check_trial_devices(self.store.read_baseline(), self.published_health(), final=final)
            if check.waiting:
                if not self._told_waiting:
                    self._told_waiting = True
                    log.info("remote config on trial: waiting up to %.0f s for device(s) %s before deciding",
                             self.device_grace_s, ", ".join(check.waiting))
                return "wait"
            if check.down:
                self.confirmed = True
                down = check.detail or ", ".join(check.down)
                reason = f"required device(s) down on trial, healthy before: {down}"
                self.rolled_back = self.store.reject_trial(self.run.etag, reason)
                return "rolled_back" if self.rolled_back else "none"
        self.confirmed = True
        return "promoted" if self.store.confirm(self.run.etag) else "none"

    def confirm_started(self) -> bool:
        """:meth:`settle` for callers that only ask "promoted?"."""
        return self.settle() == "promoted"

    def finish(self, exit_code: int) -> None:
        """``kiosk run`` is returning: a clean exit 0 before promotion does not count as a failure."""
        if not self.confirmed and exit_code == 0:
            self.store.release_attempt(self.run.etag)

    def record_baseline(self) -> bool:
        """A confirmed run (not a trial, nor one rolled back) keeps the devices it finds healthy
        as the baseline for the next trial (:meth:`RemoteConfigStore.record_baseline`)."""
        if not self.confirmed or self.rolled_back:
            return False
        health = self.published_health()
        if health is None:
            return False
        return self.store.record_baseline(DeviceBaseline.of(self.run.etag, health))

    def restart_due(self) -> bool:
        """Rate-limited: True when a newer overlay is staged (or this run's trial was rolled back),
        this run's trial is over, no session is active and (``apply = "maintenance_window"``,
        not for a rollback) the window is open. Keeps the device baseline on the way."""
        now = self._clock()
        if now < self._next_check or not self.confirmed:
            return False
        self._next_check = now + self.check_every_s
        try:
            self.record_baseline()
        except OSError as err:  # the baseline is a help, not a reason to stop serving
            log.warning("device baseline not recorded: %s", err.strerror or type(err).__name__)
        if self.session_flag is not None and self.session_flag.is_active():
            return False
        if self.rolled_back:
            log.info("restarting on the last-known-good config (remote config %s rolled back; no session "
                     "active)", self.run.overlay.label if self.run.overlay is not None else "")
            return True
        candidate = self.store.restart_candidate(self.run.etag)
        if candidate is None:
            return False
        if self.apply == "maintenance_window" and self.window.night_of(self._now().astimezone()) is None:
            return False
        log.info("restarting to apply remote config %s (no session active)", candidate.label)
        return True


def diagnostic_check(store: RemoteConfigStore) -> Any:
    """The ``config.remote`` line of ``kiosk diag``: what runs, what is pending, the last
    rollback or refusal (a warning; the terminal still serves)."""
    from kiosk.diagnostics.report import Check, Level

    version, state, warn = store.summary()
    summary = f"{'remote config ' + version if version else 'local config file alone'}: {state}"
    data = (("version", version), ("state", state))
    return Check("config.remote", "system", Level.WARN if warn else Level.OK, False, summary[:160], "", data)
