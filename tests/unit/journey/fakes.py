"""Typed fakes for the journey's ports."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from kiosk.catalog.model import Device, IdKind
from kiosk.errors import KnownError
from kiosk.store.models import NewSubmission, Receipt, Status, SubmissionRow

TZ = dt.timezone(dt.timedelta(hours=8))
WHEN = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def make_row(tracking_no: str = "DM1-20260302-0001", *, status: Status = "in_review",
             item_code: str = "44030400SC-XK-0001", uuid: str = "0190f0aa-0000-7000-8000-000000000001",
             case_no: str | None = "CASE-1") -> SubmissionRow:
    return SubmissionRow(
        uuid=uuid, tracking_no=tracking_no, item_code=item_code, terminal_id="demo-terminal-01",
        status=status, created_at=WHEN, updated_at=WHEN, attempts=1, case_no=case_no,
        reason=None, accepted_at=WHEN, purged_at=None, rating=None, attachments=(),
    )


class FakeOutbox:
    """Records submissions and ratings; ``fail_with`` makes the next enqueues raise."""

    def __init__(self) -> None:
        self.submissions: list[NewSubmission] = []
        self.ratings: list[tuple[str, int, tuple[str, ...]]] = []
        self.rows: dict[str, SubmissionRow] = {}
        self.fail_with: str | None = None
        self.rating_fails_with: str | None = None

    def enqueue(self, submission: NewSubmission) -> Receipt:
        if self.fail_with is not None:
            raise KnownError(self.fail_with, "fake outbox failure")
        self.submissions.append(submission)
        n = len(self.submissions)
        return Receipt(uuid=f"0190f0aa-0000-7000-8000-{n:012d}", tracking_no=f"DM1-T{n:04d}",
                       item_code=submission.item_code, created_at=WHEN)

    def find_by_tracking(self, tracking_no: str) -> SubmissionRow | None:
        return self.rows.get(tracking_no)

    def set_rating(self, uuid: str, level: int, reasons: Sequence[str]) -> None:
        if self.rating_fails_with is not None:
            raise KnownError(self.rating_fails_with, "fake rating failure")
        self.ratings.append((uuid, level, tuple(reasons)))

    def add_row(self, row: SubmissionRow) -> SubmissionRow:
        self.rows[row.tracking_no] = row
        return row


@dataclasses.dataclass
class FakeDevices:
    down: set[str] = dataclasses.field(default_factory=set)

    def available(self, device: Device) -> bool:
        return device not in self.down


@dataclasses.dataclass
class FakeOwnerVerifier:
    owners: dict[str, tuple[IdKind, str]] = dataclasses.field(default_factory=dict)
    calls: int = 0

    def owner_matches(self, uuid: str, id_kind: IdKind, id_number: str) -> bool:
        self.calls += 1
        return self.owners.get(uuid) == (id_kind, id_number)
