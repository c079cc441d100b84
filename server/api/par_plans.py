"""PAR plans (Kế hoạch CCHC) and their tasks: a campaign's plans, a unit's plan with its versions
and tasks, issuing and amending it, tasks added, edited, marked done, taken over from the plan
above, imported from and exported to the plan's .xlsx table, and the tasks' progress grid.

Who may call what: whoever may read a unit reads its plan (another unit's people get 404, as
for a plan that does not exist; the people of a task's lead unit read the plan that gives it);
the plan's unit editors and heads write it, administrators every plan; a task's lead unit marks
its own task done. Writes are refused with 409 outside the campaign's records phase. The same
services as the pages and the CLI (server.records).
"""

import marshmallow as ma
from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import token_required
from server.api.campaigns import campaign_or_404
from server.api.jobs import accepted
from server.api.problems import problem_response, problems, table_file_problem, uploaded_file
from server.api.schemas import StrictSchema, answers, multipart, query
from server.downloads import XLSX, xlsx_download
from server.extensions import db
from server.planning.par_tasks import make_tasks
from server.planning.planner import PlanError
from server.planning.plans import unit_assessment
from server.planning.targets import KEYS, TargetError, target_from
from server.records.plans import (
    RecordError,
    VersionFields,
    campaign_plans,
    create_plan,
    edit_plan,
    issue_version,
    plan_of,
    plan_record,
)
from server.records.standing import task_standing, vietnam_today
from server.records.task_progress import (
    BY_LEAD,
    BY_PLAN,
    progress_dict,
    task_progress,
    write_progress_workbook,
)
from server.records.task_table import TaskImportError, queue_task_import, write_task_table
from server.records.tasks import (
    TaskFields,
    add_task,
    edit_task,
    inheritable_tasks,
    mark_done,
    take_over,
    task_of,
    task_record,
)

blp = Blueprint("par_plans", __name__, url_prefix="/api/v1/campaigns",
                description="Kế hoạch CCHC và nhiệm vụ (PAR plans and tasks)")


class PlanCreateSchema(StrictSchema):
    unit_code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    title = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    due_on = ma.fields.Date(load_default=None, allow_none=True, metadata={
        "description": "the day the plan must be issued by (Vietnam calendar)"})
    parent_unit_code = ma.fields.String(load_default=None, allow_none=True,
                                        validate=ma.validate.Length(max=40))


class PlanEditSchema(StrictSchema):
    title = ma.fields.String(validate=ma.validate.Length(max=2000))
    due_on = ma.fields.Date(allow_none=True, metadata={
        "description": "the day the plan must be issued by; null clears it"})


class VersionSchema(StrictSchema):
    decision_number = ma.fields.String(required=True, validate=ma.validate.Length(max=120))
    issued_on = ma.fields.Date(required=True)
    document_id = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                    validate=ma.validate.Range(min=1, max=2**31 - 1))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=4000))
    cancel = ma.fields.List(ma.fields.Integer(strict=True,
                                              validate=ma.validate.Range(min=1, max=2**31 - 1)),
                            load_default=list, validate=ma.validate.Length(max=2000),
                            metadata={"description": "ids of the tasks an amendment cancels"})


class TaskSchema(StrictSchema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(max=4000))
    number = ma.fields.String(load_default="", validate=ma.validate.Length(max=40))
    expected_result = ma.fields.String(load_default="", validate=ma.validate.Length(max=4000))
    domain = ma.fields.String(load_default="", validate=ma.validate.Length(max=40))
    lead_unit_code = ma.fields.String(load_default="", validate=ma.validate.Length(max=40))
    cooperating = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=40)),
                                 load_default=list, validate=ma.validate.Length(max=200))
    deadline = ma.fields.Date(load_default=None, allow_none=True)
    status = ma.fields.String(load_default="open",
                              validate=ma.validate.OneOf(("open", "in_progress")))


class TaskEditSchema(TaskSchema):
    status = ma.fields.String(load_default="open", validate=ma.validate.OneOf(
        ("open", "in_progress", "done")), metadata={
        "description": "done keeps a done task done (a task becomes done only with its "
                       "evidence, through /done); open or in_progress drops the completion"})
    row_version = ma.fields.Integer(load_default=None, allow_none=True, strict=True,
                                    validate=ma.validate.Range(min=1, max=2**31 - 1))


