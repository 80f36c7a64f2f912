"""PySide6 must not leak references to the interpreter's singletons: 6.12.0 on Python 3.11
dropped one to ``True`` per ``Signal.emit()`` and one to ``None`` per queued slot call, and the
kiosk aborted (``Fatal Python error: bool_dealloc``) after about a hundred journeys
(bench/soak.py found it; pyproject.toml pins PySide6 below 6.12)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal


class _Emitter(QObject):
    direct = Signal()
    queued = Signal(object)


def test_signals_and_queued_slots_keep_true_and_none_counts(qapp: QCoreApplication) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.direct.connect(lambda: None)
    emitter.queued.connect(received.append, Qt.ConnectionType.QueuedConnection)
    if sys.version_info >= (3, 12):  # immortal singletons: the counts do not move at all
        return
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(2000):
        emitter.direct.emit()
        emitter.queued.emit(None)
    qapp.processEvents()
    received.clear()
    # a leak loses one per emit (2,000 here); a few move with the interpreter's own bookkeeping
    assert abs(sys.getrefcount(True) - before[0]) < 50
    assert abs(sys.getrefcount(None) - before[1]) < 50
