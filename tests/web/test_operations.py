"""What an operator relies on: liveness and readiness probes, and JSON logs joined on the
server's own request id."""

import json
import logging

from server.logs import ACCESS, JsonFormatter


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready",
                                   "checks": {"database": "ok", "storage": "ok"}}


def test_not_ready_when_the_storage_cannot_be_written(app, client, tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    app.extensions.pop("parindex_evidence_storage", None)
    original, app.config["EVIDENCE_DIR"] = app.config["EVIDENCE_DIR"], str(blocked / "evidence")
    try:
        response = client.get("/readyz")
    finally:
        app.config["EVIDENCE_DIR"] = original
        app.extensions.pop("parindex_evidence_storage", None)
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready" and body["checks"]["database"] == "ok"
    assert body["checks"]["storage"].startswith("failed: ")


def test_one_json_access_line_per_request_with_the_servers_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger=ACCESS):
        response = client.get("/healthz", headers={"X-Request-ID": "proxy-42"})
    # Only this request's line (a live server of another test may still be logging).
    [record] = [r for r in caplog.records if r.name == ACCESS
                and r.fields["request_id"] == response.headers["X-Request-ID"]]
    with client.application.test_request_context():
        line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "request"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["client_request_id"] == "proxy-42"
    # The id is the server's own, never the caller's; the response names it.
    assert response.headers["X-Request-ID"] != "proxy-42"
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert record.fields["duration_ms"] >= 0
