"""The caller's own in-app notifications."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import token_required
from server.api.schemas import NotificationSchema
from server.extensions import db
from server.notify.notifications import mark_read, notifications_for

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="Notifications")


@blp.route("/notifications")
class Notifications(MethodView):
    @token_required
    @blp.response(200, NotificationSchema(many=True))
    def get(self):
        """The caller's latest notifications, newest first."""
        return notifications_for(g.api_user)


@blp.route("/notifications/<int:notification_id>/read")
class NotificationRead(MethodView):
    @token_required
    @blp.response(204)
    def post(self, notification_id):
        """Mark one of the caller's notifications as read (404 for anyone else's)."""
        if not mark_read(g.api_user, notification_id):
            db.session.rollback()
            abort(404, message="There is no such unread notification of yours.")
        db.session.commit()
