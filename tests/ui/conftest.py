"""UI fixtures: the virtual keyboard as input method and the Basic style before the
QGuiApplication exists; translations compiled once per run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.backoffice.local import LocalBackOffice
from kiosk.ui.window import prepare_environment
from tests.ui.harness import Ui, loopback_backoffice, open_ui

prepare_environment()


@pytest.fixture(scope="session", autouse=True)
def _translations_built() -> None:
    from kiosk.ui.i18n import build

    build()


@pytest.fixture(scope="session")
def qapp_cls() -> type:
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication


@pytest.fixture
def ui(qapp: object, tmp_path: Path) -> Iterator[Ui]:
    harness = open_ui(qapp, tmp_path)
    try:
        yield harness
    finally:
        harness.close()


@pytest.fixture
def backoffice(tmp_path: Path) -> Iterator[LocalBackOffice]:
    with loopback_backoffice(tmp_path) as server:
        yield server
