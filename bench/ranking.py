"""Goal (b): ranking a group (10,600 units x 102 answers; --quick 1,000) with
`server.results.ranking.rank_group` against one bare GROUP BY over the same answer rows, in the
same run; goal <= 3.

    .venv/bin/python -m bench.ranking [--quick]

The dataset is bench/dataset.py's (`fill` below writes the ranking campaign in bulk).
"""

import sys
import time

from sqlalchemy import func, insert, select

from bench.common import Goal
from bench.national_scale import synthetic_answers
from server.extensions import db
from server.models import (
    Answer,
    Assessment,
    Campaign,
    CampaignCriteriaSet,
    Unit,
)

GROUP = "commune"
GOAL = 3.0


def fill(units: int, criteria_set, group: str = GROUP, year: int = 2021) -> Campaign:
    """A campaign of `year` whose `group` has `units` finalised dossiers with every answer, and
    their stored scores."""
    from server.campaigns.stored_scores import rescore_missing

    campaign = Campaign(year=year, title=f"Chỉ số CCHC năm {year} (bench)", state="open",
                        pins=[CampaignCriteriaSet(unit_group=group,
                                                  criteria_set_id=criteria_set.id,
                                                  criteria_set_version=criteria_set.version)])
    db.session.add(campaign)
    db.session.commit()
    prefix = group[0].upper()  # unit codes are unique across groups
    answers = [(prefix + code[1:], found) for code, found in synthetic_answers(criteria_set, units)]
    db.session.execute(insert(Unit), [
        {"code": code, "name": f"Đơn vị {code}", "level": group, "group": group}
        for code, _ in answers])
    unit_ids = dict(db.session.execute(select(Unit.code, Unit.id)).all())
    db.session.execute(insert(Assessment), [
        {"campaign_id": campaign.id, "unit_id": unit_ids[code],
         "unit_group": group, "criteria_set_id": criteria_set.id,
         "criteria_set_version": criteria_set.version, "state": "finalised"}
        for code, _ in answers])
    assessment_ids = dict(db.session.execute(
        select(Unit.code, Assessment.id).join(Assessment, Assessment.unit_id == Unit.id)).all())
    sources = {leaf.code: leaf.source for leaf in criteria_set.leaves()}
    batch = []
    for code, unit_answers in answers:
        for leaf_code, answer in unit_answers.items():
            batch.append({"assessment_id": assessment_ids[code], "code": leaf_code,
                          "source": sources[leaf_code], "value": answer["value"],
                          "not_applicable": answer["not_applicable"]})
        if len(batch) > 50_000:
            db.session.execute(insert(Answer), batch)
            batch = []
    if batch:
        db.session.execute(insert(Answer), batch)
    db.session.commit()
    # Written in bulk, as a bench sets up: store the scores the way `parindex upgrade` does.
    rescore_missing()
    return campaign


def bare_group_by(campaign_id: int):
    return db.session.execute(
        select(Answer.assessment_id, func.count(), func.sum(Answer.not_applicable.cast(
            db.Integer)))
        .join(Assessment, Answer.assessment_id == Assessment.id)
        .join(Unit, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign_id, Unit.group == GROUP)
        .group_by(Answer.assessment_id)
    ).all()


def goals(dataset) -> tuple[list[Goal], object]:
    """rank_group over the dataset's group against the bare GROUP BY (each the best of 3, after
    a warm-up run), in this process; the ranking with every leaf, which the workbook goals
    write."""
    from server.results.ranking import rank_group

    with dataset.app.app_context():
        bare_group_by(dataset.campaign_id)
        floor = []
        for _ in range(3):
            started = time.perf_counter()
            assert len(bare_group_by(dataset.campaign_id)) == dataset.units
            floor.append(time.perf_counter() - started)
        # Measured as the floor is: a warm-up run, then the best of 3.
        campaign = db.session.get(Campaign, dataset.campaign_id)
        rank_group(campaign, dataset.group, with_previous=False)
        times = []
        for _ in range(3):
            db.session.expire_all()
            started = time.perf_counter()
            ranking = rank_group(campaign, dataset.group, with_previous=False)
            times.append(time.perf_counter() - started)
            assert len(ranking.rows) == dataset.units
        seconds = min(times)
        # The workbook writes every leaf: the same ranking read with its detail (not timed).
        ranking = rank_group(db.session.get(Campaign, dataset.campaign_id), dataset.group,
                             with_previous=False, detail=True)
        db.session.remove()
        db.engine.dispose()  # later benches fork
    print(f"ranking {dataset.units} units: rank_group {seconds:.2f} s, bare GROUP BY "
          f"{min(floor):.3f} s", flush=True)
    return [Goal("ranking", seconds / min(floor), GOAL)], ranking


def main(argv=None) -> int:
    from bench.__main__ import run_alone

    return run_alone(argv, __doc__, lambda dataset, _sizes: goals(dataset)[0])


if __name__ == "__main__":
    sys.exit(main())
