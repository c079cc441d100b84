"""People: administrators list, create, import, edit and deactivate users. A user created without
a password (and every imported user) gets a random one-time password, shown once in the
response, which they must change before anything else."""

import io

import marshmallow as ma
from flask import g, send_file
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from server.api.auth import admin_required, token_required
from server.api.jobs import accepted
from server.api.problems import problem_response, problems, table_file_problem, uploaded_file
from server.api.schemas import StrictSchema, answers, multipart
from server.downloads import XLSX
from server.extensions import db
from server.models import User
from server.people.import_jobs import queue_user_import
from server.people.login_throttle import unthrottle
from server.people.user_import import (
    TEMPLATE_NAME,
    UserImportError,
    template_bytes,
)
from server.people.users import (
    UserInputError,
    create_user,
    one_time_password,
    set_user_active,
    update_user,
)

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="Người dùng (users)")


class UserCreateSchema(StrictSchema):
    username = ma.fields.String(required=True)
    full_name = ma.fields.String(load_default="")
    email = ma.fields.Email(load_default=None, allow_none=True)
    roles = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": 'ROLE or ROLE:UNIT_CODE, e.g. "unit_editor:QB"'})
    domains = ma.fields.List(ma.fields.String(), load_default=None, allow_none=True)
    password = ma.fields.String(load_default=None, allow_none=True, load_only=True)


class UserPatchSchema(StrictSchema):
    full_name = ma.fields.String()
    email = ma.fields.Email(allow_none=True)
    active = ma.fields.Boolean()


def user_dict(user: User) -> dict:
    return {"id": user.id, "username": user.username, "full_name": user.full_name,
            "email": user.email, "active": user.active,
            "must_change_password": user.must_change_password,
            "roles": [f"{m.role}:{m.unit.code}" if m.unit else m.role for m in user.memberships]}


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        abort(404, message=f"user {username!r} does not exist")
    return user


@blp.route("/users")
class Users(MethodView):
    @answers(blp, 200)
    @token_required
    @admin_required
    def get(self):
        """Every user with their roles, by username."""
        users = db.session.scalars(select(User).order_by(User.username))
        return {"users": [user_dict(u) for u in users]}

    @answers(blp, 201)
    @token_required
    @admin_required
    @blp.arguments(UserCreateSchema)
    def post(self, payload):
        """Create a user; without `password`, the answer carries a one-time password, which the
        user must change before anything else."""
        given = payload.pop("password")
        password = given or one_time_password()
        roles = [role.partition(":")[::2] for role in payload.pop("roles")]
        try:
            user = create_user(payload.pop("username"), password, roles, **payload,
                               must_change_password=not given, actor_id=g.api_user.id)
        except UserInputError as error:
            db.session.rollback()
            return problem_response(422, str(error), errors=[
                {"field": field, "message": message} for field, message in error.problems])
        db.session.commit()
        return {**user_dict(user), "one_time_password": password}, 201


@blp.route("/users/<username>")
class UserResource(MethodView):
    @answers(blp, 200)
    @token_required
    @admin_required
    def get(self, username):
        return user_dict(_user(username))

    @answers(blp, 200)
    @token_required
    @admin_required
    @blp.arguments(UserPatchSchema)
    def patch(self, payload, username):
        """Edit the full name or e-mail; `active: false` ends the user's sessions and tokens."""
        user = _user(username)
        try:
            if "active" in payload:
                set_user_active(user, payload.pop("active"), actor_id=g.api_user.id)
            update_user(user, payload, actor_id=g.api_user.id)
        except UserInputError as error:
            db.session.rollback()
            return problem_response(422, str(error), errors=[
                {"field": field, "message": message} for field, message in error.problems])
        db.session.commit()
        return user_dict(user)


@blp.route("/users/<username>/throttle")
class UserThrottle(MethodView):
    @answers(blp, 204)
    @token_required
    @admin_required
    def delete(self, username):
        """Clear the user's failed sign-ins from every address, so they may sign in again at
        once (after someone else's wrong passwords slowed their account down)."""
        unthrottle(_user(username), actor_id=g.api_user.id)
        db.session.commit()
        return "", 204


@blp.route("/users/import")
class UserImport(MethodView):
    @answers(blp, 202)
    @multipart(blp)
    @token_required
    @admin_required
    @problems(422)
    def post(self):
        """Create the users of an .xlsx or .csv in the template's layout (field `file`), each
        with a one-time password.

        A job imports it: 202 with the job (follow `/api/v1/jobs/{id}`: done with `result`
        {created} and, the first time its creator reads it, `shown_once`: each user's
        `username` and `one_time_password`, shown then only; or failed at once with every bad
        row in `problems` ({row, kind, message, column}) and nothing written). 422 at once for
        a file of another kind, too large or with too many rows.
        """
        upload = uploaded_file()
        try:
            job = queue_user_import(upload.filename, upload.read(), actor_id=g.api_user.id)
        except UserImportError as error:
            db.session.rollback()
            return table_file_problem(error)
        db.session.commit()
        return accepted(job)


@blp.route("/users/template.<any(xlsx, csv):kind>")
class UserTemplate(MethodView):
    @answers(blp, 200, XLSX)
    @answers(blp, 200, "text/csv")
    @token_required
    @admin_required
    def get(self, kind):
        """The empty template of the user import, as .xlsx or .csv."""
        return send_file(io.BytesIO(template_bytes(kind)), as_attachment=True,
                         mimetype=XLSX if kind == "xlsx" else "text/csv",
                         download_name=f"{TEMPLATE_NAME}.{kind}")