class DoneSchema(StrictSchema):
    document_id = ma.fields.Integer(required=True, strict=True,
                                    validate=ma.validate.Range(min=1, max=2**31 - 1))
    completed_on = ma.fields.Date(load_default=None, allow_none=True, metadata={
        "description": "the completion date; the document's date of issue when left out"})


class TakeOverSchema(StrictSchema):
    task_ids = ma.fields.List(ma.fields.Integer(strict=True,
                                                validate=ma.validate.Range(min=1, max=2**31 - 1)),
                              load_default=list, validate=ma.validate.Length(max=2000),
                              metadata={"description": "the tasks of the plan above to take "
                                                       "over; all of them when empty"})


class MakeTasksSchema(StrictSchema):
    lead_unit_code = ma.fields.String(required=True, validate=ma.validate.Length(max=40))
    deadline = ma.fields.Date(required=True)
    band = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))
    rank = ma.fields.String(load_default="", validate=ma.validate.Length(max=20))
    index = ma.fields.String(load_default="", validate=ma.validate.Length(max=20))
    domain_min = ma.fields.String(load_default="", validate=ma.validate.Length(max=20))


def refused(error: RecordError):
    db.session.rollback()
    problems_ = getattr(error, "problems", None) or (
        {error.field: str(error.message)} if error.field else {})
    return problem_response(error.status, str(error.message), errors=[
        {"field": field, "message": str(message)} for field, message in problems_.items()]
        or None)


def _plan(campaign_id: int, unit_code: str):
    campaign = campaign_or_404(campaign_id)
    try:
        return plan_of(campaign, unit_code, g.api_user)
    except RecordError as error:
        abort(refused(error))


def plan_answer(plan) -> dict:
    today = vietnam_today()
    return {**plan_record(plan), "tasks": [
        {**task_record(task), "standing": task_standing(task, today)} for task in plan.tasks],
        "inheritable": [task.id for task in inheritable_tasks(plan)]}


def _fields(payload) -> TaskFields:
    return TaskFields(title=payload["title"], number=payload["number"],
                      expected_result=payload["expected_result"], domain=payload["domain"],
                      lead_unit_code=payload["lead_unit_code"],
                      cooperating=payload["cooperating"], deadline=payload["deadline"],
                      status=payload["status"])


@blp.route("/<int:campaign_id>/par-plans")
class Plans(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id):
        """The campaign's plans the caller may read, each with whether it was issued on time
        (`issued`: on_time, late, missing) and its tasks in force and cancelled."""
        campaign = campaign_or_404(campaign_id)
        return {"campaign_id": campaign.id, "plans": [
            {**plan_record(row.plan), "tasks": row.tasks, "cancelled": row.cancelled}
            for row in campaign_plans(campaign, g.api_user)]}

    @answers(blp, 201)
    @token_required
    @blp.arguments(PlanCreateSchema)
    @problems(403, 409)
    def post(self, payload, campaign_id):
        """Create a unit's plan for the campaign (its editors and heads, or an administrator):
        its due day and the plan above it (`parent_unit_code`), whose tasks it may take over.
        409 outside the records phase or when the unit has a plan already."""
        campaign = campaign_or_404(campaign_id)
        try:
            plan = create_plan(campaign, payload["unit_code"], g.api_user,
                               title=payload["title"], due_on=payload["due_on"],
                               parent_unit_code=payload["parent_unit_code"])
        except RecordError as error:
            return refused(error)
        db.session.commit()
        return plan_answer(plan), 201


@blp.route("/<int:campaign_id>/par-plans/<unit_code>")
class UnitPlan(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id, unit_code):
        """The unit's plan: its versions (the issue and the amendments) and every task, the
        cancelled ones too, each with where it stands today (server.records.standing)."""
        return plan_answer(_plan(campaign_id, unit_code))

    @answers(blp, 200)
    @token_required
    @blp.arguments(PlanEditSchema)
    @problems(403, 409)
    def patch(self, payload, campaign_id, unit_code):
        """Change the plan's title or due day (what the body leaves out stays)."""
        plan = _plan(campaign_id, unit_code)
        try:
            edit_plan(plan, g.api_user, **payload)
        except RecordError as error:
            return refused(error)
        db.session.commit()
        return plan_answer(plan)


