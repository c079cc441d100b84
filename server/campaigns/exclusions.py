"""Items that do not apply to a unit: per campaign and unit the administrator excludes domains,
criteria or sub-criteria (a unit without administrative procedures skips domain 3), with a
reason. Allowed before or after the campaign opens; the unit cannot undo it.

Excluded codes reach the engine as `score(..., excluded=...)`: every leaf under them leaves
numerator and denominator, in the self totals, the appraisal, the ranking and everything built
on them. `excluded_codes` reads them for a whole campaign or group in one query.
"""

from collections import defaultdict
from collections.abc import Collection

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.campaigns.criteria import criteria_registry
from server.campaigns.phases import PhaseError, check_dossier_writable
from server.engine import CriteriaSet
from server.events import emit
from server.extensions import db
from server.models import Assessment, Campaign, ExcludedItem, Unit, User

MAX_REASON = 2_000


class ExclusionError(ValueError):
    """A refused exclusion: `errors` maps each bad field to its (translated) message."""

    def __init__(self, errors: dict, status: int = 422):
        # A refusal of the whole request has no field ("").
        super().__init__("; ".join(f"{k}: {v}" if k else str(v) for k, v in errors.items()))
        self.errors, self.status = errors, status


def unit_criteria_set(campaign: Campaign, unit: Unit) -> CriteriaSet | None:
    """The set the unit answers in the campaign: its dossier's, else its group's pin."""
    dossier = db.session.scalar(select(Assessment).filter_by(campaign_id=campaign.id,
                                                             unit_id=unit.id))
    if dossier is not None:
        return criteria_registry().get(dossier.criteria_set_id, dossier.criteria_set_version)
    pin = campaign.pin_for(unit.group)
    return None if pin is None else criteria_registry().get(pin.criteria_set_id,
                                                            pin.criteria_set_version)


def record(item: ExcludedItem) -> dict:
    """An exclusion as plain data: what the API answers and the audit log keeps."""
    return {"campaign_id": item.campaign_id, "unit_id": item.unit_id, "code": item.code,
            "reason": item.reason, "created_by": item.created_by,
            "created_at": item.created_at.isoformat() if item.created_at else None}


def _check_may_decide(campaign: Campaign, actor: User | None) -> None:
    # None is the command line, run by whoever administers the server.
    if actor is not None and not actor.has_role("admin"):
        raise ExclusionError({"": _l("Only an administrator decides which items do not "
                                     "apply.")}, status=403)
    # A closed year's scores are final: what applies to a unit changes no more.
    try:
        check_dossier_writable(campaign)
    except PhaseError as error:
        raise ExclusionError({"": str(error)}, status=409) from error


def list_exclusions(campaign: Campaign, unit: Unit | None = None) -> list[ExcludedItem]:
    query = select(ExcludedItem).where(ExcludedItem.campaign_id == campaign.id)
    if unit is not None:
        query = query.where(ExcludedItem.unit_id == unit.id)
    return list(db.session.scalars(query.order_by(ExcludedItem.unit_id, ExcludedItem.code)))


