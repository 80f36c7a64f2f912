"""Publishing terminal config documents (issue 7): validated against the terminals' allow-list
before they are offered, and numbered.

A document (:class:`~kiosk.sync.protocol.TerminalConfigDoc`) is checked here with the same
:func:`kiosk.remote_config.check_settings` the terminals run: only allow-listed keys, each value
within its field's type and bounds. Rules that depend on a terminal's own file (e.g. the backoff
cap against its base) can only be checked there; a terminal that refuses a document reports
``config refused: <key path>`` in its heartbeat (the terminals page shows it).

``version`` increases with every publication (for every terminal or for one), so a terminal can
tell a newer document from an older one and never retries one it rolled back.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from kiosk.backoffice.db import BackOfficeDB
from kiosk.remote_config import check_settings
from kiosk.sync.protocol import TerminalConfigDoc


def validate_config_document(data: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """``(content, [])`` when publishable, else ``(None, problems)``, each naming its key path."""
    if not isinstance(data, dict):
        return None, ["(top level): expected a JSON object"]
    try:
        doc = TerminalConfigDoc.model_validate(data)
    except ValidationError as err:
        return None, [f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}"
                      for e in err.errors()]
    problems = [f"settings.{p}" for p in check_settings(doc.settings)]
    return (None, problems) if problems else (dict(data), [])


def next_config_version(db: BackOfficeDB) -> int:
    """One more than every config document published so far."""
    versions = [0]
    for info in db.list_documents():
        if info.kind == "config":
            found = db.get_document("config", info.scope)
            if found is not None and isinstance(found[0].get("version"), int):
                versions.append(found[0]["version"])
    return max(versions) + 1


def publish_config(db: BackOfficeDB, content: dict[str, Any], staff: str,
                   terminal_id: str | None = None) -> tuple[str, int]:
    """Validate, number and publish a config document; returns ``(etag, version)``.
    Raises ValueError with the problems (one per line) when it is refused."""
    checked, problems = validate_config_document(content)
    if checked is None:
        raise ValueError("\n".join(problems))
    version = max(int(checked.get("version", 0)), next_config_version(db))
    checked["version"] = version
    etag = db.publish_document("config", json.loads(json.dumps(checked)), staff, terminal_id)
    return etag, version
