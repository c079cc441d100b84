"""Pages: login, home, criteria sets, plugins."""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from server.campaigns.criteria import criteria_registry, summary
from server.config import LANGUAGES
from server.events import emit
from server.extensions import db
from server.models import Campaign
from server.people.auth import authenticate
from server.plugins import describe_plugins
from server.web.blueprint import bp
from server.web.forms import LoginForm, LogoutForm


@bp.route("/")
@login_required
def index():
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.year.desc())).all()
    return render_template("index.html", campaigns=campaigns)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong username or password."))
        else:
            login_user(user)
            emit("user.login", "user", user.id)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("You have logged out."), "info")
    return redirect(url_for("web.login"))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code):
    if code in LANGUAGES and LogoutForm().validate_on_submit():
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))


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


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after login is a phishing aid.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.index")
