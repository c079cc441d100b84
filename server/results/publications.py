"""Publishing a unit group's ranking: a frozen snapshot that published pages and exports read.

A publication records the criteria-set version, the engine version, the tie rule applied, a digest
of every unit's scored inputs and the full results: the ranking as
`server.results.ranking_data.ranking_dict`, and each unit's ScoreResult as a compact
PublicationScore row (every node's and leaf's points, without the inputs). It is never edited: a
correction is a new publication of the same group, with a reason, listing what changed against the
one before. Publishing moves the group's finalised dossiers to `published` (which notifies the
units) and is one transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import lazyload

from server.appraisal.gaps import DossierGaps, dossier_gaps, gaps_message, missing_confirmation
from server.campaigns.criteria import criteria_registry, group_criteria_set
from server.campaigns.stored_scores import group_digest
from server.campaigns.workflow import STATES, apply_transition_to_all
from server.engine import (
    ENGINE_VERSION,
    CriteriaSet,
    NodeScore,
    ScoreResult,
    TieRule,
    TraceLine,
    from_stored_leaves,
)
from server.engine.decimals import NotANumber, parse_decimal
from server.engine.ranking import RankedRow
from server.engine.results import UNANSWERED
from server.events import emit
from server.extensions import db, id_in
from server.models import (
    Assessment,
    Campaign,
    DossierScore,
    Publication,
    PublicationScore,
    Unit,
    User,
)
from server.people.groups import group_label
from server.results.ranking import (
    GroupRanking,
    RankingError,
    collection_paused,
    rank_group,
    stored_leaf_reader,
)
from server.results.ranking_data import ranking_dict

# Fields of a ranking row compared between a publication and its correction.
COMPARED = ("rank", "ranked", "total", "index", "classification")
PUBLISHABLE_STATES = ("finalised", "published")
SNAPSHOT_CHUNK = 1000  # units whose leaf points are read and frozen at a time


class PublicationError(Exception):
    """A refused publication; `status` is the HTTP status, `field` what the refusal is about
    (`fields` when several are), `gaps` the dossiers with unconfirmed gaps."""

    def __init__(self, message, status: int = 409, field: str = "", units=(), gaps=(),
                 fields=()):
        super().__init__(message)
        self.message, self.status, self.field, self.units = message, status, field, list(units)
        self.gaps, self.fields = list(gaps), list(fields) or ([field] if field else [])

    def __str__(self) -> str:
        return str(self.message)


def publications(campaign_id: int, group: str) -> list[Publication]:
    """The group's publications, the latest first."""
    return list(db.session.scalars(
        select(Publication).filter_by(campaign_id=campaign_id, unit_group=group)
        .order_by(Publication.number.desc())))


def latest_publication(campaign_id: int, group: str) -> Publication | None:
    return db.session.scalars(
        select(Publication).filter_by(campaign_id=campaign_id, unit_group=group)
        .order_by(Publication.number.desc()).limit(1)).first()


def _group_assessments(campaign: Campaign, group: str) -> list[tuple[Assessment, str]]:
    # The dossiers alone: their campaign is this one (already loaded) and the unit's code comes
    # with them; a national group would otherwise load 10,600 joined units and campaigns.
    return list(db.session.execute(
        select(Assessment, Unit.code).join(Unit, Assessment.unit_id == Unit.id)
        .options(lazyload(Assessment.campaign), lazyload(Assessment.unit))
        .where(Assessment.campaign_id == campaign.id, Assessment.unit_group == group)
        .order_by(Unit.code)))


def group_gaps(campaign: Campaign, group: str) -> list[DossierGaps]:
    """The group's dossiers with unanswered or unappraised applicable items."""
    return dossier_gaps([assessment for assessment, _code in _group_assessments(campaign, group)])


def changes_between(before: dict, after: dict) -> list[dict]:
    """What a correction changes: per unit, each compared field and domain points that differ;
    units that appear or disappear are listed with field "unit"."""
    old = {row["unit_code"]: row for row in before["rows"]}
    new = {row["unit_code"]: row for row in after["rows"]}
    changes = []
    for code in sorted(old.keys() | new.keys()):
        if code not in new or code not in old:
            changes.append({"unit_code": code, "field": "unit",
                            "before": code if code in old else None,
                            "after": code if code in new else None})
            continue
        fields = [(name, old[code][name], new[code][name]) for name in COMPARED]
        old_domains = {d["code"]: d["points"] for d in old[code]["domains"]}
        fields += [(f"domain:{d['code']}", old_domains.get(d["code"]), d["points"])
                   for d in new[code]["domains"]]
        changes += [{"unit_code": code, "field": name, "before": was, "after": now}
                    for name, was, now in fields if not _same_figure(was, now)]
    return changes


