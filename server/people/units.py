"""Unit administration: create, edit and deactivate units, import and export the unit list.

One service for the admin page, the API and the CLI. A unit has a stable code, a name, a level,
the peer group it is ranked in and a parent (province → departments and districts → communes;
since 1 July 2025 communes sit directly under the province). A unit that has dossiers is never
deleted, only deactivated, so every earlier year keeps its units.

The import is all or nothing: the file's rows create the units whose code is new and update the
others; any bad row (empty code or name, unknown level, group or parent, a code given twice, a
parent chain that comes back to the unit, a replaced unit that is unknown, the unit itself or
one that replaces it) is reported with its row number and nothing is written.
"""

from dataclasses import dataclass

import xlsxwriter
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server import labels
from server.events import emit
from server.extensions import db
from server.models import LEVELS, Assessment, RoleMembership, Unit
from server.people.groups import group_labels, unknown_group_message
from server.people.unit_replacements import (
    parse_codes,
    replacement_graph,
    replacement_problem,
    set_predecessors,
)
from server.table_files import RowProblem, TableFileError, cell_text, read_rows

# The template's columns, in order; the header row is Vietnamese, as people fill it in.
COLUMNS = ("code", "name", "level", "group", "parent_code", "replaces")
HEADERS = ("Mã đơn vị", "Tên đơn vị", "Cấp", "Nhóm xếp hạng", "Mã đơn vị cấp trên",
           "Thay thế các đơn vị")
MAX_CODE = 40


class UnitInputError(ValueError):
    """Field problems of one unit: {field: message}. Nothing was written."""

    def __init__(self, problems: dict):
        self.problems = {field: str(message) for field, message in problems.items()}
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems.items()))


class UnitImportError(TableFileError):
    """Row problems of a unit list. Kinds: missing_value, too_long, bad_code, unknown_level,
    unknown_group, unknown_parent, duplicate, parent_cycle, and in the `replaces` column
    unknown_unit, replaces_itself, replacement_cycle; unreadable and empty on row 0."""


@dataclass(frozen=True)
class UnitFields:
    code: str
    name: str
    level: str
    group: str
    parent_code: str = ""
    replaces: str = ""  # codes of the units it replaces, separated by commas or semicolons


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _field_problems(fields: UnitFields, groups: dict[str, str]) -> dict[str, tuple[str, str]]:
    """{field: (kind, message)} of one unit's own fields; `groups` are the groups a unit may
    be in (code -> label)."""
    problems = {}
    if not fields.code:
        problems["code"] = ("missing_value", _l("must not be empty"))
    elif len(fields.code) > MAX_CODE:
        problems["code"] = ("too_long",
                            _l("must have at most %(count)s characters", count=MAX_CODE))
    elif any(ch.isspace() for ch in fields.code):
        problems["code"] = ("bad_code", _l("must not contain spaces"))
    if not fields.name:
        problems["name"] = ("missing_value", _l("must not be empty"))
    if not fields.level:
        problems["level"] = ("missing_value", _l("must not be empty"))
    elif fields.level not in LEVELS:
        problems["level"] = ("unknown_level", _l(
            "%(value)s is not one of %(choices)s", value=repr(fields.level),
            choices=", ".join(f"{labels.UNIT_LEVELS[level]} ({level})" for level in LEVELS)))
    if not fields.group:
        problems["group"] = ("missing_value", _l("must not be empty"))
    elif fields.group not in groups:
        problems["group"] = ("unknown_group", unknown_group_message(fields.group, groups))
    return problems


def _allowed_groups(every: dict[str, str], active: dict[str, str],
                    existing: Unit | None) -> dict[str, str]:
    """The groups a unit may be given: the active ones, and the one `existing` is in even
    when deactivated since (an inactive unit of a retired group can still be edited)."""
    if existing is not None and existing.group not in active and existing.group in every:
        return {**active, existing.group: every[existing.group]}
    return active


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def _ancestor_codes(parent: Unit | None) -> set[str]:
    seen = set()
    while parent is not None and parent.code not in seen:
        seen.add(parent.code)
        parent = parent.parent
    return seen


def unit_record(unit: Unit) -> dict:
    """A unit as plain data: what the API answers and the audit log keeps."""
    return {"code": unit.code, "name": unit.name, "level": unit.level, "group": unit.group,
            "parent_code": unit.parent.code if unit.parent else "", "active": unit.active,
            "replaces": sorted(other.code for other in unit.predecessors)}


