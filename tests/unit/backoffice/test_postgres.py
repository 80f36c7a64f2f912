"""The repository on PostgreSQL: the push, resume, commit and feed path in one piece (the
whole back-office suite also runs on PostgreSQL: ``settings`` in conftest.py), and what only
several servers on one database can do — race each other (tests/pgserver.py starts it).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from kiosk.backoffice.db import BackOfficeDB, BackOfficeError, metadata
from kiosk.identity.govapp import GovAppSimulator
from kiosk.sync.protocol import EnrolResponse, HelpRequestIn, SubmissionIn


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


# ---------------------------------------------------------------- several servers, one database
SERVERS = 4
ROUNDS = 15


def _race(servers: list[BackOfficeDB], act: Callable[[BackOfficeDB], object]) -> list[object]:
    """``act`` on every server at once (a barrier releases them together); each one's answer,
    or the exception it raised."""
    barrier = threading.Barrier(len(servers))

    def one(db: BackOfficeDB) -> object:
        barrier.wait()
        try:
            return act(db)
        except Exception as err:  # compared by the test
            return err

    with ThreadPoolExecutor(len(servers)) as pool:
        return list(pool.map(one, servers))


@pytest.fixture
def servers(pgdb: BackOfficeDB) -> Iterator[list[BackOfficeDB]]:
    """Back-office processes behind one load balancer: each its own engine, pool and lock."""
    more = [BackOfficeDB(pgdb.url) for _ in range(SERVERS)]
    yield more
    for db in more:
        db.close()


def _submission(n: int, data: bytes) -> SubmissionIn:
    return SubmissionIn.model_validate({
        "uuid": f"01a2146b-f432-7b50-a59e-{n:012x}", "tracking_no": f"DM1-{n}", "item_code": "X",
        "language": "en", "created_at": "2026-11-25T09:30:00+00:00", "personal": {"n": "CHAN"},
        "attachments": [{"seq": 0, "material_id": "m", "filename": "m.pdf", "mime": "application/pdf",
                         "pages": 1, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}]})


def _enrolled(db: BackOfficeDB, terminal_id: str) -> str:
    """An enrolled terminal's id."""
    code, tid = db.create_enrolment_code(terminal_id)
    db.enrol(code, hashlib.sha256(terminal_id.encode()).hexdigest()[:32])
    return tid


def _case(db: BackOfficeDB, tid: str, n: int, data: bytes, status: str | None = None) -> SubmissionIn:
    """Submission ``n`` pushed and committed in one request (inline), then set to ``status``."""
    sub = _submission(n, data)
    db.put_submission(tid, sub, inline={0: data}, inline_max=1 << 20)
    if status is not None:
        db.set_status(sub.uuid, status, "", "alice")
    return sub


