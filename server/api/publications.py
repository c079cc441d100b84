"""Publications of a unit group's ranking, and a campaign's ranking settings.

Publishing and the settings are for administrators. A publication, once made, is public within
the application: any signed-in user reads it and its workbook (units study where they stand);
the live ranking and the drift check, which read current data, stay with administrators.
"""

import re

import marshmallow as ma
from flask import g, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from server.api.auth import admin_required, token_required
from server.api.jobs import file_or_accepted
from server.api.problems import problem_response, problems, table_file_problem, uploaded_file
from server.api.schemas import StrictSchema, answers, multipart, query
from server.api.survey import admin_campaign
from server.campaigns.settings import TIE_COMPARE, TIE_RANKS
from server.downloads import XLSX, xlsx_download
from server.extensions import db
from server.jobs.runner import job_dict
from server.models import Campaign, Publication, User
from server.people.groups import group_label, group_labels
from server.results.imported import (
    ImportedResultsError,
    ImportRequest,
    find_criteria_set,
    import_results,
    write_template,
)
from server.results.publication_status import (
    drift,
    workbook_name,
    write_publication_workbook,
)
from server.results.publications import PublicationError, imported_source
from server.results.publishing import queue_publication
from server.results.ranking_settings import (
    KEEP,
    SettingsError,
    ranking_settings,
    update_ranking_settings,
)
from server.results.workbook_jobs import publication_workbook_job

blp = Blueprint("publications", __name__, url_prefix="/api/v1",
                description="Công bố (publications) and ranking settings")


class PublishSchema(StrictSchema):
    group = ma.fields.String(required=True)
    reason = ma.fields.String(load_default="")
    confirm_gaps = ma.fields.Boolean(load_default=False, metadata={
        "description": "go on although dossiers have unanswered or unappraised items "
                       "(a reason is then required)"})


class TieRuleSchema(StrictSchema):
    compare = ma.fields.String(allow_none=True, load_default=None,
                               metadata={"enum": list(TIE_COMPARE)})
    ranks = ma.fields.String(allow_none=True, load_default=None,
                             metadata={"enum": list(TIE_RANKS)})


class NotRankedSchema(StrictSchema):
    unit_code = ma.fields.String(required=True)
    reason = ma.fields.String(load_default="")


class RankingSettingsSchema(StrictSchema):
    tie_rule = ma.fields.Nested(TieRuleSchema, allow_none=True, metadata={
        "description": "null to follow each criteria set's own rule"})
    not_ranked = ma.fields.List(ma.fields.Nested(NotRankedSchema), metadata={
        "description": "the full list of units scored but not ranked, each with a reason"})
    reason = ma.fields.String(load_default="")


class RankingSettingsReplaceSchema(RankingSettingsSchema):
    """PUT replaces both settings: both are required (null clears the tie rule)."""

    tie_rule = ma.fields.Nested(TieRuleSchema, required=True, allow_none=True, metadata={
        "description": "null to follow each criteria set's own rule"})
    not_ranked = ma.fields.List(ma.fields.Nested(NotRankedSchema), required=True, metadata={
        "description": "the full list of units scored but not ranked, each with a reason"})


def publication_dict(publication: Publication, publisher: User | None,
                     latest_number: int | None = None, source: str | None = None,
                     group_names: dict[str, str] | None = None) -> dict:
    """`group_names` (code -> label, read once for a list) or the group's label is read."""
    group = publication.unit_group
    body = {
        "id": publication.id,
        "campaign_id": publication.campaign_id,
        "group": group,
        "group_label": (group_names.get(group, group) if group_names is not None
                        else group_label(group)),
        "number": publication.number,
        "correction": publication.number > 1,
        "criteria_set": {"id": publication.criteria_set_id,
                         "version": publication.criteria_set_version},
        "engine_version": publication.engine_version,
        "tie_rule": publication.tie_rule,
        "inputs_digest": publication.inputs_digest,
        "published_at": publication.published_at.isoformat(),
        "published_by": None if publisher is None else {
            "id": publisher.id, "username": publisher.username,
            "full_name": publisher.full_name},
        "reason": publication.reason,
        "changes": publication.changes,
        # Imported from the official table of a past year (`source`: the decision).
        "imported": publication.imported,
        "source": source if source is not None else imported_source(publication),
    }
    if latest_number is not None:
        body["latest"] = publication.number == latest_number
    return body


