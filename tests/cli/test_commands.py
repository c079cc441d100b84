"""The administrator's commands, run through Flask's CLI runner on the test database."""

import json

from sqlalchemy import select

from server.extensions import db
from server.models import Assessment, AuditEvent, Campaign, Unit, User


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["parindex", *args], input=input)


def test_plugins_lists_builtins_with_versions(app):
    result = run(app, "plugins")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert {"audit", "core-menu", "province-2020", "rule-types"} <= set(names)


def test_criteria_show_prints_the_full_tree_as_json(app):
    result = run(app, "criteria", "show", "province-2020", "--format", "json")
    assert result.exit_code == 0
    tree = json.loads(result.output)
    assert tree["id"] == "province-2020"
    assert len(tree["domains"]) == 8
    leaf = tree["domains"][0]["criteria"][0]["sub_criteria"][0]
    assert {"code", "title", "max_points", "rule", "verified"} <= set(leaf)
    assert leaf["verified"] is False


def test_criteria_show_unknown_set(app):
    result = run(app, "criteria", "show", "no-such-set")
    assert result.exit_code != 0
    assert "no-such-set is not installed" in result.output


def test_score_prints_scores_index_and_trace(app, tmp_path):
    leaves = app.extensions["parindex"].criteria.get("province-2020").leaves()
    answers = {leaf.code: {"value": leaf.rule.max_input()} for leaf in leaves}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": answers}, default=str), encoding="utf-8")
    result = run(app, "score", "province-2020", str(path))
    assert result.exit_code == 0, result.output
    scored = json.loads(result.output)
    assert scored["index"] == "100.00"
    assert len(scored["trace"]) == 102


def test_score_refuses_bad_answers_listing_each(app, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"answers": {"9.9.9": {"value": 1}, "1.1.1": {"value": "??"}}}))
    result = run(app, "score", "province-2020", str(path))
    assert result.exit_code == 1
    assert "9.9.9:" in result.output and "1.1.1:" in result.output


def test_score_refuses_a_file_that_is_not_json(app, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text("{not json")
    result = run(app, "score", "province-2020", str(path))
    assert result.exit_code != 0
    assert "not valid JSON" in result.output


def test_create_user_with_scoped_role(app, make):
    make.unit("STP")
    result = run(app, "create-user", "hoa", "--role", "unit_editor:STP", "--full-name",
                 "Trần Thị Hoa", input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "hoa"))
    assert user.check_password("a long password")
    assert [(m.role, m.unit.code) for m in user.memberships] == [("unit_editor", "STP")]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))


def test_create_user_refuses_every_problem_and_writes_nothing(app):
    result = run(app, "create-user", "  ", "--role", "boss", "--role", "unit_editor:NOPE",
                 "--password", "short")
    assert result.exit_code != 0
    for problem in ("username: không được để trống", "password: cần ít nhất 8 ký tự",
                    "'boss' không thuộc các giá trị", "không có đơn vị 'NOPE'"):
        assert problem in result.output
    assert db.session.query(User).count() == 0
    assert db.session.query(AuditEvent).count() == 0


def test_demo_loads_once(app):
    assert "demo data loaded" in run(app, "demo", "--if-empty").output
    units = db.session.query(Unit).count()
    assert db.session.query(Unit).filter_by(level="department").count() >= 20
    assert db.session.query(Unit).filter_by(level="district").count() == 8
    assert db.session.query(Unit).filter_by(level="commune").count() >= 20
    assert {u.username for u in db.session.scalars(select(User))} == {
        "admin", "thamdinh", "thamdinh2", "hoidong", "lanhdao", "canbo", "xem"}
    campaign = db.session.scalar(select(Campaign).filter_by(year=2021))
    assert campaign.state == "open"
    assert campaign.pin_for("province").criteria_set_id == "province-2020"
    # Opened through the campaign service: one dossier for the province and each department.
    assert db.session.query(Assessment).filter_by(campaign_id=campaign.id).count() == 21
    assert "not loaded" in run(app, "demo", "--if-empty").output
    assert db.session.query(Unit).count() == units


def test_demo_reviewer_is_assigned_and_the_audit_chain_verifies(app):
    from server.campaigns.reviewers import may_appraise

    run(app, "demo")
    reviewer = db.session.scalar(select(User).where(User.username == "thamdinh"))
    assessment = db.session.scalar(select(Assessment))
    assert may_appraise(reviewer, assessment, "4")
    assert not may_appraise(reviewer, assessment, "2")
    result = run(app, "audit", "verify")
    assert result.exit_code == 0, result.output


def test_assign_reviewer_from_the_command_line(app, make):
    from server.models import ReviewerAssignment

    campaign = make.campaign()
    make.user("reviewer", username="thamdinh2")
    make.user("viewer", username="xem2")
    result = run(app, "assign-reviewer", "thamdinh2", "--campaign", str(campaign.id),
                 "--domain", "4", "--domain", "1", "--group", "department")
    assert result.exit_code == 0, result.output
    row = db.session.scalar(select(ReviewerAssignment))
    assert (row.domains, row.unit_group) == (["1", "4"], "department")
    refused = run(app, "assign-reviewer", "xem2", "--campaign", str(campaign.id), "--domain", "1")
    assert refused.exit_code != 0
    assert "reviewer" in refused.output
    assert run(app, "assign-reviewer", "thamdinh2", "--campaign", "999",
               "--domain", "1").exit_code != 0
    assert db.session.query(ReviewerAssignment).count() == 1
