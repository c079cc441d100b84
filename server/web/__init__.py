"""The server-rendered web UI (Jinja, Vietnamese first)."""

from datetime import date

from flask import Blueprint, current_app
from flask_babel import format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from server import labels

bp = Blueprint("web", __name__, static_folder="static", static_url_path="/static/web")


def init_app(app) -> None:
    from server.web import (  # noqa: F401  (register the routes on bp)
        appraisal_views,
        assessment_views,
        criteria_admin_views,
        evidence_views,
        explanation_views,
        notification_views,
        progress_views,
        publication_views,
        ranking_views,
        report_views,
        views,
        workflow_views,
    )

    app.register_blueprint(bp)
    app.jinja_env.globals.update(get_locale=get_locale, format_datetime=format_datetime)
    app.jinja_env.filters["points"] = _points
    app.jinja_env.filters["vn_date"] = _vn_date
    app.jinja_env.filters["band_text"] = _band_text

    @app.context_processor
    def _navigation():
        pm = current_app.extensions["parindex"].pm
        items = [item for items in pm.hook.parindex_menu_items(user=current_user) for item in items]
        return {"menu_items": items, "unit_levels": labels.UNIT_LEVELS,
                "unit_groups": labels.UNIT_GROUPS, "campaign_states": labels.CAMPAIGN_STATES,
                "role_labels": labels.ROLES, "source_labels": labels.SOURCES,
                "rule_type_labels": labels.RULE_TYPES}


def _points(value) -> str:
    """A Decimal shown the Vietnamese way: "0,5", "9,25" (no trailing zeros)."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.##")


def _vn_date(value) -> str:
    """dd/mm/yyyy, from a date or an ISO date string."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def _band_text(band: dict) -> str:
    """A percentage band as the official tables write it: "trên 90%", "từ 70% đến 90%"."""
    words = {
        "above": _("above %(value)s%%"),
        "at_least": _("from %(value)s%% up"),
        "from": _("from %(value)s%%"),
        "to": _("to %(value)s%%"),
        "below": _("below %(value)s%%"),
        "at_most": _("up to %(value)s%%"),
    }
    return " ".join(words[key] % {"value": _points(band[key])} for key in words if key in band)
