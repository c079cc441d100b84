"""Notifications, hung on the event hook: an in-app row per recipient, written in the event's
own transaction, and an e-mail in Vietnamese with a link, put in the outbox in the same
transaction and sent by a job once it commits (server.notify.mail).

Who hears of what:
- the unit's heads and editors: explanation requested, finalised, published, deadlines;
- a PAR plan task's lead unit's heads and editors: the task's deadline coming;
- administrators and the reviewers assigned to the unit in the campaign: submitted, explained.
"""

from flask import current_app, url_for
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select

from server.campaigns.reviewers import assignments, belongs_to
from server.campaigns.workflow import STATES
from server.extensions import db
from server.hookspecs import hookimpl
from server.models import Assessment, Campaign, Notification, RoleMembership, Unit, User
from server.notify.mail import Mail, queue_mail
from server.people.permissions import UNIT_ROLES

# The workflow events that notify someone, and the notification kind they become.
KINDS = {
    "assessment.submit": "submitted",
    "assessment.request_explanation": "explanation_requested",
    "assessment.explain": "explained",
    "assessment.finalise": "finalised",
}
TO_UNIT = ("explanation_requested", "finalised", "published", "deadline")
REMINDER_ACTION = "assessment.deadline_reminder"
# A PAR plan task's deadline (server.records.task_progress): the lead unit's heads and editors.
TASK_REMINDER_ACTION = "par_task.deadline_reminder"
REPORT_REMINDER_ACTION = "report.due_reminder"


@hookimpl
def parindex_event(event):
    if event.action == "publication.published":
        return _published(event)
    if event.action == TASK_REMINDER_ACTION:
        return _task_reminder(event)
    if event.action == REPORT_REMINDER_ACTION:
        return _report_due(event)
    if event.object_type != "assessment" or event.object_id is None:
        return
    if event.action == REMINDER_ACTION:
        kind, template = f"deadline_{event.extra['days']}", "deadline"
    elif event.action in KINDS:
        kind = template = KINDS[event.action]
    else:
        return
    assessment = db.session.get(Assessment, int(event.object_id))
    if assessment is None:
        return
    for user in recipients(assessment, template):
        notify(user, assessment, kind, template, reason=event.reason, **event.extra)


def _published(event) -> None:
    """A publication moves its group's dossiers at once: each unit hears of it, its people
    read in one query for the whole group."""
    ids = (event.after or {}).get("published_dossiers") or []
    if not ids:
        return
    units = dict(db.session.execute(select(Assessment.id, Assessment.unit_id)
                                    .where(Assessment.id.in_(ids))).all())
    people: dict[int, dict[int, User]] = {}
    for unit_id, user in db.session.execute(
            select(RoleMembership.unit_id, User).join(User, RoleMembership.user_id == User.id)
            .where(RoleMembership.unit_id.in_(set(units.values())),
                   RoleMembership.role.in_(UNIT_ROLES), User.active)):
        people.setdefault(unit_id, {})[user.id] = user
    # Whole dossiers only for the units someone will hear from.
    dossiers = db.session.scalars(select(Assessment).where(Assessment.id.in_(
        [id_ for id_, unit_id in units.items() if unit_id in people])).order_by(Assessment.id))
    for assessment in dossiers:
        for _user_id, user in sorted(people.get(assessment.unit_id, {}).items()):
            notify(user, assessment, "published", "published", reason=event.reason)


def _task_reminder(event) -> None:
    extra = event.extra
    campaign = db.session.get(Campaign, extra["campaign_id"])
    unit = db.session.get(Unit, extra["lead_unit_id"])
    plan_unit = db.session.scalar(select(Unit).where(Unit.code == extra["plan_unit"]))
    path = current_app.url_map.bind("localhost").build(
        "web.par_plan_page", {"campaign_id": campaign.id, "unit_code": plan_unit.code})
    users = db.session.scalars(select(User).join(RoleMembership).where(
        RoleMembership.unit_id == unit.id, RoleMembership.role.in_(UNIT_ROLES), User.active)
        .order_by(User.id)).unique()
    for user in users:
        with force_locale("vi"):
            values = {"user": user, "unit": unit, "plan_unit": plan_unit, "campaign": campaign,
                      "title": extra["title"], "days": extra["days"],
                      "deadline": extra["deadline"].strftime("%d/%m/%Y"),
                      "link": current_app.config["BASE_URL"] + path}
            jinja = current_app.jinja_env.get_template("email/task_deadline.txt")
            rendered = jinja.new_context(values)
            subject = "".join(jinja.blocks["subject"](rendered)).strip()
            body = "".join(jinja.blocks["body"](rendered)).strip() + "\n"
        db.session.add(Notification(user_id=user.id, kind=f"task_deadline_{extra['days']}",
                                    subject=subject[:255], body=body, link=values["link"],
                                    unit_id=unit.id))
        if user.email:
            queue_mail(db.session, Mail(to=user.email, subject=subject, body=body))


