"""smarthall-kiosk: the software of a 24/7 unstaffed government self-service terminal."""

__version__ = "0.1.0"