def _same_figure(was, now) -> bool:
    """Equal values, numbers compared as numbers: a snapshot frozen as "82" (before figures
    carried two decimals) is the same as today's "82.00"."""
    if isinstance(was, str) and isinstance(now, str):
        try:
            return parse_decimal(was) == parse_decimal(now)
        except NotANumber:
            pass
    return was == now


@dataclass(frozen=True)
class PublicationPlan:
    """What a publication asked for now will be: checked by `check_publication` in the request,
    written by `write_publication` (in the worker). `number` and `inputs_digest` name it: the
    job's key, and the publication a retry finds already made."""
    campaign_id: int
    group: str
    number: int
    inputs_digest: str
    reason: str
    confirm_gaps: bool
    # The dossiers and gaps the check found, when the write follows in the same transaction
    # (`publish`); None for a worker, which reads them again.
    gaps: list[DossierGaps] | None = None
    dossiers: list[tuple[Assessment, str]] | None = None


def _stored_digest(campaign: Campaign, group: str, dossiers) -> str:
    """The group's inputs digest from its stored scores, as the ranking will compute it."""
    digests = dict(db.session.execute(
        select(DossierScore.assessment_id, DossierScore.inputs_digest).where(
            id_in(DossierScore.assessment_id,
                  [assessment.id for assessment, _code in dossiers]))
    ).all()) if dossiers else {}
    missing = [code for assessment, code in dossiers if assessment.id not in digests]
    if missing:
        raise PublicationError(f"no stored score for {', '.join(missing[:10])}: "
                               "run `parindex scores rebuild`", status=422, field="group")
    return group_digest((code, digests[assessment.id]) for assessment, code in dossiers)


def group_inputs_digest(campaign: Campaign, group: str) -> str:
    """The group's inputs digest, read from its stored scores (PublicationError 422 when a
    dossier has none)."""
    return _stored_digest(campaign, group, _group_assessments(campaign, group))


def check_publication(campaign: Campaign, group: str, user: User, reason: str = "",
                      confirm_gaps: bool = False) -> PublicationPlan:
    """Every refusal of `publish`, made before anything is queued, without ranking the group
    (its stored digests say whether anything changed; only an unchanged group is ranked, from
    its stored totals, to tell a correction of its tie rule or bands from nothing new).
    Every dossier of the group must be finalised (or already published); the second and
    later publications are corrections and need a reason and a change. Dossiers with
    unanswered or unappraised items are listed and need `confirm_gaps` and a reason."""
    if not user.has_role("admin"):
        raise PublicationError(_l("Only the Department of Home Affairs publishes the index."),
                               status=403)
    reason = (reason or "").strip()
    previous = latest_publication(campaign.id, group)
    if previous is not None and previous.imported:
        raise PublicationError(_l(
            "The group's results were imported from the published decision: correct them by "
            "importing the corrected table again, with a reason."), field="group")
    dossiers = _group_assessments(campaign, group)
    pending = [(code, assessment.state) for assessment, code in dossiers
               if assessment.state not in PUBLISHABLE_STATES]
    if pending:
        raise PublicationError(_l(
            "Every dossier of the group must be finalised by the council first; not yet: "
            "%(units)s.", units=", ".join(f"{code} ({STATES[state]})" for code, state in pending)),
            field="group", units=[code for code, _state in pending])
    gaps = dossier_gaps([assessment for assessment, _code in dossiers])
    missing = missing_confirmation(gaps, confirm_gaps, reason)
    if missing:
        raise PublicationError(gaps_message(gaps), status=422, gaps=gaps, fields=missing,
                               field=missing[0], units=[gap.unit_code for gap in gaps])
    try:
        group_criteria_set(campaign, group)
    except RankingError as error:
        raise PublicationError(str(error), status=422, field="group") from error
    if not dossiers:
        raise PublicationError(_l("The group has no dossiers to publish."), field="group")
    digest = _stored_digest(campaign, group, dossiers)
    if previous is not None:
        if not reason:
            raise PublicationError(_l("A correction needs a reason."), status=422,
                                   field="reason")
        if previous.inputs_digest == digest:
            _refuse_unchanged(campaign, group, previous)
    return PublicationPlan(campaign.id, group, 1 if previous is None else previous.number + 1,
                           digest, reason, bool(confirm_gaps), gaps, dossiers)


def _refuse_unchanged(campaign: Campaign, group: str, previous: Publication) -> None:
    try:
        ranking = rank_group(campaign, group)
    except RankingError as error:
        raise PublicationError(str(error), status=422, field="group") from error
    if not changes_between(previous.results["ranking"], ranking_dict(ranking)):
        raise PublicationError(_l(
            "Nothing changed since publication %(number)s; there is nothing to correct.",
            number=previous.number), field="group")


