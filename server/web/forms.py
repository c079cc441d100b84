"""Web forms (Flask-WTF: every form carries a CSRF token)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired


def whole_number(text: str) -> int | None:
    """A typed or linked id, count or version as a number; None unless it is one. isdecimal,
    not isdigit: "²" is a digit that int() refuses."""
    return int(text) if text.isdecimal() else None


def posted_value(leaf, form):
    """A leaf's answer value from the fields its rule type's widget posted (`v-<code>` and
    `v-<code>-<key>`, see RuleType.input_fields), on the self-assessment form and the reviewer's
    adjustment alike."""
    prefix = f"v-{leaf.code}"
    posted = {field.key: form.get(f"{prefix}-{field.key}" if field.key else prefix, "").strip()
              for field in leaf.rule.input_fields()}
    return leaf.rule.posted_value(posted)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Enter your username."))])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(_l("Enter your password."))])


class LogoutForm(FlaskForm):
    """Logout is a POST with a CSRF token, so no other site can log a user out."""
