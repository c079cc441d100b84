"""Bulk import of people from the template the product hands out (.xlsx or .csv).

One row a user: username, full name, e-mail, unit code, role and, for a reviewer only, the domain
codes they appraise (comma separated; empty: every domain). All or nothing: any bad row (empty or
duplicate username, a username that already exists, unknown unit or role, a unit role without a
unit, a malformed e-mail, domains for a role other than reviewer) is reported with its row number
and column, and nothing is written. Each new user gets a random one-time password, returned once
for the administrator to hand over and to be changed at first login.
"""

import csv
import io
from dataclasses import dataclass

import xlsxwriter
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server import labels
from server.events import emit
from server.extensions import db
from server.models import ROLES, RoleMembership, Unit, User
from server.people.permissions import UNIT_ROLES
from server.people.users import add_user, email_problem, one_time_password, username_problem
from server.table_files import RowProblem, TableFileError, cell_text, read_rows

# The template's columns, in order; the header row is Vietnamese, as people fill it in.
COLUMNS = ("username", "full_name", "email", "unit_code", "role", "domains")
HEADERS = ("Tên đăng nhập", "Họ và tên", "Thư điện tử", "Mã đơn vị", "Vai trò",
           "Lĩnh vực thẩm định")
TEMPLATE_NAME = "mau-danh-sach-nguoi-dung"


class UserImportError(TableFileError):
    """Row problems of a user list. Kinds: missing_value, bad_username, duplicate,
    already_exists, unknown_unit, unknown_role, unit_required, bad_email, domains_not_allowed;
    unreadable and empty on row 0."""


@dataclass(frozen=True)
class UserRowProblem(RowProblem):
    column: str = ""  # the template column (COLUMNS) at fault

    def to_dict(self) -> dict:
        return {**super().to_dict(), "column": self.column}


@dataclass(frozen=True)
class UserRow:
    username: str
    full_name: str
    email: str
    unit_code: str
    role: str
    domains: str

    @property
    def domain_codes(self) -> list[str]:
        return [code.strip() for code in self.domains.split(",") if code.strip()]


@dataclass(frozen=True)
class ImportedUser:
    username: str
    one_time_password: str


def _problem(row: int, column: str, kind: str, message) -> UserRowProblem:
    return UserRowProblem(row, kind, f"{HEADERS[COLUMNS.index(column)]}: {message}", column)


def _row_problems(number: int, fields: UserRow, units: dict[str, Unit]) -> list[UserRowProblem]:
    """The problems of one row on its own (not duplicates nor existing usernames)."""
    problems = []
    found = username_problem(fields.username)
    if found:
        kind = "missing_value" if not fields.username else "bad_username"
        problems.append(_problem(number, "username", kind, found))
    found = email_problem(fields.email)
    if found:
        problems.append(_problem(number, "email", "bad_email", found))
    if fields.unit_code and fields.unit_code not in units:
        problems.append(_problem(number, "unit_code", "unknown_unit",
                                 _l("unknown unit %(code)s", code=repr(fields.unit_code))))
    if not fields.role:
        problems.append(_problem(number, "role", "missing_value", _l("must not be empty")))
    elif fields.role not in ROLES:
        problems.append(_problem(number, "role", "unknown_role", _l(
            "%(value)s is not one of %(choices)s", value=repr(fields.role),
            choices=", ".join(ROLES))))
    elif fields.role in UNIT_ROLES and not fields.unit_code:
        problems.append(_problem(number, "unit_code", "unit_required", _l(
            "the role %(role)s needs a unit", role=labels.ROLES[fields.role])))
    if fields.domains and fields.role != "reviewer":
        problems.append(_problem(number, "domains", "domains_not_allowed",
                                 _l("only a reviewer has domains")))
    return problems


def _check_rows(rows) -> tuple[list[UserRow], dict[str, Unit], list[UserRowProblem]]:
    parsed = [(number, UserRow(*(cell_text(cells, index) for index in range(len(COLUMNS)))))
              for number, cells in rows]
    # What the file names, read once: its units and those of its usernames already taken.
    units = {unit.code: unit for unit in db.session.scalars(
        select(Unit).where(Unit.code.in_({f.unit_code for _n, f in parsed if f.unit_code})))}
    taken = set(db.session.scalars(select(User.username).where(
        User.username.in_({f.username for _n, f in parsed if f.username}))))
    problems, seen = [], {}
    for number, fields in parsed:
        problems += _row_problems(number, fields, units)
        if fields.username in taken:
            problems.append(_problem(number, "username", "already_exists", _l(
                "user %(name)s already exists", name=repr(fields.username))))
        elif fields.username in seen:
            problems.append(_problem(number, "username", "duplicate", _l(
                "%(name)s is already given on row %(row)s", name=repr(fields.username),
                row=seen[fields.username])))
        elif fields.username:
            seen[fields.username] = number
    return [fields for _n, fields in parsed], units, problems


def import_users(filename: str, content: bytes, *, actor_id: int | None) -> list[ImportedUser]:
    """Create every user of the file with a one-time password, or raise UserImportError and
    write nothing. The caller commits the whole file as one transaction (the import job, with
    its `done`: server.people.import_jobs); the passwords are returned to be shown once."""
    try:
        rows = read_rows(filename, content)
    except TableFileError as error:
        raise UserImportError(error.problems) from error
    accepted, units, problems = _check_rows(rows)
    if problems:
        raise UserImportError(problems)
    if not accepted:
        raise UserImportError([RowProblem(0, "empty", str(_l("the file holds no user")))])
    imported = []
    for fields in accepted:
        password = one_time_password()
        membership = RoleMembership(
            role=fields.role, unit=units.get(fields.unit_code),
            domains=(fields.domain_codes or None) if fields.role == "reviewer" else None)
        add_user(fields.username, password, [membership], full_name=fields.full_name,
                 email=fields.email or None, must_change_password=True, actor_id=actor_id)
        imported.append(ImportedUser(fields.username, password))
    emit("users.imported", "user", None, actor_id=actor_id,
         after={"filename": filename, "created": len(imported)})
    return imported


def template_bytes(kind: str) -> bytes:
    """The empty template to fill in, as `xlsx` (with a sheet explaining each column) or `csv`
    (UTF-8 with a byte-order mark, so that Excel shows the Vietnamese header right)."""
    if kind == "csv":
        text = io.StringIO()
        csv.writer(text).writerow(HEADERS)
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet = book.add_worksheet("Người dùng")
    sheet.write_row(0, 0, HEADERS, header)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 2, 32)
    sheet.set_column(3, 5, 18)
    sheet.freeze_panes(1, 0)
    guide = book.add_worksheet("Hướng dẫn")
    guide.set_column(0, 0, 22)
    guide.set_column(1, 1, 80)
    guide.write_row(0, 0, ("Cột", "Giá trị"), header)
    for row, (column, text) in enumerate((
            (HEADERS[0], "bắt buộc, không có dấu cách, chưa có trong hệ thống và không lặp lại "
                         "trong tệp"),
            (HEADERS[2], "có thể để trống"),
            (HEADERS[3], "mã đơn vị đã có; bắt buộc với unit_head và unit_editor"),
            (HEADERS[4], ", ".join(f"{key} ({labels.ROLES[key]})" for key in ROLES)),
            (HEADERS[5], "chỉ với reviewer: các mã lĩnh vực, cách nhau bởi dấu phẩy (ví dụ "
                         "1, 4, 5); để trống: mọi lĩnh vực"),
            ), 1):
        guide.write_row(row, 0, (column, text))
    book.close()
    return buffer.getvalue()
