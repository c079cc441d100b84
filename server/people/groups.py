"""Unit groups (nhóm xếp hạng): the peer groups units are ranked in, as rows the administrator
manages. One service for the admin page, the API and the CLI.

A group has a stable code (what pins, dossiers and publications keep), a Vietnamese label (what
pages, selectors and workbooks show), whether its units are ranked (special units are scored and
published but get no rank) and a position in lists. A group is never deleted and its code never
changes: earlier years keep naming it. It may be deactivated once no active unit belongs to it.
"""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from server.events import emit
from server.extensions import db
from server.models import Unit, UnitGroup

CODE_PATTERN = re.compile(r"[a-z0-9_-]+")
MAX_CODE = 40
MAX_LABEL = 255
KEEP = object()  # leave this field as it is


class GroupInputError(ValueError):
    """Field problems: {field: message}; nothing was written. `status` 409 when the group's
    state forbids the change (units still belong to it), else 422."""

    def __init__(self, problems: dict, status: int = 422):
        self.problems = {field: str(message) for field, message in problems.items()}
        self.status = status
        super().__init__("; ".join(f"{field}: {message}" for field, message in
                                   self.problems.items()))


def list_groups(*, include_inactive: bool = True) -> list[UnitGroup]:
    query = select(UnitGroup).order_by(UnitGroup.position, UnitGroup.code)
    if not include_inactive:
        query = query.where(UnitGroup.active)
    return list(db.session.scalars(query))


def group_labels(*, include_inactive: bool = True) -> dict[str, str]:
    """code -> label, by position, in one query: what every page and workbook shows."""
    query = select(UnitGroup.code, UnitGroup.label).order_by(UnitGroup.position, UnitGroup.code)
    if not include_inactive:
        query = query.where(UnitGroup.active)
    return dict(db.session.execute(query).all())


def group_label(code: str) -> str:
    """The label of one group (its code when no such group exists)."""
    return db.session.scalar(select(UnitGroup.label).where(UnitGroup.code == code)) or code


def group_by_code(code: str) -> UnitGroup | None:
    return db.session.scalar(select(UnitGroup).where(UnitGroup.code == code))


def unknown_group_message(value: str, choices: dict[str, str]):
    """The refusal of a group that is not an active one, listing the choices readably."""
    return _l("%(value)s is not one of %(choices)s", value=repr(value),
              choices=", ".join(f"{label} ({code})" for code, label in choices.items()))


def group_record(group: UnitGroup) -> dict:
    """A group as plain data: what the API answers and the audit log keeps."""
    return {"code": group.code, "label": group.label, "ranked": group.ranked,
            "position": group.position, "active": group.active}


def _label_problem(label) -> str | None:
    if not isinstance(label, str) or not label.strip():
        return _l("must not be empty")
    if len(label.strip()) > MAX_LABEL:
        return _l("must have at most %(count)s characters", count=MAX_LABEL)
    return None


def _position_problem(position) -> str | None:
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        return _l("must be a whole number, 0 or more")
    return None


def create_group(code: str, label: str, *, ranked: bool = True, position: int | None = None,
                 actor_id: int | None) -> UnitGroup:
    """A new active group, or GroupInputError naming every bad field; commits. Without a
    position it comes last."""
    code = (code or "").strip()
    problems = {}
    if not code:
        problems["code"] = _l("must not be empty")
    elif len(code) > MAX_CODE:
        problems["code"] = _l("must have at most %(count)s characters", count=MAX_CODE)
    elif not CODE_PATTERN.fullmatch(code):
        problems["code"] = _l("may hold only lowercase letters, digits, - and _")
    elif group_by_code(code) is not None:
        problems["code"] = _l("%(code)s already exists", code=repr(code))
    if (problem := _label_problem(label)) is not None:
        problems["label"] = problem
    if position is not None and (problem := _position_problem(position)) is not None:
        problems["position"] = problem
    if problems:
        raise GroupInputError(problems)
    if position is None:
        position = (db.session.scalar(select(func.max(UnitGroup.position))) or 0) + 1
    group = UnitGroup(code=code, label=label.strip(), ranked=bool(ranked), position=position,
                      active=True)
    db.session.add(group)
    db.session.flush()
    emit("unit_group.created", "unit_group", group.code, actor_id=actor_id,
         after=group_record(group))
    db.session.commit()
    return group


def edit_group(group: UnitGroup, *, label=KEEP, ranked=KEEP, position=KEEP, active=KEEP,
               actor_id: int | None) -> UnitGroup:
    """Change a group's label, ranked flag, position or (`active`) deactivate or reactivate it;
    the code never changes. GroupInputError names every bad field; commits."""
    problems, status = {}, 422
    if label is not KEEP and (problem := _label_problem(label)) is not None:
        problems["label"] = problem
    if ranked is not KEEP and not isinstance(ranked, bool):
        problems["ranked"] = _l("must be true or false")
    if position is not KEEP and (problem := _position_problem(position)) is not None:
        problems["position"] = problem
    if active is not KEEP and not isinstance(active, bool):
        problems["active"] = _l("must be true or false")
    elif active is False and group.active:
        members = list(db.session.scalars(
            select(Unit.code).where(Unit.group == group.code, Unit.active)
            .order_by(Unit.code).limit(6)))
        if members:
            shown = ", ".join(members[:5]) + (" …" if len(members) > 5 else "")
            problems["active"] = _l("active units still belong to this group (%(units)s): "
                                    "move or deactivate them first", units=shown)
            status = 409 if len(problems) == 1 else 422
    if problems:
        raise GroupInputError(problems, status)
    before = group_record(group)
    if label is not KEEP:
        group.label = label.strip()
    for name, value in (("ranked", ranked), ("position", position), ("active", active)):
        if value is not KEEP:
            setattr(group, name, value)
    after = group_record(group)
    if after != before:
        emit("unit_group.updated", "unit_group", group.code, actor_id=actor_id,
             before={k: v for k, v in before.items() if after[k] != v},
             after={k: v for k, v in after.items() if before[k] != v})
    db.session.commit()
    return group
