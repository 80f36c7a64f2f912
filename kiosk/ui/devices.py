"""The real devices wired to the UI (DESIGN §1–3): every device call runs on a thread of its
own, never on the GUI thread, and its result reaches the view models through the bridge's
queued signals.

* :class:`DeviceLink` — the ID-card poll thread (it polls only while a screen wants a card:
  ``bridge.card_wanted``, and re-arms the reader at each new request, so that a card laid down
  for it is read even when the previous card's lift went unseen; a card that stays on the reader
  is read once per request), the scanner's listener, and the health listener that greys out
  items, takes the terminal out of service while a *required* device is down and puts it back
  when every required device works again.
* :class:`ReceiptOutput` — printing the receipt (ESC/POS) and the A4 copy, and the signed QR
  payload of a receipt (:func:`kiosk.capture.payloads.make_receipt_code`) signed with
  :class:`kiosk.receipts.keys.ReceiptKeys` (shared with the back office once enrolled).

Nothing here decides anything for the citizen: the journey does (via the session model).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Final, Protocol

from kiosk.capture.payloads import (
    PayloadKeys,
    ReceiptCode,
    make_receipt_code,
    parse_payload,
)
from kiosk.devices.health import NOT_POLLED
from kiosk.devices.offline import UnavailableDevice
from kiosk.devices.status import DeviceError, DeviceStatus
from kiosk.receipts import ReceiptModel
from kiosk.receipts.keys import ReceiptKeys

if TYPE_CHECKING:
    from kiosk.app import Devices
    from kiosk.store.models import Receipt

__all__ = ["CARD_POLL_S", "DeviceLink", "ReceiptOutput"]

log = logging.getLogger(__name__)

CARD_POLL_S: Final = 0.25
# reader errors that say nothing to a citizen at the card step ("no card" is the normal wait)
_NOT_FOR_CITIZENS: Final = frozenset({"device.idcard.no_card"})


class CardWantedLike(Protocol):
    """:class:`kiosk.ui.bridge.CardWanted`: set while a screen wants a card; ``requests``
    counts each clear → set."""

    requests: int

    def wait(self, timeout: float | None = None) -> bool: ...


class BridgeLike(Protocol):
    @property
    def card_wanted(self) -> CardWantedLike: ...
    @property
    def codes_wanted(self) -> threading.Event: ...

    def deliver_card(self, document: Any) -> None: ...
    def deliver_card_error(self, key: str) -> None: ...
    def deliver_code(self, payload: str) -> None: ...
    def on_device_status(self, *change: object) -> None: ...
    def deliver_out_of_service(self, key: str) -> None: ...
    def deliver_back_in_service(self) -> None: ...


class DeviceLink:
    """Device threads → bridge. ``start(bridge)`` once the window exists; ``close()`` on exit
    (before ``devices.close()``)."""

    def __init__(self, devices: Devices, *, card_poll_s: float = CARD_POLL_S) -> None:
        self.devices = devices
        self._poll_s = card_poll_s
        self._bridge: BridgeLike | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._out_of_service = False
        self._closed = False
        self._card_thread: threading.Thread | None = None
        devices.health.subscribe(self._on_status)  # no unsubscribe: _closed silences it
        self._check_ready()

    # ------------------------------------------------------------------ health

    def wait_ready(self, timeout_s: float) -> bool:
        """Wait (bounded) until every monitor has reported once: before the first screen, so
        that nothing is greyed out only because it was not polled yet."""
        return self._ready.wait(timeout_s)

    def _check_ready(self) -> None:
        if all(s is not NOT_POLLED for s in self.devices.health.snapshot().values()):
            self._ready.set()

    def required_down(self) -> list[str]:
        """Required devices that were polled and are not usable (not-yet-polled ones are not
        counted: the terminal does not start out of service)."""
        return [n for n, m in self.devices.health.monitors.items()
                if m.required and m.status is not NOT_POLLED and not m.status.starting
                and not m.status.usable]

    def _on_status(self, device: str, old: DeviceStatus, new: DeviceStatus) -> None:
        """On a monitor thread."""
        self._check_ready()
        with self._lock:
            bridge = None if self._closed else self._bridge
            if bridge is None:
                return
            down = self.required_down()
            leave = bool(down) and not self._out_of_service
            back = not down and self._out_of_service
            self._out_of_service = bool(down)
        bridge.on_device_status(device, old, new)
        if leave:
            log.warning("required device %s down: out of service", down[0])
            bridge.deliver_out_of_service(f"journey.device_unavailable.{down[0]}")
        elif back:
            log.info("every required device works again: back in service")
            bridge.deliver_back_in_service()

    # ------------------------------------------------------------------ start, stop

    def start(self, bridge: BridgeLike) -> None:
        with self._lock:
            self._bridge = bridge
            down = self.required_down()
            self._out_of_service = bool(down)
        if down:
            bridge.deliver_out_of_service(f"journey.device_unavailable.{down[0]}")
        self.devices.gate_codes(bridge.codes_wanted)  # the camera decodes on code screens only
        self.devices.scan_listeners.append(self._on_scan)
        if not isinstance(self.devices.idcard, UnavailableDevice):
            self._card_thread = threading.Thread(target=self._poll_cards, name="ui-idcard-poll",
                                                 daemon=True)
            self._card_thread.start()

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._stop.set()
        if self._on_scan in self.devices.scan_listeners:
            self.devices.scan_listeners.remove(self._on_scan)
        self.devices.gate_codes(None)
        if self._card_thread is not None:
            self._card_thread.join(10)
            self._card_thread = None

    # ------------------------------------------------------------------ scanner, card reader

    def _on_scan(self, result: Any) -> None:
        """On the scanner's thread."""
        bridge = self._bridge
        if bridge is not None and not self._closed:
            bridge.deliver_code(str(result.text))

    def _poll_cards(self) -> None:
        bridge = self._bridge
        assert bridge is not None  # noqa: S101 - started with one
        reader = self.devices.idcard
        wanted = bridge.card_wanted
        served = -1  # the request the reader was last re-armed for
        while not self._stop.is_set():
            if not wanted.wait(0.5):
                continue  # no screen wants a card: the reader is left alone
            try:
                if wanted.requests != served:
                    # a new request: the card on the reader is read even if it was reported
                    # for an earlier one (it may have been swapped while nobody polled)
                    served = wanted.requests
                    reader.rearm()
                read = reader.poll()
            except DeviceError as err:
                log.info("card read failed: %s", err.key)  # the key only: never card data
                if err.key not in _NOT_FOR_CITIZENS and not self._stop.is_set():
                    bridge.deliver_card_error(err.key)  # shown at the card step
            except Exception:
                log.exception("card reader poll crashed")
            else:
                if read is not None and not self._stop.is_set():
                    bridge.deliver_card(read.document)
            self._stop.wait(self._poll_s)


