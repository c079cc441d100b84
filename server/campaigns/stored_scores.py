"""Scores computed once, when answers change, and stored (DossierScore, LeafScore).

The engine stays the only place that turns answers into points. Every transaction that changes
what a dossier's points depend on stores the dossier's new figures before it commits: a session
hook notes the dossiers behind each flushed Answer, ExcludedItem, new dossier, pin or changed
survey setting, and scores them just before the commit, in the same transaction. Bulk INSERT,
UPDATE and DELETE statements on answers are covered too: the hook reads the dossiers from an
insert's rows, or from what an update's or delete's WHERE clause reaches before it runs. Reading a
score is then one query; `check` re-scores with the engine and compares, for `parindex scores
check` and the tests. (Dossiers inserted in bulk are scored by `rescore_missing`.)

Concurrent saves of one dossier: `rescore` locks the dossiers' rows before it reads their
answers, so the later of two transactions scores what the earlier committed too.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from decimal import Decimal

from sqlalchemy import delete, event, insert, inspect, select

from server.campaigns.criteria import RankingError, group_criteria_set
from server.campaigns.exclusions import excluded_codes
from server.engine import CriteriaSet, ScoreResult, score
from server.engine.answers import AnswersError, effective_answers
from server.extensions import db, id_in
from server.models import (
    Answer,
    Assessment,
    Campaign,
    CampaignCriteriaSet,
    DossierScore,
    ExcludedItem,
    LeafScore,
    Unit,
)

_PENDING = "parindex.rescore"  # session.info key: dossier ids to score before the commit
_PENDING_CAMPAIGNS = "parindex.rescore_campaigns"  # (campaign id, group or None)
_LOCKED = "parindex.locked_dossiers"  # dossier ids this transaction holds locked
TOTALS = ("self_total", "self_max_total", "total", "max_points", "index", "self_points",
          "survey_points", "self_max_points", "survey_max_points")


def inputs_digest(unit_code: str, inputs: dict, left_out: list[str]) -> str:
    """SHA-256 of what a unit's score depends on: its code, effective inputs, excluded codes."""
    data = [unit_code, inputs, left_out] if left_out else [unit_code, inputs]
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False,
                                     default=str).encode()).hexdigest()