def save_unit(fields: UnitFields, *, actor_id: int | None, existing: Unit | None = None) -> Unit:
    """Create a unit, or update `existing` (its code may not change); the caller commits."""
    fields = UnitFields(*(str(getattr(fields, name) or "").strip() for name in COLUMNS))
    problems = {field: message for field, (_kind, message)
                in _field_problems(fields, _allowed_groups(
                    group_labels(), group_labels(include_inactive=False), existing)).items()}
    other = unit_by_code(fields.code) if fields.code else None
    if other is not None and other is not existing:
        problems["code"] = _l("%(code)s already exists", code=repr(fields.code))
    if existing is not None and fields.code != existing.code:
        problems["code"] = _l("a unit's code never changes")
    parent = None
    if fields.parent_code:
        parent = unit_by_code(fields.parent_code)
        if parent is None:
            problems["parent_code"] = _l("unknown unit %(code)s",
                                         code=repr(fields.parent_code))
        elif fields.parent_code == fields.code or fields.code in _ancestor_codes(parent):
            problems["parent_code"] = _l("a unit cannot be its own parent or ancestor")
    replaces = _replaces_problem(fields, problems)
    if problems:
        raise UnitInputError(problems)
    before = unit_record(existing) if existing is not None else None
    unit = existing or Unit(code=fields.code)
    unit.name, unit.level, unit.group, unit.parent = (fields.name, fields.level, fields.group,
                                                      parent)
    set_predecessors(unit, list(replaces), replaces)
    db.session.add(unit)
    db.session.flush()
    emit("unit.updated" if before else "unit.created", "unit", unit.id, unit_id=unit.id,
         actor_id=actor_id, before=before, after=unit_record(unit))
    return unit


def _replaces_problem(fields: UnitFields, problems: dict) -> dict[str, Unit]:
    """code -> unit of the units `fields` replaces; a problem goes to problems["replaces"]."""
    codes = parse_codes(fields.replaces)
    found = {unit.code: unit for unit in db.session.scalars(
        select(Unit).where(Unit.code.in_(codes)))} if codes else {}
    problem = replacement_problem(fields.code, codes, replacement_graph(), found)
    if problem:
        problems["replaces"] = problem[1]
    return {code: found[code] for code in codes if code in found}


def set_active(unit: Unit, active: bool, *, actor_id: int | None) -> None:
    """Deactivate (or reactivate) a unit; the caller commits. Its dossiers stay as they are."""
    if unit.active == active:
        return
    unit.active = active
    emit("unit.activated" if active else "unit.deactivated", "unit", unit.id, unit_id=unit.id,
         actor_id=actor_id, before={"active": not active}, after={"active": active})


def delete_unit(unit: Unit, *, actor_id: int | None) -> None:
    """Delete a unit that has no dossier, no children and no people; refuse otherwise."""
    reasons = []
    if db.session.scalar(select(Assessment.id).where(Assessment.unit_id == unit.id).limit(1)):
        reasons.append(str(_l("it has dossiers: deactivate it instead")))
    if db.session.scalar(select(Unit.id).where(Unit.parent_id == unit.id).limit(1)):
        reasons.append(str(_l("it has units under it")))
    if db.session.scalar(select(RoleMembership.id).where(RoleMembership.unit_id == unit.id)
                         .limit(1)):
        reasons.append(str(_l("people belong to it")))
    if reasons:
        raise UnitInputError({"code": _l("%(code)s cannot be deleted: %(reasons)s",
                                         code=unit.code, reasons="; ".join(reasons))})
    emit("unit.deleted", "unit", unit.id, actor_id=actor_id, before=unit_record(unit))
    db.session.delete(unit)


def list_units(*, include_inactive: bool = True) -> list[Unit]:
    query = select(Unit).options(selectinload(Unit.parent),
                                 selectinload(Unit.predecessors)).order_by(Unit.code)
    if not include_inactive:
        query = query.where(Unit.active)
    return list(db.session.scalars(query))


def _check_rows(rows, existing: dict[str, Unit]) -> tuple[list[tuple[int, UnitFields]],
                                                           list[RowProblem]]:
    accepted, problems, seen = [], [], {}
    every, active = group_labels(), group_labels(include_inactive=False)
    for number, cells in rows:
        fields = UnitFields(*(cell_text(cells, index) for index in range(len(COLUMNS))))
        found = _field_problems(fields, _allowed_groups(every, active,
                                                        existing.get(fields.code)))
        for field, (kind, message) in found.items():
            problems.append(RowProblem(number, kind, f"{HEADERS[COLUMNS.index(field)]}: "
                                                     f"{message}"))
        if fields.code in seen:
            problems.append(RowProblem(number, "duplicate", str(_l(
                "%(column)s: %(code)s is already given on row %(row)s", column=HEADERS[0],
                code=repr(fields.code), row=seen[fields.code]))))
        elif fields.code:
            seen[fields.code] = number
        if not found:
            accepted.append((number, fields))
    file_parents = {fields.code: fields.parent_code for _number, fields in accepted}
    for number, fields in accepted:
        if fields.parent_code and fields.parent_code not in file_parents \
                and fields.parent_code not in existing:
            problems.append(RowProblem(number, "unknown_parent", str(_l(
                "%(column)s: unknown unit %(code)s", column=HEADERS[4],
                code=repr(fields.parent_code)))))
        elif _comes_back(fields.code, file_parents, existing):
            problems.append(RowProblem(number, "parent_cycle", str(_l(
                "%(column)s: the chain of parents of %(code)s comes back to it",
                column=HEADERS[4], code=fields.code))))
    problems += _replacement_rows(accepted, existing)
    return accepted, sorted(problems, key=lambda p: p.row)


