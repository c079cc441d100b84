"""The core navigation entries, given through the menu hook like any plugin's."""

from flask import url_for
from flask_babel import gettext as _

from server.hookspecs import hookimpl


@hookimpl
def parindex_menu_items(user):
    if not user.is_authenticated:
        return []
    items = [{"label": _("Self-assessments"), "href": url_for("web.assessments")},
             {"label": _("Criteria sets"), "href": url_for("web.criteria_sets")}]
    if user.has_role("admin"):
        items.append({"label": _("Plugins"), "href": url_for("web.plugins")})
        items.append({"label": _("Criteria library"), "href": url_for("web.criteria_admin")})
    return items