def publish(campaign: Campaign, group: str, user: User, reason: str = "",
            confirm_gaps: bool = False) -> Publication:
    """Freeze the group's ranking and publish its finalised dossiers at once (the demo and the
    tests; the API, the page and the CLI queue it: server.results.publishing); commits or
    refuses with nothing written."""
    plan = check_publication(campaign, group, user, reason, confirm_gaps)
    publication = write_publication(campaign, plan, user)
    db.session.commit()
    return publication


def write_publication(campaign: Campaign, plan: PublicationPlan, user: User) -> Publication:
    """Rank the group and write the publication `plan` checked, its snapshot from the stored
    leaf points, in the caller's transaction; PublicationError when the group changed since
    (its dossiers, its inputs, or another publication made meanwhile)."""
    group, reason = plan.group, plan.reason
    previous = latest_publication(campaign.id, group)
    if (0 if previous is None else previous.number) != plan.number - 1:
        raise PublicationError(_l(
            "Another publication of the group was made meanwhile: look at it before publishing "
            "again."), field="group")
    dossiers = plan.dossiers if plan.dossiers is not None else _group_assessments(campaign,
                                                                                  group)
    pending = [code for assessment, code in dossiers
               if assessment.state not in PUBLISHABLE_STATES]
    try:
        ranking = rank_group(campaign, group)
    except RankingError as error:
        raise PublicationError(str(error), status=422, field="group") from error
    if pending or ranking.inputs_digest != plan.inputs_digest:
        raise PublicationError(_l(
            "The group's dossiers changed since the publication was asked for: ask again."),
            field="group", units=pending)
    if not ranking.rows:
        raise PublicationError(_l("The group has no dossiers to publish."), field="group")
    results = {"ranking": ranking_dict(ranking)}
    changes = []
    if previous is not None:
        changes = changes_between(previous.results["ranking"], results["ranking"])
        if not changes and previous.inputs_digest == ranking.inputs_digest:
            raise PublicationError(_l(
                "Nothing changed since publication %(number)s; there is nothing to correct.",
                number=previous.number), field="group")
    gaps = plan.gaps if plan.gaps is not None else dossier_gaps(
        [assessment for assessment, _code in dossiers])
    publication = Publication(
        campaign_id=campaign.id, unit_group=group, number=plan.number,
        criteria_set_id=ranking.criteria_set.id,
        criteria_set_version=ranking.criteria_set.version, engine_version=ENGINE_VERSION,
        tie_rule={"compare": ranking.tie_rule.compare, "ranks": ranking.tie_rule.ranks},
        inputs_digest=ranking.inputs_digest, results=results, changes=changes,
        reason=reason, published_by=user.id)
    db.session.add(publication)
    db.session.flush()
    # The snapshot from the stored leaf points, a chunk of units at a time (memory stays flat
    # for a national group).
    leaves_of, order = stored_leaf_reader(campaign.id, group), list(ranking.criteria_set.leaf_index)
    with collection_paused():
        for start in range(0, len(ranking.rows), SNAPSHOT_CHUNK):
            chunk = ranking.rows[start:start + SNAPSHOT_CHUNK]
            found = leaves_of([row.unit_code for row in chunk])
            db.session.execute(insert(PublicationScore), [
                {"publication_id": publication.id, "unit_code": row.unit_code,
                 "result": freeze_result(row.result, [(code, *found[row.unit_code][code])
                                                      for code in order])} for row in chunk])
    # One step for the whole group, and one event naming every dossier it moved.
    moved = apply_transition_to_all([assessment for assessment, _code in dossiers
                                     if assessment.state == "finalised"], "publish", user, reason)
    emit("publication.published", "publication", publication.id, actor_id=user.id,
         before=None if previous is None else {"number": previous.number,
                                               "inputs_digest": previous.inputs_digest},
         after={"campaign_id": campaign.id, "group": group, "number": publication.number,
                "inputs_digest": publication.inputs_digest, "changes": len(changes),
                "units": [code for _assessment, code in dossiers],
                "published_dossiers": sorted(moved),
                **({"confirmed_gaps": [gap.to_dict() for gap in gaps]} if gaps else {})},
         reason=reason)
    return publication


