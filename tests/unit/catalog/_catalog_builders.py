"""Builders for small catalogue fixtures (valid by default; tests break them on purpose)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def texts(hans: str, hant: str | None = None, en: str | None = None) -> dict[str, str]:
    return {"zh-Hans": hans, "zh-Hant": hant or hans + "（繁）", "en": en or f"{hans} (en)"}


def make_item(code: str = "44030400SC-XK-0001", **over: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": code,
        "name": texts("公司设立登记", "公司設立登記", "Company establishment registration"),
        "description": texts("设立公司", "設立公司", "Register a company"),
        "department": texts("市场监管局", "市場監管局", "Market regulation"),
        "category": "enterprise",
        "item_type": "licensing",
        "service_object": ["legal_person"],
        "channel": "fully_online",
        "visits": 0,
        "legal_days": 15,
        "promised_days": 1,
        "result": {"type": "licence", "delivery": ["e_certificate"]},
        "profiles": ["demo", "hall"],
        "form": [{"id": "main", "title": texts("信息", "資訊", "Details"),
                  "fields": [{"id": "company_name", "type": "text",
                              "label": texts("名称", "名稱", "Name")}]}],
    }
    item.update(over)
    return item


def make_policy(pid: str = "subsidy", **over: Any) -> dict[str, Any]:
    policy: dict[str, Any] = {
        "id": pid,
        "name": texts("补贴", "補貼", "Subsidy"),
        "summary": texts("摘要", "摘要", "Summary"),
        "benefit": texts("最高十万元", "最高十萬元", "Up to CNY 100,000"),
        "department": texts("科技局", "科技局", "Science bureau"),
        "eligibility": {"industries": ["M754"]},
        "linked_item": "44030400SC-XK-0001",
    }
    policy.update(over)
    return policy


def make_header(**over: Any) -> dict[str, Any]:
    header: dict[str, Any] = {
        "format_version": 1,
        "version": "2026.11.1",
        "published": "2026-11-01",
        "categories": [{"id": "enterprise", "name": texts("企业服务", "企業服務", "Business")},
                       {"id": "health", "name": texts("医疗卫生", "醫療衛生", "Health")}],
    }
    header.update(over)
    return header


def write_json(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def make_document(items: list[dict[str, Any]], policies: list[dict[str, Any]] | None = None
                  ) -> dict[str, Any]:
    return {**make_header(), "items": items, "policies": policies or []}
