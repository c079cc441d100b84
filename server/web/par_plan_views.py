"""PAR plans (Kế hoạch CCHC) and their tasks, as pages: a campaign's plans, a unit's plan with its
versions (issue and amendments) and tasks, the forms that write them, the task table's import
and export, the tasks' progress grid and its workbook, and the target planner's "make tasks".

Thin: the services of server.records check and write (who may, the phase, the evidence). Not to
be confused with the target planner's pages (server/web/plan_views.py, templates/plans/).
"""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from server.campaigns.criteria import group_criteria_set
from server.campaigns.settings import parse_day
from server.downloads import xlsx_download
from server.extensions import db
from server.models import Campaign, EvidenceDocument, ParPlan, Unit
from server.people.permissions import can_edit_unit, own_unit_ids
from server.planning.par_tasks import make_tasks
from server.planning.planner import PlanError
from server.planning.targets import KEYS, TargetError, target_from
from server.records.plans import (
    RecordError,
    VersionFields,
    campaign_plans,
    can_mark_done,
    can_read_plan,
    can_write_plan,
    create_plan,
    edit_plan,
    is_admin,
    issue_version,
    plan_of,
    plan_parent_code,
)
from server.records.standing import plan_issued_state, task_standing, vietnam_today
from server.records.task_progress import (
    BY_LEAD,
    BY_PLAN,
    STANDING_LABELS,
    task_progress,
    write_progress_workbook,
)
from server.records.task_table import HEADERS, TaskImportError, queue_task_import, write_task_table
from server.records.tasks import (
    TaskFields,
    add_task,
    domain_codes,
    edit_task,
    inheritable_tasks,
    mark_done,
    take_over,
    task_of,
)
from server.web.appraisal_views import appraisal_assessment_or_404
from server.web.blueprint import bp
from server.web.forms import LogoutForm as CsrfForm


def _campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _csrf() -> None:
    if not CsrfForm().validate_on_submit():
        abort(400)


def _day(name: str, errors: dict) -> date | None:
    text = request.form.get(name, "").strip()
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError:
        errors[name] = _("Write a date as dd/mm/yyyy.")
        return None


def _int(name: str) -> int | None:
    text = request.form.get(name, "").strip()
    return int(text) if text.isdecimal() and len(text) < 10 else None


def _plan(campaign: Campaign, unit_code: str) -> ParPlan:
    try:
        return plan_of(campaign, unit_code, current_user)
    except RecordError:
        abort(404)


def _writable_units(campaign: Campaign) -> list[Unit]:
    """The units whose plan `current_user` may create: every active unit for administrators,
    their own for unit editors and heads."""
    query = select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)
    if not is_admin(current_user):
        query = query.where(Unit.id.in_(own_unit_ids(current_user) or {0}))
    return [unit for unit in db.session.scalars(query)
            if is_admin(current_user) or can_edit_unit(current_user, unit.id)]


@bp.route("/par-plans")
@login_required
def par_plans_home():
    """The latest campaign's plans (the menu's entry)."""
    campaign = db.session.scalar(select(Campaign).where(Campaign.state != "draft")
                                 .order_by(Campaign.year.desc(), Campaign.id.desc()).limit(1))
    if campaign is None:
        return render_template("records/plans/none.html")
    return redirect(url_for("web.par_plans_page", campaign_id=campaign.id))


def _list_page(campaign: Campaign, errors=None, typed=None, status=200):
    rows = campaign_plans(campaign, current_user)
    campaigns = db.session.scalars(select(Campaign).where(Campaign.state != "draft")
                                   .order_by(Campaign.year.desc(), Campaign.id.desc())).all()
    return render_template("records/plans/list.html", campaign=campaign, campaigns=campaigns,
                           rows=rows, units=_writable_units(campaign),
                           plans=[row.plan for row in rows], errors=errors or {},
                           typed=typed or {}), status


@bp.route("/campaigns/<int:campaign_id>/par-plans", methods=["GET", "POST"])
@login_required
def par_plans_page(campaign_id):
    campaign = _campaign(campaign_id)
    if request.method == "GET":
        return _list_page(campaign)
    _csrf()
    errors: dict = {}
    due_on = _day("due_on", errors)
    typed = dict(request.form)
    if errors:
        return _list_page(campaign, errors, typed, 422)
    try:
        plan = create_plan(campaign, request.form.get("unit_code", ""), current_user,
                           title=request.form.get("title", ""), due_on=due_on,
                           parent_unit_code=request.form.get("parent_unit_code") or None)
    except RecordError as error:
        db.session.rollback()
        if error.status == 403:
            abort(403)
        return _list_page(campaign, {error.field or "unit_code": error.message}, typed,
                          error.status)
    db.session.commit()
    flash(_("The PAR plan of %(unit)s is created.", unit=plan.unit.name), "info")
    return redirect(url_for("web.par_plan_page", campaign_id=campaign.id,
                            unit_code=plan.unit.code))


