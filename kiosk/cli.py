"""Command line: ``kiosk [--config FILE] demo | queue | catalog``.

Every command takes ``--config FILE`` (a TOML file naming a profile and overriding its keys);
without it the embedded ``demo`` profile is used. Errors print the translated message for their
key plus the technician detail, and exit non-zero.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk.config import Config, load_config
from kiosk.errors import KioskError
from kiosk.messages import translate
from kiosk.store.outbox import row_as_dict


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


# ---------------------------------------------------------------- queue
def cmd_queue(config: Config, args: argparse.Namespace) -> int:
    from kiosk.app import open_outbox

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


# ---------------------------------------------------------------- demo
def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from kiosk.demo import run_headless_demo

    return run_headless_demo(config, script=args.script)


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
    demo.set_defaults(func=cmd_demo)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config, args.profile)
        code: int = args.func(config, args)
        return code
    except KioskError as err:
        print(f"{translate(err.key, 'en')}\n[{err.key}] {err.detail}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
