"""The administrator's unit groups (Nhóm xếp hạng): add a group, edit its label, whether it is
ranked and its position, deactivate it. Thin: server.people.groups checks and writes; a refusal
re-renders the page with what was typed and each problem beside its field."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.extensions import db
from server.people.groups import (
    GroupInputError,
    create_group,
    edit_group,
    group_by_code,
    list_groups,
)
from server.web.access import admin_only
from server.web.blueprint import bp


def _page(errors=None, typed=None, status=200):
    return render_template("admin/groups.html", groups=list_groups(), errors=errors or {},
                           typed=typed or {}), status


def _position(text: str):
    """The typed position as a number when it is one; the service names anything else."""
    text = text.strip()
    return int(text) if text.isdecimal() else (text or None)


@bp.route("/admin/groups", methods=["GET", "POST"])
@login_required
def group_admin():
    admin_only()
    if request.method == "GET":
        editing = request.args.get("edit")
        if not editing:
            return _page()
        group = group_by_code(editing)
        if group is None:
            abort(404)
        return _page(typed={"editing": group.code, "code": group.code, "label": group.label,
                            "ranked": group.ranked, "position": str(group.position)})
    form = request.form
    typed = {"editing": form.get("editing", ""), "code": form.get("code", ""),
             "label": form.get("label", ""), "ranked": form.get("ranked") == "1",
             "position": form.get("position", "")}
    try:
        if typed["editing"]:
            group = group_by_code(typed["editing"])
            if group is None:
                abort(404)
            typed["code"] = group.code
            position = _position(typed["position"])
            edit_group(group, label=typed["label"], ranked=typed["ranked"],
                       position=group.position if position is None else position,
                       actor_id=current_user.id)
        else:
            group = create_group(typed["code"], typed["label"], ranked=typed["ranked"],
                                 position=_position(typed["position"]),
                                 actor_id=current_user.id)
    except GroupInputError as error:
        db.session.rollback()
        return _page(errors=error.problems, typed=typed, status=422)
    flash(_("Unit group %(label)s saved.", label=group.label))
    return redirect(url_for("web.group_admin"))


@bp.route("/admin/groups/<code>/active", methods=["POST"])
@login_required
def group_active(code):
    admin_only()
    group = group_by_code(code)
    if group is None:
        abort(404)
    try:
        edit_group(group, active=request.form.get("active") == "1", actor_id=current_user.id)
    except GroupInputError as error:
        db.session.rollback()
        return _page(errors={"active": error.problems["active"], "active_code": code},
                     status=error.status)
    flash(_("Unit group %(label)s activated.", label=group.label) if group.active
          else _("Unit group %(label)s deactivated: no unit may join it any more.",
                 label=group.label))
    return redirect(url_for("web.group_admin"))
