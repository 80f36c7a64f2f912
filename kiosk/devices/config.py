"""Device configuration: one section per device kind, the ``driver`` key choosing the
implementation. Each driver has its own frozen model, so a key that belongs to another driver,
an unknown driver (the error names the valid choices) or a bad value fails at start with its
key path. ``app.py`` maps the chosen model to the driver class.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Driver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    # a required device that is down takes the terminal out of service; an optional one only
    # greys out the items that need it
    required: bool = True
    poll_interval_s: Annotated[float, Field(gt=0, le=3600)] = 2.0
    status_timeout_s: Annotated[float, Field(gt=0, le=60)] = 3.0


# ---------------------------------------------------------------- ID-card reader
class SimulatedIdCardConfig(_Driver):
    """The GA 467 simulator on a pseudo-terminal pair, driven by the real serial driver."""

    driver: Literal["simulated"]
    card: Literal["none", "resident", "permit", "foreigner"] = "none"


class Ga467SerialConfig(_Driver):
    driver: Literal["ga467_serial"]
    port: str = "/dev/ttyUSB0"
    baudrate: Literal[9600, 19200, 38400, 57600, 115200] = 115200
    timeout_s: Annotated[float, Field(gt=0, le=30)] = 5.0


IdCardConfig = Annotated[SimulatedIdCardConfig | Ga467SerialConfig, Field(discriminator="driver")]


# ---------------------------------------------------------------- camera
class FileCameraConfig(_Driver):
    """Frames from a video file, an image sequence (a directory or glob) or a still."""

    driver: Literal["file", "simulated"]
    source: Path | None = None  # None: generated frames (a page on a desk)
    fps: Annotated[float, Field(gt=0, le=120)] = 15.0
    loop: bool = True
    # the camera's clock runs this many times faster (simulated time: frames still come ``fps``
    # times a real second, stamped ``speed / fps`` apart); the soak benchmark's accelerated clock
    speed: Annotated[float, Field(gt=0, le=100)] = 1.0


class OpenCvCameraConfig(_Driver):
    driver: Literal["opencv"]
    device: str = "/dev/video0"  # a device node, or an index such as "0"
    width: Annotated[int, Field(ge=160, le=7680)] = 1920
    height: Annotated[int, Field(ge=120, le=4320)] = 1080
    fps: Annotated[float, Field(gt=0, le=120)] = 30.0
    # no new frame, or identical frames, for this long means the camera is dead or frozen
    stall_timeout_ms: Annotated[int, Field(ge=100, le=60_000)] = 2000
    reconnect_max_backoff_s: Annotated[float, Field(gt=0, le=300)] = 30.0


CameraConfig = Annotated[FileCameraConfig | OpenCvCameraConfig, Field(discriminator="driver")]


# ---------------------------------------------------------------- code scanner
Decoder = Literal["zxing", "pyzbar"]


class CameraScannerConfig(_Driver):
    """Decode codes from the camera's frames."""

    driver: Literal["camera", "simulated"]
    decoder: Decoder = "zxing"
    max_payload_bytes: Annotated[int, Field(ge=16, le=65536)] = 4096


class HidScannerConfig(_Driver):
    """A keyboard-wedge scanner read through evdev with an exclusive grab."""

    driver: Literal["hid"]
    device: str  # /dev/input/by-id/usb-…-event-kbd
    layout: Literal["us"] = "us"
    end_timeout_ms: Annotated[int, Field(ge=10, le=5000)] = 150
    max_payload_bytes: Annotated[int, Field(ge=16, le=65536)] = 4096


class SerialScannerConfig(_Driver):
    """A scanner in USB-CDC / serial mode sending CR/LF-terminated payloads."""

    driver: Literal["serial"]
    port: str = "/dev/ttyACM0"
    baudrate: Annotated[int, Field(ge=1200, le=921_600)] = 9600
    max_payload_bytes: Annotated[int, Field(ge=16, le=65536)] = 4096


ScannerConfig = Annotated[
    CameraScannerConfig | HidScannerConfig | SerialScannerConfig, Field(discriminator="driver")
]


# ---------------------------------------------------------------- receipt printer
class _EscPos(_Driver):
    profile: str = "default"  # python-escpos capability profile name
    # GB18030 double-byte "Chinese mode" (FS &) for CJK text; False: the printer's code page
    chinese_mode: bool = True
    paper_width_chars: Annotated[int, Field(ge=24, le=64)] = 32
    cut: Literal["full", "partial", "none"] = "partial"


class SimulatedReceiptPrinterConfig(_EscPos):
    """Writes each job (ESC/POS bytes and a PDF rendering) to a folder; scriptable paper states."""

    driver: Literal["simulated"]
    output_dir: Path | None = None  # None: <data_dir>/printer-sim


class EscPosUsbConfig(_EscPos):
    driver: Literal["escpos_usb"]
    usb_vendor: Annotated[int, Field(ge=0, le=0xFFFF)]
    usb_product: Annotated[int, Field(ge=0, le=0xFFFF)]


class EscPosSerialConfig(_EscPos):
    driver: Literal["escpos_serial"]
    port: str = "/dev/ttyS0"
    baudrate: Annotated[int, Field(ge=1200, le=921_600)] = 19200


class EscPosNetworkConfig(_EscPos):
    driver: Literal["escpos_network"]
    host: str
    port: Annotated[int, Field(ge=1, le=65535)] = 9100
    timeout_s: Annotated[float, Field(gt=0, le=60)] = 5.0


class EscPosFileConfig(_EscPos):
    """A character device or file that takes raw ESC/POS bytes (e.g. /dev/usb/lp0)."""

    driver: Literal["escpos_file"]
    path: Path


ReceiptPrinterConfig = Annotated[
    SimulatedReceiptPrinterConfig | EscPosUsbConfig | EscPosSerialConfig | EscPosNetworkConfig
    | EscPosFileConfig,
    Field(discriminator="driver"),
]


# ---------------------------------------------------------------- A4 printer
class SimulatedA4PrinterConfig(_Driver):
    driver: Literal["simulated"]
    output_dir: Path | None = None


class CupsPrinterConfig(_Driver):
    driver: Literal["cups"]
    queue: str = "kiosk-a4"
    server: str | None = None  # host[:port] of the CUPS server; None: the local default
    job_timeout_s: Annotated[float, Field(gt=0, le=600)] = 120.0


A4PrinterConfig = Annotated[
    SimulatedA4PrinterConfig | CupsPrinterConfig, Field(discriminator="driver")
]


class DevicesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    idcard: IdCardConfig = SimulatedIdCardConfig(driver="simulated")
    camera: CameraConfig = FileCameraConfig(driver="simulated")
    # the real decoder over the simulated camera: scans in the demo exercise the real pipeline
    scanner: ScannerConfig = CameraScannerConfig(driver="camera")
    receipt_printer: ReceiptPrinterConfig = SimulatedReceiptPrinterConfig(driver="simulated")
    a4_printer: A4PrinterConfig = SimulatedA4PrinterConfig(driver="simulated", required=False)
