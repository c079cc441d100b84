"""The caller's own account: change their password (the one call a user who still holds a
one-time password may make)."""

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.auth import token_required_even_before_password_change
from server.api.problems import problem_response
from server.api.schemas import StrictSchema, answers
from server.extensions import db
from server.people.passwords import change_password
from server.people.users import UserInputError

blp = Blueprint("account", __name__, url_prefix="/api/v1", description="Own account")


class PasswordChangeSchema(StrictSchema):
    current_password = ma.fields.String(required=True, load_only=True)
    new_password = ma.fields.String(required=True, load_only=True)


@blp.route("/account/password")
class Password(MethodView):
    @answers(blp, 204)
    @token_required_even_before_password_change
    @blp.arguments(PasswordChangeSchema)
    def post(self, payload):
        """Change the caller's password (at least 8 characters, not the current one); 422 names
        the field. The caller's tokens keep working; their web sessions end."""
        try:
            change_password(g.api_user, payload["current_password"], payload["new_password"])
        except UserInputError as error:
            db.session.rollback()
            return problem_response(422, str(error), errors=[
                {"field": field, "message": message} for field, message in error.problems])
        db.session.commit()
        return "", 204
