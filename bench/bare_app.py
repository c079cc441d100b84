"""The floor of the concurrent-saves goal: a bare Flask app (`gunicorn bench.bare_app:app`) on the
same database doing a save's database work and nothing else.

GET /form/<id>: token lookup, the dossier's self answers with their versions.
PUT /answers/<id>: token lookup, then in one transaction `SELECT ... FOR UPDATE` of the answers'
versions, a version check (409 on a stale one), one batched write of the answers (an executemany
UPDATE of those that exist, an executemany INSERT of the new ones), one batched write of the
dossier's scores (its totals row and a row per leaf of the set, as ParIndex stores them; the
floor does not score, it writes zeros) and one audit row. It answers with the same shape as the
API ({"answers": {code: {"version": ...}}}), so one client drives both.
"""

import hashlib
import os
from datetime import UTC, datetime

from flask import Flask, abort, request
from sqlalchemy import and_, bindparam, create_engine, delete, insert, select, update

from bench.national_scale import criteria_set
from server.models import Answer, ApiToken, AuditEvent, DossierScore, LeafScore, User

answers = Answer.__table__
LEAVES = [(leaf.code, criterion.code, domain.code, leaf.source)
          for domain in criteria_set().domains for criterion in domain.criteria
          for leaf in criterion.leaves()]
app = Flask(__name__)
engine = create_engine(os.environ["PARINDEX_DATABASE_URL"], pool_pre_ping=False)


def _user_id(conn) -> int:
    header = request.headers.get("Authorization", "")
    digest = hashlib.sha256(header.removeprefix("Bearer ").encode()).hexdigest()
    user_id = conn.scalar(select(ApiToken.user_id).join(User, User.id == ApiToken.user_id).where(
        ApiToken.token_hash == digest, ApiToken.expires_at > datetime.now(UTC), User.active))
    if user_id is None:
        abort(401)
    return user_id


@app.get("/form/<int:assessment_id>")
def form(assessment_id):
    with engine.connect() as conn:
        _user_id(conn)
        rows = conn.execute(select(answers.c.code, answers.c.value, answers.c.explanation,
                                   answers.c.row_version).where(
            answers.c.assessment_id == assessment_id, answers.c.source == "self")).all()
    return {"answers": {code: {"value": value, "explanation": explanation, "version": version}
                        for code, value, explanation, version in rows}}


@app.put("/answers/<int:assessment_id>")
def save(assessment_id):
    sent = request.get_json()["answers"]
    now = datetime.now(UTC)
    with engine.begin() as conn:
        user_id = _user_id(conn)
        stored = dict(conn.execute(
            select(answers.c.code, answers.c.row_version).where(
                answers.c.assessment_id == assessment_id, answers.c.source == "self")
            .with_for_update()).all())
        if any(stored.get(code) != answer["version"] for code, answer in sent.items()):
            return {"detail": "stale"}, 409
        old = [{"b_code": code, "b_value": a["value"], "b_explanation": a["explanation"],
                "b_version": stored[code] + 1} for code, a in sent.items() if code in stored]
        new = [{"assessment_id": assessment_id, "code": code, "source": "self",
                "value": a["value"], "not_applicable": False, "explanation": a["explanation"],
                "reason": "", "author_id": user_id, "row_version": 1, "updated_at": now}
               for code, a in sent.items() if code not in stored]
        if old:
            conn.execute(update(answers).where(and_(
                answers.c.assessment_id == assessment_id, answers.c.source == "self",
                answers.c.code == bindparam("b_code"))).values(
                value=bindparam("b_value"), explanation=bindparam("b_explanation"),
                row_version=bindparam("b_version"), author_id=user_id, updated_at=now), old)
        if new:
            conn.execute(insert(answers), new)
        _write_scores(conn, assessment_id)
        conn.execute(insert(AuditEvent.__table__).values(
            at=now, actor_id=user_id, action="answers.saved", object_type="assessment",
            object_id=str(assessment_id), reason="",
            after={"answers": {code: a["value"] for code, a in sent.items()}}))
    versions = {**stored, **{row["b_code"]: row["b_version"] for row in old},
                **{row["code"]: 1 for row in new}}
    return {"answers": {code: {"version": version} for code, version in versions.items()}}


def _write_scores(conn, assessment_id: int) -> None:
    conn.execute(delete(LeafScore.__table__).where(LeafScore.assessment_id == assessment_id))
    conn.execute(delete(DossierScore.__table__).where(
        DossierScore.assessment_id == assessment_id))
    conn.execute(insert(DossierScore.__table__).values(
        assessment_id=assessment_id, criteria_set_id="bench", criteria_set_version="1",
        inputs_digest="0" * 64, self_total=0, self_max_total=0, total=0, max_points=0, index=0,
        self_points=0, survey_points=0, self_max_points=0, survey_max_points=0,
        survey_absent=False, unanswered=0, domains={}))
    conn.execute(insert(LeafScore.__table__), [
        {"assessment_id": assessment_id, "code": code, "criterion": criterion, "domain": domain,
         "part": part, "status": "scored", "outcome": None, "points": 0, "self_status": "scored",
         "self_points": 0} for code, criterion, domain, part in LEAVES])
