"""Importing a campaign's survey results (.xlsx or .csv): unit code, survey item code, value.

All or nothing: every bad row is reported (row number and problem) and nothing is written; a
good file replaces all previous survey answers of the campaign in one transaction, audited with
its counts and SHA-256.

The API and the CLI queue the import as a job (`queue_survey_import`): the request checks the
campaign's state and the file's kind and size, the worker reads the rows and writes the answers
with the job's `done`.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from server.campaigns.criteria import criteria_registry
from server.engine.decimals import NotANumber, parse_decimal, plain
from server.events import emit
from server.extensions import db
from server.jobs.kinds import JobFailed, bad_rows, job_kind
from server.jobs.runner import progress, submit
from server.models import Answer, Assessment, Campaign, Job, Unit
from server.table_files import RowProblem, TableFileError, check_table_file, read_rows

HEADERS = ("Mã đơn vị", "Mã tiêu chí", "Điểm")
SOURCE = "survey"


class SurveyImportError(TableFileError):
    """Row problems of a survey file: nothing was written.

    Kinds: unknown_unit, unknown_code, not_a_survey_item, out_of_range, duplicate, not_a_number,
    missing_value, unreadable, empty; campaign_not_open and results_frozen on row 0.
    """


class SurveyImportRefused(SurveyImportError):
    """The campaign's state does not allow an import: nothing was read or written."""

    def __str__(self) -> str:
        return "; ".join(problem.message for problem in self.problems)


# Survey results are imported only into an open campaign: not while it is being planned (its
# dossiers and pins may still change), not once it is closed. And not while any dossier of the
# campaign is finalised or published, since an import replaces the survey results of every unit
# of the campaign: the administrator un-finalises those first (with a reason, audited).
IMPORT_CAMPAIGN_STATES = ("open",)
FROZEN_DOSSIER_STATES = ("finalised", "published")


def check_campaign_state(campaign: Campaign) -> None:
    """Raise SurveyImportRefused naming why the campaign takes no import now."""
    if campaign.state not in IMPORT_CAMPAIGN_STATES:
        raise SurveyImportRefused([RowProblem(
            0, "campaign_not_open",
            f"campaign {campaign.id} is {campaign.state!r}: survey results can be imported "
            "only while the campaign is open")])
    frozen = db.session.scalars(
        select(Unit.code).join(Assessment, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id,
               Assessment.state.in_(FROZEN_DOSSIER_STATES)).order_by(Unit.code)).all()
    if frozen:
        raise SurveyImportRefused([RowProblem(
            0, "results_frozen",
            f"the results of {', '.join(frozen)} in campaign {campaign.id} are finalised or "
            "published: un-finalise them before importing survey results again")])


@dataclass
class ImportResult:
    rows: int
    units: int
    replaced: int
    sha256: str
    problems: list[RowProblem] = field(default_factory=list)


def _survey_items(campaign: Campaign) -> tuple[dict, dict]:
    """unit code -> (assessment id, {survey leaf code: Leaf}) for the campaign's assessments."""
    units = db.session.execute(
        select(Unit.code, Assessment.unit_group, Assessment.id)
        .join(Assessment, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id)
    ).all()
    sets, result = {}, {}
    for code, group, assessment_id in units:
        if group not in sets:
            pin = campaign.pin_for(group)
            criteria_set = pin and criteria_registry().get(pin.criteria_set_id,
                                                           pin.criteria_set_version)
            sets[group] = criteria_set
        criteria_set = sets[group]
        leaves = {leaf.code: leaf for leaf in criteria_set.leaves()} if criteria_set else {}
        result[code] = (assessment_id, leaves)
    return result, sets


def check_rows(campaign: Campaign, rows) -> tuple[list[tuple[int, str, Decimal]], list]:
    """([(assessment id, code, value)], [RowProblem]) for `rows` of (number, cells)."""
    units, _sets = _survey_items(campaign)
    known_units = set(db.session.scalars(select(Unit.code)))
    accepted, problems, seen = [], [], {}
    for number, cells in rows:
        # Columns after the third (the template's unit name, max points, title) are ignored.
        cells = list(cells) + [None] * (3 - len(cells))
        unit_code = "" if cells[0] is None else str(cells[0]).strip()
        item_code = "" if cells[1] is None else str(cells[1]).strip()
        raw = cells[2]
        if unit_code not in units:
            problems.append(RowProblem(
                number, "unknown_unit",
                f"unit {unit_code!r} is not assessed in this campaign" if unit_code in known_units
                else f"unknown unit {unit_code!r}"))
            continue
        assessment_id, leaves = units[unit_code]
        leaf = leaves.get(item_code)
        if leaf is None:
            problems.append(RowProblem(number, "unknown_code",
                                       f"unknown sub-criterion code {item_code!r}"))
            continue
        if leaf.source != SOURCE:
            problems.append(RowProblem(number, "not_a_survey_item",
                                       f"{item_code} is not a survey item"))
            continue
        key = (unit_code, item_code)
        if key in seen:
            problems.append(RowProblem(number, "duplicate", f"{unit_code} {item_code} is "
                                       f"already given on row {seen[key]}"))
            continue
        seen[key] = number
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            problems.append(RowProblem(number, "missing_value", "the value is empty"))
            continue
        try:
            value = parse_decimal(raw)
        except NotANumber:
            problems.append(RowProblem(number, "not_a_number", f"{raw!r} is not a number"))
            continue
        if not Decimal(0) <= value <= leaf.max_points:
            problems.append(RowProblem(number, "out_of_range", f"{plain(value)} is outside "
                                       f"0..{plain(leaf.max_points)} for {item_code}"))
            continue
        accepted.append((assessment_id, item_code, value))
    return accepted, problems


