"""Unit groups: the list every signed-in user reads; administrators add a group and edit its
label, ranked flag and position, or deactivate it (the same service as the admin page and the
CLI). A group's code never changes."""

import marshmallow as ma
from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import admin_required, token_required
from server.api.problems import problem_response, problems
from server.api.schemas import DbInt, StrictSchema, answers, query
from server.extensions import db
from server.models import UnitGroup
from server.people.groups import (
    GroupInputError,
    create_group,
    edit_group,
    group_by_code,
    group_record,
    list_groups,
)

blp = Blueprint("unit_groups", __name__, url_prefix="/api/v1",
                description="Nhóm xếp hạng (unit groups)")


class GroupSchema(StrictSchema):
    code = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    ranked = ma.fields.Boolean(load_default=True)
    position = DbInt(load_default=None, allow_none=True)
    active = ma.fields.Boolean(dump_only=True)


class GroupPatchSchema(StrictSchema):
    label = ma.fields.String()
    ranked = ma.fields.Boolean()
    position = DbInt()
    active = ma.fields.Boolean()


def _group(code: str) -> UnitGroup:
    group = group_by_code(code)
    if group is None:
        abort(404, message=f"unit group {code!r} does not exist")
    return group


def _refused(error: GroupInputError):
    db.session.rollback()
    return problem_response(error.status, str(error), errors=[
        {"field": field, "message": message} for field, message in error.problems.items()])


@blp.route("/unit-groups")
class UnitGroups(MethodView):
    @query(blp, "active", "1: the active groups only")
    @answers(blp, 200)
    @token_required
    def get(self):
        """Every unit group, by position (`?active=1`: the active ones only)."""
        active_only = request.args.get("active") == "1"
        return {"unit_groups": [group_record(group) for group in
                                list_groups(include_inactive=not active_only)]}

    @answers(blp, 201)
    @token_required
    @admin_required
    @blp.arguments(GroupSchema)
    def post(self, payload):
        """Add a group; 422 names each bad field (code taken or malformed, empty label...)."""
        try:
            group = create_group(payload["code"], payload["label"], ranked=payload["ranked"],
                                 position=payload["position"], actor_id=g.api_user.id)
        except GroupInputError as error:
            return _refused(error)
        return group_record(group), 201


@blp.route("/unit-groups/<code>")
class UnitGroupResource(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, code):
        return group_record(_group(code))

    @answers(blp, 200)
    @token_required
    @admin_required
    @blp.arguments(GroupPatchSchema)
    @problems(409)
    def patch(self, payload, code):
        """Edit the label, ranked flag or position, or (`active: false`) deactivate the group:
        409 while active units belong to it."""
        group = _group(code)
        try:
            edit_group(group, **payload, actor_id=g.api_user.id)
        except GroupInputError as error:
            return _refused(error)
        return group_record(group)
