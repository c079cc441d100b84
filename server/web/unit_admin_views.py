"""The administrator's unit list (Đơn vị): add, edit, deactivate, import from the template and
export. Thin: server.people.units checks and writes; a refusal re-renders the page with what was
typed and each problem beside its field, or every bad row of a file with its number."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.downloads import xlsx_download
from server.extensions import db
from server.models import LEVELS
from server.people.import_jobs import queue_unit_import
from server.people.units import (
    COLUMNS,
    UnitFields,
    UnitImportError,
    UnitInputError,
    list_units,
    save_unit,
    set_active,
    unit_by_code,
    write_unit_list,
)
from server.web.access import admin_only
from server.web.blueprint import bp


def _page(errors=None, typed=None, row_problems=None, status=200):
    return render_template("admin/units.html", units=list_units(), levels=LEVELS,
                           errors=errors or {}, typed=typed or {},
                           row_problems=row_problems or []), status


@bp.route("/admin/units", methods=["GET", "POST"])
@login_required
def unit_admin():
    admin_only()
    if request.method == "GET":
        editing = request.args.get("edit")
        if not editing:
            return _page()
        unit = unit_by_code(editing)
        if unit is None:
            abort(404)
        return _page(typed={"editing": unit.code, "code": unit.code, "name": unit.name,
                            "level": unit.level, "group": unit.group,
                            "parent_code": unit.parent.code if unit.parent else "",
                            "replaces": "; ".join(other.code for other in unit.predecessors)})
    typed = {name: request.form.get(name, "") for name in COLUMNS}
    existing = None
    if request.form.get("editing"):
        existing = unit_by_code(request.form["editing"])
        if existing is None:
            abort(404)
        typed["code"] = existing.code
    try:
        unit = save_unit(UnitFields(**typed), actor_id=current_user.id, existing=existing)
    except UnitInputError as error:
        db.session.rollback()
        return _page(errors=error.problems, typed={**typed, "editing": request.form.get(
            "editing", "")}, status=422)
    db.session.commit()
    flash(_("Unit %(code)s saved.", code=unit.code))
    return redirect(url_for("web.unit_admin"))


@bp.route("/admin/units/<code>/active", methods=["POST"])
@login_required
def unit_active(code):
    admin_only()
    unit = unit_by_code(code)
    if unit is None:
        abort(404)
    set_active(unit, request.form.get("active") == "1", actor_id=current_user.id)
    db.session.commit()
    flash(_("Unit %(code)s activated.", code=code) if unit.active
          else _("Unit %(code)s deactivated: it takes part in no new campaign.", code=code))
    return redirect(url_for("web.unit_admin"))


@bp.route("/admin/units/import", methods=["POST"])
@login_required
def unit_import():
    admin_only()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(errors={"file": _("Choose an .xlsx or .csv file.")}, status=422)
    try:
        job = queue_unit_import(upload.filename, upload.read(), actor_id=current_user.id)
    except UnitImportError as error:  # the file's kind, size or rows: refused unread
        db.session.rollback()
        return _page(row_problems=error.problems, status=422)
    db.session.commit()
    return redirect(url_for("web.job_page", job_id=job.id))


@bp.route("/admin/units.xlsx")
@login_required
def unit_export():
    admin_only()
    template = request.args.get("template") == "1"
    units = [] if template else list_units()
    return xlsx_download(lambda buffer: write_unit_list(buffer, units),
                         "mau-danh-sach-don-vi.xlsx" if template else "danh-sach-don-vi.xlsx")