def _documents(campaign: Campaign, unit_ids) -> list[EvidenceDocument]:
    return list(db.session.scalars(select(EvidenceDocument).where(
        EvidenceDocument.campaign_id == campaign.id,
        EvidenceDocument.unit_id.in_(list(unit_ids) or [0]))
        .order_by(EvidenceDocument.issued_on.desc(), EvidenceDocument.id.desc())))


def _plan_page(campaign: Campaign, plan: ParPlan, errors=None, typed=None, status=200,
               row_problems=None, form=""):
    today = vietnam_today()
    writable = can_write_plan(current_user, plan)
    return render_template(
        "records/plans/plan.html", campaign=campaign, plan=plan, today=today,
        issued=plan_issued_state(plan), writable=writable,
        standings={task.id: task_standing(task, today) for task in plan.tasks},
        labels=STANDING_LABELS, documents=_documents(campaign, {plan.unit_id}),
        done_allowed={task.id for task in plan.tasks if can_mark_done(current_user, task)},
        domains=domain_codes(plan) or [], inheritable=inheritable_tasks(plan),
        errors=errors or {}, typed=typed or {}, row_problems=row_problems or [], form=form,
        headers=HEADERS, parent_code=plan_parent_code(plan),
        # Linked only for those who may read it (a unit's people may not read the plan above).
        parent_readable=plan.parent_id is not None and can_read_plan(
            current_user, db.session.get(ParPlan, plan.parent_id))), status


@bp.route("/campaigns/<int:campaign_id>/par-plans/<unit_code>")
@login_required
def par_plan_page(campaign_id, unit_code):
    campaign = _campaign(campaign_id)
    return _plan_page(campaign, _plan(campaign, unit_code))


def _refused(campaign, plan, error: RecordError, form: str):
    db.session.rollback()
    if error.status == 403:
        abort(403)
    if error.status == 404:
        abort(404)
    db.session.refresh(plan)
    errors = dict(getattr(error, "problems", None) or {error.field or "form": error.message})
    return _plan_page(campaign, plan, errors, dict(request.form), error.status, form=form)


@bp.route("/campaigns/<int:campaign_id>/par-plans/<unit_code>/edit", methods=["POST"])
@login_required
def par_plan_edit(campaign_id, unit_code):
    campaign = _campaign(campaign_id)
    plan = _plan(campaign, unit_code)
    _csrf()
    errors: dict = {}
    due_on = _day("due_on", errors)
    if errors:
        return _plan_page(campaign, plan, errors, dict(request.form), 422, form="plan")
    try:
        edit_plan(plan, current_user, title=request.form.get("title", ""), due_on=due_on)
    except RecordError as error:
        return _refused(campaign, plan, error, "plan")
    db.session.commit()
    flash(_("The plan is saved."), "info")
    return redirect(url_for("web.par_plan_page", campaign_id=campaign.id, unit_code=unit_code))


@bp.route("/campaigns/<int:campaign_id>/par-plans/<unit_code>/versions", methods=["POST"])
@login_required
def par_plan_version(campaign_id, unit_code):
    campaign = _campaign(campaign_id)
    plan = _plan(campaign, unit_code)
    _csrf()
    errors: dict = {}
    issued_on = _day("issued_on", errors)
    if errors:
        return _plan_page(campaign, plan, errors, dict(request.form), 422, form="version")
    cancel = [int(i) for i in request.form.getlist("cancel") if i.isdecimal() and len(i) < 10]
    try:
        version = issue_version(plan, VersionFields(
            request.form.get("decision_number", ""), issued_on, _int("document_id"),
            request.form.get("note", ""), cancel), current_user)
    except RecordError as error:
        return _refused(campaign, plan, error, "version")
    db.session.commit()
    flash(_("The plan is issued.") if version.number == 1 else
          _("Amendment %(number)s is recorded.", number=version.number - 1), "info")
    return redirect(url_for("web.par_plan_page", campaign_id=campaign.id, unit_code=unit_code))


