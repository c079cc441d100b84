"""The core navigation entries, given through the menu hook like any plugin's.

Each entry names its group (records, appraisal, results, administration): the page folds a
group of several entries under its name, so the administrator's menu holds on one line."""

from flask import url_for
from flask_babel import gettext as _

from server.hookspecs import hookimpl
from server.people.permissions import audit_scope


@hookimpl
def parindex_menu_items(user):
    if not user.is_authenticated:
        return []
    admin, reviewer = user.has_role("admin"), user.has_role("reviewer")
    records, appraisal, results, administration = (
        _("Records"), _("Appraisal"), _("Results"), _("Administration"))
    entries = [(records, _("Self-assessments"), "web.assessments", True),
               (records, _("Criteria sets"), "web.criteria_sets", True),
               (appraisal, _("Dossiers to appraise"), "web.appraisal_queue", reviewer or admin),
               (appraisal, _("Progress"), "web.progress", reviewer or admin),
               (appraisal, _("Reviewer assignments"), "web.reviewer_assignments", admin),
               (results, _("Rankings"), "web.rankings", True),
               # Listed after the rankings so a unit's short menu keeps its first entries;
               # an administrator's folds them under "Records".
               (records, _("PAR plans"), "web.par_plans_home", True),
               (records, _("Periodic reports"), "web.periodic_reports_home", True),
               (results, _("Points lost"), "web.group_points_lost_page", admin),
               (results, _("Target planner"), "web.group_plans_page", admin),
               (results, _("Publication"), "web.publications_home", admin),
               (administration, _("Campaigns"), "web.campaign_admin", admin),
               (administration, _("Unit list"), "web.unit_admin", admin),
               (administration, _("Unit groups"), "web.group_admin", admin),
               (administration, _("People"), "web.user_admin", admin),
               (administration, _("Criteria library"), "web.criteria_admin", admin),
               (administration, _("Plugins"), "web.plugins", admin),
               (administration, _("Audit log"), "web.audit", audit_scope(user) != set())]
    return [{"label": label, "href": url_for(endpoint), "group": group}
            for group, label, endpoint, shown in entries if shown]