def _latest_numbers(campaign_id: int) -> dict[str, int]:
    return dict(db.session.execute(
        select(Publication.unit_group, func.max(Publication.number))
        .where(Publication.campaign_id == campaign_id).group_by(Publication.unit_group)).all())


def _publication(publication_id: int) -> tuple[Publication, User | None]:
    row = db.session.execute(
        select(Publication, User).outerjoin(User, Publication.published_by == User.id)
        .where(Publication.id == publication_id)).first()
    if row is None:
        abort(404, message=f"publication {publication_id} does not exist")
    return row[0], row[1]


@blp.route("/campaigns/<int:campaign_id>/publications")
class Publications(MethodView):
    @query(blp, "group", "only this unit group's publications")
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id):
        """The campaign's publications (`?group=` for one unit group), latest first; without
        their results. Any signed-in user."""
        if db.session.get(Campaign, campaign_id) is None:
            abort(404, message=f"campaign {campaign_id} does not exist")
        query = (select(Publication, User).options(defer(Publication.results))
                 .outerjoin(User, Publication.published_by == User.id)
                 .where(Publication.campaign_id == campaign_id)
                 .order_by(Publication.unit_group, Publication.number.desc()))
        if request.args.get("group"):
            query = query.where(Publication.unit_group == request.args["group"])
        latest, names = _latest_numbers(campaign_id), group_labels()
        rows = db.session.execute(query).all()
        # The results stay unread: the decisions of imported ones are read in one statement.
        imported = [p.id for p, _u in rows if p.imported]
        sources = {pid: (results.get("imported") or {}).get("source", "")
                   for pid, results in db.session.execute(
                       select(Publication.id, Publication.results)
                       .where(Publication.id.in_(imported)))} if imported else {}
        return {"publications": [publication_dict(p, u, latest[p.unit_group], sources.get(p.id),
                                                  names)
                                 for p, u in rows]}

    @answers(blp, 202)
    @token_required
    @admin_required
    @blp.arguments(PublishSchema)
    @problems(409)
    def post(self, payload, campaign_id):
        """Publish a unit group: freeze its ranking and publish its finalised dossiers.

        A job does it: 202 with the job (follow `/api/v1/jobs/{id}`; once done, its
        `result_link` is the published ranking and its `result` names the publication). The
        same publication asked again before it is made is the same job. The second and later
        publications are corrections and need a `reason`. Refused at once: 409 names the units
        not finalised yet (`errors[0].units`), or nothing changed; 422 with `gaps` lists the
        dossiers with unanswered or unappraised items: send `confirm_gaps` and a `reason`."""
        campaign = admin_campaign(campaign_id)
        try:
            job = queue_publication(campaign, payload["group"], g.api_user, payload["reason"],
                                    payload["confirm_gaps"])
        except PublicationError as error:
            return _refused(error)
        db.session.commit()
        return job_dict(job), 202, {"Location": url_for("jobs.JobState", job_id=job.id)}


def _refused(error: PublicationError):
    db.session.rollback()
    errors = [{"field": field, "message": str(error)} for field in error.fields or ["group"]]
    if error.units:
        errors[0]["units"] = error.units
    return problem_response(
        error.status, str(error), errors=errors,
        extra={"gaps": [gap.to_dict() for gap in error.gaps]} if error.gaps else None)


@blp.route("/publications/import")
class PublicationImport(MethodView):
    @answers(blp, 201)
    @multipart(blp, required=("file", "year", "group", "criteria_set"),
               year="the year, such as 2024", group="the unit group's code",
               criteria_set="the criteria set, id@version", source="the decision published",
               tie_compare="the tie rule's comparison", tie_ranks="the tie rule's ranks",
               reason="why the group is imported again")
    @token_required
    @admin_required
    @problems(409, 422)
    def post(self):
        """Import a past year's published results (multipart: `file` .xlsx or .csv in the
        template's layout, `year`, `group`, `criteria_set` id@version, `source` the decision,
        `tie_compare`, `tie_ranks`, and `reason` to import the group again). Creates or reuses
        a closed campaign of the year. All or nothing: 422 lists every bad row."""
        form = request.form
        upload = uploaded_file()
        year = form.get("year", "").strip()
        if not re.fullmatch("[0-9]{4}", year):  # not isdigit(): "²" is a digit int() refuses
            return problem_response(422, errors=[{"field": "year",
                                                  "message": "must be a year such as 2024"}])
        import_request = ImportRequest(
            int(year), form.get("group", ""), form.get("criteria_set", ""),
            form.get("source", ""), form.get("tie_compare", ""), form.get("tie_ranks", ""),
            form.get("reason", ""))
        try:
            publication = import_results(import_request, upload.filename, upload.read(),
                                         g.api_user)
        except ImportedResultsError as error:
            db.session.rollback()
            return table_file_problem(error)
        except PublicationError as error:
            return _refused(error)
        return publication_dict(publication, g.api_user, publication.number), 201