def _task_fields(errors: dict) -> TaskFields:
    return TaskFields(
        title=request.form.get("title", ""), number=request.form.get("number", ""),
        expected_result=request.form.get("expected_result", ""),
        domain=request.form.get("domain", ""),
        lead_unit_code=request.form.get("lead_unit_code", ""),
        cooperating=[c.strip() for c in request.form.get("cooperating", "").replace(
            ",", ";").split(";") if c.strip()],
        deadline=_day("deadline", errors), status=request.form.get("status", "open"))


@bp.route("/campaigns/<int:campaign_id>/par-plans/<unit_code>/tasks", methods=["POST"])
@login_required
def par_plan_add_task(campaign_id, unit_code):
    campaign = _campaign(campaign_id)
    plan = _plan(campaign, unit_code)
    _csrf()
    errors: dict = {}
    fields = _task_fields(errors)
    if errors:
        return _plan_page(campaign, plan, errors, dict(request.form), 422, form="task")
    try:
        add_task(plan, fields, current_user)
    except RecordError as error:
        return _refused(campaign, plan, error, "task")
    db.session.commit()
    flash(_("The task is added."), "info")
    return redirect(url_for("web.par_plan_page", campaign_id=campaign.id, unit_code=unit_code))


def _task_page(campaign, plan, task, errors=None, typed=None, status=200):
    lead_ids = {plan.unit_id} | ({task.lead_unit_id} if task.lead_unit_id else set())
    return render_template(
        "records/plans/task.html", campaign=campaign, plan=plan, task=task,
        standing=task_standing(task, vietnam_today()), labels=STANDING_LABELS,
        writable=can_write_plan(current_user, plan) and task.cancelled_in is None,
        may_mark_done=can_mark_done(current_user, task) and task.cancelled_in is None,
        documents=_documents(campaign, lead_ids), domains=domain_codes(plan) or [],
        errors=errors or {}, typed=typed or {}), status


@bp.route("/campaigns/<int:campaign_id>/par-plans/<unit_code>/tasks/<int:task_id>",
          methods=["GET", "POST"])
@login_required
def par_task_page(campaign_id, unit_code, task_id):
    campaign = _campaign(campaign_id)
    plan = _plan(campaign, unit_code)
    try:
        task = task_of(plan, task_id)
    except RecordError:
        abort(404)
    if request.method == "GET":
        return _task_page(campaign, plan, task)
    _csrf()
    errors: dict = {}
    fields = _task_fields(errors)
    if errors:
        return _task_page(campaign, plan, task, errors, dict(request.form), 422)
    try:
        edit_task(task, fields, current_user, _int("row_version"))
    except RecordError as error:
        db.session.rollback()
        if error.status in (403, 404):
            abort(error.status)
        task = task_of(plan, task_id)
        return _task_page(campaign, plan, task, dict(getattr(error, "problems", None) or {
            error.field or "form": error.message}), dict(request.form), error.status)
    db.session.commit()
    flash(_("The task is saved."), "info")
    return redirect(url_for("web.par_plan_page", campaign_id=campaign.id, unit_code=unit_code))


@bp.route("/campaigns/<int:campaign_id>/par-plans/<unit_code>/tasks/<int:task_id>/done",
          methods=["POST"])
@login_required
def par_task_done(campaign_id, unit_code, task_id):
    campaign = _campaign(campaign_id)
    plan = _plan(campaign, unit_code)
    try:
        task = task_of(plan, task_id)
    except RecordError:
        abort(404)
    _csrf()
    errors: dict = {}
    completed_on = _day("completed_on", errors)
    if errors:
        return _task_page(campaign, plan, task, errors, dict(request.form), 422)
    try:
        mark_done(task, _int("document_id"), current_user, completed_on)
    except RecordError as error:
        db.session.rollback()
        if error.status in (403, 404):
            abort(error.status)
        task = task_of(plan, task_id)
        return _task_page(campaign, plan, task, {error.field or "form": error.message},
                          dict(request.form), error.status)
    db.session.commit()
    flash(_("The task is marked done."), "info")
    return redirect(url_for("web.par_plan_page", campaign_id=campaign.id, unit_code=unit_code))


