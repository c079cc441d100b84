"""Users, their role memberships (scoped to a unit or to domains) and API tokens."""

import hashlib
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from server.extensions import db
from server.models.types import Timestamp, utcnow

# admin: the SNV administrator; reviewer: member of the appraisal council (scoped to domains);
# unit_head: signs off and submits; unit_editor: fills in; viewer: reads only.
ROLES = ("admin", "reviewer", "unit_head", "unit_editor", "viewer")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Set for a one-time password an administrator handed out: the user must choose their own
    # at first login before doing anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Sessions carry the version they were opened under; logging out (or a password change)
    # moves it on, so a session cookie saved before that no longer works on any worker.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    memberships: Mapped[list["RoleMembership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        # The method is a config key, not a setting: tests choose a cheap one; production keeps
        # werkzeug's scrypt.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, role: str) -> bool:
        return any(m.role == role for m in self.memberships)

    @property
    def roles(self) -> list[str]:
        return sorted({m.role for m in self.memberships})


class LoginThrottle(db.Model):
    """Failed sign-ins counted per key ("user:<name>", "pair:<name>|<address>"), in the
    database so every worker and host sees the same counts; a success or an administrator
    clears them."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class RoleMembership(db.Model):
    """One role of one user; `unit_id` scopes unit roles, `domains` scopes reviewers."""

    __tablename__ = "role_memberships"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Domain codes a reviewer may appraise; None means every domain.
    domains: Mapped[list[str] | None] = mapped_column(JSON)

    user: Mapped[User] = relationship(back_populates="memberships")
    unit = relationship("Unit", lazy="joined")


class ApiToken(db.Model):
    """A bearer token for scripts. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(Timestamp)
    last_used_at: Mapped[datetime | None] = mapped_column(Timestamp)

    user: Mapped[User] = relationship(lazy="joined")

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "pi_" + secrets.token_urlsafe(32)