@blp.route("/publications/import-template.xlsx")
class PublicationImportTemplate(MethodView):
    @query(blp, "criteria_set", "the criteria set, id@version", required=True)
    @answers(blp, 200, XLSX)
    @token_required
    @admin_required
    @problems(422)
    def get(self):
        """The table to fill in for `?criteria_set=id@version`: the set's domains as columns."""
        reference = request.args.get("criteria_set", "")
        criteria_set = find_criteria_set(reference) if "@" in reference else None
        if criteria_set is None:
            return problem_response(422, errors=[{
                "field": "criteria_set",
                "message": f"{reference!r} is not an installed criteria set (id@version)"}])
        return xlsx_download(lambda buffer: write_template(criteria_set, buffer),
                             f"mau-ket-qua-da-cong-bo-{criteria_set.id}.xlsx")


@blp.route("/publications/<int:publication_id>")
class PublicationView(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, publication_id):
        """One publication with its frozen ranking (`ranking`, as the ranking endpoint
        answers it). Any signed-in user."""
        publication, publisher = _publication(publication_id)
        latest = _latest_numbers(publication.campaign_id)[publication.unit_group]
        return {**publication_dict(publication, publisher, latest),
                "ranking": publication.results["ranking"]}


@blp.route("/publications/<int:publication_id>/ranking.xlsx")
class PublicationWorkbook(MethodView):
    @answers(blp, 200, XLSX)
    @answers(blp, 202)
    @token_required
    def get(self, publication_id):
        """The ranking workbook written from the publication's snapshot alone. A group larger
        than PARINDEX_WORKBOOK_JOB_UNITS is written once by a job: 202 with the job until it
        is done (follow `/api/v1/jobs/{id}`, then `/api/v1/jobs/{id}/file`), the file after."""
        publication, _publisher = _publication(publication_id)
        job = publication_workbook_job(publication, g.api_user)
        if job is not None:
            db.session.commit()
            return file_or_accepted(job)
        try:
            return xlsx_download(lambda buffer: write_publication_workbook(publication, buffer),
                                 workbook_name(publication))
        except PublicationError as error:
            return problem_response(error.status, str(error))


@blp.route("/publications/<int:publication_id>/drift")
class PublicationDrift(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, publication_id):
        """Whether the current data still gives the published results; `correction_due` when
        the inputs digest or any published figure would differ. Administrators only."""
        publication, _publisher = _publication(publication_id)
        admin_campaign(publication.campaign_id)
        return {"publication_id": publication.id, "inputs_digest": publication.inputs_digest,
                **drift(publication)}


@blp.route("/campaigns/<int:campaign_id>/ranking-settings")
class RankingSettings(MethodView):
    @answers(blp, 200)
    @token_required
    def get(self, campaign_id):
        """The campaign's tie rule (null: each criteria set's) and units not ranked."""
        return ranking_settings(admin_campaign(campaign_id))

    @answers(blp, 200)
    @token_required
    @admin_required
    @blp.arguments(RankingSettingsReplaceSchema)
    def put(self, payload, campaign_id):
        """Replace both settings: `tie_rule` (compare unrounded|rounded and ranks
        shared|distinct, both or null) and the full `not_ranked` list (reason required)."""
        return _update(campaign_id, payload)

    @answers(blp, 200)
    @token_required
    @admin_required
    @blp.arguments(RankingSettingsSchema)
    def patch(self, payload, campaign_id):
        """Change only the settings given."""
        return _update(campaign_id, payload)


def _update(campaign_id: int, payload: dict):
    campaign = admin_campaign(campaign_id)
    try:
        update_ranking_settings(
            campaign, g.api_user, tie_rule=payload.get("tie_rule", KEEP),
            not_ranked=payload.get("not_ranked", KEEP), reason=payload["reason"])
    except SettingsError as error:
        db.session.rollback()
        return problem_response(422, errors=[{"field": field, "message": str(message)}
                                             for field, message in error.errors.items()])
    db.session.commit()
    return ranking_settings(campaign)
