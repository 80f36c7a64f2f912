from __future__ import annotations

import pytest

from kiosk.receipts.escpos import display_width, wrap
from tests.unit.receipts.samples import QR_PAYLOAD, TRACKING_NO, sample_receipt


def test_receipt_for_resolves_every_text_in_the_session_language() -> None:
    zh = sample_receipt("zh-Hans")
    assert zh.title == "政务服务受理凭条"
    assert zh.labels.tracking_no == "受理编号"
    assert zh.tracking_no == TRACKING_NO
    assert zh.time == "2025-03-01 14:05"  # created 06:05 UTC, shown in UTC+8
    assert zh.next_steps and zh.footer
    hant = sample_receipt("zh-Hant")
    assert hant.labels.tracking_no == "受理編號"
    en = sample_receipt("en", item_name="Company registration")
    assert en.labels.tracking_no == "Tracking No."


def test_qr_payload_stays_out_of_repr() -> None:
    assert QR_PAYLOAD not in repr(sample_receipt())


def test_model_is_frozen() -> None:
    receipt = sample_receipt()
    with pytest.raises(AttributeError):
        receipt.tracking_no = "X"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "columns", "expected"),
    [
        ("公司设立登记", 8, ["公司设立", "登记"]),
        ("Company registration form", 12, ["Company", "registration", "form"]),
        ("受理编号：SH20250301-000123", 32, ["受理编号：SH20250301-000123"]),
        ("", 10, [""]),
        ("ABCDEFGHIJ", 4, ["ABCD", "EFGH", "IJ"]),
    ],
)
def test_wrap_counts_cjk_as_two_columns(text: str, columns: int, expected: list[str]) -> None:
    lines = wrap(text, columns)
    assert lines == expected
    assert all(display_width(line) <= columns for line in lines)
