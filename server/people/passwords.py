"""A signed-in user changes their own password; a one-time password must be changed this way
before the user may do anything else (server.web.account_views and server.api.auth enforce it).
Every other session of the user ends: whoever knew the old password is signed out."""

from flask_babel import lazy_gettext as _l

from server.events import emit
from server.models import User
from server.people.auth import end_sessions
from server.people.users import MIN_PASSWORD_LENGTH, UserInputError


def change_password(user: User, current: str, new: str, *, repeated: str | None = None) -> None:
    """Replace `user`'s password after checking the current one and end their sessions (a web
    page keeps its own with server.people.auth.keep_session); the caller commits.

    `repeated`: the new password typed a second time, where a form asks for it.
    """
    problems = []
    if not user.check_password(current):
        problems.append(("current_password", _l("this is not your current password")))
    if len(new) < MIN_PASSWORD_LENGTH:
        problems.append(("new_password", _l("must have at least %(count)s characters",
                                            count=MIN_PASSWORD_LENGTH)))
    elif new == current:
        problems.append(("new_password", _l("must differ from the current password")))
    if repeated is not None and repeated != new:
        problems.append(("new_password_again", _l("does not match the new password")))
    if problems:
        raise UserInputError(problems)
    forced = user.must_change_password
    user.set_password(new)
    user.must_change_password = False
    end_sessions(user)
    # Never the password itself, nor its hash: the audit log is read by every administrator.
    emit("user.password_changed", "user", user.id, actor_id=user.id,
         after={"after_one_time_password": forced})
