"""The reference back office: the sync API server (FastAPI) over a SQLAlchemy database.

``create_app(settings)`` builds the ASGI app (:mod:`kiosk.backoffice.app`);
:class:`~kiosk.backoffice.db.BackOfficeDB` is the repository every part uses (the API now,
the staff pages later); :func:`~kiosk.backoffice.server.serve` runs it under uvicorn.
"""
