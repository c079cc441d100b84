"""Units: the list every signed-in user reads; administrators create, edit, deactivate, import
and export it (the same service as the admin page and the CLI)."""

import marshmallow as ma
from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import admin_required, token_required
from server.api.jobs import accepted
from server.api.problems import problem_response, problems, table_file_problem, uploaded_file
from server.api.schemas import StrictSchema, answers, multipart, query
from server.downloads import XLSX, xlsx_download
from server.extensions import db
from server.models import Unit
from server.people.groups import group_label, group_labels
from server.people.import_jobs import queue_unit_import
from server.people.units import (
    UnitFields,
    UnitImportError,
    UnitInputError,
    delete_unit,
    list_units,
    save_unit,
    set_active,
    unit_by_code,
    unit_record,
    write_unit_list,
)

blp = Blueprint("units", __name__, url_prefix="/api/v1", description="Đơn vị (units)")


class UnitSchema(StrictSchema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    level = ma.fields.String(required=True)
    group = ma.fields.String(required=True)
    parent_code = ma.fields.String(load_default="", allow_none=True)
    replaces = ma.fields.List(ma.fields.String(), load_default=list, metadata={
        "description": "codes of the units this unit replaces (mergers)"})
    active = ma.fields.Boolean(dump_only=True)


class UnitPatchSchema(StrictSchema):
    name = ma.fields.String()
    level = ma.fields.String()
    group = ma.fields.String()
    parent_code = ma.fields.String(allow_none=True)
    replaces = ma.fields.List(ma.fields.String())
    active = ma.fields.Boolean()



def _unit(code: str) -> Unit:
    unit = unit_by_code(code)
    if unit is None:
        abort(404, message=f"unit {code!r} does not exist")
    return unit


def _refused(error: UnitInputError):
    db.session.rollback()
    return problem_response(422, str(error), errors=[
        {"field": field, "message": message} for field, message in error.problems.items()])


@blp.route("/units")
class Units(MethodView):
    @query(blp, "active", "1: the active units only")
    @answers(blp, 200)
    @token_required
    def get(self):
        """Every unit, by code (`?active=1`: the active ones only)."""
        active_only = request.args.get("active") == "1"
        names = group_labels()
        return {"units": [{**unit_record(u), "group_label": names.get(u.group, u.group)}
                          for u in list_units(include_inactive=not active_only)]}

    @answers(blp, 201)
    @token_required
    @admin_required
    @blp.arguments(UnitSchema)
    def post(self, payload):
        """Create a unit; 422 names each bad field (code taken, unknown group or parent...)."""
        try:
            unit = save_unit(UnitFields(**{**payload, "replaces": "; ".join(payload["replaces"])}),
                             actor_id=g.api_user.id)
        except UnitInputError as error:
            return _refused(error)
        db.session.commit()
        return unit_record(unit), 201


@blp.route("/units/<code>")
class UnitResource(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, code):
        unit = _unit(code)
        return {**unit_record(unit), "group_label": group_label(unit.group)}

    @answers(blp, 200)
    @token_required
    @admin_required
    @blp.arguments(UnitPatchSchema)
    def patch(self, payload, code):
        """Edit a unit's name, level, group, parent or the units it replaces (`replaces`, the
        full list of codes), or (`active`) deactivate it."""
        unit = _unit(code)
        current = unit_record(unit)
        fields = UnitFields(code=unit.code, **{
            key: payload.get(key, current[key]) or "" for key in
            ("name", "level", "group", "parent_code")},
            replaces="; ".join(payload.get("replaces", current["replaces"])))
        try:
            save_unit(fields, actor_id=g.api_user.id, existing=unit)
        except UnitInputError as error:
            return _refused(error)
        if "active" in payload:
            set_active(unit, payload["active"], actor_id=g.api_user.id)
        db.session.commit()
        return unit_record(unit)

    @answers(blp, 204)
    @token_required
    @admin_required
    @problems(409)
    def delete(self, code):
        """Delete a unit that was never used; one with dossiers is only deactivated (409)."""
        unit = _unit(code)
        try:
            delete_unit(unit, actor_id=g.api_user.id)
        except UnitInputError as error:
            db.session.rollback()
            return problem_response(409, str(error), errors=[
                {"field": field, "message": message} for field, message in error.problems.items()])
        db.session.commit()
        return "", 204


@blp.route("/units/import")
class UnitImport(MethodView):
    @answers(blp, 202)
    @multipart(blp)
    @token_required
    @admin_required
    @problems(422)
    def post(self):
        """Create or update units from an .xlsx or .csv in the template's layout (field `file`).

        A job imports it: 202 with the job (follow `/api/v1/jobs/{id}`: done with `result`
        {created, updated}, or failed at once with every bad row in `problems` and nothing
        written). 422 at once for a file of another kind, too large or with too many rows.
        """
        upload = uploaded_file()
        try:
            job = queue_unit_import(upload.filename, upload.read(), actor_id=g.api_user.id)
        except UnitImportError as error:
            db.session.rollback()
            return table_file_problem(error)
        db.session.commit()
        return accepted(job)


@blp.route("/units.xlsx")
class UnitExport(MethodView):
    @query(blp, "template", "1: the empty template")
    @answers(blp, 200, XLSX)
    @token_required
    @admin_required
    def get(self):
        """The unit list in the import layout (`?template=1`: the empty template)."""
        units = [] if request.args.get("template") == "1" else list_units()
        name = "mau-danh-sach-don-vi.xlsx" if not units else "danh-sach-don-vi.xlsx"
        return xlsx_download(lambda buffer: write_unit_list(buffer, units), name)
