"""Display helpers for the staff pages: status labels, sizes, ages, catalogue names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

STATUS_LABELS: Final[dict[str, str]] = {
    "received": "接收中 Receiving",
    "accepted": "已受理 Accepted",
    "in_review": "审核中 In review",
    "needs_more": "需补正 Needs more",
    "approved": "已批准 Approved",
    "declined": "不予批准 Declined",
    "result_ready": "结果可领取 Result ready",
    "collected": "已领取 Collected",
}
# what staff may set (``accepted`` comes from the commit; ``result_ready`` also has its own form)
STAFF_STATUSES: Final = ("in_review", "needs_more", "approved", "declined", "result_ready", "collected")


def human_bytes(n: int | float | None) -> str:
    if n is None:
        return "—"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"  # pragma: no cover


def human_age(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = max(0.0, seconds)
    if s < 90:
        return f"{s:.0f} s"
    if s < 90 * 60:
        return f"{s / 60:.0f} min"
    if s < 48 * 3600:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} d"


def _text(texts: Any) -> str:
    if not isinstance(texts, Mapping):
        return ""
    zh = str(texts.get("zh-Hans", "") or "")
    en = str(texts.get("en", "") or "")
    return f"{zh} {en}".strip() if zh != en else zh


class CatalogNames:
    """Item, material and form-field names from a catalogue document (raw JSON, validated
    when published); unknown codes show as themselves."""

    def __init__(self, document: Mapping[str, Any] | None) -> None:
        self.items: dict[str, str] = {}
        self.materials: dict[tuple[str, str], str] = {}
        self.fields: dict[tuple[str, str], str] = {}
        for item in (document or {}).get("items", ()) or ():
            if not isinstance(item, Mapping):
                continue
            code = str(item.get("code", ""))
            self.items[code] = _text(item.get("name"))
            for m in item.get("materials", ()) or ():
                if isinstance(m, Mapping):
                    self.materials[(code, str(m.get("id", "")))] = _text(m.get("name"))
            for group in item.get("form", ()) or ():
                if not isinstance(group, Mapping):
                    continue
                for f in group.get("fields", ()) or ():
                    if isinstance(f, Mapping):
                        self.fields[(code, str(f.get("id", "")))] = _text(f.get("label"))

    def item(self, code: str) -> str:
        return self.items.get(code, "")

    def material(self, code: str, material_id: str) -> str:
        return self.materials.get((code, material_id), "")

    def field(self, code: str, field_id: str) -> str:
        return self.fields.get((code, field_id), "")


def flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested JSON as (dotted key, text) rows for a definition table."""
    if isinstance(value, Mapping):
        rows: list[tuple[str, str]] = []
        for k, v in value.items():
            rows += flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return rows or [(prefix, "{}")]
    if isinstance(value, list | tuple):
        if all(not isinstance(v, Mapping | list | tuple) for v in value):
            return [(prefix, ", ".join("" if v is None else str(v) for v in value))]
        rows = []
        for i, v in enumerate(value):
            rows += flatten(v, f"{prefix}[{i}]")
        return rows or [(prefix, "[]")]
    if value is None:
        return [(prefix, "—")]
    if isinstance(value, bool):
        return [(prefix, "是 yes" if value else "否 no")]
    return [(prefix, str(value))]
