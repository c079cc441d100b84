"""Survey results: import a campaign's file (all or nothing) and download the template."""

from flask import g, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import token_required
from server.api.campaigns import campaign_or_404
from server.api.problems import problem_response, problems, table_file_problem, uploaded_file
from server.api.schemas import answers, multipart
from server.assessment.survey_import import (
    SurveyImportError,
    SurveyImportRefused,
    queue_survey_import,
    write_template,
)
from server.downloads import XLSX, xlsx_download
from server.extensions import db
from server.jobs.runner import job_dict
from server.models import Campaign

blp = Blueprint("survey", __name__, url_prefix="/api/v1/campaigns",
                description="Điều tra xã hội học (survey results)")


def admin_campaign(campaign_id: int) -> Campaign:
    """The campaign, for an administrator; 403 for anyone else, 404 when it does not exist."""
    if not g.api_user.has_role("admin"):
        abort(403, message="Only an administrator may do this.")
    return campaign_or_404(campaign_id)


@blp.route("/<int:campaign_id>/survey-import")
class SurveyImport(MethodView):
    @answers(blp, 202)
    @multipart(blp)
    @token_required
    @problems(409, 422)
    def post(self, campaign_id):
        """Replace the campaign's survey results with an uploaded .xlsx or .csv (field `file`).

        Unit code, survey item code, value; a header row first. A job reads and imports it:
        202 with the job (follow `/api/v1/jobs/{id}`: failed with every bad row in its error,
        or done with `result_link`). 422 at once for a file of another kind or too large; 409
        when the campaign is not open or some of its results are finalised or published.
        """
        campaign = admin_campaign(campaign_id)
        upload = uploaded_file()
        try:
            job = queue_survey_import(campaign, upload.filename, upload.read(),
                                      actor_id=g.api_user.id)
        except SurveyImportRefused as error:
            db.session.rollback()
            return problem_response(409, str(error), errors=[
                {"field": "campaign", **p.to_dict()} for p in error.problems])
        except SurveyImportError as error:
            db.session.rollback()
            return table_file_problem(error)
        db.session.commit()
        return job_dict(job), 202, {"Location": url_for("jobs.JobState", job_id=job.id)}


@blp.route("/<int:campaign_id>/survey-template.xlsx")
class SurveyTemplate(MethodView):
    @answers(blp, 200, XLSX)
    @token_required
    def get(self, campaign_id):
        """An .xlsx to fill: one row per assessed unit and survey item."""
        campaign = admin_campaign(campaign_id)
        return xlsx_download(lambda buffer: write_template(campaign, buffer),
                             f"dieu-tra-xhh-{campaign.year}.xlsx")
