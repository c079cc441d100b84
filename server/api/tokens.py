"""API tokens: exchange a username and password for a bearer token; list and revoke tokens
(each user their own, administrators anyone's); who am I."""

import marshmallow as ma
from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from server.api.auth import token_required
from server.api.problems import problems
from server.api.schemas import MeSchema, StrictSchema, TokenRequestSchema, TokenSchema, answers
from server.extensions import db
from server.models import User
from server.people.auth import SignInThrottled, issue_token, sign_in
from server.people.tokens import list_tokens, revoke_token, token_record, token_visible_to

blp = Blueprint("tokens", __name__, url_prefix="/api/v1", description="Authentication")


class TokenListQuery(StrictSchema):
    user = ma.fields.String(metadata={"description": "administrators: this user's tokens"})
    all = ma.fields.Boolean(load_default=False,
                            metadata={"description": "administrators: everyone's tokens"})


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(TokenRequestSchema)
    @blp.response(201, TokenSchema)
    @problems(401, 429)
    def post(self, payload):
        """Create a bearer token. The token is shown only in this response.

        After a few failures for a username from one address (or many from everywhere), 429
        with `Retry-After` (seconds) until the wait is over; the wait grows with each failure.
        """
        try:
            user = sign_in(payload["username"], payload["password"], request.remote_addr or "")
        except SignInThrottled as throttled:
            db.session.commit()  # the refusal is audited
            abort(429, message="Too many failed sign-ins for this username: try again in "
                               f"{throttled.retry_after} seconds.",
                  headers={"Retry-After": str(throttled.retry_after)})
        if user is None:
            db.session.commit()  # the failure is counted and audited
            abort(401, message="Wrong username or password.")
        token = issue_token(user, payload["name"])
        db.session.commit()
        return {"token": token, "expires_in_days": current_app.config["API_TOKEN_DAYS"]}

    @answers(blp, 200)
    @token_required
    @blp.arguments(TokenListQuery, location="query")
    @problems(404)
    def get(self, query):
        """The caller's own tokens (id, name, created, expires, last used; never the secret).

        Administrators may pass `?user=<username>` for someone's, or `?all=1` for everyone's.
        """
        username, everyone = query.get("user"), query["all"]
        owner = g.api_user
        if (everyone or (username and username != owner.username)) \
                and not owner.has_role("admin"):
            abort(403, message="Only an administrator may list other people's tokens.")
        if everyone:
            owner = None
        elif username:
            owner = db.session.scalar(select(User).where(User.username == username))
            if owner is None:
                abort(404, message=f"user {username!r} does not exist")
        return {"tokens": [token_record(t) for t in list_tokens(owner)]}


@blp.route("/tokens/<int:token_id>")
class TokenResource(MethodView):
    @answers(blp, 204)
    @token_required
    def delete(self, token_id):
        """Revoke a token: the caller's own, or any for an administrator (404 otherwise)."""
        token = token_visible_to(token_id, g.api_user)
        if token is None:
            abort(404, message=f"token {token_id} does not exist")
        revoke_token(token, actor_id=g.api_user.id)
        db.session.commit()
        return "", 204


@blp.route("/me")
class Me(MethodView):
    @token_required
    @blp.response(200, MeSchema)
    def get(self):
        """The user the token belongs to."""
        return g.api_user
