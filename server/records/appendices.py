"""Statistics appendices (phụ lục số liệu, 3A/3B of seed 003): the administrator uploads the
appendix as an `.xlsx` whose first row names the columns, whose second row gives each column's
type ("số", "số nguyên", "tỷ lệ %", "chữ", or number / integer / percent / text) and whose
optional third row marks the required ones ("bắt buộc" / "required"). It becomes typed fields
[{key, label, type, required}] on an AppendixTemplate; the figures a unit sends are checked
against them (`check_figures`), each refusal naming the field.
"""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.engine.decimals import NotANumber, parse_decimal, plain
from server.events import emit
from server.extensions import db
from server.models import AppendixTemplate, Campaign, User
from server.records.schedule import ReportError, check_admin, check_schedule_open
from server.table_files import TableFileError, read_table

FIELD_TYPES = ("number", "integer", "percent", "text")
TYPE_LABELS = {"number": _l("number"), "integer": _l("integer"), "percent": _l("percent"),
               "text": _l("text")}
MAX_FIELDS = 100
MAX_NAME = 120
MAX_TEXT = 2_000
MAX_TEMPLATE_BYTES = 2 * 2**20

# The words a template's second row may use, folded (lowercase, no diacritics, single spaces).
_TYPE_WORDS = {
    "so": "number", "so lieu": "number", "number": "number", "numeric": "number",
    "so nguyen": "integer", "integer": "integer", "int": "integer",
    "ty le %": "percent", "ti le %": "percent", "ty le": "percent", "ti le": "percent",
    "%": "percent", "percent": "percent", "percentage": "percent",
    "chu": "text", "van ban": "text", "text": "text",
}
_REQUIRED_WORDS = {"bat buoc": True, "required": True, "x": True, "co": True, "yes": True,
                   "": False, "khong": False, "khong bat buoc": False, "optional": False,
                   "no": False}


def fold(text: str) -> str:
    """Lowercase, without Vietnamese diacritics, spaces collapsed: how typed words compare."""
    text = unicodedata.normalize("NFD", str(text).strip().lower()).replace("đ", "d")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text)


