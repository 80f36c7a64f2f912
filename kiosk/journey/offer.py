"""Which service items this terminal can take right now, and why not when it cannot.

Greyed-out tiles carry a reason key the UI translates (all keys live in
:mod:`kiosk.messages`):

* ``journey.service_unavailable``: the item is not offered by this terminal's profile or
  service list;
* ``journey.no_accepted_id``: none of the documents the item accepts can be read or typed
  at this terminal (e.g. a resident-ID-only item on a Hong Kong terminal);
* ``journey.device_unavailable.<device>``: a device the item needs is down (one key per
  device kind, e.g. ``journey.device_unavailable.camera``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Final

from kiosk.catalog.model import Device, IdKind, ServiceItem
from kiosk.config import Config, IdMethod
from kiosk.journey.ports import DeviceAvailability

__all__ = ["ID_KINDS_BY_METHOD", "ItemOption", "accepted_here", "availability",
           "device_reason", "method_for"]

# the documents each identification method of the terminal config can deliver
ID_KINDS_BY_METHOD: Final[dict[IdMethod, frozenset[IdKind]]] = {
    "id_card": frozenset({"resident_id", "hk_macao_taiwan_permit", "foreigner_pr"}),
    "gov_app_qr": frozenset({"resident_id"}),
    "hkid": frozenset({"hkid"}),
    "home_return_permit": frozenset({"home_return_permit"}),
    "passport_mrz": frozenset({"passport"}),
}


def device_reason(device: Device) -> str:
    return f"journey.device_unavailable.{device}"


def accepted_here(methods: Iterable[IdMethod]) -> frozenset[IdKind]:
    out: set[IdKind] = set()
    for method in methods:
        out |= ID_KINDS_BY_METHOD[method]
    return frozenset(out)


def method_for(source: str, kind: IdKind) -> IdMethod | None:
    """The terminal identification method that delivered a document, if any fits."""
    if source == "id_card":
        return "id_card" if kind in ID_KINDS_BY_METHOD["id_card"] else None
    if source == "gov_app_qr":
        return "gov_app_qr"
    if source == "mrz":
        return "passport_mrz"
    if source == "manual" and kind in ("hkid", "home_return_permit"):
        return "hkid" if kind == "hkid" else "home_return_permit"
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class ItemOption:
    """A tile in the catalogue: the item's code and why it is greyed out (``None``: it isn't).
    Names and icons come from the catalogue by code."""

    code: str
    reason: str | None = None


def availability(item: ServiceItem, config: Config, offered: frozenset[str],
                 devices: DeviceAvailability) -> str | None:
    """``None`` if ``item`` can be applied for now, else the reason key."""
    if item.code not in offered:
        return "journey.service_unavailable"
    if not set(item.accepted_ids) & accepted_here(config.terminal.identification):
        return "journey.no_accepted_id"
    for device in item.devices:
        if not devices.available(device):
            return device_reason(device)
    return None
