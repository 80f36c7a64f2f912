"""Build the configured code scanner (``app.py`` calls this; nothing else chooses drivers)."""

from __future__ import annotations

from kiosk.devices.camera.port import Camera
from kiosk.devices.config import (
    CameraScannerConfig,
    HidScannerConfig,
    ScannerConfig,
    SerialScannerConfig,
)
from kiosk.devices.scanner.camera_decode import CameraScanner
from kiosk.devices.scanner.decoders import make_decoder
from kiosk.devices.scanner.port import CodeScanner
from kiosk.devices.scanner.simulated import SimulatedScanner
from kiosk.errors import BugError


def build_scanner(config: ScannerConfig, camera: Camera) -> tuple[CodeScanner, SimulatedScanner | None]:
    """The scanner, and the same object again when it is the scriptable simulator.

    Nothing is opened here: ``start()`` raises :class:`DeviceOffline` (``device.scanner.offline``)
    naming a missing input node or serial port.
    """
    if isinstance(config, CameraScannerConfig):
        if config.driver == "simulated":
            sim = SimulatedScanner(max_payload_bytes=config.max_payload_bytes)
            return sim, sim
        decoder = make_decoder(config.decoder)
        return CameraScanner(camera, decoder, max_payload_bytes=config.max_payload_bytes), None
    if isinstance(config, HidScannerConfig):
        from kiosk.devices.scanner.hid_wedge import HidWedgeScanner  # evdev: Linux only

        return (
            HidWedgeScanner(
                config.device,
                end_timeout_ms=config.end_timeout_ms,
                max_payload_bytes=config.max_payload_bytes,
            ),
            None,
        )
    if isinstance(config, SerialScannerConfig):
        from kiosk.devices.scanner.serial_scanner import SerialScanner

        return (
            SerialScanner(config.port, baudrate=config.baudrate, max_payload_bytes=config.max_payload_bytes),
            None,
        )
    raise BugError("config.invalid", f"unhandled scanner config {type(config).__name__}")
