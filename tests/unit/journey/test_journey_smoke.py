from __future__ import annotations

import pytest

from kiosk.journey import State
from tests.unit.journey.conftest import Ctx, drive


@pytest.mark.parametrize("state", list(State))
def test_drive_reaches_every_state(ctx: Ctx, state: State) -> None:
    drive(ctx, state)
