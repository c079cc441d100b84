"""Goal (f): the live ranking page of a 1,000-unit group (the dataset's live group), GET
/rankings/<campaign>/<group>?live=1 as an administrator through the Flask test client, against a
bare Flask page rendering the same rows (code, name, one figure a domain and the totals) from one
GROUP BY query, through the same test client; p50 ratio, goal <= 3.

    .venv/bin/python -m bench.live_ranking [--quick]
"""

import logging
import statistics
import sys
import time

from flask import Flask, render_template_string
from sqlalchemy import Integer, case, create_engine, func, select

from bench.common import Goal
from server.logs import ACCESS
from server.models import Answer, Assessment, Unit

GOAL = 3.0
BARE_PAGE = """<!doctype html><html lang="vi"><head><title>Xếp hạng</title></head><body>
<table><thead><tr><th>Hạng</th><th>Mã</th><th>Đơn vị</th>{% for d in domains %}<th>{{ d }}</th>
{% endfor %}<th>Tổng</th><th>Không áp dụng</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ loop.index }}</td><td><a href="/u/{{ row[0] }}">{{ row[0] }}</a>
</td><td>{{ row[1] }}</td>{% for value in row[4:] %}<td>{{ value }}</td>{% endfor %}
<td>{{ row[2] }}</td><td>{{ row[3] }}</td></tr>{% endfor %}</tbody></table></body></html>"""


def bare_page_app(url: str, campaign_id: int, group: str, domains: list[str]) -> Flask:
    app = Flask("bare_ranking_page")
    engine = create_engine(url)
    per_domain = [func.sum(case((Answer.code.like(f"{code}.%"), 1), else_=0)) for code in domains]
    query = (select(Unit.code, Unit.name, func.count(), func.sum(Answer.not_applicable.cast(
        Integer)), *per_domain)
        .join(Assessment, Assessment.unit_id == Unit.id)
        .join(Answer, Answer.assessment_id == Assessment.id)
        .where(Assessment.campaign_id == campaign_id, Assessment.unit_group == group)
        .group_by(Unit.code, Unit.name).order_by(func.count().desc(), Unit.code))

    @app.get("/ranking")
    def ranking():
        with engine.connect() as conn:
            rows = conn.execute(query).all()
        return render_template_string(BARE_PAGE, rows=rows, domains=domains)

    return app


def timed_gets(client, path: str, expect: str, budget: float, most: int) -> list[float]:
    """GET `path` at least twice (the first warms up and is not counted), then until `most`
    timings or `budget` seconds."""
    times, spent = [], 0.0
    for n in range(most + 1):
        started = time.perf_counter()
        response = client.get(path)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200 and expect in response.get_data(as_text=True), \
            (path, response.status_code)
        spent += elapsed
        if n:
            times.append(elapsed)
            if spent > budget:
                break
    return times


def goals(dataset) -> list[Goal]:
    from server.extensions import db
    from server.models import User
    from server.people.auth import SESSION_VERSION

    app = dataset.app
    campaign_id, group, units = dataset.live
    with app.app_context():
        criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
        domains = [domain.code for domain in criteria_set.domains]
        admin = db.session.get(User, dataset.admin_id)
        version, first_code = admin.session_version, db.session.scalar(
            select(Unit.code).where(Unit.group == group).order_by(Unit.code))
        db.session.remove()
    logging.getLogger(ACCESS).disabled = True  # one line a request would drown the report
    client = app.test_client()
    with client.session_transaction() as session:
        session.update({"_user_id": str(dataset.admin_id), "_fresh": True,
                        SESSION_VERSION: version})
    real = timed_gets(client, f"/rankings/{campaign_id}/{group}?live=1",
                      first_code, budget=60, most=10)
    bare = timed_gets(bare_page_app(dataset.url, campaign_id, group,
                                    domains).test_client(), "/ranking", first_code,
                      budget=10, most=20)
    with app.app_context():
        db.engine.dispose()  # later benches fork
    p50, bare_p50 = statistics.median(real), statistics.median(bare)
    print(f"live ranking page, {units} units: p50 {p50:.3f} s ({len(real)} GETs), "
          f"bare page p50 {bare_p50:.3f} s ({len(bare)} GETs)", flush=True)
    return [Goal("live_ranking_page", p50 / bare_p50, GOAL)]


def main(argv=None) -> int:
    from bench.__main__ import run_alone

    return run_alone(argv, __doc__, lambda dataset, _sizes: goals(dataset))


if __name__ == "__main__":
    sys.exit(main())
