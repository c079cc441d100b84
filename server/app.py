"""The application factory."""

import gc
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pluggy
from flask import Flask, current_app, g, has_request_context, request, session
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from server import logs, web
from server.api import init_api
from server.api.problems import problem_response
from server.audit import seal as audit_seal
from server.campaigns import stored_scores
from server.campaigns.criteria_registry import CriteriaRegistry, build_registry
from server.cli.main import build_cli
from server.config import LANGUAGES, load_settings
from server.extensions import babel, csrf, db, login_manager, migrate
from server.jobs import queue as job_queue
from server.people import auth
from server.plugins import build_plugin_manager
from server.request_limits import BoundedIntConverter, check_request
from server.web import health
from server.web.errors import render_error

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ParIndexState:
    """What the app loads once at start: plugins and criteria sets (read-only afterwards)."""

    pm: pluggy.PluginManager
    criteria: CriteriaRegistry


def create_app(overrides: dict | None = None) -> Flask:
    instance = Path(os.environ.get("PARINDEX_INSTANCE_DIR", ROOT / "instance")).resolve()
    app = Flask(
        __name__.split(".")[0],
        instance_path=str(instance),
        template_folder=str(ROOT / "templates"),
    )
    app.config.update(load_settings(instance))
    app.config.update(overrides or {})
    if proxies := app.config["TRUSTED_PROXIES"]:
        # The client's address (sign-in throttling, logs) is the one the proxies saw.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    # Before any route is added: every `<int:...>` id is bounded (see request_limits).
    app.url_map.converters["int"] = BoundedIntConverter
    db.init_app(app)
    stored_scores.install()  # every commit stores the scores its answers changed
    migrate.init_app(app, db, directory=str(Path(__file__).with_name("migrations")))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)

    pm = build_plugin_manager(app.config["PLUGINS"] or None, app.config["PLUGIN_MODULES"])
    app.extensions["parindex"] = ParIndexState(pm=pm, criteria=build_registry(pm))

    # First, so every later hook, log line and audit event of the request has the id.
    app.before_request(_assign_request_id)
    # Then refuse what no view should see, before any other hook reads the request.
    app.before_request(check_request)
    logs.init_app(app)
    auth.init_app(app)
    audit_seal.init_app(app)
    job_queue.init_app(app)
    web.init_app(app)
    app.register_blueprint(health.bp)
    init_api(app)
    app.cli.add_command(build_cli(pm))

    app.register_error_handler(HTTPException, _http_error)
    # A value the database cannot hold (a page number past its integers, say) is the caller's
    # error, whichever view passed it on.
    app.register_error_handler(DataError, _out_of_range)
    app.register_error_handler(OverflowError, _out_of_range)
    app.after_request(_security_headers)
    # What start-up made (criteria sets, the models' metadata, plugins) lives as long as the
    # process: out of every garbage collection from now on, a full collection during a request
    # scans only what requests made (a 1,000-unit ranking otherwise pays 100 ms pauses).
    gc.freeze()
    return app


def _http_error(error: HTTPException):
    # The API answers problem+json; every other page gets the HTML error page.
    if request.path.startswith("/api/"):
        return problem_response(error.code, error.description, getattr(error, "data", None))
    return render_error(error)


def _out_of_range(_error):
    db.session.rollback()
    return _http_error(BadRequest("a value in the request is out of the range the server stores"))


def _select_locale() -> str | None:
    if not has_request_context():  # CLI and background work speak the default language
        return None
    lang = session.get("lang")
    return lang if lang in LANGUAGES else None


def _assign_request_id() -> None:
    # The server makes its own id (the audit log's and the logs'); a caller's id is only kept
    # beside it in the access log, so a reverse proxy's log can still be joined.
    g.request_id = uuid.uuid4().hex
    supplied = request.headers.get("X-Request-ID", "")[:64]
    g.client_request_id = supplied if supplied.isprintable() else ""


# The pages carry no inline script or style: everything comes from /static.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'none'")


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if current_app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS only
        response.headers.setdefault("Strict-Transport-Security",
                                    "max-age=31536000; includeSubDomains")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response
