"""Probes for the operator's load balancer or orchestrator, outside the login wall.

`/healthz`: the process answers (liveness; touches nothing). `/readyz`: the database and the
evidence storage answer too (readiness), so a worker is only sent traffic it can serve.
"""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from server.assessment.evidence import storage
from server.extensions import csrf, db

bp = Blueprint("health", __name__)
csrf.exempt(bp)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = {}
    for name, probe in (("database", _database), ("storage", lambda: storage().check())):
        try:
            probe()
            checks[name] = "ok"
        except Exception as error:  # any failure means "not ready"; the log keeps the detail
            current_app.logger.warning("readiness check %s failed: %r", name, error)
            checks[name] = f"failed: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503


def _database() -> None:
    db.session.execute(text("SELECT 1"))
    db.session.rollback()
