"""Translated labels for the stable keys stored in the database and used in criteria sets."""

from datetime import date

from flask_babel import lazy_gettext as _l


def vn_day(value: date | str) -> str:
    """A date as a Vietnamese reader writes it, dd/mm/yyyy, from a date or an ISO text (the
    criteria data's); other text as it is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


UNIT_LEVELS = {
    "ministry": _l("Ministry"),
    "province": _l("Province"),
    "department": _l("Department"),
    "district": _l("District"),
    "commune": _l("Commune"),
}
CAMPAIGN_STATES = {
    # Not "Draft": that msgid is the dossier's state, which reads "self-assessing" in Vietnamese.
    "draft": _l("Being prepared"),
    "open": _l("Open"),
    "closed": _l("Closed"),
}
ROLES = {
    "admin": _l("Administrator"),
    "reviewer": _l("Reviewer"),
    "unit_head": _l("Unit head"),
    "unit_editor": _l("Unit editor"),
    "viewer": _l("Viewer"),
}
SOURCES = {
    "self": _l("Self-assessed"),
    "appraisal": _l("Appraisal"),
    "survey": _l("Survey"),
}
RULE_TYPES = {
    "choice": _l("Choice among outcomes"),
    "yes_no": _l("Yes / no"),
    "percent_bands": _l("Percentage bands"),
    "proportional": _l("Proportional"),
    "deduction": _l("Deduction per failure"),
    "manual": _l("Points entered by hand"),
    "survey": _l("Survey result"),
}
JOB_STATES = {
    "queued": _l("Waiting for the worker"),
    "running": _l("Running"),
    "done": _l("Finished"),
    "failed": _l("Failed"),
}
JOB_KINDS = {
    "open-campaign": _l("Opening the campaign"),
    "survey-import": _l("Survey results import"),
    "publish-group": _l("Publishing a unit group"),
    "unit-import": _l("Unit list import"),
    "user-import": _l("User list import"),
    "ranking-workbook": _l("Ranking workbook"),
    "criteria-import": _l("Criteria table import"),
    "mail": _l("E-mail"),
}
