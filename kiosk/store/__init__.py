"""Local durable store: the encrypted outbox, attachment blobs, audit and retention."""

from kiosk.store.models import NewSubmission, Receipt, SubmissionRow
from kiosk.store.outbox import Outbox

__all__ = ["NewSubmission", "Outbox", "Receipt", "SubmissionRow"]
