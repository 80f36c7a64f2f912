"""ID-card contract suite fixtures: one ``rig`` per implementation pair.

``pytest --hardware`` (registered in tests/conftest.py) enables the tests marked
``@pytest.mark.hardware``: a real GA 467 reader on ``$KIOSK_IDCARD_PORT`` (default
/dev/ttyUSB0); without it they are skipped.
"""

from __future__ import annotations

