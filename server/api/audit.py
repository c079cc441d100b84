"""The audit log, filtered and paged: administrators read every event, units their own."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.auth import token_required
from server.api.schemas import AuditPageSchema, AuditQuerySchema
from server.audit.log import AuditFilters, audit_page
from server.people.permissions import audit_scope

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="Audit log")


@blp.route("/audit-events")
class AuditEvents(MethodView):
    @token_required
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditPageSchema)
    def get(self, query):
        """Events newest first. Filters: action (a trailing * matches a prefix), unit_id,
        actor_id, from and to (dates, inclusive, Asia/Ho_Chi_Minh); page, per_page."""
        filters = AuditFilters(action=query["action"], unit_id=query["unit_id"],
                               actor_id=query["actor_id"], date_from=query["date_from"],
                               date_to=query["date_to"])
        return audit_page(audit_scope(g.api_user), filters, query["page"], query["per_page"])
