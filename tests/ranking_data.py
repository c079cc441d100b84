"""Answer rows for ranking tests, written straight into the answers table."""

from server.extensions import db
from server.models import Answer


def full_answers(criteria_set, drop=0):
    """code -> rule input: max points on every leaf, except 0 on the first `drop` leaves."""
    values = {}
    for position, leaf in enumerate(criteria_set.leaves()):
        values[leaf.code] = leaf.rule.zero_input() if position < drop else leaf.rule.max_input()
    return values


def json_value(value):
    from server.engine.results import json_ready

    return json_ready(value)


def write_answers(assessment, criteria_set, values, source_of=None, not_applicable=()):
    """One row per leaf, in the leaf's own source ("self" or "survey") unless `source_of` says."""
    rows = []
    for leaf in criteria_set.leaves():
        if leaf.code not in values and leaf.code not in not_applicable:
            continue
        source = (source_of or {}).get(leaf.code, leaf.source)
        na = leaf.code in not_applicable
        rows.append(Answer(assessment_id=assessment.id, code=leaf.code, source=source,
                           value=None if na else json_value(values[leaf.code]),
                           not_applicable=na))
    db.session.add_all(rows)
    db.session.commit()


def accept_all(assessment):
    """The council's decision on every answered self item: accepted as the unit gave it (a
    dossier finalised without it has gaps that publishing asks to confirm)."""
    rows = db.session.scalars(db.select(Answer).filter_by(assessment_id=assessment.id,
                                                          source="self")).all()
    db.session.add_all([Answer(assessment_id=assessment.id, code=row.code, source="appraisal",
                               value=row.value, not_applicable=row.not_applicable)
                        for row in rows if row.value is not None or row.not_applicable])
    db.session.commit()


def set_appraisal(assessment_id, code, value, reason=""):
    """The appraisal row of `code`, written over the one there is (later data drift)."""
    row = db.session.scalar(db.select(Answer).filter_by(assessment_id=assessment_id, code=code,
                                                        source="appraisal"))
    if row is None:
        row = Answer(assessment_id=assessment_id, code=code, source="appraisal")
        db.session.add(row)
    row.value, row.not_applicable, row.reason = value, False, reason
