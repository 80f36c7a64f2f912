"""Render codes into camera frames for scanner tests: QR with the ``qrcode`` library (byte mode,
no ECI: the bytes are exactly what a scanner must return), 1-D codes with zxing-cpp's writer."""

from __future__ import annotations

import cv2
import numpy as np
import qrcode
import qrcode.constants
import zxingcpp


def qr_image(payload: bytes, box: int = 4) -> np.ndarray:
    """A grayscale QR code (quiet zone included) carrying ``payload`` in byte mode."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box, border=4)
    code.add_data(payload, optimize=0)
    code.make(fit=True)
    return np.array(code.make_image().convert("L"), dtype=np.uint8)


def barcode_image(text: str, symbology: str, scale: int = 3) -> np.ndarray:
    barcode = zxingcpp.create_barcode(text, zxingcpp.barcode_format_from_str(symbology))
    image = np.array(zxingcpp.write_barcode_to_image(barcode, scale=scale, add_quiet_zones=True))
    return image.astype(np.uint8)


def in_frame(code: np.ndarray, size: tuple[int, int] = (640, 480), seed: int = 3) -> np.ndarray:
    """A BGR camera frame: a grey, slightly noisy background with the code pasted off-centre."""
    width, height = size
    rng = np.random.default_rng(seed)
    frame = rng.integers(90, 140, size=(height, width), dtype=np.uint8)
    h, w = code.shape[:2]
    if h > height - 20 or w > width - 20:
        raise ValueError("code larger than the frame")
    y, x = (height - h) // 2 + 5, (width - w) // 2 - 15
    frame[y : y + h, x : x + w] = code
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