def group_digest(unit_digests: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over (unit code, inputs digest) pairs in unit-code order: equal digests, equal
    inputs for the whole group."""
    text = "".join(f"{code} {digest}\n" for code, digest in sorted(unit_digests))
    return hashlib.sha256(text.encode()).hexdigest()


def lock_dossiers(assessment_ids: Collection[int]) -> None:
    """Hold the dossiers' rows until the transaction ends: writers of one dossier take turns.

    FOR NO KEY UPDATE: the answers a transaction inserts hold KEY SHARE locks on their dossier,
    which a plain FOR UPDATE would wait for on both sides (a deadlock). Rows this transaction
    locked already are not asked for again."""
    locked = db.session.info.setdefault(_LOCKED, set())
    wanted = sorted(set(assessment_ids) - locked)
    if wanted:
        db.session.execute(select(Assessment.id).where(id_in(Assessment.id, wanted))
                           .order_by(Assessment.id).with_for_update(key_share=True))
        locked.update(wanted)


def rescore(assessment_ids: Collection[int]) -> int:
    """Score the dossiers with the engine and store their figures, in the caller's transaction;
    the number stored. A dossier whose group has no pinned set, or whose answers the set cannot
    score, keeps no stored score (rankings then name it)."""
    ids = sorted(set(assessment_ids))
    if not ids:
        return 0
    figures = dict(_figures(ids, lock=True))
    db.session.execute(delete(LeafScore).where(id_in(LeafScore.assessment_id, ids)))
    db.session.execute(delete(DossierScore).where(id_in(DossierScore.assessment_id, ids)))
    if figures:
        # render_nulls: rows with and without an outcome go in one batch, not one per run.
        db.session.execute(insert(DossierScore).execution_options(render_nulls=True),
                           [row for row, _leaves in figures.values()])
        db.session.execute(insert(LeafScore).execution_options(render_nulls=True),
                           [leaf for _row, leaves in figures.values() for leaf in leaves])
    return len(figures)


def rescore_missing(batch: int = 500) -> int:
    """Score every dossier that has no stored score yet (after an upgrade); commits per batch."""
    done, after = 0, 0
    while True:
        ids = list(db.session.scalars(
            select(Assessment.id).outerjoin(DossierScore)
            .where(DossierScore.assessment_id.is_(None), Assessment.id > after)
            .order_by(Assessment.id).limit(batch)))
        if not ids:
            return done
        done += rescore(ids)
        db.session.commit()
        after = ids[-1]


def check(campaign_id: int | None = None) -> list[dict]:
    """Every difference between the stored scores and the engine's scores now, dossier by
    dossier (of one campaign, or all): [{assessment_id, unit_code, field, stored, engine}].
    A dossier with no stored score, or a stored score the engine would not give, is listed."""
    query = select(Assessment.id, Unit.code).join(Unit, Assessment.unit_id == Unit.id)
    if campaign_id is not None:
        query = query.where(Assessment.campaign_id == campaign_id)
    codes = dict(db.session.execute(query.order_by(Assessment.id)).all())
    differences = []
    ids = list(codes)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        engine = dict(_figures(chunk, lock=False))
        stored = _stored(chunk)
        for id_ in chunk:
            mine, theirs = stored.get(id_), engine.get(id_)
            for field, before, after in _compare(mine, theirs):
                differences.append({"assessment_id": id_, "unit_code": codes[id_],
                                    "field": field, "stored": before, "engine": after})
    return differences


def _compare(stored, engine) -> Iterable[tuple[str, object, object]]:
    if stored is None or engine is None:
        if stored != engine:
            yield ("score", "none" if stored is None else "stored",
                   "none" if engine is None else "scored")
        return
    (stored_row, stored_leaves), (engine_row, engine_leaves) = stored, engine
    for field in (*TOTALS, "survey_absent", "unanswered", "domains", "inputs_digest",
                  "criteria_set_id", "criteria_set_version"):
        if stored_row[field] != engine_row[field]:
            yield field, stored_row[field], engine_row[field]
    stored_by_code = {leaf["code"]: leaf for leaf in stored_leaves}
    for leaf in engine_leaves:
        other = stored_by_code.pop(leaf["code"], None)
        if other != leaf:
            yield f"leaf {leaf['code']}", other, leaf
    for code, other in stored_by_code.items():
        yield f"leaf {code}", other, None


def _stored(ids: list[int]) -> dict[int, tuple[dict, list[dict]]]:
    rows = {row.assessment_id: row for row in db.session.scalars(
        select(DossierScore).where(id_in(DossierScore.assessment_id, ids)))}
    leaves = defaultdict(list)
    for leaf in db.session.scalars(select(LeafScore).where(id_in(LeafScore.assessment_id, ids))):
        leaves[leaf.assessment_id].append(
            {column: getattr(leaf, column) for column in _LEAF_COLUMNS})
    return {id_: ({column: getattr(row, column) for column in _ROW_COLUMNS}, leaves[id_])
            for id_, row in rows.items()}


_ROW_COLUMNS = [column.key for column in DossierScore.__table__.columns
                if column.key != "scored_at"]
_LEAF_COLUMNS = [column.key for column in LeafScore.__table__.columns]


def _figures(ids: list[int], *, lock: bool):
    """(assessment id, (dossier row, leaf rows)) as the engine scores them now."""
    query = (select(Assessment.id, Assessment.campaign_id, Assessment.unit_group,
                    Assessment.unit_id, Unit.code)
             .join(Unit, Assessment.unit_id == Unit.id).where(id_in(Assessment.id, ids))
             .order_by(Assessment.id))
    if lock:  # the later of two saves of one dossier waits here, then reads both saves' answers
        lock_dossiers(ids)
    dossiers = db.session.execute(query).all()
    answers = defaultdict(list)
    for row in db.session.execute(
            select(Answer.assessment_id, Answer.code, Answer.source, Answer.value,
                   Answer.not_applicable).where(id_in(Answer.assessment_id, ids))):
        answers[row.assessment_id].append(tuple(row)[1:])
    sets, scored = {}, {}
    excluded = defaultdict(dict)
    for campaign_id in {row.campaign_id for row in dossiers}:
        excluded[campaign_id] = excluded_codes(
            campaign_id, [row.unit_id for row in dossiers if row.campaign_id == campaign_id])
    for id_, campaign_id, group, unit_id, code in dossiers:
        key = (campaign_id, group)
        if key not in sets:
            try:
                sets[key] = group_criteria_set(db.session.get(Campaign, campaign_id), group)
            except RankingError:
                sets[key] = None
        criteria_set = sets[key]
        if criteria_set is None:
            continue
        left_out = sorted(excluded[campaign_id].get(unit_id, ()))
        rows = answers[id_]
        inputs = effective_answers(criteria_set, rows)
        self_inputs = effective_answers(criteria_set, [row for row in rows if row[1] == "self"])
        # Dossiers with the same inputs (every new one, at opening) are scored once.
        memo = json.dumps([key, inputs, self_inputs, left_out], sort_keys=True, default=str)
        try:
            if memo not in scored:
                scored[memo] = (score(criteria_set, inputs, left_out),
                                score(criteria_set, self_inputs, left_out))
        except AnswersError:
            continue
        effective, own = scored[memo]
        yield id_, (_dossier_row(id_, criteria_set, effective, own,
                                 inputs_digest(code, inputs, left_out)),
                    _leaf_rows(id_, criteria_set, effective, own))


def _dossier_row(id_: int, criteria_set: CriteriaSet, effective: ScoreResult, own: ScoreResult,
                 digest: str) -> dict:
    domains = {domain.code: [format(effective.nodes[domain.code].points, "f"),
                             format(effective.nodes[domain.code].max_points, "f"),
                             effective.nodes[domain.code].not_applicable]
               for domain in criteria_set.domains}
    return {"assessment_id": id_, "criteria_set_id": criteria_set.id,
            "criteria_set_version": criteria_set.version, "inputs_digest": digest,
            "self_total": own.total, "self_max_total": own.max_points,
            "total": effective.total, "max_points": effective.max_points,
            "index": effective.index, "self_points": effective.self_points,
            "survey_points": effective.survey_points,
            "self_max_points": effective.self_max_points,
            "survey_max_points": effective.survey_max_points,
            "survey_absent": effective.survey_absent, "unanswered": len(effective.unanswered),
            "domains": domains}


def _leaf_rows(id_: int, criteria_set: CriteriaSet, effective: ScoreResult,
               own: ScoreResult) -> list[dict]:
    lines = {line.code: line for line in effective.trace}
    own_lines = {line.code: line for line in own.trace}
    rows = []
    for domain in criteria_set.domains:
        for criterion in domain.criteria:
            for leaf in criterion.leaves():
                line, mine = lines[leaf.code], own_lines[leaf.code]
                rows.append({"assessment_id": id_, "code": leaf.code,
                             "criterion": criterion.code, "domain": domain.code,
                             "part": leaf.source, "status": line.status,
                             "outcome": line.outcome, "points": line.points,
                             "self_status": mine.status, "self_points": mine.points})
    return rows


def stored_domains(domains: dict) -> dict[str, tuple[Decimal, Decimal, bool]]:
    """A stored row's domains (its JSON, points as text) as `from_stored_totals` takes them."""
    return {code: (Decimal(points), Decimal(max_points), not_applicable)
            for code, (points, max_points, not_applicable) in domains.items()}


# The session hook --------------------------------------------------------------------------

def _note_flushed(session, _context) -> None:
    pending = session.info.setdefault(_PENDING, set())
    campaigns = session.info.setdefault(_PENDING_CAMPAIGNS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Answer):
            pending.add(obj.assessment_id)
        elif isinstance(obj, Assessment) and obj in session.new:
            pending.add(obj.id)  # a new dossier: stored at once, all unanswered
        elif isinstance(obj, ExcludedItem):
            campaigns.add((obj.campaign_id, None, obj.unit_id))
        elif isinstance(obj, CampaignCriteriaSet):
            campaigns.add((obj.campaign_id, obj.unit_group, None))
        elif isinstance(obj, Campaign) and _changed(obj, ("survey",)):
            campaigns.add((obj.id, None, None))


def _note_bulk(state) -> None:
    """A bulk INSERT, UPDATE or DELETE of answers or exclusions: note the dossiers it touches
    (an insert's from its rows, the others' from their WHERE clause, before they run)."""
    if state.bind_mapper is None:
        return
    entity = state.bind_mapper.class_
    if state.is_insert and entity is Answer:
        rows = state.parameters if isinstance(state.parameters, list) else [state.parameters]
        state.session.info.setdefault(_PENDING, set()).update(
            row["assessment_id"] for row in rows if row and "assessment_id" in row)
        return
    if not (state.is_update or state.is_delete):
        return
    where = state.statement.whereclause
    if entity is Answer and where is None and isinstance(state.parameters, list):
        # an UPDATE by primary key, one parameter set a row
        ids = [row["id"] for row in state.parameters]
        found = state.session.scalars(
            select(Answer.assessment_id).where(id_in(Answer.id, ids)).distinct())
        state.session.info.setdefault(_PENDING, set()).update(found)
    elif entity is Answer:
        query = select(Answer.assessment_id).distinct()
        found = state.session.scalars(query if where is None else query.where(where))
        state.session.info.setdefault(_PENDING, set()).update(found)
    elif entity is ExcludedItem:
        query = select(ExcludedItem.campaign_id, ExcludedItem.unit_id).distinct()
        found = state.session.execute(query if where is None else query.where(where))
        state.session.info.setdefault(_PENDING_CAMPAIGNS, set()).update(
            (campaign_id, None, unit_id) for campaign_id, unit_id in found)


def _changed(obj, attributes) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _score_before_commit(session) -> None:
    session.flush()  # what is still pending, noted by the hook above
    pending = session.info.pop(_PENDING, set())
    campaigns = session.info.pop(_PENDING_CAMPAIGNS, set())
    if not pending and not campaigns:
        return
    for campaign_id, group, unit_id in campaigns:
        query = select(Assessment.id).where(Assessment.campaign_id == campaign_id)
        if group is not None:
            query = query.where(Assessment.unit_group == group)
        if unit_id is not None:
            query = query.where(Assessment.unit_id == unit_id)
        pending.update(session.scalars(query))
    # Dossiers deleted meanwhile find no rows and store nothing.
    rescore({id_ for id_ in pending if id_ is not None})
    session.info.pop(_PENDING, None)  # rescore's own flush noted nothing that needs scoring


def _forget(session, *_args) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_PENDING_CAMPAIGNS, None)
    session.info.pop(_LOCKED, None)


def install() -> None:
    """Hook the session (once per process)."""
    if not event.contains(db.session, "after_flush", _note_flushed):
        event.listen(db.session, "after_flush", _note_flushed)
        event.listen(db.session, "do_orm_execute", _note_bulk)
        event.listen(db.session, "before_commit", _score_before_commit)
        event.listen(db.session, "after_rollback", _forget)
        event.listen(db.session, "after_commit", _forget)
