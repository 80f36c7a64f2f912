"""The headless demo: a scripted citizen journey through the real core, printed step by step.

It runs the real journey state machine, the real catalogue, and the real encrypted outbox
(data under the demo profile's directory); only the inputs are simulated: the identity comes
from seeded card data (the GA 467 reader driver and its simulator arrive with the devices
work), document pages are synthetic camera images, and an accelerated clock drives the idle
timeout. Each script step is one citizen action::

    {"do": "insert_card", "card": "resident"}        simulated ID card on the reader
    {"do": "fill", "values": {"company_name": "…"}}  one form page typed on the keyboard
    {"do": "capture", "material": "articles", "pages": 2}
    {"do": "submit"}                                 durable commit, then the receipt
    {"do": "lookup_status", "tracking_no": "$receipt"}
    {"do": "wait", "seconds": 120}                   the citizen walks away (idle timeout)
    {"do": "<any journey intent>", …keyword arguments}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

import cv2

from kiosk.app import Core, build_core, build_keyring
from kiosk.catalog.model import Device
from kiosk.config import Config
from kiosk.demo_services import DEMO_STAFF, DemoServices
from kiosk.identity import IdentityDocument
from kiosk.identity.numbers import resident_id_birth_date
from kiosk.journey import FakeClock, Journey, JourneyEvent, State
from kiosk.messages import translate

DEFAULT_SCRIPT = Path(__file__).resolve().parent.parent / "assets" / "demo" / "business-licence.json"

# seeded, fictional people; the number's check character is computed, not typed
_CARDS: dict[str, dict[str, Any]] = {
    "resident": {"kind": "resident_id", "body": "44030419850615123", "name": "王小明",
                 "address": "广东省深圳市福田区福华一路88号", "sex": "male"},
    "permit": {"kind": "hk_macao_taiwan_permit", "body": "81000019900101456", "name": "陳大文",
               "address": "广东省深圳市福田区深南大道1000号", "sex": "male"},
}

# intents a script may name directly (everything else goes through the helpers below)
_DIRECT = {
    "start", "choose_language", "choose_apply", "choose_status_check", "choose_result_pickup",
    "choose_policy_lookup", "browse_category", "search", "select_item", "begin_application",
    "enter_id_manually", "confirm_review", "accept_consent", "continue_to_rating", "rate",
    "skip_rating", "done", "finish", "lookup_status", "lookup_policies", "apply_policy",
    "set_care_mode", "set_language", "still_here", "back", "cancel", "home", "pickup_done",
    "enter_pickup_tracking", "finish_material",
}


class SimulatedDevices:
    """Every simulated device is healthy in the demo."""

    def available(self, device: Device) -> bool:
        return True


def simulated_card(card: str) -> IdentityDocument:
    from stdnum.cn import ric

    spec = _CARDS[card]
    number = spec["body"] + ric.calc_check_digit(spec["body"])
    return IdentityDocument(
        kind=spec["kind"], number=number, source="id_card", name=spec["name"], sex=spec["sex"],
        birth_date=resident_id_birth_date(number), address=spec["address"],
        issuer="深圳市公安局福田分局", valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2040, 1, 1),
    )


def synthetic_page(label: str, page: int) -> bytes:
    """A captured page as the live capture pipeline hands it over, without a camera: an A4
    sheet rendered on a desk (:func:`kiosk.capture.scene.render_scene`), found, dewarped and
    deskewed by the real pipeline, JPEG-encoded. ``label`` (the material) is not drawn."""
    from kiosk.capture.document import deskew, dewarp, find_page
    from kiosk.capture.scene import render_scene

    scene = render_scene("a4", page=page, pose=page)
    quad = find_page(scene.image)
    if quad is None:  # the scene is fixed: the detector finds it (tests/unit/capture)
        raise RuntimeError(f"synthetic page {page} of {label} not found")
    ok, buf = cv2.imencode(".jpg", deskew(dewarp(scene.image, quad, "a4")),
                           [cv2.IMWRITE_JPEG_QUALITY, 92])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return bytes(buf)


class DemoRunner:
    def __init__(self, core: Core, out: TextIO, services: DemoServices | None = None) -> None:
        self.core = core
        self.out = out
        self.services = services
        self.clock = FakeClock(dt.datetime.now(dt.UTC))
        self.journey = Journey(
            config=core.config, catalog=core.catalog, outbox=core.outbox, clock=self.clock,
            devices=SimulatedDevices(), secrets=core.secrets, owner_verifier=core.outbox,
        )
        self.journey.subscribe(self._on_event)
        self.last_receipt: str | None = None
        self.transitions: list[tuple[str, str]] = []

    def _say(self, text: str) -> None:
        self.out.write(text + "\n")

    def _on_event(self, event: JourneyEvent) -> None:
        if event.previous is not event.view.state:
            self.transitions.append((event.previous.value, event.view.state.value))

    def _lang(self) -> Any:
        return self.journey.view().language

    def _report(self, result: object) -> None:
        view = self.journey.view()
        line = f"   → {view.state.value}"
        if view.item_code:
            item = self.core.catalog.item(view.item_code)
            line += f" | {item.name.get(view.language)}"
        if view.id_masked:
            line += f" | {view.id_kind} {view.id_masked}"
        self._say(line)
        lang = view.language
        if view.state is State.CATALOG and view.query:
            names = [self.core.catalog.item(o.code).name.get(lang) for o in view.items[:3]]
            self._say(f"     search results: {', '.join(names) or '-'}")
        if view.status_row is not None:
            row = view.status_row
            self._say(f"     status of {row.tracking_no}: {row.status} (last known, from the local store)")
        if view.policies:
            names = [p.name.get(lang) for p in self.core.catalog.policies()
                     if p.id in {o.policy_id for o in view.policies}]
            self._say(f"     matching policies: {'; '.join(names)}")
        keys: list[str] = []
        if isinstance(result, str) and not isinstance(result, NewTracking):
            keys.append(result)
        elif isinstance(result, Mapping):
            keys += [f"{k}: {translate(v, view.language)}" for k, v in result.items()]
        if view.error and view.error not in keys:
            keys.append(view.error)
        for key in keys:
            self._say(f"     ! {translate(key, view.language) if ':' not in key else key}")

    def run(self, steps: list[dict[str, Any]]) -> int:
        handlers: dict[str, Callable[[dict[str, Any]], object]] = {
            "insert_card": lambda a: self.journey.identify(simulated_card(a.get("card", "resident"))),
            "fill": self._fill,
            "capture": self._capture,
            "submit": self._submit,
            "wait": self._wait,
            "sync": self._sync,
            "staff": self._staff,
        }
        failures = 0
        for n, step in enumerate(steps, 1):
            args = {k: self._expand(v) for k, v in step.items() if k not in ("do", "note")}
            name = step["do"]
            note = step.get("note", "")
            self._say(f"{n:2d}. {name} {self._describe(args)}{'  # ' + note if note else ''}")
            if name in handlers:
                result = handlers[name](args)
            elif name in _DIRECT:
                result = getattr(self.journey, name)(**args)
            else:
                raise ValueError(f"unknown demo step {name!r}")
            if result and step.get("expect_error") is None and not isinstance(result, NewTracking):
                failures += 1
            self._report(result)
        return failures

    def _describe(self, args: dict[str, Any]) -> str:
        args = {k: v for k, v in args.items() if k != "decision_note"}
        if "values" in args:
            return f"({len(args['values'])} field(s))"
        return " ".join(f"{k}={v}" for k, v in args.items() if k != "card") or (
            f"card={args['card']}" if "card" in args else "")

    def _expand(self, value: Any) -> Any:
        if value == "$receipt":
            return self.last_receipt or ""
        return value

    def _fill(self, args: dict[str, Any]) -> object:
        # as on screen: the page shows prefilled values (from the card) and the citizen's edits
        values = dict(self.journey.view().form_values)
        values.update(args["values"])
        return self.journey.submit_page(values)

    def _capture(self, args: dict[str, Any]) -> object:
        material = args["material"]
        for page in range(1, int(args.get("pages", 1)) + 1):
            error = self.journey.add_page(material, synthetic_page(material, page))
            if error:
                return error
        return self.journey.finish_material()

    def _submit(self, args: dict[str, Any]) -> object:
        error = self.journey.submit()
        if error:
            return error
        receipt = self.journey.view().receipt
        assert receipt is not None  # noqa: S101 - RECEIPT state carries it
        self.last_receipt = receipt.tracking_no
        row = self.core.outbox.get(receipt.uuid)
        self._say(f"     ✓ {translate('journey.submitted', self._lang())}")
        self._say(f"     ✓ committed to the outbox before this line: tracking number "
                  f"{receipt.tracking_no}, {len(row.attachments)} encrypted attachment(s), "
                  f"status {row.status}")
        return NewTracking(receipt.tracking_no)

    def _wait(self, args: dict[str, Any]) -> object:
        seconds = float(args["seconds"])
        seen = len(self.transitions)
        step = 1.0
        waited = 0.0
        while waited < seconds:
            self.clock.advance(step)
            waited += step
            self.journey.tick()
        hops = self.transitions[seen:]
        if hops:
            path = " → ".join([hops[0][0], *(to for _, to in hops)])
            self._say(f"     after {seconds:.0f} s without a touch (accelerated clock): {path}")
        return None


    def _sync(self, args: dict[str, Any]) -> object:
        if self.services is None:
            self._say("     (no local back office in this run: sync skipped)")
            return None
        report = self.services.sync_once()
        outbox = self.core.outbox
        for uid in report.accepted:
            row = outbox.get(uid)
            self._say(f"     ⇄ {row.tracking_no} accepted by the back office: case number {row.case_no}")
        if report.statuses_applied:
            self._say(f"     ⇄ {report.statuses_applied} status update(s) pulled from the back office")
        if report.errors:
            return report.errors[0]
        return None

    def _staff(self, args: dict[str, Any]) -> object:
        if self.services is None or self.last_receipt is None:
            self._say("     (no local back office in this run: staff step skipped)")
            return None
        row = self.core.outbox.find_by_tracking(self.last_receipt)
        assert row is not None  # noqa: S101 - the demo just submitted it
        self.services.staff_decides(row.uuid, args["status"], args.get("decision_note", ""))
        self._say(f"     back-office staff set {row.tracking_no} to {args['status']}")
        return None


class NewTracking(str):
    """A step result that is good news (a tracking number), not an error key."""


def run_headless_demo(config: Config, *, script: Path | None = None, out: TextIO | None = None,
                      with_backoffice: bool = True) -> int:
    import sys

    stream = out or sys.stdout
    steps = json.loads((script or DEFAULT_SCRIPT).read_text(encoding="utf-8"))
    core = build_core(config, log_to_stderr=False)
    services: DemoServices | None = None
    try:
        stream.write(f"smarthall-kiosk headless demo — terminal {config.terminal.id} "
                     f"(profile {config.profile}), catalogue {core.catalog.version}\n")
        stream.write(f"data: {config.paths.data_dir}   log: {config.paths.log_file}\n")
        if with_backoffice:
            try:
                services = DemoServices(config, build_keyring(config), core.outbox).start()
            except OSError as err:  # e.g. another back office already listens on the port
                services = None
                stream.write(f"local back office not started ({err.strerror}): "
                             "submissions stay queued in the outbox\n")
            else:
                assert services.backoffice is not None  # noqa: S101 - started
                stream.write(f"local back office: {services.backoffice.url}/staff "
                             f"(staff login {DEMO_STAFF[0]} / {DEMO_STAFF[1]})\n")
        stream.write("\n")
        runner = DemoRunner(core, stream, services)
        failures = runner.run(steps)
        stats = core.outbox.stats()
        stream.write(f"\noutbox: {stats['unsent']} submission(s) waiting to sync, "
                     f"{stats['parked']} parked; state now {runner.journey.state.value}; "
                     f"personal values held by the journey: {len(runner.journey.personal_values())}\n")
        if failures:
            stream.write(f"{failures} step(s) were refused\n")
        return 1 if failures else 0
    finally:
        if services is not None:
            services.stop()
        core.close()


__all__ = ["DEFAULT_SCRIPT", "DemoRunner", "State", "run_headless_demo", "simulated_card"]
