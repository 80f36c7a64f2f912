"""Local durable store: the encrypted outbox, attachment blobs, audit and retention.

``Outbox`` is imported on first use (PEP 562): the journey and UI modules need only the plain
models, and the outbox pulls in SQLite's stack (sqlite-utils, which imports numpy) that the
kiosk opens after its first frame."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.store.models import NewSubmission, Receipt, SubmissionRow

if TYPE_CHECKING:
    from kiosk.store.outbox import Outbox

__all__ = ["NewSubmission", "Outbox", "Receipt", "SubmissionRow"]


def __getattr__(name: str) -> Any:
    if name == "Outbox":
        from kiosk.store.outbox import Outbox

        return Outbox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
