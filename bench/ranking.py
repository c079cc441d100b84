"""Benchmark: ranking 10,600 units (102 sub-criteria each) against one bare GROUP BY query
over the same rows, in the same run.

    .venv/bin/python -m bench.ranking [--units N] [--database-url URL]

Builds a throw-away SQLite database (or uses URL, which it fills: use an empty scratch
database), writes one campaign, N units of one group, N assessments and N x 102 answer rows, then
times `server.results.ranking.rank_group` (two grouped reads, engine scoring of every unit,
ranking) and one bare `GROUP BY assessment_id` over the same answer rows, then
`server.results.publications.publish` (the same ranking, frozen: the ranking JSON and one compact
score row per unit). Each runs in a forked child.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import String, cast, func, insert, select

from bench.national_scale import UNITS, in_child, synthetic_answers
from server.app import create_app
from server.extensions import db
from server.models import (
    Answer,
    Assessment,
    Campaign,
    CampaignCriteriaSet,
    Publication,
    PublicationScore,
    RoleMembership,
    Unit,
)

GROUP = "commune"


def fill(units: int, criteria_set) -> Campaign:
    campaign = Campaign(year=2021, title="Chỉ số CCHC năm 2021 (bench)", state="open",
                        pins=[CampaignCriteriaSet(unit_group=GROUP,
                                                  criteria_set_id=criteria_set.id,
                                                  criteria_set_version=criteria_set.version)])
    db.session.add(campaign)
    db.session.commit()
    answers = synthetic_answers(criteria_set, units)
    db.session.execute(insert(Unit), [
        {"code": code, "name": f"Xã {code}", "level": GROUP, "group": GROUP}
        for code, _ in answers])
    unit_ids = dict(db.session.execute(select(Unit.code, Unit.id)).all())
    db.session.execute(insert(Assessment), [
        {"campaign_id": campaign.id, "unit_id": unit_ids[code],
         "unit_group": GROUP, "criteria_set_id": criteria_set.id,
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=UNITS)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["PARINDEX_INSTANCE_DIR"] = folder
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "EVIDENCE_DIR": str(Path(folder) / "evidence")})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=app.extensions["migrate"].directory)
            criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
            started = time.perf_counter()
            campaign = fill(args.units, criteria_set)
            campaign_id = campaign.id
            rows = db.session.scalar(select(func.count()).select_from(Answer))
            print(f"{db.engine.dialect.name}: {args.units} units, {rows} answer rows written in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            db.session.remove()
            db.engine.dispose()  # each child opens its own connection
            figures = {}
            checked = {}

            def ranking():
                from server.results.ranking import rank_group

                result = rank_group(db.session.get(Campaign, campaign_id), GROUP,
                                    with_previous=False)
                assert len(result.rows) == args.units
                checked["first"] = result.rows[0].rank

            def bare():
                assert len(bare_group_by(campaign_id)) == args.units

            in_child("bare GROUP BY over the same rows", bare, figures)
            in_child("rank_group (read + score + rank)", ranking, figures)
            ours = figures["rank_group (read + score + rank)"]
            theirs = figures["bare GROUP BY over the same rows"]
            print(f"ratio rank_group / bare GROUP BY: time "
                  f"{ours['seconds'] / theirs['seconds']:.1f}, per unit "
                  f"{ours['seconds'] / args.units * 1000:.2f} ms")

            def publishing():
                from server.models import User
                from server.results.publications import publish

                admin = User(username="bench-admin", full_name="Bench")
                admin.set_password("bench-password")
                admin.memberships.append(RoleMembership(role="admin"))
                db.session.add(admin)
                db.session.commit()
                publish(db.session.get(Campaign, campaign_id), GROUP, admin)

            in_child("publish (rank + freeze + write snapshot)", publishing, figures)
            stored = db.session.execute(select(
                func.count(), func.sum(func.length(cast(PublicationScore.result, String))))).one()
            ranking = db.session.scalar(select(func.length(cast(Publication.results, String))))
            print(f"snapshot: {stored[0]} score rows, {stored[1] / 2**20:.1f} MiB of JSON; "
                  f"ranking JSON {ranking / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
