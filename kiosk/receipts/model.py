"""The receipt as data: every text already resolved in the session's language, nothing
device-specific. The ESC/POS and PDF renderers take this model; so does the simulator."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from kiosk.messages import Lang, translate
from kiosk.store.models import Receipt


@dataclasses.dataclass(frozen=True, slots=True)
class ReceiptLabels:
    item: str
    tracking_no: str
    time: str
    terminal: str
    next_steps: str

    @classmethod
    def for_language(cls, language: Lang) -> ReceiptLabels:
        return cls(
            item=translate("receipt.item", language),
            tracking_no=translate("receipt.tracking_no", language),
            time=translate("receipt.time", language),
            terminal=translate("receipt.terminal", language),
            next_steps=translate("receipt.next_steps", language),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class ReceiptModel:
    """One receipt in one language. ``qr_payload`` is any string (signed later by the sync
    layer); it is kept out of ``repr`` because a payload may carry personal data."""

    language: Lang
    title: str
    terminal: str
    item_name: str
    tracking_no: str
    time: str
    qr_payload: str = dataclasses.field(repr=False)
    labels: ReceiptLabels
    next_steps: tuple[str, ...] = ()
    footer: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class SummaryDocument:
    """The A4 "application summary": label/value rows (personal data: never logged)."""

    language: Lang
    title: str
    item_name: str
    tracking_no: str
    time: str
    labels: ReceiptLabels
    rows: tuple[tuple[str, str], ...] = dataclasses.field(default=(), repr=False)
    qr_payload: str = dataclasses.field(default="", repr=False)
    footer: str = ""


def format_time(when: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    """``2025-03-01 14:05`` in ``tz`` (default: the terminal's local zone)."""
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def receipt_for(
    receipt: Receipt,
    *,
    item_name: str,
    terminal_id: str,
    language: Lang,
    qr_payload: str,
    next_steps: Sequence[str] = (),
    tz: dt.tzinfo | None = None,
) -> ReceiptModel:
    """The receipt model for a durably queued submission, texts in ``language``."""
    steps = tuple(next_steps) or (translate("receipt.next_step.default", language),)
    return ReceiptModel(
        language=language,
        title=translate("receipt.title", language),
        terminal=terminal_id,
        item_name=item_name,
        tracking_no=receipt.tracking_no,
        time=format_time(receipt.created_at, tz),
        qr_payload=qr_payload,
        next_steps=steps,
        footer=translate("receipt.footer", language),
        labels=ReceiptLabels.for_language(language),
    )
