"""View models exposed to QML: properties for what a screen shows, slots for intents."""

from kiosk.ui.models.previews import PreviewStore
from kiosk.ui.models.session import CONSENT_VERSION, SessionModel

__all__ = ["CONSENT_VERSION", "PreviewStore", "SessionModel"]