@blp.route("/<int:campaign_id>/par-plans/<unit_code>/versions")
class Versions(MethodView):
    @answers(blp, 201)
    @token_required
    @blp.arguments(VersionSchema)
    @problems(403, 409)
    def post(self, payload, campaign_id, unit_code):
        """Issue the plan (the first version) or amend it (điều chỉnh kế hoạch): the decision
        number, its date, its signed document (evidence of the plan's unit in this campaign),
        and the tasks the amendment cancels. Tasks added afterwards are the amendment's."""
        plan = _plan(campaign_id, unit_code)
        try:
            issue_version(plan, VersionFields(
                payload["decision_number"], payload["issued_on"], payload["document_id"],
                payload["note"], payload["cancel"]), g.api_user)
        except RecordError as error:
            return refused(error)
        db.session.commit()
        return plan_answer(plan), 201


@blp.route("/<int:campaign_id>/par-plans/<unit_code>/tasks")
class Tasks(MethodView):
    @answers(blp, 201)
    @token_required
    @blp.arguments(TaskSchema)
    @problems(403, 409)
    def post(self, payload, campaign_id, unit_code):
        """Add a task to the plan's last version. The domain is a domain code of the unit's
        criteria set; the lead and cooperating agencies are unit codes."""
        plan = _plan(campaign_id, unit_code)
        try:
            task = add_task(plan, _fields(payload), g.api_user)
        except RecordError as error:
            return refused(error)
        db.session.commit()
        return task_record(task), 201


@blp.route("/<int:campaign_id>/par-plans/<unit_code>/tasks/<int:task_id>")
class Task(MethodView):
    @answers(blp, 200)
    @token_required
    @blp.arguments(TaskEditSchema)
    @problems(403, 409)
    def put(self, payload, campaign_id, unit_code, task_id):
        """Replace a task's fields (a done task set back to open or in_progress loses its
        completion). 409 for a cancelled task or a stale `row_version`."""
        plan = _plan(campaign_id, unit_code)
        try:
            task = edit_task(task_of(plan, task_id), _fields(payload), g.api_user,
                             payload["row_version"])
        except RecordError as error:
            return refused(error)
        db.session.commit()
        return task_record(task)


@blp.route("/<int:campaign_id>/par-plans/<unit_code>/tasks/<int:task_id>/done")
class TaskDone(MethodView):
    @answers(blp, 200)
    @token_required
    @blp.arguments(DoneSchema)
    @problems(403, 409)
    def post(self, payload, campaign_id, unit_code, task_id):
        """Mark the task done with its completion evidence, a document of the lead unit or of
        the plan's unit in this campaign; done on the document's date unless `completed_on`
        says otherwise. The lead unit's editors and heads may mark their own task done."""
        plan = _plan(campaign_id, unit_code)
        try:
            task = mark_done(task_of(plan, task_id), payload["document_id"], g.api_user,
                             payload["completed_on"])
        except RecordError as error:
            return refused(error)
        db.session.commit()
        return task_record(task)


@blp.route("/<int:campaign_id>/par-plans/<unit_code>/take-over")
class TakeOver(MethodView):
    @answers(blp, 201)
    @token_required
    @blp.arguments(TakeOverSchema)
    @problems(403, 409)
    def post(self, payload, campaign_id, unit_code):
        """Take over the tasks the plan above assigns to this unit (copies naming their
        source, `inherited_from_id`); each is taken over once."""
        plan = _plan(campaign_id, unit_code)
        try:
            copies = take_over(plan, g.api_user, payload["task_ids"])
        except RecordError as error:
            return refused(error)
        db.session.commit()
        return {"tasks": [task_record(task) for task in copies]}, 201


@blp.route("/<int:campaign_id>/par-plans/<unit_code>/tasks/import")
class TaskImport(MethodView):
    @answers(blp, 202)
    @multipart(blp)
    @token_required
    @problems(403, 409, 422)
    def post(self, campaign_id, unit_code):
        """Add the tasks of the plan's table (.xlsx or .csv; columns STT, Nhiệm vụ, Kết
        quả/Sản phẩm, Lĩnh vực, Cơ quan chủ trì, Cơ quan phối hợp, Thời hạn hoàn thành) in field
        `file`. A job imports it: 202 with the job (done with `result` {created}, or failed
        with every bad row, its column and problem, in `problems`, nothing added)."""
        plan = _plan(campaign_id, unit_code)
        upload = uploaded_file()
        try:
            job = queue_task_import(plan, upload.filename, upload.read(), g.api_user)
        except TaskImportError as error:
            db.session.rollback()
            return table_file_problem(error)
        except RecordError as error:
            return refused(error)
        db.session.commit()
        return accepted(job)


