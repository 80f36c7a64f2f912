"""Receipts, slips and A4 documents: a device-independent model and its renderings
(ESC/POS commands through a python-escpos printer object, reportlab PDFs with an embedded CJK font)."""

from kiosk.receipts.model import ReceiptLabels, ReceiptModel, SummaryDocument, receipt_for

__all__ = ["ReceiptLabels", "ReceiptModel", "SummaryDocument", "receipt_for"]
