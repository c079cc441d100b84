"""Each hook, called through a plugin registered in the running app."""

import json

import pytest

from server.extensions import db
from tests.helpers import PASSWORD, api_token, log_in
from tests.plugins import sample_plugin

MODULE = "tests.plugins.sample_plugin"


@pytest.fixture
def plugin_app(app_factory, app):
    """An app (same test database) with the sample plugin registered."""
    plugged = app_factory(PLUGIN_MODULES=[MODULE])
    with plugged.app_context():
        yield plugged


def test_criteria_set_and_rule_type_hooks(plugin_app, make):
    client = plugin_app.test_client()
    registry = plugin_app.extensions["parindex"].criteria
    assert "half_or_full" in registry.rule_types
    assert registry.get("sample-commune", "0.1.0") is not None
    headers = api_token(client, make.user("viewer"), PASSWORD)
    scored = client.post("/api/v1/criteria-sets/sample-commune/0.1.0/score", headers=headers,
                         json={"answers": {"1.1.1": {"value": "half"}, "1.1.3": {
                             "value": {"achieved": 1, "required": 2}}}}).get_json()
    # Survey optional and absent: 1.5 of 3 points, rescaled over the appraised part only.
    assert scored["index"] == "50.00"
    refused = client.post("/api/v1/criteria-sets/sample-commune/0.1.0/score", headers=headers,
                          json={"answers": {"1.1.1": {"value": "double"}}})
    assert refused.status_code == 422


def test_event_hook_receives_writes_inside_the_transaction(plugin_app):
    from server.models import AuditEvent
    from server.people.users import create_user

    sample_plugin.EVENTS.clear()
    create_user("nguyenvana", "a long password", [("viewer", "")])
    db.session.commit()
    assert [e.action for e in sample_plugin.EVENTS] == ["user.created"]
    assert sample_plugin.EVENTS[0].after["username"] == "nguyenvana"
    assert db.session.query(AuditEvent).filter_by(action="user.created").count() == 1


def test_event_rows_roll_back_with_the_write(plugin_app):
    from server.models import AuditEvent
    from server.people.users import create_user

    create_user("tranthib", "a long password", [("viewer", "")])
    db.session.rollback()
    assert db.session.query(AuditEvent).count() == 0


def test_command_hook(plugin_app):
    result = plugin_app.test_cli_runner().invoke(args=["parindex", "hello", "Hà Nội"])
    assert result.exit_code == 0
    assert result.output == "xin chào Hà Nội\n"


def test_menu_hook(plugin_app, make):
    client = plugin_app.test_client()
    log_in(client, make.user("viewer"), PASSWORD)
    assert 'href="/plugin-page">Mục của plugin</a>' in client.get("/").get_data(as_text=True)


def test_plugins_are_listed_with_versions(plugin_app):
    result = plugin_app.test_cli_runner().invoke(args=["parindex", "plugins", "--format", "json"])
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows[MODULE]["hooks"] == sorted(
        name for name in dir(sample_plugin) if name.startswith("parindex_"))
    assert rows["province-2020"]["version"] == "0.1.0"
    assert rows["province-2020"]["origin"] == "built-in"
    assert rows[MODULE]["origin"] == f"PARINDEX_PLUGIN_MODULES: {sample_plugin.__file__}"
    assert rows[MODULE]["version"] == "–"
    text = plugin_app.test_cli_runner().invoke(args=["parindex", "plugins"]).output
    assert f"{MODULE} –\n  origin: PARINDEX_PLUGIN_MODULES: {sample_plugin.__file__}\n" in text
    assert "province-2020 0.1.0\n  origin: built-in\n  hooks: parindex_criteria_sets" in text


def test_allow_list_limits_the_plugins(app_factory, app):
    limited = app_factory(PLUGINS=["rule-types", "audit", "core-menu"])
    assert limited.extensions["parindex"].criteria.get("province-2020") is None


def test_invalid_set_is_refused_with_every_problem_and_others_still_load(app_factory, app):
    plugged = app_factory(PLUGIN_MODULES=["tests.plugins.broken_plugin"])
    registry = plugged.extensions["parindex"].criteria
    assert registry.get("broken-set") is None
    assert registry.get("province-2020") is not None
    (path, error), = registry.errors.items()
    message = str(error)
    assert path.endswith("broken_set.yaml")
    assert "broken_set.yaml: 1.1.1:" in message
    assert "no_such_rule" in message
    assert "1.1.1: code '1.1.1' is used more than once" in message
    with plugged.app_context():
        result = plugged.test_cli_runner().invoke(args=["parindex", "plugins"])
    assert "broken_set.yaml" in result.output


def test_evidence_storage_hook(app_factory, app, make):
    import io

    from server.assessment import evidence
    from server.extensions import db as database

    plugged = app_factory(PLUGIN_MODULES=[MODULE], EVIDENCE_STORAGE="memory")
    with plugged.app_context():
        unit = make.unit("ME")
        campaign = make.campaign()
        editor = make.user("unit_editor", unit)
        pdf = b"%PDF-1.4\n% memory\n"
        document, = evidence.upload(campaign.id, unit.id, editor,
                                    [("kh.pdf", io.BytesIO(pdf))], {"title": "Kế hoạch"})
        store = sample_plugin.STORES[-1]
        assert list(store.objects.values()) == [pdf]
        assert evidence.open_revision(document.current).read() == pdf
        database.session.remove()
