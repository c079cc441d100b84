"""The administrator's people page (Người dùng): add a user with a role for a unit, or import
many from the template, each shown a one-time password once; deactivate or reactivate; see and
revoke each user's API tokens; clear a user's failed sign-ins. Thin: server.people checks and
writes."""

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from server.downloads import XLSX
from server.extensions import db
from server.models import ROLES, User
from server.people.import_jobs import queue_user_import
from server.people.login_throttle import recent_failures, unthrottle
from server.people.tokens import list_tokens
from server.people.units import list_units
from server.people.user_import import (
    TEMPLATE_NAME,
    UserImportError,
    template_bytes,
)
from server.people.users import UserInputError, create_user, one_time_password, set_user_active
from server.web.access import admin_only
from server.web.blueprint import bp


def _page(errors=None, typed=None, created=None, row_problems=None, status=200):
    users = db.session.scalars(select(User).order_by(User.username)).all()
    tokens = {}
    for token in list_tokens(None):
        tokens.setdefault(token.user_id, []).append(token)
    return render_template("admin/users.html", users=users, roles=ROLES, tokens=tokens,
                           failures=recent_failures(),
                           units=list_units(include_inactive=False), errors=errors or {},
                           typed=typed or {}, created=created,
                           row_problems=row_problems or []), status


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
                           full_name=typed["full_name"], email=typed["email"] or None,
                           must_change_password=True, actor_id=current_user.id)
    except UserInputError as error:
        db.session.rollback()
        errors = {}
        for field, message in error.problems:
            errors.setdefault(field, message)
        return _page(errors=errors, typed=typed, status=422)
    db.session.commit()
    # Shown on this answer only: it is in no log, no e-mail and no later page.
    return _page(created={"username": user.username, "password": password}, status=201)


@bp.route("/admin/users/import", methods=["POST"])
@login_required
def user_import():
    admin_only()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(errors={"file": _("Choose an .xlsx or .csv file.")}, status=422)
    try:
        job = queue_user_import(upload.filename, upload.read(), actor_id=current_user.id)
    except UserImportError as error:  # the file's kind, size or rows: refused unread
        db.session.rollback()
        return _page(row_problems=error.problems, status=422)
    db.session.commit()
    # The job's page names the bad rows, or shows the passwords to this user, once.
    return redirect(url_for("web.job_page", job_id=job.id))


@bp.route("/admin/users/template.<any(xlsx, csv):kind>")
@login_required
def user_template(kind):
    admin_only()
    return send_file(io.BytesIO(template_bytes(kind)), as_attachment=True,
                     mimetype=XLSX if kind == "xlsx" else "text/csv",
                     download_name=f"{TEMPLATE_NAME}.{kind}")


@bp.route("/admin/users/<username>/active", methods=["POST"])
@login_required
def user_active(username):
    admin_only()
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        abort(404)
    active = request.form.get("active") == "1"
    try:
        set_user_active(user, active, actor_id=current_user.id)
    except UserInputError as error:
        flash("; ".join(message for _field, message in error.problems), "error")
        return redirect(url_for("web.user_admin"))
    db.session.commit()
    flash(_("%(username)s can sign in again.", username=username) if active else
          _("%(username)s is deactivated: their sessions and API tokens no longer work.",
            username=username))
    return redirect(url_for("web.user_admin"))


@bp.route("/admin/users/<username>/unthrottle", methods=["POST"])
@login_required
def user_unthrottle(username):
    admin_only()
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        abort(404)
    unthrottle(user, actor_id=current_user.id)
    db.session.commit()
    flash(_("%(username)s's failed sign-ins are cleared: they may sign in again at once.",
            username=username))
    return redirect(url_for("web.user_admin", _anchor=f"user-{username}"))
