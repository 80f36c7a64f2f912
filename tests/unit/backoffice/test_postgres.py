"""The repository on PostgreSQL: the push, resume, commit and feed path in one piece (the
whole back-office suite also runs on PostgreSQL: ``settings`` in conftest.py), and what only
several servers on one database can do — race each other (tests/pgserver.py starts it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from kiosk.backoffice.db import BackOfficeDB, BackOfficeError, metadata
from kiosk.sync.protocol import SubmissionIn


@pytest.fixture
def pgdb(pg_url: str) -> Iterator[BackOfficeDB]:
    db = BackOfficeDB(pg_url)
    metadata.drop_all(db.engine)  # an external server (KIOSK_TEST_POSTGRES_URL) may hold old tables
    db.create_schema()
    yield db
    metadata.drop_all(db.engine)
    db.close()


def test_push_commit_feed_on_postgresql(pgdb: BackOfficeDB) -> None:
    code, tid = pgdb.create_enrolment_code("T-PG")
    pgdb.enrol(code, "a" * 32)
    data = b"postgres" * 100
    attachment = {"seq": 0, "material_id": "m", "filename": "m.pdf", "mime": "application/pdf",
                  "pages": 1, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    sub = SubmissionIn.model_validate({
        "uuid": "01a2146b-f432-7b50-a59e-63e2fb64cfd3", "tracking_no": "DM1-1", "item_code": "X",
        "language": "zh-Hans", "created_at": "2026-11-25T09:30:00+00:00", "personal": {"n": "张三"},
        "attachments": [attachment]})
    assert pgdb.put_submission(tid, sub) == pgdb.put_submission(tid, sub)
    pgdb.append_attachment(tid, sub.uuid, 0, 0, data[:300])
    with pytest.raises(BackOfficeError):
        pgdb.append_attachment(tid, sub.uuid, 0, 0, data[:300])
    assert pgdb.append_attachment(tid, sub.uuid, 0, 300, data[300:]).complete
    case = pgdb.commit(tid, sub.uuid)
    pgdb.set_status(sub.uuid, "in_review", "", "alice")
    assert [u.status for u in pgdb.status_feed(tid, 0, 10).updates] == ["accepted", "in_review"]
    assert pgdb.get_submission(sub.uuid).summary.case_no == case.case_no
    assert pgdb.read_attachment(sub.uuid, 0) == data