@blp.route("/<int:campaign_id>/par-plans/<unit_code>/tasks.xlsx")
class TaskExport(MethodView):
    @answers(blp, 200, XLSX)
    @token_required
    def get(self, campaign_id, unit_code):
        """The plan's tasks in force in the import layout (imports again as it is)."""
        plan = _plan(campaign_id, unit_code)
        return xlsx_download(lambda buffer: write_task_table(plan, buffer),
                             f"nhiem-vu-{campaign_id}-{plan.unit.code}.xlsx")


def _progress(campaign_id: int):
    campaign = campaign_or_404(campaign_id)
    by = request.args.get("by") or BY_PLAN
    if by not in (BY_PLAN, BY_LEAD):
        abort(problem_response(422, errors=[{"field": "by", "message": "plan or lead"}]))
    day = None
    if request.args.get("day"):
        from datetime import date

        try:
            day = date.fromisoformat(request.args["day"])
        except ValueError:
            abort(problem_response(422, errors=[{"field": "day",
                                                 "message": "a date, yyyy-mm-dd"}]))
    return task_progress(campaign, g.api_user, by=by, day=day)


@blp.route("/<int:campaign_id>/par-plans/progress")
class Progress(MethodView):
    @query(blp, "by", "plan (a line per plan's unit, the default) or lead (per lead agency)")
    @query(blp, "day", "count as on this day (yyyy-mm-dd; Vietnam today by default)")
    @answers(blp, 200)
    @token_required
    @problems(422)
    def get(self, campaign_id):
        """Tasks done on time, done late, overdue, not yet due and cancelled, of the plans the
        caller may read."""
        return progress_dict(_progress(campaign_id))


@blp.route("/<int:campaign_id>/par-plans/progress.xlsx")
class ProgressWorkbook(MethodView):
    @query(blp, "by", "plan (a line per plan's unit, the default) or lead (per lead agency)")
    @query(blp, "day", "count as on this day (yyyy-mm-dd; Vietnam today by default)")
    @answers(blp, 200, XLSX)
    @token_required
    @problems(422)
    def get(self, campaign_id):
        """The progress grid as .xlsx."""
        report = _progress(campaign_id)
        return xlsx_download(lambda buffer: write_progress_workbook(report, buffer),
                             f"tien-do-nhiem-vu-{campaign_id}.xlsx")


@blp.route("/<int:campaign_id>/units/<unit_code>/plan/tasks")
class TargetPlanTasks(MethodView):
    @answers(blp, 201)
    @token_required
    @blp.arguments(MakeTasksSchema)
    @problems(403, 409)
    def post(self, payload, campaign_id, unit_code):
        """Make the unit's target plan (the target in `band`, `rank`, `index`, `domain_min`)
        into tasks of its PAR plan: one task a step, led by `lead_unit_code`, due on
        `deadline`, naming the sub-criterion it aims at (`target_codes`). 409 when the unit has
        no PAR plan yet."""
        from server.campaigns.criteria import group_criteria_set

        campaign = campaign_or_404(campaign_id)
        try:
            _unit, assessment = unit_assessment(campaign, unit_code, g.api_user)
            bands = [band.label for band in
                     group_criteria_set(campaign, assessment.unit_group).bands]
            target = target_from({key: payload[key] for key in KEYS}, bands)
            tasks = make_tasks(campaign, unit_code, target, g.api_user,
                               lead_unit_code=payload["lead_unit_code"],
                               deadline=payload["deadline"])
        except TargetError as error:
            db.session.rollback()
            return problem_response(422, errors=[
                {"field": field.removeprefix("target.") or "target", "message": str(message)}
                for field, message in error.errors.items()])
        except PlanError as error:
            db.session.rollback()
            return problem_response(error.status, str(error.message), errors=[
                {"field": error.field, "message": str(error.message)}] if error.field else None)
        except RecordError as error:
            return refused(error)
        db.session.commit()
        return {"tasks": [task_record(task) for task in tasks]}, 201
