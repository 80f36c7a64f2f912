"""Sample receipts shared by the receipt, printer and contract tests."""

from __future__ import annotations

import datetime as dt

from kiosk.messages import Lang
from kiosk.receipts import ReceiptLabels, ReceiptModel, SummaryDocument, receipt_for
from kiosk.store.models import Receipt

TRACKING_NO = "SH20250301-000123"
QR_PAYLOAD = "https://kiosk.example.gov.cn/t/SH20250301-000123?sig=abc"
ITEM_ZH = "公司设立登记"


def sample_receipt(language: Lang = "zh-Hans", item_name: str = ITEM_ZH) -> ReceiptModel:
    stored = Receipt(
        uuid="0190f0c4-0000-7000-8000-000000000001",
        tracking_no=TRACKING_NO,
        item_code="SC-001",
        created_at=dt.datetime(2025, 3, 1, 6, 5, tzinfo=dt.UTC),
    )
    return receipt_for(
        stored, item_name=item_name, terminal_id="SH-0001", language=language,
        qr_payload=QR_PAYLOAD, tz=dt.timezone(dt.timedelta(hours=8)),
    )


def sample_summary(language: Lang = "zh-Hans") -> SummaryDocument:
    return SummaryDocument(
        language=language,
        title="申请信息摘要",
        item_name=ITEM_ZH,
        tracking_no=TRACKING_NO,
        time="2025-03-01 14:05",
        labels=ReceiptLabels.for_language(language),
        rows=(("企业名称", "深圳市前海示例科技有限公司"), ("注册资本", "100 万元")),
        qr_payload=QR_PAYLOAD,
        footer="本摘要仅供申请人核对。",
    )
