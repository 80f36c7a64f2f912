"""ID-card contract suite fixtures: one ``rig`` per implementation pair.

``--hardware`` enables the tests marked ``@pytest.mark.hardware`` (a real GA 467 reader on
``$KIOSK_IDCARD_PORT``, default /dev/ttyUSB0); without it they are skipped. Pass this
directory on the command line with it (``pytest tests/contract/idcard --hardware``): pytest
reads command-line options only from the conftest files of the paths it is given.
"""

from __future__ import annotations

import contextlib

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    with contextlib.suppress(ValueError):  # another device suite may register it too
        parser.addoption(
            "--hardware", action="store_true", default=False,
            help="run tests that need real devices attached",
        )


@pytest.fixture(autouse=True)
def _skip_hardware_unless_asked(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("hardware") and not request.config.getoption(
        "--hardware", default=False
    ):
        pytest.skip("needs a real ID-card reader: run with --hardware (port in $KIOSK_IDCARD_PORT)")
