"""Government-app identification: offline token checks on the terminal, then the back office
(a real one on loopback, through the signed sync client) resolves the subject once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.backoffice.local import LocalBackOffice
from kiosk.backoffice.settings import BackOfficeSettings
from kiosk.errors import KnownError
from kiosk.identity.govapp import GovAppIdentifier, GovAppSimulator
from kiosk.sync.client import SyncClient, TransientError
from kiosk.sync.credentials import Credentials
from kiosk.sync.protocol import EnrolResponse

APP = GovAppSimulator()
IDENTITY = {"kind": "resident_id", "number": "11010519491231002X", "name": "测试张三",
            "sex": "female", "birth_date": "1949-12-31"}


class _Offline:
    def resolve_gov_app(self, token: str) -> Any:
        raise TransientError("sync.offline", "ConnectionError")


def _identifier(client: Any, key: str | None = APP.public_key_b64) -> GovAppIdentifier:
    return GovAppIdentifier(key, "DM1", lambda: client)


@pytest.mark.parametrize(("token", "key"), [
    (APP.token("s", now=time.time() - 3600), "qr.expired"),
    (GovAppSimulator(seed=b"\x07" * 32).token("s"), "qr.bad_signature"),
    (APP.token("s", audience="HK9"), "qr.unknown_kind"),  # shown at another terminal
    ("GOVAPP1.%%%.###", "qr.malformed"),
])
def test_tokens_failing_offline_checks_never_reach_the_network(token: str, key: str) -> None:
    identifier = _identifier(client=None)
    assert identifier.check(token) == key
    with pytest.raises(KnownError) as err:
        identifier.resolve(token)
    assert err.value.key == key


def test_without_an_issuer_key_gov_app_identification_is_off() -> None:
    identifier = _identifier(None, key=None)
    assert not identifier.enabled and identifier.check(APP.token("s")) == "identity.gov_app_off"


def test_no_network_or_no_enrolment_says_use_the_id_card() -> None:
    for client in (_Offline(), None):
        with pytest.raises(KnownError) as err:
            _identifier(client).resolve(APP.token("s"))
        assert err.value.key == "identity.gov_app_offline"


@pytest.fixture
def backoffice(tmp_path: Path) -> Iterator[LocalBackOffice]:
    settings = BackOfficeSettings(db_url=f"sqlite:///{tmp_path / 'bo.sqlite3'}",
                                  gov_app_public_key=APP.public_key_b64)
    with LocalBackOffice(settings, port=0) as server:
        server.db.register_gov_app_identity("citizen-1", IDENTITY)
        yield server


def _client(backoffice: LocalBackOffice) -> SyncClient:
    code, _ = backoffice.db.create_enrolment_code("T-GOV")
    answer: EnrolResponse = backoffice.db.enrol(code, "a" * 32)
    return SyncClient(backoffice.url, Credentials(answer.terminal_id, bytes.fromhex(answer.secret)))


def test_the_back_office_resolves_a_token_once(backoffice: LocalBackOffice) -> None:
    identifier = _identifier(_client(backoffice))
    token = APP.token("citizen-1", audience="DM1")
    document = identifier.resolve(token)
    assert (document.kind, document.number, document.name, document.source) == (
        "resident_id", "11010519491231002X", "测试张三", "gov_app_qr")
    assert document.birth_date is not None and document.birth_date.year == 1949
    with pytest.raises(KnownError) as replay:  # a photographed code is good for nothing
        identifier.resolve(token)
    assert replay.value.key == "identity.gov_app_refused"
    with pytest.raises(KnownError) as unknown:
        identifier.resolve(APP.token("nobody"))
    assert unknown.value.key == "identity.gov_app_unknown"
    actions = [e["action"] for e in backoffice.db.audit_log(None)]
    assert actions.count("gov_app_identify") == 2


def test_the_back_office_checks_the_token_itself(backoffice: LocalBackOffice) -> None:
    client = _client(backoffice)
    forged = GovAppSimulator(seed=b"\x07" * 32).token("citizen-1")
    from kiosk.sync.client import RejectedError

    with pytest.raises(RejectedError) as err:  # a terminal that skipped its own check
        client.resolve_gov_app(forged)
    assert err.value.status == 403 and err.value.code == "identity.token_refused"
