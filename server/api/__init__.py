"""The REST API under /api/v1 (flask-smorest): token auth, problem+json errors, OpenAPI."""

from server.api.problems import ProblemApi, RequestProblemsPlugin

api = ProblemApi(spec_kwargs={
    "extra_plugins": [RequestProblemsPlugin()],
    "info": {"description": "ParIndex: Chỉ số cải cách hành chính (PAR INDEX)."},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
})


def init_api(app) -> None:
    from server.api import (
        account,
        appraisal,
        assessments,
        audit,
        campaigns,
        criteria_sets,
        evidence,
        exclusions,
        explanations,
        jobs,
        notifications,
        par_plans,
        plans,
        progress,
        publications,
        rankings,
        report_periods,
        reviewers,
        survey,
        tokens,
        transitions,
        unit_groups,
        unit_reports,
        units,
        users,
    )
    from server.extensions import csrf

    # flask-smorest would answer every HTTP error of the whole app in JSON; only the API should.
    api._register_error_handlers = lambda: None
    api.init_app(app)
    for module in (criteria_sets, tokens, assessments, evidence, transitions, audit, reviewers,
                   notifications, survey, rankings, appraisal, publications, unit_reports,
                   progress, explanations, units, unit_groups, campaigns, users, account,
                   exclusions, jobs, plans, report_periods, par_plans):
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp)