@bp.route("/campaigns/<int:campaign_id>/par-plans/<unit_code>/take-over", methods=["POST"])
@login_required
def par_plan_take_over(campaign_id, unit_code):
    campaign = _campaign(campaign_id)
    plan = _plan(campaign, unit_code)
    _csrf()
    wanted = [int(i) for i in request.form.getlist("task_ids") if i.isdecimal() and len(i) < 10]
    try:
        copies = take_over(plan, current_user, wanted)
    except RecordError as error:
        return _refused(campaign, plan, error, "take_over")
    db.session.commit()
    flash(_("%(count)s task(s) taken over from the plan above.", count=len(copies)), "info")
    return redirect(url_for("web.par_plan_page", campaign_id=campaign.id, unit_code=unit_code))


@bp.route("/campaigns/<int:campaign_id>/par-plans/<unit_code>/tasks/import", methods=["POST"])
@login_required
def par_plan_import(campaign_id, unit_code):
    campaign = _campaign(campaign_id)
    plan = _plan(campaign, unit_code)
    _csrf()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _plan_page(campaign, plan, {"file": _("Choose an .xlsx or .csv file.")},
                          status=422, form="import")
    try:
        job = queue_task_import(plan, upload.filename, upload.read(), current_user)
    except TaskImportError as error:
        db.session.rollback()
        return _plan_page(campaign, plan, row_problems=error.problems, status=422,
                          form="import")
    except RecordError as error:
        return _refused(campaign, plan, error, "import")
    db.session.commit()
    return redirect(url_for("web.job_page", job_id=job.id))


@bp.route("/campaigns/<int:campaign_id>/par-plans/<unit_code>/tasks.xlsx")
@login_required
def par_plan_export(campaign_id, unit_code):
    campaign = _campaign(campaign_id)
    plan = _plan(campaign, unit_code)
    return xlsx_download(lambda buffer: write_task_table(plan, buffer),
                         f"nhiem-vu-{campaign.id}-{plan.unit.code}.xlsx")


def _progress(campaign: Campaign):
    by = request.args.get("by") if request.args.get("by") in (BY_PLAN, BY_LEAD) else BY_PLAN
    day = None
    text = request.args.get("day", "").strip()
    if text:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            abort(404)
    return task_progress(campaign, current_user, by=by, day=day)


@bp.route("/campaigns/<int:campaign_id>/par-plans/progress")
@login_required
def par_plans_progress(campaign_id):
    campaign = _campaign(campaign_id)
    report = _progress(campaign)
    return render_template("records/plans/progress.html", campaign=campaign, report=report,
                           labels=STANDING_LABELS, by_plan=BY_PLAN, by_lead=BY_LEAD)


@bp.route("/campaigns/<int:campaign_id>/par-plans/progress.xlsx")
@login_required
def par_plans_progress_download(campaign_id):
    campaign = _campaign(campaign_id)
    report = _progress(campaign)
    return xlsx_download(lambda buffer: write_progress_workbook(report, buffer),
                         f"tien-do-nhiem-vu-{campaign.id}-{report.by}.xlsx")


@bp.route("/assessments/<int:assessment_id>/plan/tasks", methods=["POST"])
@login_required
def unit_plan_make_tasks(assessment_id):
    """The target planner's "make tasks": the plan towards the target asked becomes tasks of
    the unit's PAR plan, led by the agency given, due on the deadline given."""
    assessment = appraisal_assessment_or_404(assessment_id)
    _csrf()
    campaign, unit = assessment.campaign, assessment.unit
    asked = {key: request.form.get(key, "").strip() for key in KEYS}
    back = url_for("web.unit_plan_page", assessment_id=assessment.id,
                   **{k: v for k, v in asked.items() if v})
    errors: dict = {}
    deadline = _day("deadline", errors)
    try:
        bands = [band.label for band in group_criteria_set(campaign, assessment.unit_group).bands]
        target = target_from(asked, bands)
        if errors:
            raise RecordError(errors["deadline"], 422, "deadline")
        tasks = make_tasks(campaign, unit.code, target, current_user,
                           lead_unit_code=request.form.get("lead_unit_code", ""),
                           deadline=deadline)
    except (TargetError, PlanError, RecordError) as error:
        db.session.rollback()
        if getattr(error, "status", None) == 403:
            abort(403)
        message = (error.message if hasattr(error, "message")
                   else "; ".join(str(m) for m in error.errors.values()))
        flash(_("No task was made: %(reason)s", reason=message), "error")
        return redirect(back)
    db.session.commit()
    flash(_("%(count)s task(s) added to the PAR plan.", count=len(tasks)), "info")
    return redirect(url_for("web.par_plan_page", campaign_id=campaign.id, unit_code=unit.code))