def _number(value: Decimal | None) -> str | None:
    # format "f" keeps the exponent, so "93.50" reads back as 93.50, not 93.5
    return None if value is None else format(value, "f")


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def freeze_result(result: ScoreResult, leaves: Iterable[tuple]) -> dict:
    """A unit's result as compact JSON: its totals (from `result`) and each leaf's status,
    outcome and points (`leaves`: (code, status, outcome, points as exact text such as "1.50")
    in tree order). Criteria and domains are sums of these, which `thaw_result` adds up again
    with the engine; a national publication holds 10,000 of them."""
    lines = [[code, status, outcome, points] for code, status, outcome, points in leaves]
    return {
        "set": [result.criteria_set_id, result.criteria_set_version, result.engine_version],
        "totals": [_number(value) for value in (
            result.total, result.max_points, result.index, result.self_points,
            result.survey_points, result.self_max_points, result.survey_max_points)],
        "survey_absent": result.survey_absent, "classification": result.classification,
        "unanswered": [line[0] for line in lines if line[1] == UNANSWERED],
        "leaves": lines,
    }


def thaw_result(data: dict, criteria_set: CriteriaSet | None) -> ScoreResult:
    """The ScoreResult of `freeze_result`, its nodes summed again from the leaves by the engine
    with the frozen set version (`criteria_set`); trace lines come back without their inputs.
    Snapshots from before leaf-only freezing, and results imported from a published table,
    carry their nodes themselves and need no set."""
    set_id, set_version, engine_version = data["set"]
    if "leaves" in data:
        if criteria_set is None:
            raise PublicationError(_l("The criteria set %(id)s %(version)s of this publication "
                                      "is not installed.", id=set_id, version=set_version),
                                   status=500)
        summed = from_stored_leaves(
            criteria_set, {code: (status, outcome, Decimal(points))
                           for code, status, outcome, points in data["leaves"]},
            data["survey_absent"])
        # The classification as published: the campaign's bands may not be the set's.
        return replace(summed, classification=data["classification"],
                       engine_version=engine_version)
    total, max_points, index, self_points, survey_points, self_max, survey_max = (
        _decimal(text) for text in data["totals"])
    return ScoreResult(
        criteria_set_id=set_id, criteria_set_version=set_version, total=total,
        max_points=max_points, index=index, self_points=self_points,
        survey_points=survey_points, survey_absent=data["survey_absent"],
        classification=data["classification"], unanswered=tuple(data["unanswered"]),
        nodes={code: NodeScore(code, level, Decimal(points), Decimal(maximum),
                               _decimal(sub_index), not_applicable)
               for code, level, points, maximum, sub_index, not_applicable in data["nodes"]},
        trace=tuple(TraceLine(code, rule, None, outcome, Decimal(points), Decimal(maximum),
                              not_applicable, status)
                    for code, rule, outcome, points, maximum, not_applicable, status
                    in data["trace"]),
        engine_version=engine_version, self_max_points=self_max,
        survey_max_points=survey_max)


def frozen_scores(publication: Publication, unit_codes=None) -> dict[str, ScoreResult]:
    """unit code -> the unit's frozen ScoreResult, for every unit or the codes given."""
    query = select(PublicationScore.unit_code, PublicationScore.result).filter_by(
        publication_id=publication.id)
    if unit_codes is not None:
        query = query.where(PublicationScore.unit_code.in_(list(unit_codes)))
    criteria_set = criteria_registry().get(publication.criteria_set_id,
                                           publication.criteria_set_version)
    return {code: thaw_result(result, criteria_set)
            for code, result in db.session.execute(query)}


def imported_source(publication: Publication | None) -> str | None:
    """The decision an imported publication comes from; None for a publication made here."""
    if publication is None or not publication.imported:
        return None
    return (publication.results.get("imported") or {}).get("source", "")


def frozen_ranking(publication: Publication) -> GroupRanking:
    """The publication's ranking as the exports take it, read from the snapshot alone (the
    criteria set is the frozen version, looked up only for its titles and structure)."""
    criteria_set = criteria_registry().get(publication.criteria_set_id,
                                           publication.criteria_set_version)
    if criteria_set is None:
        raise PublicationError(_l("The criteria set %(id)s %(version)s of this publication "
                                  "is not installed.", id=publication.criteria_set_id,
                                  version=publication.criteria_set_version), status=500)
    ranking, scores = publication.results["ranking"], frozen_scores(publication)
    rows = [RankedRow(row["unit_code"], row["unit_name"], scores[row["unit_code"]],
                      row["ranked"], row["rank"], row["classification"])
            for row in ranking["rows"]]
    previous = {row["unit_code"]: Decimal(row["previous_index"]) for row in ranking["rows"]
                if row.get("previous_index") is not None}
    replaced = {row["unit_code"]: [(other["unit_code"], _decimal(other["previous_index"]))
                                   for other in row["replaces"]]
                for row in ranking["rows"] if row.get("replaces")}
    return GroupRanking(publication.campaign_id, ranking["year"], publication.unit_group,
                        criteria_set, TieRule(**publication.tie_rule), rows, previous,
                        publication.inputs_digest, imported_source(publication), replaced,
                        group_label(publication.unit_group))
