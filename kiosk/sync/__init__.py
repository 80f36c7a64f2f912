"""Kiosk ↔ back-office sync (DESIGN §5): protocol models, signing, client, worker.

The protocol is documented in :mod:`kiosk.sync.protocol` (endpoints, models) and
:mod:`kiosk.sync.signing` (headers, signing string, framed uploads); the reference server in
:mod:`kiosk.backoffice` implements it with the same models.
"""
