"""The signed-in user's own account: change their password, list, create and revoke their API
tokens. A user who still holds a one-time password is sent to the password page and may do
nothing else (but log out) until they have chosen their own."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.extensions import db
from server.people.auth import issue_token, keep_session
from server.people.passwords import change_password
from server.people.tokens import list_tokens, revoke_token, token_visible_to
from server.people.users import UserInputError
from server.web.blueprint import bp

# What a user with a one-time password may still reach: the password page itself, logging out,
# the language switch and the stylesheet.
_BEFORE_PASSWORD_CHANGE = {"web.account_password", "web.logout", "web.set_language",
                           "web.static"}


@bp.before_request
def _password_first():
    if current_user.is_authenticated and current_user.must_change_password \
            and request.endpoint not in _BEFORE_PASSWORD_CHANGE:
        return redirect(url_for("web.account_password"))
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def account_password():
    if request.method == "GET":
        return render_template("account/password.html", errors={})
    try:
        change_password(current_user, request.form.get("current_password", ""),
                        request.form.get("new_password", ""),
                        repeated=request.form.get("new_password_again", ""))
    except UserInputError as error:
        db.session.rollback()
        errors = {}
        for field, message in error.problems:
            errors.setdefault(field, message)
        return render_template("account/password.html", errors=errors), 422
    db.session.commit()
    keep_session(current_user)  # every other session of the user has ended
    flash(_("Your password is changed."))
    return redirect(url_for("web.index"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def account_tokens():
    created = None
    status = 200
    if request.method == "POST":
        created = issue_token(current_user, request.form.get("name", "").strip()[:120])
        db.session.commit()
        status = 201
    # The new token is on this answer only: just its hash is stored.
    return render_template("account/tokens.html", tokens=list_tokens(current_user),
                           created=created), status


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def token_revoke(token_id):
    """Revoke one's own token; administrators any, from the people page."""
    token = token_visible_to(token_id, current_user)
    if token is None:
        abort(404)
    owner = token.user.username
    revoke_token(token, actor_id=current_user.id)
    db.session.commit()
    flash(_("The token is revoked: it no longer works."))
    if request.form.get("back") == "admin" and current_user.has_role("admin"):
        return redirect(url_for("web.user_admin", _anchor=f"user-{owner}"))
    return redirect(url_for("web.account_tokens"))
