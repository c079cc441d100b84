"""The core navigation entries, given through the menu hook like any plugin's."""

from flask import url_for
from flask_babel import gettext as _

from server.hookspecs import hookimpl
from server.people.permissions import audit_scope


@hookimpl
def parindex_menu_items(user):
    if not user.is_authenticated:
        return []
    items = [{"label": _("Self-assessments"), "href": url_for("web.assessments")},
             {"label": _("Criteria sets"), "href": url_for("web.criteria_sets")}]
    items.append({"label": _("Rankings"), "href": url_for("web.rankings")})
    if user.has_role("reviewer") or user.has_role("admin"):
        items.append({"label": _("Appraisal"), "href": url_for("web.appraisal_queue")})
    if audit_scope(user) != set():
        items.append({"label": _("Audit log"), "href": url_for("web.audit")})
    if user.has_role("admin"):
        items.append({"label": _("Unit list"), "href": url_for("web.unit_admin")})
        items.append({"label": _("Unit groups"), "href": url_for("web.group_admin")})
        items.append({"label": _("Campaigns"), "href": url_for("web.campaign_admin")})
        items.append({"label": _("People"), "href": url_for("web.user_admin")})
        items.append({"label": _("Reviewer assignments"),
                      "href": url_for("web.reviewer_assignments")})
        items.append({"label": _("Publication"), "href": url_for("web.publications_home")})
        items.append({"label": _("Plugins"), "href": url_for("web.plugins")})
        items.append({"label": _("Criteria library"), "href": url_for("web.criteria_admin")})
        items.append({"label": _("Points lost"), "href": url_for("web.group_points_lost_page")})
    if user.has_role("admin") or user.has_role("reviewer"):
        items.append({"label": _("Progress"), "href": url_for("web.progress")})
    return items
