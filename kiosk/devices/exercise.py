"""``kiosk devices``: list each configured device with its status and, where a device is
simulated, exercise it once through its real driver — read a card, scan a code, print a
receipt and an A4 page — saying where the output went. Only non-personal fields are shown."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from kiosk.config import Config
from kiosk.devices.status import DeviceError

Say = Callable[[str], None]
DIAG_CODE = "SMARTHALL-DIAG-0001"


def qr_image(text: str) -> Any:
    """A QR code as a camera would see it: dark modules on white paper, BGR, with a margin."""
    import numpy as np
    import qrcode

    qr = qrcode.QRCode(border=4, box_size=8)
    qr.add_data(text)
    qr.make(fit=True)
    modules = np.array(qr.get_matrix(), dtype=bool)
    img = np.where(np.kron(modules, np.ones((8, 8), dtype=bool)), 0, 255).astype(np.uint8)
    canvas = np.full((720, 1280), 200, np.uint8)
    y, x = (720 - img.shape[0]) // 2, (1280 - img.shape[1]) // 2
    canvas[y:y + img.shape[0], x:x + img.shape[1]] = img
    return np.dstack([canvas] * 3)


def wait_for_scan(devices: Any, timeout: float, trigger: Callable[[], None] | None = None) -> Any | None:
    """The next scan result from ``devices`` within ``timeout`` (after ``trigger``, if any)."""
    got: list[Any] = []
    done = threading.Event()

    def on_scan(result: Any) -> None:
        got.append(result)
        done.set()

    devices.scan_listeners.append(on_scan)
    try:
        with devices.codes_held():
            if trigger is not None:
                trigger()
            done.wait(timeout)
    finally:
        devices.scan_listeners.remove(on_scan)
    return got[0] if got else None


def exercise(config: Config, devices: Any, say: Say) -> list[str]:
    """Run each simulator once; returns the names of the exercises that failed."""
    failures: list[str] = []
    sims = devices.simulators

    def run(name: str, fn: Callable[[], str]) -> None:
        try:
            say(f"  {name}: {fn()}")
        except (DeviceError, TimeoutError) as err:
            failures.append(name)
            say(f"  {name}: FAILED [{getattr(err, 'key', type(err).__name__)}] {getattr(err, 'detail', '')}")

    if "id_card_reader" in sims:
        def read_card() -> str:
            sims["id_card_reader"].insert_card("resident")
            card = devices.idcard.poll()
            if card is None:
                raise TimeoutError("no card read")
            doc = card.document
            return (f"read a {doc.kind} card through the GA 467 driver on "
                    f"{sims['id_card_reader'].device_path} (valid to "
                    f"{'long-term' if doc.long_term else doc.valid_to}; photo {len(card.photo)} bytes)")
        run("id_card_reader", read_card)

    if "code_scanner" in sims or "camera" in sims:
        def scan() -> str:
            via = ("the simulated scanner" if "code_scanner" in sims else
                   "a QR code shown to the simulated camera, decoded by the real pipeline")

            def trigger() -> None:
                if "code_scanner" in sims:
                    sims["code_scanner"].show_code(DIAG_CODE)
                else:
                    sims["camera"].show_image(qr_image(DIAG_CODE))

            try:
                result = wait_for_scan(devices, 10, trigger)
            finally:
                if "camera" in sims:
                    sims["camera"].show_image(None)
            if result is None:
                raise TimeoutError("no scan within 10 s")
            return (f"scanned a {result.symbology} code ({len(result.raw)} bytes, decoder "
                    f"{result.decoder or '-'}) from {via}")
        run("code_scanner", scan)

    if "receipt_printer" in sims:
        def print_receipt() -> str:
            from kiosk.receipts import ReceiptLabels, ReceiptModel

            lang = config.default_language
            model = ReceiptModel(
                language=lang, title=config.terminal.name.get(lang), terminal=config.terminal.id,
                item_name="打印测试 / Test print", tracking_no="DIAG-TEST",
                time=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
                qr_payload=DIAG_CODE, labels=ReceiptLabels.for_language(lang),
            )
            devices.receipt_printer.print_receipt(model)
            out = sims["receipt_printer"].output_dir
            return f"printed a test receipt (ESC/POS bytes and a PDF rendering) into {out}"
        run("receipt_printer", print_receipt)

    if "a4_printer" in sims:
        def print_a4() -> str:
            from kiosk.receipts import ReceiptLabels, SummaryDocument
            from kiosk.receipts.pdf import render_summary_pdf

            lang = config.default_language
            doc = SummaryDocument(
                language=lang, title="测试页 / Test page", item_name=config.terminal.id,
                tracking_no="DIAG-TEST", time=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
                labels=ReceiptLabels.for_language(lang),
            )
            job = devices.a4_printer.print_pdf(render_summary_pdf(doc), "kiosk test page")
            return f"printed an A4 test page (job {job}) into {sims['a4_printer'].output_dir}"
        run("a4_printer", print_a4)
    return failures
