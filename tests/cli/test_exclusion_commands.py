"""`parindex exclusions list|set|clear`, and publishing with gaps from the command line."""

from sqlalchemy import select

from server.extensions import db
from server.models import Assessment, AuditEvent, Publication
from tests.cli.test_commands import run
from tests.publication_data import finalised_group

REASON = "Đơn vị không có thủ tục hành chính"


def test_set_list_and_clear_exclusions(app, make):
    campaign = make.campaign()
    make.assessment(campaign, make.unit("STP", level="province"))
    result = run(app, "exclusions", "set", str(campaign.id), "STP", "3", "5.2.1",
                 "--reason", REASON)
    assert result.exit_code == 0, result.output
    assert "2 exclusion(s) set for STP: 3, 5.2.1" in result.output
    listed = run(app, "exclusions", "list", str(campaign.id))
    assert listed.output.splitlines() == [f"STP\t3\t{REASON}", f"STP\t5.2.1\t{REASON}"]
    assert run(app, "exclusions", "clear", str(campaign.id), "STP", "5.2.1").exit_code == 0
    assert run(app, "exclusions", "list", str(campaign.id), "STP").output.splitlines() == [
        f"STP\t3\t{REASON}"]
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.startswith("exclusion.")).order_by(AuditEvent.id)).all()
    assert actions == ["exclusion.set", "exclusion.set", "exclusion.cleared"]


def test_refusals_name_the_problem_and_write_nothing(app, make):
    campaign = make.campaign()
    make.assessment(campaign, make.unit("STP", level="province"))
    bad = run(app, "exclusions", "set", str(campaign.id), "STP", "9.9", "--reason", REASON)
    assert bad.exit_code != 0 and "9.9" in bad.output
    no_reason = run(app, "exclusions", "set", str(campaign.id), "STP", "3", "--reason", " ")
    assert no_reason.exit_code != 0 and "reason" in no_reason.output
    assert run(app, "exclusions", "list", str(campaign.id)).output.strip() == "no exclusions"
    assert run(app, "exclusions", "clear", str(campaign.id), "STP", "3").exit_code != 0
    assert run(app, "exclusions", "list", "999").exit_code != 0
    assert run(app, "exclusions", "set", str(campaign.id), "NOPE", "3",
               "--reason", REASON).exit_code != 0


def test_publishing_with_gaps_needs_confirm_gaps_and_a_reason(app, make):
    campaign = finalised_group(app, make)
    make.user("admin", username="snv")
    dossier = db.session.scalars(select(Assessment)).first()
    db.session.execute(db.delete(db.metadata.tables["answers"]).where(
        db.metadata.tables["answers"].c.assessment_id == dossier.id,
        db.metadata.tables["answers"].c.source == "appraisal"))
    db.session.commit()
    refused = run(app, "publish", str(campaign.id), "province")
    assert refused.exit_code != 0 and "--confirm-gaps" in refused.output
    assert "P01" in refused.output and db.session.query(Publication).count() == 0
    done = run(app, "publish", str(campaign.id), "province", "--confirm-gaps",
               "--reason", "Công bố theo số liệu đã chốt")
    assert done.exit_code == 0, done.output
    assert db.session.query(Publication).one().reason == "Công bố theo số liệu đã chốt"
