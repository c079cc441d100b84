"""Administrator pages of the criteria-set library: what is installed, two sets side by side."""

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required

from server.campaigns.criteria import criteria_registry, summary
from server.engine.diff import diff_sets
from server.web.blueprint import bp


def _require_admin() -> None:
    if not current_user.has_role("admin"):
        abort(403)


def _set_from(reference: str | None):
    set_id, _, version = (reference or "").partition("@")
    return criteria_registry().get(set_id, version or None) if set_id else None


@bp.route("/admin/criteria-sets")
@login_required
def criteria_admin():
    _require_admin()
    registry = criteria_registry()
    return render_template("criteria/admin_sets.html",
                           sets=[summary(s) for s in registry.all()], refused=registry.errors)


@bp.route("/admin/criteria-sets/diff")
@login_required
def criteria_diff():
    _require_admin()
    left, right = _set_from(request.args.get("left")), _set_from(request.args.get("right"))
    if left is None or right is None:
        abort(404)
    rows = diff_sets(left, right)
    counts = {status: sum(1 for row in rows if row.status == status)
              for status in ("same", "changed", "added", "removed")}
    return render_template("criteria/diff.html", left=left, right=right, rows=rows,
                           counts=counts, sets=[summary(s) for s in criteria_registry().all()])


@bp.route("/admin/criteria-sets/<set_id>/<version>/table.xlsx")
@login_required
def criteria_table(set_id, version):
    """The set as the official self-assessment table, ready to print and fill in."""
    from server.criteria_io.table_export import export_xlsx

    _require_admin()
    criteria_set = criteria_registry().get(set_id, version)
    if criteria_set is None:
        abort(404)
    return Response(export_xlsx(criteria_set), mimetype="application/vnd.openxmlformats-"
                    "officedocument.spreadsheetml.sheet", headers={
                        "Content-Disposition": f"attachment; filename={set_id}-{version}.xlsx"})
