"""API tokens people hold: each user lists and revokes their own, administrators anyone's.
Issuing one is server.people.auth.issue_token; a deactivated user's tokens are deleted with
server.people.users.set_user_active."""

from sqlalchemy import select

from server.events import emit
from server.extensions import db
from server.models import ApiToken, User


def token_record(token: ApiToken) -> dict:
    """What may be shown of a token: never its secret nor its hash."""
    return {"id": token.id, "name": token.name, "username": token.user.username,
            "created_at": token.created_at.isoformat(),
            "expires_at": token.expires_at.isoformat(),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None}


def list_tokens(owner: User | None) -> list[ApiToken]:
    """`owner`'s tokens, or everyone's when None; newest first, each with its user."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if owner is not None:
        query = query.where(ApiToken.user_id == owner.id)
    return list(db.session.scalars(query))


def token_visible_to(token_id: int, viewer: User) -> ApiToken | None:
    """The token if `viewer` may see and revoke it (their own; administrators any), else None,
    so that another user's token ids reveal nothing."""
    token = db.session.get(ApiToken, token_id)
    if token is None or not (token.user_id == viewer.id or viewer.has_role("admin")):
        return None
    return token


def revoke_token(token: ApiToken, *, actor_id: int) -> None:
    """Delete a token: it stops working at once. The caller commits."""
    emit("token.revoked", "api_token", token.id, actor_id=actor_id,
         before={"name": token.name, "username": token.user.username})
    db.session.delete(token)
