"""The Qt Quick kiosk UI (the only package that imports PySide6 GUI modules).

Entry points: :func:`run_kiosk` (the kiosk window, or the scripted screenshot driver) and
``python -m kiosk.ui.i18n build`` (compile translations at setup time).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.config import Config

__all__ = ["run_kiosk"]


def run_kiosk(config: Config, *, script: Path | None = None, screenshots: Path | None = None,
              fullscreen: bool = True, **kwargs: Any) -> int:
    from kiosk.ui.run import run_kiosk as _run

    return _run(config, script=script, screenshots=screenshots, fullscreen=fullscreen, **kwargs)
