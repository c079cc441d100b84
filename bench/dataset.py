"""The dataset `python -m bench all` shares between its goals, written in bulk through the schema
that `flask parindex upgrade` builds:

- a ranking campaign (2021): `units` communes, every dossier finalised with all 102 answers
  (bench.ranking.fill), and an administrator;
- past 1,000 units, a campaign (2023) of 1,000 districts for the live ranking page;
- a saving campaign (2022, open): `editors` provinces, each with an empty draft dossier, an
  editor and an API token (stored hashed, as the API issues them).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text

from bench.common import bench_environment, fresh_database, upgrade

SAVE_GROUP = "province"
LIVE_GROUP, LIVE_UNITS = "district", 1000  # the live page goal is about a 1,000-unit group


@dataclass
class Editor:
    username: str
    assessment_id: int
    token: str


@dataclass
class Dataset:
    app: object
    env: dict
    url: str
    campaign_id: int  # the ranking campaign
    group: str
    units: int
    admin_id: int
    editors: list[Editor]
    live: tuple[int, str, int]  # the live page's campaign, group and units (1,000 at most)


def build(url: str, units: int, editors: int) -> Dataset:
    from bench.ranking import GROUP, fill
    from server.app import create_app
    from server.extensions import db
    from server.models import RoleMembership, User

    fresh_database(url)
    env = bench_environment(url)
    upgrade(env)
    app = create_app()
    with app.app_context():
        criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
        campaign_id = fill(units, criteria_set).id
        live = (campaign_id, GROUP, units) if units <= LIVE_UNITS else (
            fill(LIVE_UNITS, criteria_set, LIVE_GROUP, 2023).id, LIVE_GROUP, LIVE_UNITS)
        admin = User(username="bench-admin", full_name="Bench", password_hash="!")  # noqa: S106
        admin.memberships.append(RoleMembership(role="admin"))
        db.session.add(admin)  # no password: the live page bench signs in by session
        db.session.commit()
        admin_id = admin.id
        made = _editors(editors, criteria_set)
        db.session.remove()
        # A loaded installation's statistics, as autovacuum keeps them after a bulk load;
        # without them the planner takes a table of 1,000,000 leaves for an empty one.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
        db.engine.dispose()  # benches fork children, which open their own connections
    return Dataset(app, env, url, campaign_id, GROUP, units, admin_id, made, live)


def _editors(count: int, criteria_set) -> list[Editor]:
    from server.extensions import db
    from server.models import (
        ApiToken,
        Assessment,
        Campaign,
        CampaignCriteriaSet,
        RoleMembership,
        Unit,
        User,
    )

    campaign = Campaign(year=2022, title="Bench saves", state="open", pins=[CampaignCriteriaSet(
        unit_group=SAVE_GROUP, criteria_set_id=criteria_set.id,
        criteria_set_version=criteria_set.version)])
    db.session.add(campaign)
    db.session.flush()
    names = [f"P{n:04}" for n in range(count)]
    db.session.execute(insert(Unit), [{"code": code, "name": f"Tỉnh {code}",
                                       "level": SAVE_GROUP, "group": SAVE_GROUP}
                                      for code in names])
    unit_ids = dict(db.session.execute(select(Unit.code, Unit.id)
                                       .where(Unit.group == SAVE_GROUP)).all())
    # No password: the editors come in with tokens (a password hash per user costs seconds).
    db.session.execute(insert(User), [{"username": f"editor-{code}", "full_name": "Bench",
                                       "password_hash": "!"} for code in names])
    user_ids = dict(db.session.execute(select(User.username, User.id)).all())
    db.session.execute(insert(RoleMembership), [
        {"user_id": user_ids[f"editor-{code}"], "role": "unit_editor", "unit_id": unit_ids[code]}
        for code in names])
    db.session.execute(insert(Assessment), [
        {"campaign_id": campaign.id, "unit_id": unit_ids[code], "unit_group": SAVE_GROUP,
         "criteria_set_id": criteria_set.id, "criteria_set_version": criteria_set.version,
         "state": "draft"} for code in names])
    assessment_ids = dict(db.session.execute(
        select(Assessment.unit_id, Assessment.id)
        .where(Assessment.campaign_id == campaign.id)).all())
    tokens = {code: ApiToken.generate() for code in names}
    expires = datetime.now(UTC) + timedelta(days=1)
    db.session.execute(insert(ApiToken), [
        {"user_id": user_ids[f"editor-{code}"], "name": "bench",
         "token_hash": ApiToken.hash(tokens[code]), "expires_at": expires} for code in names])
    db.session.commit()
    return [Editor(f"editor-{code}", assessment_ids[unit_ids[code]], tokens[code])
            for code in names]