def _replacement_rows(accepted, existing: dict[str, Unit]) -> list[RowProblem]:
    """The file's `replaces` column checked against the file's units and the database's."""
    graph = replacement_graph()
    graph.update({fields.code: set(parse_codes(fields.replaces)) for _n, fields in accepted})
    known = existing.keys() | {fields.code for _n, fields in accepted}
    problems = []
    for number, fields in accepted:
        problem = replacement_problem(fields.code, parse_codes(fields.replaces), graph, known)
        if problem:
            problems.append(RowProblem(number, problem[0], f"{HEADERS[5]}: {problem[1]}"))
    return problems


def _comes_back(code: str, file_parents: dict[str, str], existing: dict[str, Unit]) -> bool:
    """Whether following parents from `code` (the file's first, then the database's) loops."""
    seen, current = set(), code
    while current:
        if current in seen:
            # A loop that `code` only leads into is reported on the rows of the loop itself.
            return current == code
        seen.add(current)
        if current in file_parents:
            current = file_parents[current]
        elif current in existing and existing[current].parent is not None:
            current = existing[current].parent.code
        else:
            return False
    return False


def import_units(filename: str, content: bytes, *, actor_id: int | None) -> ImportResult:
    """Create or update every unit of the file, or raise UnitImportError and write nothing.

    The caller commits the whole file as one transaction (the import job, with its `done`:
    server.people.import_jobs).
    """
    try:
        rows = read_rows(filename, content)
    except TableFileError as error:
        raise UnitImportError(error.problems) from error
    # Every unit, read once: the parents the file names and the units it updates.
    existing = {unit.code: unit for unit in db.session.scalars(
        select(Unit).options(selectinload(Unit.predecessors)))}
    accepted, problems = _check_rows(rows, existing)
    if problems:
        raise UnitImportError(problems)
    if not accepted:
        raise UnitImportError([RowProblem(0, "empty", str(_l("the file holds no unit")))])
    created = updated = 0
    units = {}
    # Parents first: create or update every unit without its parent, then link the parents.
    for _number, fields in accepted:
        unit = existing.get(fields.code)
        before = unit_record(unit) if unit else None
        if unit is None:
            unit = Unit(code=fields.code)
            db.session.add(unit)
            created += 1
        else:
            updated += 1
        unit.name, unit.level, unit.group = fields.name, fields.level, fields.group
        units[fields.code] = (unit, before)
    db.session.flush()
    everyone = {**existing, **{code: unit for code, (unit, _before) in units.items()}}
    for _number, fields in accepted:
        unit, before = units[fields.code]
        parent_code = fields.parent_code
        unit.parent = (units[parent_code][0] if parent_code in units
                       else existing.get(parent_code)) if parent_code else None
        set_predecessors(unit, parse_codes(fields.replaces), everyone)
    db.session.flush()
    for unit, before in units.values():
        after = unit_record(unit)
        if before != after:
            emit("unit.updated" if before else "unit.created", "unit", unit.id, unit_id=unit.id,
                 actor_id=actor_id, before=before, after=after)
    emit("units.imported", "unit", None, actor_id=actor_id,
         after={"filename": filename, "created": created, "updated": updated})
    return ImportResult(created, updated)


def write_unit_list(target, units: list[Unit] | None = None) -> None:
    """The unit list in the import layout (the template when `units` is empty), as .xlsx."""
    book = xlsxwriter.Workbook(target, {"in_memory": not isinstance(target, str)})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet = book.add_worksheet("Đơn vị")
    sheet.write_row(0, 0, HEADERS, header)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, 4, 18)
    sheet.set_column(5, 5, 30)
    sheet.freeze_panes(1, 0)
    for row, unit in enumerate(units or [], 1):
        sheet.write_row(row, 0, [unit.code, unit.name, unit.level, unit.group,
                                 unit.parent.code if unit.parent else "",
                                 "; ".join(other.code for other in unit.predecessors)])
    guide = book.add_worksheet("Hướng dẫn")
    guide.set_column(0, 0, 22)
    guide.set_column(1, 1, 60)
    guide.write_row(0, 0, ("Cột", "Giá trị"), header)
    guide.write_row(1, 0, (HEADERS[2], ", ".join(f"{key} ({labels.UNIT_LEVELS[key]})"
                                                 for key in LEVELS)))
    guide.write_row(2, 0, (HEADERS[3], ", ".join(
        f"{code} ({label})" for code, label in group_labels(include_inactive=False).items())))
    guide.write_row(3, 0, (HEADERS[4], "mã của đơn vị cấp trên, trong tệp này hoặc đã có; "
                                       "để trống với đơn vị cấp tỉnh"))
    guide.write_row(4, 0, (HEADERS[5], "mã các đơn vị mà đơn vị này thay thế (sáp nhập), cách "
                                       "nhau bằng dấu phẩy hoặc chấm phẩy; để trống nếu không có"))
    book.close()
