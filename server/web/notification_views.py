"""The in-app notification list and mark-as-read."""

from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from server.extensions import db
from server.notify.notifications import mark_read, notifications_for
from server.web.blueprint import bp
from server.web.forms import LogoutForm as CsrfForm


@bp.route("/notifications")
@login_required
def notifications():
    return render_template("notifications.html", items=notifications_for(current_user))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@bp.route("/notifications/read", methods=["POST"], defaults={"notification_id": None})
@login_required
def notification_read(notification_id):
    if not CsrfForm().validate_on_submit():
        abort(400)
    if not mark_read(current_user, notification_id) and notification_id is not None:
        db.session.rollback()
        abort(404)
    db.session.commit()
    return redirect(url_for("web.notifications"))