def test_one_submission_pushed_through_several_servers_at_once_is_one_case(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    """A terminal's retry lands on another server while the first still works on the push: every
    answer is the same case, never a server error, and the database holds it once."""
    tid = _enrolled(pgdb, "T-RACE")
    data = b"%PDF race"
    for n in range(ROUNDS):
        sub = _submission(n, data)
        answers = _race(servers, lambda db, sub=sub: db.put_submission(  # type: ignore[misc]
            tid, sub, inline={0: data}, inline_max=1 << 20))
        assert not [a for a in answers if isinstance(a, Exception)], answers
        assert len(set(map(repr, answers))) == 1, answers
        assert pgdb.get_submission(sub.uuid).summary.case_no == answers[0].case_no  # type: ignore[attr-defined]
    assert pgdb.count_submissions() == ROUNDS
    feed = pgdb.status_feed(tid, 0, 10 * ROUNDS).updates
    assert sorted(u.uuid for u in feed) == sorted(_submission(n, data).uuid for n in range(ROUNDS))


def test_one_enrolment_code_used_through_several_servers_at_once_enrols_once(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    """Two terminals typed the same code (or one terminal's retries raced with another's): one
    credential is issued, and it is the one the back office keeps; the others are refused."""
    for n in range(ROUNDS):
        code, tid = pgdb.create_enrolment_code(f"T-ENROL-{n}")
        answers = _race(servers, lambda db, code=code: db.enrol(  # type: ignore[misc]
            code, f"{servers.index(db):032x}"))
        issued = [a for a in answers if isinstance(a, EnrolResponse)]
        refused = [a for a in answers if isinstance(a, BackOfficeError) and a.code == "enrol.invalid_code"]
        assert len(issued) == 1 and len(refused) == SERVERS - 1, answers
        assert pgdb.terminal_secret(tid) == bytes.fromhex(issued[0].secret)


def test_one_nonce_seen_by_several_servers_at_once_is_accepted_once(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    """A replayed request that reaches another server at the same instant is refused there."""
    tid = _enrolled(pgdb, "T-NONCE")
    for n in range(ROUNDS):
        answers = _race(servers, lambda db, n=n: db.remember_nonce(tid, f"nonce-{n}", 300))  # type: ignore[misc]
        assert sorted(map(repr, answers)) == ["False"] * (SERVERS - 1) + ["True"], answers


def test_one_help_request_pushed_through_several_servers_at_once_is_one_call(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    tid = _enrolled(pgdb, "T-HELP")
    body = HelpRequestIn(screen="form", language="yue", care_mode=True,
                         requested_at=dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC))
    for n in range(ROUNDS):
        answers = _race(servers, lambda db, n=n: db.put_help_request(  # type: ignore[misc]
            tid, f"help-{n:04d}", body))
        assert not [a for a in answers if isinstance(a, Exception)], answers
        assert len(set(map(repr, answers))) == 1, answers
    assert len(pgdb.open_help_requests()) == ROUNDS


def test_two_officers_deciding_one_case_at_once_on_two_servers_make_one_decision(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    """One approves while another declines: the second sees the first's decision and is refused
    (approved → declined is not a transition); the terminal is told one decision."""
    tid = _enrolled(pgdb, "T-DECIDE")
    pair = servers[:2]
    for n in range(ROUNDS):
        sub = _case(pgdb, tid, 1000 + n, b"%PDF decide", "in_review")
        answers = _race(pair, lambda db, sub=sub: db.set_status(  # type: ignore[misc]
            sub.uuid, ("approved", "declined")[pair.index(db)], "", f"officer{pair.index(db)}"))
        made = [a for a in answers if not isinstance(a, Exception)]
        refused = [a for a in answers if isinstance(a, BackOfficeError) and a.code == "status.not_allowed"]
        assert len(made) == 1 and len(refused) == 1, answers
        history = [e.status for e in pgdb.get_submission(sub.uuid).history]
        assert history == ["accepted", "in_review", made[0].status], history  # type: ignore[attr-defined]


def test_failed_logins_tried_on_several_servers_at_once_all_count(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    """Guessing a staff password in parallel through every server gets no more tries than the
    limit: each failure counts, and the limit-th one locks the account."""
    window, lock_for = dt.timedelta(minutes=15), dt.timedelta(minutes=15)
    for n in range(ROUNDS):
        keys = [f"user:guess{n}"]
        answers = _race(servers, lambda db, keys=keys: db.note_login_failure(  # type: ignore[misc]
            keys, window=window, limits=[SERVERS], lock_for=lock_for))
        assert not [a for a in answers if isinstance(a, Exception)], answers
        assert sum(a is not None for a in answers) == 1, answers  # the SERVERS-th failure locked
        assert pgdb.login_lockout(keys) is not None


def test_servers_starting_together_share_one_cookie_key(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    """A staff member's session cookie must hold on whichever server the next request reaches."""
    for n in range(ROUNDS):
        answers = _race(servers, lambda db, n=n: db.staff_secret(f"cookie-{n}"))  # type: ignore[misc]
        assert not [a for a in answers if isinstance(a, Exception)], answers
        assert len(set(answers)) == 1 and answers[0] == pgdb.staff_secret(f"cookie-{n}")


def test_one_document_published_through_several_servers_at_once_is_published_once(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    _code, tid = pgdb.create_enrolment_code("T-DOC")
    for n in range(ROUNDS):
        answers = _race(servers, lambda db, n=n: db.publish_document(  # type: ignore[misc]
            "config", {"round": n, "by": servers.index(db)}, "alice"))
        assert not [a for a in answers if isinstance(a, Exception)], answers
        document = pgdb.get_document("config", tid)
        assert document is not None and document[1] in answers and document[0]["round"] == n


def test_a_terminal_reading_its_feed_while_several_servers_write_misses_no_update(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    """The feed's cursor is the last event id a terminal saw. Ids are drawn when an event is
    inserted, but become visible when its transaction commits: a later id committed first
    would move the cursor past an earlier one still in flight, and that update (a decision,
    a result ready) would never reach the terminal."""
    tid = _enrolled(pgdb, "T-FEED")
    per_server = 40
    done = threading.Event()
    seen: set[int] = set()

    def read_feed() -> None:
        cursor = 0
        while True:
            finished = done.is_set()  # read once more after the writers are done
            feed = pgdb.status_feed(tid, cursor, 500)
            seen.update(u.id for u in feed.updates)
            cursor = feed.cursor
            if finished and not feed.more:
                return

    def write(db: BackOfficeDB) -> object:
        for n in range(per_server):
            _case(db, tid, 10_000 * (servers.index(db) + 1) + n, b"%PDF feed", "in_review")
        return None

    reader = threading.Thread(target=read_feed)
    reader.start()
    try:
        answers = _race(servers, write)
    finally:
        done.set()
        reader.join(60)
    assert answers == [None] * SERVERS, answers
    everything = {u.id for u in pgdb.status_feed(tid, 0, 10_000).updates}
    assert len(everything) == 2 * per_server * SERVERS
    assert everything - seen == set(), f"{len(everything - seen)} updates never reached the terminal"


def test_one_gov_app_token_forwarded_through_several_servers_at_once_identifies_once(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    """A login QR is good for one identification: a copy raced to another server is a replay
    (403), never a server error and never a second identity."""
    app = GovAppSimulator()
    public_key = base64.b64decode(app.public_key_b64)
    pgdb.register_gov_app_identity("citizen-1", {"name": "CHAN Tai Man"})
    for _ in range(ROUNDS):
        token = app.token("citizen-1")
        answers = _race(servers, lambda db, token=token: db.resolve_gov_app(  # type: ignore[misc]
            "T-APP", token, public_key))
        found = [a for a in answers if isinstance(a, dict)]
        replayed = [a for a in answers if isinstance(a, BackOfficeError) and a.extra == {}
                    and a.code == "identity.token_refused" and a.message == "qr.replayed"]
        assert found == [{"name": "CHAN Tai Man"}] and len(replayed) == SERVERS - 1, answers


def test_one_staff_account_created_through_several_servers_at_once_exists_once(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    for n in range(ROUNDS):
        answers = _race(servers, lambda db, n=n: db.create_staff_user(  # type: ignore[misc]
            f"officer{n}", f"hash-{servers.index(db)}"))
        taken = [a for a in answers if isinstance(a, BackOfficeError) and a.code == "staff.exists"]
        assert answers.count(None) == 1 and len(taken) == SERVERS - 1, answers


def test_codes_for_one_new_terminal_issued_through_several_servers_at_once_all_work(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    """Two technicians issue a code for the same new terminal at once: both codes are issued
    (one terminal row), and either one enrols it."""
    for n in range(ROUNDS):
        answers = _race(servers, lambda db, n=n: db.create_enrolment_code(f"T-NEW-{n}"))  # type: ignore[misc]
        assert not [a for a in answers if isinstance(a, Exception)], answers
        codes = [str(a[0]) for a in answers if isinstance(a, tuple)]
        assert len(set(codes)) == SERVERS
        assert pgdb.enrol(codes[-1], "a" * 32).terminal_id == f"T-NEW-{n}"


def test_two_officers_uploading_one_result_at_once_on_two_servers_tell_the_terminal_once(
        pgdb: BackOfficeDB, servers: list[BackOfficeDB]) -> None:
    """Both upload a result PDF for an approved case: the first makes it ``result_ready``, the
    second replaces the file (audited); the terminal's feed gets one ``result_ready``."""
    tid = _enrolled(pgdb, "T-RESULT")
    pair = servers[:2]
    for n in range(ROUNDS):
        sub = _case(pgdb, tid, 2000 + n, b"%PDF result", "approved")
        answers = _race(pair, lambda db, sub=sub: db.mark_result_ready(  # type: ignore[misc]
            sub.uuid, f"%PDF-1.7 by {pair.index(db)}".encode(), "licence.pdf", "",
            f"officer{pair.index(db)}"))
        assert not [a for a in answers if isinstance(a, Exception)], answers
        assert answers.count(None) == 1, answers  # one made it ready, the other replaced the file
        history = [e.status for e in pgdb.get_submission(sub.uuid).history]
        assert history == ["accepted", "approved", "result_ready"], history
