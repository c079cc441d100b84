"""Translated labels for the stable keys stored in the database and used in criteria sets."""

from flask_babel import lazy_gettext as _l

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
    "mail": _l("E-mail"),
}
