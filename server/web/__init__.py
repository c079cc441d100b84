"""The server-rendered web UI (Jinja, Vietnamese first)."""

from collections.abc import Mapping

from flask import current_app, g
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from server import labels
from server.people.groups import group_labels
from server.web import filters
from server.web.blueprint import bp


def init_app(app) -> None:
    from server.web import (  # noqa: F401  (register the routes on bp)
        account_views,
        appraisal_views,
        assessment_views,
        campaign_admin_views,
        campaign_reviewer_views,
        criteria_admin_views,
        evidence_views,
        exclusion_views,
        explanation_views,
        group_admin_views,
        job_views,
        notification_views,
        par_plan_views,
        periodic_report_views,
        plan_views,
        progress_views,
        publication_views,
        ranking_views,
        report_views,
        unit_admin_views,
        user_admin_views,
        views,
        workflow_views,
    )

    app.register_blueprint(bp)
    app.jinja_env.globals.update(get_locale=get_locale, format_datetime=format_datetime,
                                 number_symbols=filters.number_symbols)
    app.jinja_env.filters["points"] = filters.points
    app.jinja_env.filters["change_mark"] = filters.change_mark
    app.jinja_env.filters["vn_date"] = filters.vn_date
    app.jinja_env.filters["number_text"] = filters.number_text
    app.jinja_env.filters["band_text"] = filters.band_text

    @app.context_processor
    def _navigation():
        pm = current_app.extensions["parindex"].pm
        items = [item for items in pm.hook.parindex_menu_items(user=current_user) for item in items]
        return {"menu_items": _grouped(items), "unit_levels": labels.UNIT_LEVELS,
                "unit_groups": _GroupLabels(), "active_unit_groups": _GroupLabels(active=True),
                "campaign_states": labels.CAMPAIGN_STATES,
                "role_labels": labels.ROLES, "source_labels": labels.SOURCES,
                "rule_type_labels": labels.RULE_TYPES}


# A menu this short holds on one line as it is: longer ones (an administrator's) fold by group.
# A unit's people have seven entries (their dossier, the criteria sets, the rankings, the PAR
# plans, the periodic reports, their audit log, the notifications), a reviewer eight.
FLAT_MENU = 8


def _grouped(items: list[dict]) -> list[dict]:
    """The menu's entries in order; in a long menu those of one `group` gathered at the
    group's first place: {"label", "href"} for an entry on its own, {"label", "entries"} for a
    group of several."""
    if len(items) <= FLAT_MENU:
        return items
    entries, groups = [], {}
    for item in items:
        name = item.get("group")
        if name is None:
            entries.append(item)
        elif name in groups:
            groups[name]["entries"].append(item)
        else:
            groups[name] = {"label": name, "entries": [item]}
            entries.append(groups[name])
    return [entry["entries"][0] if len(entry.get("entries", ())) == 1 else entry
            for entry in entries]


class _GroupLabels(Mapping):
    """Unit group code -> label for the templates, by position (every group, or the active
    ones a unit may join), read once per request and only by the pages that show a group."""

    def __init__(self, active: bool = False):
        self.key = "active_group_labels" if active else "group_labels"
        self.active = active

    def _labels(self) -> dict[str, str]:
        if self.key not in g:
            setattr(g, self.key, group_labels(include_inactive=not self.active))
        return getattr(g, self.key)

    def __getitem__(self, code):
        return self._labels()[code]

    def __iter__(self):
        return iter(self._labels())

    def __len__(self):
        return len(self._labels())
