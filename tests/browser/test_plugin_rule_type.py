"""A rule type added by a plugin (`parindex_rule_types`) is filled in through the browser with
the widget it declares, on the self-assessment form."""

import threading

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from server.extensions import db
from server.models import Answer
from tests.browser.test_self_assessment_flow import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def plugin_server(app_factory, app):
    plugged = app_factory(PLUGIN_MODULES=["tests.plugins.sample_plugin"])
    server = make_server("127.0.0.1", 0, plugged, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with plugged.app_context():
        yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_an_editor_fills_in_a_plugin_rule_type(plugin_server, page, make):
    unit = make.unit("XA", level="commune", name="UBND xã Quảng Phú")
    dossier = make.assessment(make.campaign(2024, pins=(("commune", "sample-commune",
                                                         "0.1.0"),)), unit)
    make.user("unit_editor", unit, username="canbo-xa")
    log_in(page, plugin_server, "canbo-xa")
    page.goto(f"{plugin_server}/assessments/{dossier.id}")
    expect(page.locator("#total")).to_have_text("0")
    widget = page.locator("#leaf-1\\.1\\.1 select[name='v-1.1.1']")
    expect(widget.locator("option")).to_have_text(["–", "Đầy đủ (2)", "Một nửa",
                                                   "Không thực hiện (0)"])
    widget.select_option(label="Một nửa")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu.")).to_be_visible()
    expect(page.locator("#total")).to_have_text("1")
    expect(page.locator("#leaf-1\\.1\\.1 select[name='v-1.1.1']")).to_have_value("half")
    db.session.expire_all()
    assert db.session.scalar(select(Answer.value).where(Answer.assessment_id == dossier.id)) \
        == "half"