def _report_due(event) -> None:
    """A periodic report not yet sent, due in a few days: the unit's heads and editors hear of
    it (server.records.reports.send_report_reminders), linked to the unit's report page."""
    unit = db.session.get(Unit, event.unit_id)
    if unit is None:
        return
    users = db.session.scalars(select(User).join(RoleMembership).where(
        RoleMembership.unit_id == unit.id, RoleMembership.role.in_(UNIT_ROLES),
        User.active).order_by(User.id)).unique()
    extra = event.extra
    path = current_app.url_map.bind("localhost").build(
        "web.periodic_report_unit", {"campaign_id": extra["campaign_id"], "unit_code": unit.code})
    link = current_app.config["BASE_URL"] + path
    for user in users:
        with force_locale("vi"):
            values = {"user": user, "unit": unit, "days": extra["days"],
                      "label": extra["label"], "domain": extra.get("domain", ""),
                      "due": extra["due_on"].strftime("%d/%m/%Y"), "link": link}
            jinja = current_app.jinja_env.get_template("email/report_due.txt")
            rendered = jinja.new_context(values)
            subject = "".join(jinja.blocks["subject"](rendered)).strip()
            body = "".join(jinja.blocks["body"](rendered)).strip() + "\n"
        db.session.add(Notification(user_id=user.id, kind=f"report_due_{extra['days']}",
                                    subject=subject[:255], body=body, link=link,
                                    unit_id=unit.id))
        if user.email:
            queue_mail(db.session, Mail(to=user.email, subject=subject, body=body))


def recipients(assessment: Assessment, template: str) -> list[User]:
    if template in TO_UNIT:
        query = select(User).join(RoleMembership).where(
            RoleMembership.unit_id == assessment.unit_id, RoleMembership.role.in_(UNIT_ROLES))
        users = list(db.session.scalars(query).unique())
    else:
        admins = db.session.scalars(select(User).join(RoleMembership)
                                    .where(RoleMembership.role == "admin")).unique()
        reviewers = [a.reviewer for a in assignments(assessment.campaign_id)
                     if a.covers(assessment.unit_group)]
        users = [u for u in [*admins, *reviewers] if not belongs_to(u, assessment.unit_id)]
    unique = {u.id: u for u in users if u.active}
    return [unique[k] for k in sorted(unique)]


def assessment_link(assessment: Assessment, template: str = "") -> str:
    # Built without a request (the CLI sends reminders too); BASE_URL says where users are.
    # The explanation round leads the unit to its questions and the reviewers back to appraising.
    endpoint = "web.assessment_workflow"
    if template == "explanation_requested" or (
            template == "deadline" and assessment.state == "explanation_requested"):
        endpoint = "web.explanation_page"
    elif template == "explained":
        endpoint = "web.appraisal_page"
    path = current_app.url_map.bind("localhost").build(
        endpoint, {"assessment_id": assessment.id})
    return current_app.config["BASE_URL"] + path


def notify(user: User, assessment: Assessment, kind: str, template: str, **context) -> None:
    """Add the in-app notification and the e-mail to the outbox (sent after commit)."""
    campaign = assessment.campaign
    with force_locale("vi"):  # e-mails and the in-app text are Vietnamese
        deadline_at = context.get("deadline_at") or campaign.explanation_deadline
        values = {
            "user": user, "unit": assessment.unit, "campaign": campaign,
            "link": assessment_link(assessment, template), "state": str(STATES[assessment.state]),
            "deadline": format_datetime(deadline_at, "dd/MM/yyyy HH:mm") if deadline_at else "",
            **context,
        }
        jinja = current_app.jinja_env.get_template(f"email/{template}.txt")
        rendered = jinja.new_context(values)
        subject = "".join(jinja.blocks["subject"](rendered)).strip()
        body = "".join(jinja.blocks["body"](rendered)).strip() + "\n"
    db.session.add(Notification(user_id=user.id, kind=kind, subject=subject[:255], body=body,
                                link=values["link"], unit_id=assessment.unit_id))
    if user.email:
        queue_mail(db.session, Mail(to=user.email, subject=subject, body=body))


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


@hookimpl
def parindex_menu_items(user):
    if not user.is_authenticated:
        return []
    count = unread_count(user)
    label = _("Notifications (%(count)s)", count=count) if count else _("Notifications")
    return [{"label": label, "href": url_for("web.notifications")}]
