"""Staff web pages of the reference back office (server-rendered, work without JavaScript).

:func:`mount_staff` puts them at ``/staff`` on the back office app; :func:`create_staff_user`
creates an account (``kiosk backoffice create-staff``). See :mod:`.auth` for the login and
session design and :mod:`.health` for the terminal health thresholds.
"""

from kiosk.backoffice.staff.auth import StaffOptions, create_staff_user, set_staff_password
from kiosk.backoffice.staff.web import STAFF_PREFIX, create_staff_app, mount_staff

__all__ = ["STAFF_PREFIX", "StaffOptions", "create_staff_app", "create_staff_user", "mount_staff",
           "set_staff_password"]