def set_exclusions(campaign: Campaign, unit: Unit, codes: Collection[str], reason: str,
                   actor: User | None) -> list[ExcludedItem]:
    """Exclude each of `codes` (domain, criterion or sub-criterion codes of the unit's set) for
    `unit` in `campaign`, with `reason`; an existing exclusion takes the new reason. Refuses
    with every bad field; the caller commits."""
    _check_may_decide(campaign, actor)
    reason = (reason or "").strip()
    codes = [str(code).strip() for code in codes if str(code).strip()]
    errors = {}
    criteria_set = unit_criteria_set(campaign, unit)
    if criteria_set is None:
        errors["code"] = _l("The campaign pins no installed criteria set for this unit's group.")
    elif not codes:
        errors["code"] = _l("Choose at least one domain, criterion or sub-criterion.")
    else:
        unknown = [code for code in codes if not _is_node(criteria_set, code)]
        if unknown:
            errors["code"] = _l("%(codes)s: not a domain, criterion or sub-criterion of "
                                "%(set)s %(version)s.", codes=", ".join(unknown),
                                set=criteria_set.id, version=criteria_set.version)
    if not reason:
        errors["reason"] = _l("Give the reason for the decision.")
    elif len(reason) > MAX_REASON:
        errors["reason"] = _l("The reason is too long (at most %(count)s characters).",
                              count=MAX_REASON)
    if errors:
        raise ExclusionError(errors)
    existing = {item.code: item for item in list_exclusions(campaign, unit)}
    saved = []
    for code in dict.fromkeys(codes):
        item = existing.get(code)
        before = None if item is None else record(item)
        if item is None:
            item = ExcludedItem(campaign_id=campaign.id, unit_id=unit.id, code=code)
            db.session.add(item)
        elif item.reason == reason:
            saved.append(item)
            continue
        item.reason, item.created_by = reason, actor.id if actor else None
        db.session.flush()
        emit("exclusion.set", "excluded_item", item.id, actor_id=actor.id if actor else None,
             unit_id=unit.id, before=before, after=record(item), reason=reason)
        saved.append(item)
    return saved


def clear_exclusion(campaign: Campaign, unit: Unit, code: str, actor: User | None,
                    reason: str = "") -> None:
    """The item applies to the unit again; 404 when it was not excluded. The caller commits."""
    _check_may_decide(campaign, actor)
    item = db.session.scalar(select(ExcludedItem).filter_by(
        campaign_id=campaign.id, unit_id=unit.id, code=code))
    if item is None:
        raise ExclusionError({"code": _l("%(code)s is not excluded for this unit.", code=code)},
                             status=404)
    before = record(item)
    db.session.delete(item)
    emit("exclusion.cleared", "excluded_item", item.id, actor_id=actor.id if actor else None,
         unit_id=unit.id, before=before, reason=(reason or "").strip())


def excluded_codes(campaign_id: int, unit_ids: Collection[int] | None = None
                   ) -> dict[int, dict[str, str]]:
    """unit id -> {excluded code: reason} in the campaign (every unit, or those given), in one
    query."""
    query = select(ExcludedItem.unit_id, ExcludedItem.code, ExcludedItem.reason).where(
        ExcludedItem.campaign_id == campaign_id)
    if unit_ids is not None:
        query = query.where(ExcludedItem.unit_id.in_(list(unit_ids)))
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for unit_id, code, reason in db.session.execute(query):
        found[unit_id][code] = reason
    return found


def exclusions_by_dossier(assessments: Collection[Assessment]) -> dict[int, dict[str, str]]:
    """assessment id -> {excluded code: reason} for dossiers of any campaigns, in one query."""
    pairs = {(a.campaign_id, a.unit_id): a.id for a in assessments}
    found: dict[int, dict[str, str]] = defaultdict(dict)
    if not pairs:
        return found
    for campaign_id, unit_id, code, reason in db.session.execute(
            select(ExcludedItem.campaign_id, ExcludedItem.unit_id, ExcludedItem.code,
                   ExcludedItem.reason)
            .where(ExcludedItem.campaign_id.in_({c for c, _u in pairs}),
                   ExcludedItem.unit_id.in_({u for _c, u in pairs}))):
        if (campaign_id, unit_id) in pairs:
            found[pairs[campaign_id, unit_id]][code] = reason
    return found


def exclusions_for(assessment: Assessment) -> dict[str, str]:
    """{excluded code: reason} of the dossier's unit in its campaign."""
    return excluded_codes(assessment.campaign_id, [assessment.unit_id]).get(
        assessment.unit_id, {})


def _is_node(criteria_set: CriteriaSet, code: str) -> bool:
    try:
        criteria_set.node(code)
    except KeyError:
        return False
    return True
