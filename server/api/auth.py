"""Token authentication for the API: cookies are ignored, so there is no CSRF surface."""

from functools import wraps

from flask import g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from server.people.auth import user_for_token


def token_required(view):
    """Authenticate with `Authorization: Bearer <token>`; cookies are ignored (no CSRF surface)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        user = user_for_token(request.headers.get("Authorization"))
        if user is None:
            raise Unauthorized("A valid bearer token is required.")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    """After token_required: 403 for anyone but an administrator, before the body is read."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not g.api_user.has_role("admin"):
            raise Forbidden("Only an administrator may do this.")
        return view(*args, **kwargs)

    return wrapper