def column_name(index: int) -> str:
    """The spreadsheet letter of the 0-based column `index` (0: A, 26: AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _key(label: str, taken: set) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", fold(label)).strip("_")[:40] or "field"
    key, n = base, 2
    while key in taken:
        key, n = f"{base[:36]}_{n}", n + 1
    taken.add(key)
    return key


def parse_template(filename: str, content: bytes) -> list[dict]:
    """The typed fields of an appendix template file, or ReportError naming every bad column
    (field "file")."""
    if not filename.lower().endswith(".xlsx"):
        raise ReportError({"file": _l("The appendix template must be an .xlsx file.")})
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ReportError({"file": _l("The file is too large.")})
    try:
        header, rows = read_table(filename, content, max_rows=5, max_columns=MAX_FIELDS + 1)
    except TableFileError as error:
        raise ReportError({"file": _l("The file cannot be read: %(problem)s",
                                      problem=str(error))}) from error
    rows = dict(rows)
    types, marks = rows.get(2, []), rows.get(3, [])
    labels = [str(cell).strip() if cell is not None else "" for cell in header]
    while labels and not labels[-1]:
        labels.pop()
    problems = []
    if not labels:
        problems.append(str(_l("The first row must name the columns.")))
    if len(labels) > MAX_FIELDS:
        problems.append(str(_l("At most %(count)s columns.", count=MAX_FIELDS)))
    fields, taken = [], set()
    for index in range(min(len(labels), MAX_FIELDS)):
        column = column_name(index)
        label = labels[index]
        typed = types[index] if index < len(types) and types[index] is not None else ""
        marked = marks[index] if index < len(marks) and marks[index] is not None else ""
        if not label:
            problems.append(str(_l("Column %(column)s has no label in the first row.",
                                   column=column)))
            continue
        kind = _TYPE_WORDS.get(fold(str(typed)))
        if kind is None:
            problems.append(str(_l(
                "Column %(column)s (%(label)s): the second row must give its type (số, số "
                "nguyên, tỷ lệ %%, chữ), not %(value)s.", column=column, label=label,
                value=repr(str(typed)))))
            continue
        required = _REQUIRED_WORDS.get(fold(str(marked)))
        if required is None:
            problems.append(str(_l(
                "Column %(column)s (%(label)s): the third row marks a required column with "
                "\"bắt buộc\" or leaves it empty, not %(value)s.", column=column, label=label,
                value=repr(str(marked)))))
            continue
        fields.append({"key": _key(label, taken), "label": label[:MAX_NAME], "type": kind,
                       "required": required})
    if problems:
        raise ReportError({"file": "; ".join(problems)})
    return fields


def templates(campaign: Campaign) -> list[AppendixTemplate]:
    return list(db.session.scalars(select(AppendixTemplate).where(
        AppendixTemplate.campaign_id == campaign.id).order_by(AppendixTemplate.name)))


def template_record(template: AppendixTemplate) -> dict:
    return {"id": template.id, "name": template.name, "filename": template.filename,
            "fields": list(template.fields or [])}


def save_template(campaign: Campaign, name: str, filename: str, content: bytes,
                  actor: User | None) -> AppendixTemplate:
    """Read the uploaded template and store its fields under `name` (a template of that name is
    replaced; the reports already sent keep their figures). Audited; the caller commits."""
    check_admin(actor, _l("Only an administrator uploads appendix templates."))
    check_schedule_open(campaign)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _l("Give the appendix's name (Phụ lục 3B...).")
    elif len(name) > MAX_NAME:
        errors["name"] = _l("At most %(count)s characters.", count=MAX_NAME)
    try:
        fields = parse_template(filename or "", content)
    except ReportError as error:
        errors.update(error.errors)
    if errors:
        raise ReportError(errors)
    template = db.session.scalar(select(AppendixTemplate).filter_by(campaign_id=campaign.id,
                                                                   name=name))
    before = None if template is None else template_record(template)
    if template is None:
        template = AppendixTemplate(campaign_id=campaign.id, name=name)
        db.session.add(template)
    template.fields, template.filename = fields, (filename or "")[:255]
    template.created_by = actor.id if actor else None
    db.session.flush()
    emit("report_template.saved", "report_appendix_template", template.id,
         actor_id=actor.id if actor else None, before=before, after=template_record(template))
    return template


def check_figures(template: AppendixTemplate | None, figures) -> tuple[dict, dict]:
    """The figures a unit sends, checked against the template's fields: ({key: value}, errors
    {"figures.<key>": message}). Numbers are kept as plain decimal text ("12.5"), integers as
    ints, text as stripped text; an empty optional field is left out."""
    figures = figures or {}
    if not isinstance(figures, dict):
        return {}, {"figures": _l("Give the figures as {field: value}.")}
    if template is None:
        if figures:
            return {}, {"figures": _l("This report asks for no appendix figures.")}
        return {}, {}
    fields = {field["key"]: field for field in template.fields or []}
    errors, clean = {}, {}
    for key in figures:
        if key not in fields:
            errors[f"figures.{key}"] = _l("%(key)s is not a field of %(name)s.", key=key,
                                          name=template.name)
    for key, field in fields.items():
        value = figures.get(key)
        at = f"figures.{key}"
        if value is None or (isinstance(value, str) and not value.strip()):
            if field["required"]:
                errors[at] = _l("%(label)s is required.", label=field["label"])
            continue
        if field["type"] == "text":
            text = str(value).strip()
            if len(text) > MAX_TEXT:
                errors[at] = _l("%(label)s: at most %(count)s characters.",
                                label=field["label"], count=MAX_TEXT)
            else:
                clean[key] = text
            continue
        try:
            number = parse_decimal(value)
        except NotANumber:
            errors[at] = _l("%(label)s must be a number, not %(value)s.", label=field["label"],
                            value=repr(str(value)))
            continue
        if number < 0:
            errors[at] = _l("%(label)s cannot be negative.", label=field["label"])
        elif field["type"] == "integer" and number != number.to_integral_value():
            errors[at] = _l("%(label)s must be a whole number.", label=field["label"])
        elif field["type"] == "percent" and number > 100:
            errors[at] = _l("%(label)s is a percentage: from 0 to 100.", label=field["label"])
        elif field["type"] == "integer":
            clean[key] = int(number)
        else:
            clean[key] = plain(number)
    return clean, errors


def figure_value(field: dict, value):
    """A stored figure as a Decimal (numbers) or text, None when not given."""
    if value is None:
        return None
    if field["type"] == "text":
        return str(value)
    try:
        return parse_decimal(value)
    except NotANumber:
        return None  # kept under a template whose field was text then: not a figure now
