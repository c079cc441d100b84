"""Who may open a page: the checks the views share."""

from flask import abort
from flask_login import current_user


def admin_only() -> None:
    """403 for anyone but an administrator (the caller is already signed in)."""
    if not current_user.has_role("admin"):
        abort(403)
