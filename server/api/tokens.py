"""API tokens: exchange a username and password for a bearer token; who am I."""

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import token_required
from server.api.schemas import MeSchema, TokenRequestSchema, TokenSchema
from server.extensions import db
from server.people.auth import authenticate, issue_token

blp = Blueprint("tokens", __name__, url_prefix="/api/v1", description="Authentication")


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(TokenRequestSchema)
    @blp.response(201, TokenSchema)
    def post(self, payload):
        """Create a bearer token. The token is shown only in this response."""
        user = authenticate(payload["username"], payload["password"])
        if user is None:
            abort(401, message="Wrong username or password.")
        token = issue_token(user, payload["name"])
        db.session.commit()
        return {"token": token, "expires_in_days": current_app.config["API_TOKEN_DAYS"]}


@blp.route("/me")
class Me(MethodView):
    @token_required
    @blp.response(200, MeSchema)
    def get(self):
        """The user the token belongs to."""
        return g.api_user
