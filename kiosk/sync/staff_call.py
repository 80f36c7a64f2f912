"""The help button: a call to the hall's remote staff, through the back office.

An unstaffed hall (不打烊) still has people behind it: the back office's terminals page shows
every open call (terminal, screen, language, care mode — never who the citizen is) and staff
answer "on my way" (or call the terminal's handset), then "done". The kiosk sends the call
(``PUT /help-requests/{id}``, idempotent: a retry is the same call) and polls its state so the
citizen sees that someone answered. Without a link the call is ``unreachable`` and the citizen
is given the hotline instead. Blocking calls: run them off the GUI thread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any, Literal

from kiosk.errors import KioskError
from kiosk.sync.protocol import HelpRequestIn

__all__ = ["CallState", "StaffCall"]

log = logging.getLogger(__name__)

CallStatus = Literal["open", "acknowledged", "closed", "unreachable"]


@dataclasses.dataclass(frozen=True, slots=True)
class CallState:
    request_id: str
    status: CallStatus


class StaffCall:
    def __init__(self, client: Callable[[], Any],
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self._client = client  # () -> SyncClient | None (None: not enrolled)
        self._now = now

    def call(self, screen: str, language: str, care_mode: bool,
             request_id: str | None = None) -> CallState:
        """Send (or re-send) a call; ``unreachable`` when the back office cannot be reached."""
        rid = request_id or str(uuid.uuid4())
        client = self._client()
        if client is None:
            log.warning("help requested on %s: no back-office credential, staff not reachable", screen)
            return CallState(rid, "unreachable")
        body = HelpRequestIn(screen=screen, language=language, care_mode=care_mode,
                             requested_at=self._now())
        try:
            state = client.call_staff(rid, body)
        except KioskError as err:
            log.warning("help requested on %s: staff not reachable (%s)", screen, err.key)
            return CallState(rid, "unreachable")
        log.info("help requested on %s: call %s is %s", screen, rid, state.status)
        return CallState(rid, state.status)

    def poll(self, request_id: str) -> CallState:
        """The call's state now (``unreachable`` while the link is down)."""
        client = self._client()
        if client is None:
            return CallState(request_id, "unreachable")
        try:
            state = client.help_request(request_id)
        except KioskError as err:
            log.info("help call %s: state not known (%s)", request_id, err.key)
            return CallState(request_id, "unreachable")
        return CallState(request_id, state.status)
