"""The citizen session state machine (DESIGN §1–3): plain Python, no Qt.

Public API::

    journey = Journey(config=config, catalog=catalog, outbox=outbox, clock=SystemClock(),
                      devices=health, secrets=secrets, owner_verifier=outbox)
    journey.subscribe(bridge.on_journey_event)   # JourneyEvent(previous, view) on every change
    journey.start(); journey.choose_language("zh-Hans"); journey.choose_apply() ...
    journey.tick()                                # about once a second: idle timeout

Modules: ``states`` (enums and the one transition table), ``machine`` (:class:`Journey`:
navigation, idle, language, care mode), ``application`` and ``branches`` (the steps),
``core`` (the intent decorator, moves, wiping, views), ``session`` (what a session holds),
``capture`` (pages), ``idle`` (timeouts), ``offer`` (greyed-out items), ``view`` (snapshots),
``ports`` and ``clock`` (what is injected).
"""

from kiosk.journey.capture import MaterialStatus
from kiosk.journey.clock import Clock, FakeClock, SystemClock
from kiosk.journey.machine import Journey, StepRefused
from kiosk.journey.offer import ItemOption
from kiosk.journey.ports import DeviceAvailability, OutboxPort, OwnerVerifier
from kiosk.journey.session import PickupJob
from kiosk.journey.states import TRANSITIONS, Intent, State
from kiosk.journey.view import JourneyEvent, JourneyView, PolicyOption

__all__ = [
    "TRANSITIONS",
    "Clock",
    "DeviceAvailability",
    "FakeClock",
    "Intent",
    "ItemOption",
    "Journey",
    "JourneyEvent",
    "JourneyView",
    "MaterialStatus",
    "OutboxPort",
    "OwnerVerifier",
    "PickupJob",
    "PolicyOption",
    "State",
    "StepRefused",
    "SystemClock",
]