def import_survey(campaign: Campaign, filename: str, content: bytes, *,
                  actor_id: int | None = None) -> ImportResult:
    """Replace the campaign's survey answers with the file's at once, or raise
    SurveyImportError (SurveyImportRefused when the campaign's state allows no import).
    Commits."""
    result = replace_survey_answers(campaign, filename, content, actor_id=actor_id)
    db.session.commit()
    return result


def replace_survey_answers(campaign: Campaign, filename: str, content: bytes, *,
                           actor_id: int | None = None) -> ImportResult:
    """`import_survey` without the commit (the job commits it with its `done`)."""
    check_campaign_state(campaign)
    digest = hashlib.sha256(content).hexdigest()
    try:
        rows = read_rows(filename, content)
    except TableFileError as error:
        raise SurveyImportError(error.problems) from error
    accepted, problems = check_rows(campaign, rows)
    if problems:
        raise SurveyImportError(problems)
    if not accepted:
        raise SurveyImportError([RowProblem(0, "empty", "the file holds no survey row")])
    assessment_ids = select(Assessment.id).where(Assessment.campaign_id == campaign.id)
    replaced = db.session.execute(
        delete(Answer).where(Answer.source == SOURCE,
                             Answer.assessment_id.in_(assessment_ids))
        .execution_options(synchronize_session=False)
    ).rowcount
    reason = f"{filename} sha256:{digest}"
    db.session.add_all(Answer(assessment_id=assessment_id, code=code, source=SOURCE,
                              value=plain(value), reason=reason, author_id=actor_id)
                       for assessment_id, code, value in accepted)
    units = len({assessment_id for assessment_id, _code, _value in accepted})
    emit("survey.imported", "campaign", campaign.id, actor_id=actor_id, after={
        "filename": filename, "sha256": digest, "rows": len(accepted), "units": units,
        "replaced": replaced})
    return ImportResult(len(accepted), units, replaced, digest)


JOB_KIND = "survey-import"


def queue_survey_import(campaign: Campaign, filename: str, content: bytes, *,
                        actor_id: int | None = None) -> Job:
    """The job that imports the file, queued when the caller commits. Raises SurveyImportRefused
    (the campaign's state) or SurveyImportError (a file of another kind, too large, or that
    inflates too much) before anything is queued. The same file sent again before another
    import finished is the same job."""
    check_campaign_state(campaign)
    try:
        check_table_file(filename, content)
    except TableFileError as error:
        raise SurveyImportError(error.problems) from error
    digest = hashlib.sha256(content).hexdigest()
    last = db.session.scalar(select(func.max(Job.id)).where(
        Job.kind == JOB_KIND, Job.campaign_id == campaign.id, Job.state == "done")) or 0
    return submit(JOB_KIND, f"{JOB_KIND}:{campaign.id}:{digest}:after-{last}",
                  created_by=actor_id, campaign_id=campaign.id, params={"filename": filename},
                  payload=content)


@job_kind(JOB_KIND)
def run_survey_import(job: Job) -> str:
    campaign = db.session.get(Campaign, job.campaign_id) if job.campaign_id else None
    if campaign is None:
        raise JobFailed(_("The campaign no longer exists."))
    try:
        result = replace_survey_answers(campaign, job.params["filename"], job.payload,
                                        actor_id=job.created_by)
    except SurveyImportError as error:  # the file or the campaign: a retry cannot help
        raise bad_rows(error.problems) from error
    job.params = {**job.params, "result": {"rows": result.rows, "units": result.units,
                                           "replaced": result.replaced,
                                           "sha256": result.sha256}}
    progress(job, result.rows, result.rows)
    return current_app.url_map.bind("localhost").build(
        "web.campaign_page", {"campaign_id": campaign.id})


def write_template(campaign: Campaign, target) -> None:
    """An .xlsx to fill: one row per assessed unit and survey item, the value left blank."""
    units, _sets = _survey_items(campaign)
    names = dict(db.session.execute(select(Unit.code, Unit.name)).all())
    book = xlsxwriter.Workbook(target, {"in_memory": not isinstance(target, str)})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet = book.add_worksheet("Điều tra XHH")
    sheet.write_row(0, 0, [*HEADERS, "Tên đơn vị", "Điểm tối đa", "Tiêu chí"], header)
    sheet.set_column(0, 1, 14)
    sheet.set_column(2, 2, 10)
    sheet.set_column(3, 3, 36)
    sheet.set_column(5, 5, 60)
    sheet.freeze_panes(1, 0)
    row = 0
    for unit_code in sorted(units):
        for leaf in units[unit_code][1].values():
            if leaf.source != SOURCE:
                continue
            row += 1
            sheet.write_string(row, 0, unit_code)
            sheet.write_string(row, 1, leaf.code)
            sheet.write_string(row, 3, names.get(unit_code, ""))
            sheet.write_number(row, 4, float(leaf.max_points))
            sheet.write_string(row, 5, leaf.title)
    sheet.autofilter(0, 0, max(row, 1), 5)
    book.close()


def survey_counts(campaign: Campaign) -> dict[str, int]:
    """unit code -> survey answers held, for reports."""
    counts = defaultdict(int)
    for (code,) in db.session.execute(
        select(Unit.code).join(Assessment, Assessment.unit_id == Unit.id)
        .join(Answer, Answer.assessment_id == Assessment.id)
        .where(Assessment.campaign_id == campaign.id, Answer.source == SOURCE)
    ):
        counts[code] += 1
    return dict(counts)
