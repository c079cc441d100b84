"""A campaign's ranking settings: the tie rule overriding the criteria set's, and the units that
are scored but not ranked (each with its reason). Shared by the API, the admin page and the CLI.

Settings are replaced as a whole part at a time: `update_ranking_settings` validates everything
it is given, then writes it and emits one audited event per changed thing; the caller commits.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.campaigns.settings import clean_tie_rule
from server.events import emit
from server.extensions import db
from server.models import Assessment, Campaign, Unit, User

KEEP = object()  # leave this part of the settings as it is


class SettingsError(ValueError):
    """Refused settings; `errors` maps each bad field (API path) to its translated message."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def not_ranked_units(campaign: Campaign) -> list[dict]:
    """The campaign's units marked "not ranked": unit code, name, group and reason."""
    rows = db.session.execute(
        select(Unit.code, Unit.name, Assessment.unit_group, Assessment.not_ranked_reason)
        .join(Assessment, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id, Assessment.ranked.is_(False))
        .order_by(Assessment.unit_group, Unit.code))
    return [{"unit_code": code, "unit_name": name, "group": group, "reason": reason}
            for code, name, group, reason in rows]


def ranking_settings(campaign: Campaign) -> dict:
    tie_rule = None
    if campaign.tie_compare and campaign.tie_ranks:
        tie_rule = {"compare": campaign.tie_compare, "ranks": campaign.tie_ranks}
    return {"campaign_id": campaign.id, "tie_rule": tie_rule,
            "not_ranked": not_ranked_units(campaign)}


def _not_ranked_errors(entries, assessments: dict) -> tuple[dict, dict]:
    """Errors, and unit code -> reason for the valid entries."""
    errors, wanted = {}, {}
    for i, entry in enumerate(entries):
        code = str(entry.get("unit_code") or "").strip()
        reason = str(entry.get("reason") or "").strip()
        if code not in assessments:
            errors[f"not_ranked.{i}.unit_code"] = _l(
                "No unit %(code)s is assessed in this campaign.", code=code or "–")
        elif code in wanted:
            errors[f"not_ranked.{i}.unit_code"] = _l("Unit %(code)s is listed twice.",
                                                     code=code)
        if not reason:
            errors[f"not_ranked.{i}.reason"] = _l(
                "Say why the unit is scored but not ranked.")
        wanted.setdefault(code, reason)
    return errors, wanted


def update_ranking_settings(campaign: Campaign, user: User, *, tie_rule=KEEP,
                            not_ranked=KEEP, reason: str = "") -> None:
    """Replace the tie rule ({"compare", "ranks"}, or None for the set's) and/or the full list
    of units not ranked ([{"unit_code", "reason"}]); refuses with every problem, writes
    nothing then. Only administrators."""
    if not user.has_role("admin"):
        raise SettingsError({"": _l("Only the Department of Home Affairs sets how units are "
                                    "ranked.")})
    errors = {}
    if tie_rule is not KEEP:
        errors.update(clean_tie_rule(tie_rule)[1])
    assessments = {}
    if not_ranked is not KEEP:
        assessments = {code: assessment for assessment, code in db.session.execute(
            select(Assessment, Unit.code).join(Unit, Assessment.unit_id == Unit.id)
            .where(Assessment.campaign_id == campaign.id))}
        found, wanted = _not_ranked_errors(not_ranked or [], assessments)
        errors.update(found)
    if errors:
        raise SettingsError(errors)
    if tie_rule is not KEEP:
        _set_tie_rule(campaign, tie_rule, user, reason)
    if not_ranked is not KEEP:
        for code, assessment in assessments.items():
            _set_ranked(assessment, code, code not in wanted, wanted.get(code, ""), user)


def _set_tie_rule(campaign: Campaign, tie_rule, user: User, reason: str) -> None:
    before = ranking_settings(campaign)["tie_rule"]
    compare, ranks = ((tie_rule or {}).get("compare") or None,
                      (tie_rule or {}).get("ranks") or None)
    campaign.tie_compare, campaign.tie_ranks = compare, ranks
    after = ranking_settings(campaign)["tie_rule"]
    if before != after:
        emit("campaign.tie_rule", "campaign", campaign.id, actor_id=user.id,
             before={"tie_rule": before}, after={"tie_rule": after}, reason=reason)


def _set_ranked(assessment: Assessment, code: str, ranked: bool, reason: str,
                user: User) -> None:
    before = {"ranked": assessment.ranked, "not_ranked_reason": assessment.not_ranked_reason}
    after = {"ranked": ranked, "not_ranked_reason": reason}
    if before == after:
        return
    assessment.ranked, assessment.not_ranked_reason = ranked, reason
    emit("assessment.ranked" if ranked else "assessment.not_ranked", "assessment",
         assessment.id, unit_id=assessment.unit_id, actor_id=user.id,
         before={"unit_code": code, **before}, after={"unit_code": code, **after},
         reason=reason)
