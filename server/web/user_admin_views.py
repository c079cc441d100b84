"""The administrator's people page (Người dùng): add a user with a role for a unit, shown a
one-time password once; deactivate or reactivate. Thin: server.people.users checks and writes."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from server.extensions import db
from server.models import ROLES, User
from server.people.units import list_units
from server.people.users import UserInputError, create_user, one_time_password, set_user_active
from server.web.access import admin_only
from server.web.blueprint import bp


def _page(errors=None, typed=None, created=None, status=200):
    users = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("admin/users.html", users=users, roles=ROLES,
                           units=list_units(include_inactive=False), errors=errors or {},
                           typed=typed or {}, created=created), status


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def user_admin():
    admin_only()
    if request.method == "GET":
        return _page()
    typed = {name: request.form.get(name, "").strip()
             for name in ("username", "full_name", "email", "role", "unit_code")}
    password = one_time_password()
    try:
        user = create_user(typed["username"], password, [(typed["role"], typed["unit_code"])],
                           full_name=typed["full_name"], email=typed["email"] or None)
    except UserInputError as error:
        db.session.rollback()
        errors = {}
        for field, message in error.problems:
            errors.setdefault(field, message)
        return _page(errors=errors, typed=typed, status=422)
    db.session.commit()
    # Shown on this answer only: it is in no log, no e-mail and no later page.
    return _page(created={"username": user.username, "password": password}, status=201)


@bp.route("/admin/users/<username>/active", methods=["POST"])
@login_required
def user_active(username):
    admin_only()
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        abort(404)
    active = request.form.get("active") == "1"
    if user.id == current_user.id and not active:
        flash(_("You cannot deactivate yourself."), "error")
        return redirect(url_for("web.user_admin"))
    set_user_active(user, active, actor_id=current_user.id)
    db.session.commit()
    flash(_("%(username)s can sign in again.", username=username) if active else
          _("%(username)s is deactivated: their sessions and API tokens no longer work.",
            username=username))
    return redirect(url_for("web.user_admin"))
