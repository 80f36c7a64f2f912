"""The same repository on PostgreSQL, when one is reachable (skipped otherwise).

Set ``KIOSK_TEST_POSTGRES_URL`` (e.g. ``postgresql+psycopg://kiosk@127.0.0.1/kiosk_test``);
the test creates its tables in a throw-away schema-less database it is given and drops them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from kiosk.backoffice.db import BackOfficeDB, BackOfficeError, metadata
from kiosk.sync.protocol import SubmissionIn

URL = os.environ.get("KIOSK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def pgdb() -> Iterator[BackOfficeDB]:
    try:
        db = BackOfficeDB(URL)
        with db.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except (ImportError, sa.exc.SQLAlchemyError) as err:
        pytest.skip(f"no PostgreSQL reachable at {URL.split('@')[-1]}: {type(err).__name__}")
    metadata.drop_all(db.engine)
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