class ReceiptOutput:
    """Receipt printer, A4 printer and the receipt QR key. The print methods block (call them
    on a worker thread: :meth:`JourneyBridge.run_print`) and raise
    :class:`~kiosk.devices.status.DeviceError` with a message key."""

    def __init__(self, receipt_printer: Any, a4_printer: Any, *,
                 qr_keys: ReceiptKeys | bytes | None, terminal_code: str) -> None:
        self.receipt_printer = receipt_printer
        self.a4_printer = a4_printer
        self._keys = qr_keys
        self._terminal = terminal_code

    def _signing(self) -> bytes | None:
        keys = self._keys
        return keys if keys is None or isinstance(keys, bytes) else keys.signing()

    def _verifying(self) -> tuple[bytes, ...]:
        keys = self._keys
        if keys is None:
            return ()
        return (keys,) if isinstance(keys, bytes) else keys.verifying()

    def qr_payload(self, receipt: Receipt) -> str:
        """The signed receipt code (falls back to the bare tracking number without a key)."""
        key = self._signing()
        if key is None:
            return receipt.tracking_no
        return make_receipt_code(key, kind="receipt", tracking_no=receipt.tracking_no,
                                 submission_id=receipt.uuid, terminal=self._terminal,
                                 issued_at=int(receipt.created_at.timestamp()))

    def tracking_from_code(self, payload: str) -> str:
        """A scanned receipt code → its tracking number; anything else unchanged."""
        if not payload.startswith("KSK"):
            return payload
        for key in self._verifying():
            parsed = parse_payload(payload.encode("utf-8"), PayloadKeys(receipt_hmac_key=key))
            if isinstance(parsed, ReceiptCode):
                return parsed.tracking_no
        return payload

    def print_receipt(self, model: ReceiptModel) -> None:
        self.receipt_printer.print_receipt(model)

    def print_a4(self, pdf: bytes, title: str) -> str:
        return str(self.a4_printer.print_pdf(pdf, title))
