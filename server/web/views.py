"""Pages: login, home, criteria sets, plugins."""

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select

from server.appraisal.progress import STATE_LABELS
from server.campaigns.criteria import criteria_registry, summary
from server.config import LANGUAGES
from server.events import emit
from server.extensions import db
from server.models import Campaign, Unit
from server.people.auth import SignInThrottled, end_sessions, sign_in, start_session
from server.people.permissions import own_unit_ids, roles_for_unit
from server.plugins import describe_plugins
from server.results.dashboard import unit_dashboard
from server.web.blueprint import bp
from server.web.forms import LoginForm, LogoutForm
from server.web.redirects import safe_next


@bp.route("/")
@login_required
def index():
    if not roles_for_unit(current_user, None):  # a unit's people: their unit's dashboard
        units = db.session.scalars(select(Unit).where(Unit.id.in_(own_unit_ids(current_user)))
                                   .order_by(Unit.code)).all()
        return render_template("dashboard.html", boards=[unit_dashboard(u) for u in units],
                               states=STATE_LABELS)
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.year.desc())).all()
    return render_template("index.html", campaigns=campaigns)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = sign_in(form.username.data, form.password.data, request.remote_addr or "")
        except SignInThrottled as throttled:
            db.session.commit()  # the refusal is audited
            wait = format_timedelta(timedelta(seconds=throttled.retry_after), threshold=1)
            return render_template("login.html", form=form, wait=wait), 429, {
                "Retry-After": str(throttled.retry_after)}
        if user is None:
            db.session.commit()  # the failure is counted and audited
            form.password.errors.append(_("Wrong username or password."))
        else:
            start_session(user)
            emit("user.login", "user", user.id)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if LogoutForm().validate_on_submit():
        if current_user.is_authenticated:
            # Ends this session everywhere: a copy of its cookie no longer signs anyone in.
            end_sessions(current_user)
            emit("user.logout", "user", current_user.id)
            db.session.commit()
        logout_user()
        flash(_("You have logged out."), "info")
    return redirect(url_for("web.login"))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code):
    if code in LANGUAGES and LogoutForm().validate_on_submit():
        session["lang"] = code
    return redirect(safe_next(request.form.get("next")))


@bp.route("/criteria-sets")
@login_required
def criteria_sets():
    registry = criteria_registry()
    return render_template("criteria_sets.html", sets=[summary(s) for s in registry.all()],
                           refused=registry.errors)


@bp.route("/criteria-sets/<set_id>/<version>")
@login_required
def criteria_set(set_id, version):
    found = criteria_registry().get(set_id, version)
    if found is None:
        abort(404)
    return render_template("criteria_set.html", cs=found, info=summary(found))


@bp.route("/admin/plugins")
@login_required
def plugins():
    if not current_user.has_role("admin"):
        abort(403)
    state = current_app.extensions["parindex"]
    return render_template("plugins.html", plugins=describe_plugins(state.pm),
                           refused=state.criteria.errors)
