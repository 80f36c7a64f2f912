"""The config document's live fields (no restart): the back office closes or reopens a terminal
and shows a notice banner on it.

``kiosk sync`` is another process than the UI, so the worker keeps the latest values in the
outbox's ``meta`` table (:func:`store_live`) and the UI reads them every few seconds
(:func:`read_live`, one indexed row). Settings that need a restart go through
:mod:`kiosk.remote_config` instead.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Mapping
from typing import Any, Final, Protocol

__all__ = ["LIVE_META_KEY", "LiveSettings", "read_live", "store_live"]

log = logging.getLogger(__name__)

LIVE_META_KEY: Final = "terminal.live"


class _Meta(Protocol):
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str | None) -> None: ...


@dataclasses.dataclass(frozen=True, slots=True)
class LiveSettings:
    out_of_service: bool = False
    notice: Mapping[str, str] = dataclasses.field(default_factory=dict)  # per language


def store_live(meta: _Meta, out_of_service: bool, notice: Mapping[str, str]) -> None:
    value = json.dumps({"out_of_service": out_of_service, "notice": dict(notice)},
                       ensure_ascii=False, sort_keys=True)
    if meta.get_meta(LIVE_META_KEY) != value:
        meta.set_meta(LIVE_META_KEY, value)
        log.info("back office: terminal %s, notice %s", "closed" if out_of_service else "open",
                 "set" if notice else "none")


def read_live(meta: Any) -> LiveSettings:
    """The stored live settings (defaults when none, or for an outbox without ``meta``)."""
    get = getattr(meta, "get_meta", None)
    raw = get(LIVE_META_KEY) if get is not None else None
    if not raw:
        return LiveSettings()
    try:
        data = json.loads(raw)
        notice = {str(k): str(v) for k, v in dict(data.get("notice") or {}).items()}
        return LiveSettings(bool(data.get("out_of_service", False)), notice)
    except (ValueError, TypeError, AttributeError):
        log.warning("live terminal settings unreadable; ignored")
        return LiveSettings()
