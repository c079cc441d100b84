"""The REST API under /api/v1 (flask-smorest): token auth, problem+json errors, OpenAPI."""

from functools import wraps

from flask import g, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, Unauthorized

from server.api.problems import problem_response
from server.people.auth import user_for_token

api = Api(spec_kwargs={
    "info": {"description": "ParIndex: Chỉ số cải cách hành chính (PAR INDEX)."},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
})


def token_required(view):
    """Authenticate with `Authorization: Bearer <token>`; cookies are ignored (no CSRF surface)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        user = user_for_token(request.headers.get("Authorization"))
        if user is None:
            raise Unauthorized("A valid bearer token is required.")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


def init_api(app) -> None:
    from server.api import (
        appraisal,
        assessments,
        audit,
        criteria_sets,
        evidence,
        explanations,
        notifications,
        progress,
        publications,
        rankings,
        reviewers,
        survey,
        tokens,
        transitions,
        unit_reports,
    )
    from server.extensions import csrf

    # flask-smorest would answer every HTTP error of the whole app in JSON; only the API should.
    api._register_error_handlers = lambda: None
    api.init_app(app)
    for module in (criteria_sets, tokens, assessments, evidence, transitions, audit, reviewers,
                   notifications, survey, rankings, appraisal, publications, unit_reports,
                   progress, explanations):
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)

    @app.errorhandler(HTTPException)
    def _http_error(error):
        if request.path.startswith("/api/"):
            return problem_response(error.code, error.description, getattr(error, "data", None))
        from server.web.errors import render_error

        return render_error(error)
