"""Token authentication for the API: cookies are ignored, so there is no CSRF surface."""

from functools import wraps

from flask import g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from server.api.problems import problems
from server.people.auth import user_for_token


def _authenticated(view, *, before_password_change: bool):
    @problems(401, 403)  # 403: a one-time password still to change, or the route's own rule
    @wraps(view)
    def wrapper(*args, **kwargs):
        user = user_for_token(request.headers.get("Authorization"))
        if user is None:
            raise Unauthorized("A valid bearer token is required.")
        if user.must_change_password and not before_password_change:
            raise Forbidden("Change your password first: POST /api/v1/account/password "
                            "{current_password, new_password}.")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


def token_required(view):
    """Authenticate with `Authorization: Bearer <token>`; cookies are ignored (no CSRF surface).
    A user who still holds a one-time password gets 403 until they change it."""
    return _authenticated(view, before_password_change=False)


def token_required_even_before_password_change(view):
    """token_required for the one call a user with a one-time password may make: changing it."""
    return _authenticated(view, before_password_change=True)


def admin_required(view):
    """After token_required: 403 for anyone but an administrator, before the body is read."""

    @problems(403)
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not g.api_user.has_role("admin"):
            raise Forbidden("Only an administrator may do this.")
        return view(*args, **kwargs)

    return wrapper
