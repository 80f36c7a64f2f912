"""Command line: ``kiosk [--config FILE] demo | queue | catalog | sync | enroll | backoffice``.

Every command takes ``--config FILE`` (a TOML file naming a profile and overriding its keys);
without it the embedded ``demo`` profile is used. Errors print the translated message for their
key plus the technician detail, and exit non-zero.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from kiosk.config import Config, load_config
from kiosk.errors import KioskError
from kiosk.log import setup_logging
from kiosk.messages import translate
from kiosk.texttable import text_table

if TYPE_CHECKING:
    import threading

    from kiosk.store.crypto import KeyringLike
    from kiosk.store.outbox import Outbox


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    return "\n".join(text_table(headers, rows))


# ---------------------------------------------------------------- queue
def cmd_queue(config: Config, args: argparse.Namespace) -> int:
    from kiosk.app import open_outbox
    from kiosk.store.outbox import row_as_dict

    outbox = open_outbox(config, sweep=False)
    try:
        if args.queue_cmd == "list":
            rows = outbox.list_rows(args.status, limit=args.limit)
            if args.json:
                print(json.dumps([row_as_dict(r) for r in rows], ensure_ascii=False, indent=2))
                return 0
            print(_table(
                ["uuid", "tracking no", "item", "status", "created (UTC)", "files", "case no"],
                [[r.uuid, r.tracking_no, r.item_code, r.status, r.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                  len(r.attachments), r.case_no] for r in rows],
            ))
            stats = outbox.stats()
            age = stats["oldest_unsent_age_s"]
            print(f"\n{len(rows)} shown; unsent {stats['unsent']}, parked {stats['parked']}, "
                  f"oldest unsent {'-' if age is None else f'{age:.0f} s'}")
        elif args.queue_cmd == "show":
            row = outbox.find_by_tracking(args.id) or outbox.get(args.id)
            out = row_as_dict(row)
            out["personal_data"] = "purged" if row.purged_at else "encrypted (not shown)"
            out["audit"] = outbox.audit_trail(row.uuid)
            print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        elif args.queue_cmd == "purge":
            days = config.store.retention_days if args.days is None else args.days
            uuids = outbox.purge_expired(days, dry_run=args.dry_run)
            verb = "would purge" if args.dry_run else "purged"
            print(f"{verb} personal data of {len(uuids)} submission(s) accepted more than {days} day(s) ago")
            for uid in uuids:
                print(f"  {uid}")
    finally:
        outbox.close()
    return 0


# ---------------------------------------------------------------- catalog
def cmd_catalog(config: Config, args: argparse.Namespace) -> int:
    from kiosk.app import open_catalog

    catalog = open_catalog(config)
    lang = args.lang or config.default_language
    if args.catalog_cmd == "validate":
        print(f"catalogue {catalog.version}: {len(catalog.items())} items, "
              f"{len(catalog.policies())} policies, valid")
        return 0
    items = (catalog.search(args.query, limit=50) if args.catalog_cmd == "search"
             else catalog.offered(config.profile, config.terminal.services))
    print(_table(["code", "name", "channel", "days", "profiles"],
                 [[i.code, i.name.get(lang), i.channel, i.promised_days, ",".join(i.profiles)]
                  for i in items]))
    return 0


# ---------------------------------------------------------------- devices
def cmd_devices(config: Config, args: argparse.Namespace) -> int:
    from kiosk.app import open_devices
    from kiosk.devices.exercise import exercise

    devices = open_devices(config, strict=False)
    try:
        statuses = devices.health.poll_all()
        print(_table(
            ["device", "driver", "required", "status", "reason", "detail"],
            [[name, getattr(config.devices, _SECTION[name]).driver,
              "yes" if devices.health.monitors[name].required else "no",
              st.state, st.reason, st.detail] for name, st in statuses.items()],
        ))
        failures: list[str] = []
        if devices.simulators and not args.no_exercise:
            print("\nexercising the simulated devices through their real drivers:")
            failures = exercise(config, devices, print)
        down = devices.health.required_down()
        if down:
            print(f"\nrequired device(s) not usable: {', '.join(down)}")
        return 1 if down or failures else 0
    finally:
        devices.close()


_SECTION = {"id_card_reader": "idcard", "camera": "camera", "code_scanner": "scanner",
            "receipt_printer": "receipt_printer", "a4_printer": "a4_printer"}


# ---------------------------------------------------------------- diagnostics, admin, maintenance
def cmd_diag(config: Config, args: argparse.Namespace) -> int:
    from kiosk.admin import AuditLog, admin_paths
    from kiosk.app import open_catalog, open_devices, open_outbox
    from kiosk.diagnostics import Thresholds, diag_main
    from kiosk.remote_config import RemoteConfigStore, diagnostic_check

    d = config.diagnostics
    return diag_main(config, as_json=args.json, report=args.report,
                     devices_factory=lambda c: open_devices(c, strict=False),
                     outbox_factory=lambda c: open_outbox(c, sweep=False),
                     catalog_factory=open_catalog, link_test_factory=_link_test,
                     audit=AuditLog(admin_paths(config.paths.data_dir)[1]),
                     thresholds=Thresholds(disk_fail_mb=d.disk_fail_mb, disk_warn_mb=d.disk_warn_mb,
                                           queue_stale_s=d.queue_stale_s),
                     log_lines=d.log_lines,
                     extra_checks=[diagnostic_check(RemoteConfigStore.for_config(config))])


def _link_test(config: Config) -> Any:
    """A signed whoami proves credential and clock; a plain ping when not enrolled yet."""
    from kiosk.app import build_keyring
    from kiosk.diagnostics import link_test_from
    from kiosk.sync.client import SyncClient
    from kiosk.sync.credentials import load_credentials

    creds = load_credentials(build_keyring(config))
    s = config.sync
    client = SyncClient(s.url, creds, connect_timeout_s=s.connect_timeout_s,
                        read_timeout_s=s.read_timeout_s,
                        ca_file=str(s.ca_file) if s.ca_file else None)
    return link_test_from(client.whoami if creds else client.ping)


def cmd_admin(config: Config, args: argparse.Namespace) -> int:
    from kiosk.admin import AdminPolicy
    from kiosk.admin.command import admin_main
    from kiosk.app import build_keyring

    a = config.admin
    return admin_main(config.paths.data_dir, build_keyring(config), args.admin_cmd,
                      policy=AdminPolicy(max_attempts=a.max_attempts, lockout_s=a.lockout_s,
                                         min_length=a.pin_min_length))


def cmd_maintenance(config: Config, args: argparse.Namespace) -> int:
    from kiosk.app import open_outbox
    from kiosk.maintenance import MaintenanceWindow, maintenance_main, parse_hhmm

    setup_logging(config.logging.level, None, stream=True)  # journald; logrotate owns the files
    m = config.maintenance
    return maintenance_main(config.paths.data_dir, config.store.retention_days,
                            outbox_factory=lambda: open_outbox(config, sweep=False),
                            window=MaintenanceWindow(parse_hhmm(m.window_start), parse_hhmm(m.window_end)),
                            force=args.force, vacuum=m.vacuum)


# ---------------------------------------------------------------- remote config
def cmd_config(config: Config, args: argparse.Namespace) -> int:
    """``kiosk config show | pending | rollback | check FILE`` (``config``: the local file alone)."""
    from kiosk.remote_config import RemoteConfigStore, check_settings

    store = RemoteConfigStore.for_config(config)
    if args.config_cmd == "rollback":
        print(store.rollback(to_local=args.to_local))
        return 0
    if args.config_cmd == "check":
        return _config_check(config, args.file, check_settings)
    status = store.status()
    version, state, warn = store.summary()
    if args.config_cmd == "pending":
        out = {"pending": status["pending"], "trial": status["trial"], "state": state}
        if args.json:
            print(json.dumps(out, ensure_ascii=False, indent=2))
        elif status["pending"] is None:
            print(f"nothing pending ({state})")
        else:
            pending = status["pending"]
            trial = status["trial"] or {}
            print(f"pending       v{pending['version']} {pending['etag']} (staged {pending['received_at']})")
            print(f"trial starts  {trial.get('attempts', 0)} of {config.remote_config.max_attempts}")
            for path, value in _flatten(pending["settings"]):
                print(f"  {path} = {json.dumps(value, ensure_ascii=False)}")
        return 0
    effective = store.load_current(config)
    if args.json:
        status.update(version=version, state=state,
                      effective=effective.model_dump(mode="json", by_alias=True) if args.effective else None)
        print(json.dumps(status, ensure_ascii=False, indent=2, default=str))
        return 0
    good = status["good"]
    print(f"running       {('remote config ' + version) if version else 'the local config file alone'}")
    print(f"state         {state}")
    if good:
        for path, value in _flatten(good["settings"]):
            print(f"  {path} = {json.dumps(value, ensure_ascii=False)}")
    for name in ("rolled_back", "promoted"):
        event = status[name]
        if event:
            reason = f": {event['reason']}" if event.get("reason") else ""
            print(f"{name.replace('_', ' '):<14}v{event['version']} at {event['at']}{reason}")
    refused = status["refused"]
    if refused:
        print(f"refused       v{refused['version']} at {refused['at']}:")
        for problem in refused["problems"]:
            print(f"  {problem}")
    if args.effective:
        print(json.dumps(effective.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2))
    return 1 if warn else 0


def _flatten(node: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in node.items():
        if isinstance(value, dict) and value:
            out += _flatten(value, f"{prefix}{key}.")
        else:
            out.append((f"{prefix}{key}", value))
    return out


def _config_check(config: Config, path: Path, check_settings: Any) -> int:
    """Validate a config document (JSON) as the terminal would, without staging it."""
    from pydantic import ValidationError

    from kiosk.config import apply_overlay
    from kiosk.errors import ConfigError
    from kiosk.sync.protocol import TerminalConfigDoc

    try:
        doc = TerminalConfigDoc.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as err:
        print(f"{path}: not a config document: {err}", file=sys.stderr)
        return 1
    problems = check_settings(doc.settings)
    if not problems:
        try:
            apply_overlay(config, doc.settings, str(path))
        except ConfigError as err:
            problems = [line.split(": ", 1)[1] for line in err.detail.splitlines()]
    for problem in problems:
        print(f"{path}: settings.{problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"{path}: v{doc.version} valid over this terminal's config file")
    return 0


# ---------------------------------------------------------------- demo
def _has_display() -> bool:
    import os

    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    """The kiosk window on a desktop; the headless journey where there is no display; the real
    UI driven offscreen by a script (one screenshot per step) with ``--screenshots``. Always
    on simulated devices (behind the real drivers): a hall or remote profile's real devices are
    for ``kiosk run``."""
    from kiosk.devices.config import DevicesConfig

    if config.devices != DevicesConfig():
        print(f"demo: simulated devices in place of the {config.profile} profile's")
        config = config.model_copy(update={"devices": DevicesConfig()})
    if args.screenshots is not None or (not args.headless and _has_display()):
        from kiosk.ui import run_kiosk

        script = args.script
        if args.screenshots is not None and script is None:
            script = Path(__file__).resolve().parent.parent / "assets" / "demo" / "ui-business-licence.json"
        return run_kiosk(config, script=script, screenshots=args.screenshots, fullscreen=not args.window)
    from kiosk.demo import run_headless_demo

    if not args.headless:
        print("no display: running the headless journey (kiosk demo --headless)\n")
    return run_headless_demo(config, script=args.script)


def cmd_run(config: Config, args: argparse.Namespace) -> int:
    """The terminal's main job: the full-screen kiosk (systemd starts this under cage).

    ``config`` is the local file alone: a staged remote config is tried here (the start counted
    first), the last-known-good one used otherwise, and the app re-executes itself when it
    quits to apply a newer one (:mod:`kiosk.remote_config`)."""
    import os

    from kiosk.remote_config import ENV_VAR, EXIT_RESTART, ConfigRuntime, RemoteConfigStore
    from kiosk.ui import run_kiosk

    # the trial and rollback decisions are logged to the configured log, not only to stderr
    setup_logging(config.logging.level, config.paths.log_file)
    store = RemoteConfigStore.for_config(config)
    effective, run = store.load_for_run(config)
    runtime = ConfigRuntime.for_run(effective, store, run)
    os.environ[ENV_VAR] = runtime.to_env()  # for the UI's watchdog (kiosk.ui.watchdog_qt)
    code = 70
    try:
        code = run_kiosk(effective, fullscreen=not args.window)
    finally:
        runtime.finish(code)
    if code == EXIT_RESTART:
        # a newly staged config to try, or back to the last-known-good one after a rollback
        # (the runtime logged which, and why, just before)
        _reexec(args.argv, "to switch remote config")
    return code


def _reexec(argv: Sequence[str], why: str) -> NoReturn:
    """Replace this process by a fresh ``kiosk`` with the same arguments (same PID, so systemd's
    MAINPID and watchdog stay valid)."""
    import logging
    import os

    logging.getLogger(__name__).info("restarting %s", why)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "kiosk", *argv])  # noqa: S606


# ---------------------------------------------------------------- sync
def _sync_logging(config: Config) -> None:
    from kiosk.log import SessionSecrets, setup_process_logging

    # the journal under systemd, else kiosk-sync.log: never the app's file (one rotator per file)
    setup_process_logging(config.logging.level, config.paths.log_file, "sync", secrets=SessionSecrets())


def cmd_sync(config: Config, args: argparse.Namespace) -> int:
    import signal
    import threading

    from kiosk.app import build_keyring, build_sync_worker, open_outbox
    from kiosk.sync.worker import SyncLock

    ring = build_keyring(config)
    outbox = open_outbox(config, ring, sweep=False)
    try:
        if args.sync_cmd == "status":
            return _sync_status(config, outbox, ring, args.json)
        _sync_logging(config)
        worker = build_sync_worker(config, outbox, ring, local_config=getattr(args, "local_config", None))
        with SyncLock(config.paths.data_dir / "sync.lock"):
            worker.recover()
            if args.once:
                report = worker.run_once()
                refused = ",".join(report.documents_refused)
                print(f"accepted {len(report.accepted)}, retried {report.retried},"
                      f" parked {len(report.parked)}, status updates {report.statuses_applied},"
                      f" documents {','.join(report.documents_updated) or '-'}"
                      f"{f' (refused: {refused})' if refused else ''},"
                      f" heartbeat {'sent' if report.heartbeat_sent else '-'}")
                for key in sorted(set(report.errors)):
                    print(f"  {translate(key.split(':')[0], 'en')} [{key}]")
                return 0 if report.ok else 1
            stop = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            changed = _watch_remote_config(config, stop)
            worker.run(stop)
    finally:
        outbox.close()
    if changed.is_set():
        _reexec(args.argv, "the sync loop: the app promoted another remote config")
    return 0


def _watch_remote_config(config: Config, stop: threading.Event) -> threading.Event:
    """Set the returned event and ``stop`` when the last-known-good remote config changes (the
    app promoted or rolled back one): the sync loop then re-executes itself to run on it."""
    import threading

    from kiosk.remote_config import RemoteConfigStore

    store = RemoteConfigStore.for_config(config)

    def label() -> str:
        good = store.good() if store.state_path.exists() else None
        return good.etag if good is not None else ""

    changed = threading.Event()
    start = label()

    def watch() -> None:
        while not stop.wait(config.sync.poll_s):
            if label() != start:
                changed.set()
                stop.set()

    threading.Thread(target=watch, name="remote-config-watch", daemon=True).start()
    return changed


def _sync_status(config: Config, outbox: Outbox, ring: KeyringLike, as_json: bool) -> int:
    from kiosk.sync.credentials import load_credentials

    creds = load_credentials(ring)
    meta = {k: outbox.get_meta(k) for k in (
        "sync.last_ok_at", "sync.last_error", "sync.last_heartbeat_at", "sync.status_cursor",
        "sync.etag.catalog", "sync.etag.config", "sync.refused_etag.catalog", "sync.refused.catalog",
        "sync.refused_etag.config", "sync.refused.config")}
    stats = outbox.stats()
    backlog = outbox.sync_backlog()
    if as_json:
        print(json.dumps({"url": config.sync.url, "terminal_id": creds.terminal_id if creds else None,
                          "stats": stats, "meta": meta, "backlog": backlog}, ensure_ascii=False, indent=2))
        return 0
    age = stats["oldest_unsent_age_s"]
    print(f"back office   {config.sync.url}")
    enrolled = creds.terminal_id if creds else "not enrolled (kiosk enroll --url URL --code CODE)"
    print(f"terminal      {enrolled}")
    print(f"unsent        {stats['unsent']} (oldest {'-' if age is None else f'{age:.0f} s'}),"
          f" parked {stats['parked']}")
    for key, value in meta.items():
        if value:
            print(f"{key:<26}{value.splitlines()[0][:100]}")
    if backlog:
        print()
        print(_table(
            ["uuid", "tracking no", "status", "tries", "next attempt", "uploaded", "last error / reason"],
            [[b["uuid"], b["tracking_no"], b["status"], b["attempts"], (b["next_attempt_at"] or "")[:19],
              f"{b['uploaded']}/{b['bytes']}", (b["reason"] or b["last_error"] or "")[:60]]
             for b in backlog]))
    return 0


def cmd_enroll(config: Config, args: argparse.Namespace) -> int:
    from kiosk import __version__
    from kiosk.app import build_keyring
    from kiosk.config import SyncConfig
    from kiosk.sync.client import SyncClient
    from kiosk.sync.credentials import enrol

    url = SyncConfig(url=args.url or config.sync.url).url  # same URL rules as the config
    if url != config.sync.url:
        print(f"note: enrolling against {url}; sync uses sync.url = {config.sync.url}", file=sys.stderr)
    client = SyncClient(url, connect_timeout_s=config.sync.connect_timeout_s,
                        read_timeout_s=config.sync.read_timeout_s,
                        ca_file=str(config.sync.ca_file) if config.sync.ca_file else None)
    try:
        creds = enrol(client, args.code, build_keyring(config), app_version=__version__)
    finally:
        client.close()
    print(f"enrolled as terminal {creds.terminal_id}; credential stored in the keyring")
    return 0


def _backoffice_db_url(config: Config, given: str | None) -> str:
    if given:
        return given
    path = config.paths.data_dir.parent / "backoffice" / "backoffice.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return f"sqlite:///{path}"


def cmd_backoffice(config: Config, args: argparse.Namespace) -> int:
    from kiosk.backoffice.db import BackOfficeDB
    from kiosk.backoffice.settings import BackOfficeSettings

    db_url = _backoffice_db_url(config, args.db)
    if args.backoffice_cmd == "create-enrolment-code":
        db = BackOfficeDB(db_url)
        try:
            db.create_schema()
            code, tid = db.create_enrolment_code(args.terminal_id, name=args.name, ttl_h=args.ttl_h,
                                                 created_by=args.staff)
        finally:
            db.close()
        print(f"enrolment code {code} for terminal {tid} (valid {args.ttl_h} h, one use)")
        return 0
    if args.backoffice_cmd in ("create-staff", "set-staff-password"):
        from kiosk.backoffice.staff.auth import run_staff_command

        ok, message = run_staff_command(db_url, args.backoffice_cmd, args.username,
                                        display_name=getattr(args, "display_name", ""), actor=args.staff)
        print(message, file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 2
    if args.backoffice_cmd == "publish-config":
        return _publish_config(db_url, args)
    if args.backoffice_cmd == "publish-catalog":
        from kiosk.catalog import DEFAULT_CATALOG_DIR, load_catalog

        catalog = load_catalog(args.path or DEFAULT_CATALOG_DIR)  # refuses an invalid one
        db = BackOfficeDB(db_url)
        try:
            db.create_schema()
            etag = db.publish_document("catalog", catalog.document.model_dump(mode="json", by_alias=True),
                                       args.staff)
        finally:
            db.close()
        print(f"catalogue {catalog.version} published (ETag {etag})")
        return 0
    from kiosk.backoffice.server import serve

    setup_logging(config.logging.level, None, stream=True)
    settings = BackOfficeSettings(db_url=db_url, clock_skew_s=args.clock_skew)
    print(f"back office on http://{args.host}:{args.port} (database {db_url.split('://')[0]})",
          file=sys.stderr)
    serve(settings, args.host, args.port, port_file=args.port_file)
    return 0


def _publish_config(db_url: str, args: argparse.Namespace) -> int:
    """Validate (the terminals' allow-list), number and publish a terminal config document."""
    from kiosk.backoffice.config_docs import publish_config
    from kiosk.backoffice.db import BackOfficeDB

    try:
        content = json.loads(args.path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as err:
        print(f"{args.path}: not a JSON document: {err}", file=sys.stderr)
        return 2
    db = BackOfficeDB(db_url)
    try:
        db.create_schema()
        etag, version = publish_config(db, content, args.staff, args.terminal)
    except ValueError as err:
        for problem in str(err).splitlines():
            print(f"{args.path}: {problem}", file=sys.stderr)
        return 2
    finally:
        db.close()
    print(f"config v{version} published for {args.terminal or 'every terminal'} (ETag {etag})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="smarthall-kiosk terminal software")
    parser.add_argument("--config", type=Path, help="TOML config file (default: the demo profile)")
    parser.add_argument("--profile", choices=["demo", "hall", "remote"],
                        help="use this built-in profile (overrides the file's 'profile')")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the kiosk's main job on embedded defaults")
    demo.add_argument("--headless", action="store_true",
                      help="drive a scripted journey without a window and print what happens")
    demo.add_argument("--script", type=Path, help="a journey script (JSON); default: the built-in one")
    demo.add_argument("--screenshots", type=Path, metavar="DIR",
                      help="drive the real UI offscreen through --script, saving a PNG per step")
    demo.add_argument("--window", action="store_true", help="a window instead of full screen")
    demo.set_defaults(func=cmd_demo)

    run = sub.add_parser("run", help="the full-screen kiosk (the terminal's main job)")
    run.add_argument("--window", action="store_true", help="a window instead of full screen")
    run.set_defaults(func=cmd_run)

    devs = sub.add_parser("devices", help="list devices with their status; exercise simulators once")
    devs.add_argument("--no-exercise", action="store_true", help="only list and poll status")
    devs.set_defaults(func=cmd_devices)

    diag = sub.add_parser("diag", help="device and system checks; exit 1 when a required check fails")
    diag.add_argument("--json", action="store_true")
    diag.add_argument("--report", type=Path, metavar="FILE.pdf", help="write a redacted PDF report")
    diag.set_defaults(func=cmd_diag)
    adm = sub.add_parser("admin", help="admin PIN and audit log (root shell)")
    adm.add_argument("admin_cmd", choices=["set-pin", "reset-lockout", "audit"])
    adm.set_defaults(func=cmd_admin)
    mnt = sub.add_parser("maintenance", help="tonight's maintenance if due (run by the timer)")
    mnt.add_argument("--force", action="store_true", help="run now, outside the window")
    mnt.set_defaults(func=cmd_maintenance)

    queue = sub.add_parser("queue", help="inspect the local outbox (redacted)")
    qsub = queue.add_subparsers(dest="queue_cmd", required=True)
    ql = qsub.add_parser("list", help="list submissions")
    ql.add_argument("--status")
    ql.add_argument("--limit", type=int, default=50)
    ql.add_argument("--json", action="store_true")
    qs = qsub.add_parser("show", help="show one submission by uuid or tracking number")
    qs.add_argument("id")
    qp = qsub.add_parser("purge", help="purge personal data past the retention period")
    qp.add_argument("--days", type=int, help="override the configured retention (days)")
    qp.add_argument("--dry-run", action="store_true")
    queue.set_defaults(func=cmd_queue)

    cat = sub.add_parser("catalog", help="the service catalogue")
    csub = cat.add_subparsers(dest="catalog_cmd", required=True)
    csub.add_parser("list", help="items this terminal offers")
    cs = csub.add_parser("search", help="search names in 3 languages and pinyin")
    cs.add_argument("query")
    csub.add_parser("validate", help="load and validate the catalogue")
    cat.add_argument("--lang", choices=["zh-Hans", "zh-Hant", "en"])
    cat.set_defaults(func=cmd_catalog)

    sync = sub.add_parser("sync", help="sync with the back office (loop until stopped)")
    sync.add_argument("--once", action="store_true", help="one cycle (push, pull, heartbeat), then exit")
    ssub = sync.add_subparsers(dest="sync_cmd")
    sst = ssub.add_parser("status", help="enrolment, queue, cursors, last errors (redacted)")
    sst.add_argument("--json", action="store_true")
    sync.set_defaults(func=cmd_sync, sync_cmd=None)

    rc = sub.add_parser("config", help="remote config from the back office: state, pending, rollback")
    rcsub = rc.add_subparsers(dest="config_cmd", required=True)
    rshow = rcsub.add_parser("show", help="what runs (local file + last-known-good), refusals, rollbacks")
    rshow.add_argument("--json", action="store_true")
    rshow.add_argument("--effective", action="store_true", help="also the whole effective config")
    rpend = rcsub.add_parser("pending", help="the staged config waiting for a restart, and its trial")
    rpend.add_argument("--json", action="store_true")
    rrb = rcsub.add_parser("rollback", help="drop the pending config, else go back to the previous good one")
    rrb.add_argument("--to-local", action="store_true", help="run on the local config file alone")
    rchk = rcsub.add_parser("check", help="validate a config document (JSON) without staging it")
    rchk.add_argument("file", type=Path)
    rc.set_defaults(func=cmd_config)

    enroll = sub.add_parser("enroll", help="trade a one-time enrolment code for this terminal's credential")
    enroll.add_argument("--url", help="back office URL (default: sync.url)")
    enroll.add_argument("--code", required=True)
    enroll.set_defaults(func=cmd_enroll)

    bo = sub.add_parser("backoffice", help="run the reference back office (API server)")
    bo.add_argument("--host", default="127.0.0.1")
    bo.add_argument("--port", type=int, default=8765, help="0 = a free port (see --port-file)")
    bo.add_argument("--db", help="SQLAlchemy URL (default: SQLite beside the kiosk data)")
    bo.add_argument("--port-file", type=Path, help="write the bound port here once listening")
    bo.add_argument("--clock-skew", type=int, default=300, help="allowed request clock skew (s)")
    bo.add_argument("--staff", default="cli", help="staff name for the audit log")
    bosub = bo.add_subparsers(dest="backoffice_cmd")
    code = bosub.add_parser("create-enrolment-code", help="issue a one-time enrolment code")
    code.add_argument("--terminal-id", help="bind the code to this terminal id (default: a new id)")
    code.add_argument("--name", default="")
    code.add_argument("--ttl-h", type=int, default=72)
    pub = bosub.add_parser("publish-catalog", help="validate and publish a catalogue to every terminal")
    pub.add_argument("path", nargs="?", type=Path, help="directory or JSON file (default: the shipped one)")
    pcf = bosub.add_parser("publish-config", help="validate and publish a terminal config document (JSON)")
    pcf.add_argument("path", type=Path)
    pcf.add_argument("--terminal", help="for this terminal only (default: every terminal)")
    cst = bosub.add_parser("create-staff", help="create a staff login (password from stdin or typed twice)")
    cst.add_argument("--username", required=True)
    cst.add_argument("--display-name", default="")
    spw = bosub.add_parser("set-staff-password", help="reset a staff password (ends its sessions)")
    spw.add_argument("--username", required=True)
    bo.set_defaults(func=cmd_backoffice, backoffice_cmd=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # to re-execute (kiosk.remote_config)
    if args.command != "run":
        gc.enable()  # paused by the launcher (kiosk.__main__) for the kiosk's start only
    try:
        config = load_config(args.config, args.profile)
        if args.command not in ("run", "config", "enroll", "backoffice"):
            # local file + the last-known-good remote config (`run` tries a pending one itself)
            from kiosk.remote_config import RemoteConfigStore

            args.local_config = config
            config = RemoteConfigStore.for_config(config).load_current(config)
        if args.command in ("devices", "queue", "catalog", "diag", "admin"):
            # technicians' commands: problems to stderr, redacted like every other handler
            setup_logging("WARNING", None)
        code: int = args.func(config, args)
        return code
    except KioskError as err:
        print(f"{translate(err.key, 'en')}\n[{err.key}] {err.detail}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
