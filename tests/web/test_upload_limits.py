"""An upload over the server's request limit (PARINDEX_MAX_REQUEST_MB) on the evidence page gets
the page again with the reason in Vietnamese, not the bare error page; the API keeps its
problem+json 413. The page carries the limits its script checks before sending."""

import io

import pytest

from tests.helpers import csrf_token

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def small_app(app_factory, app):
    """The same database, with a request limit of 1 MB and a file limit of 1 MB."""
    limited = app_factory(MAX_CONTENT_LENGTH=1024 * 1024, EVIDENCE_MAX_MB=1)
    with limited.app_context():
        yield limited


def _editor_client(app, make):
    from tests.helpers import PASSWORD, log_in

    unit = make.unit("QB", level="province")
    dossier = make.assessment(make.campaign(), unit)
    client = app.test_client()
    log_in(client, make.user("unit_editor", unit), PASSWORD)
    return client, dossier


def test_an_upload_over_the_request_limit_shows_the_library_with_the_reason(small_app, make):
    client, dossier = _editor_client(small_app, make)
    url = f"/assessments/{dossier.id}/evidence"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert f'data-max-bytes="{1024 * 1024 - 64 * 1024}"' in html
    assert f'data-max-file-bytes="{1024 * 1024}"' in html and "upload_limit.js" in html
    response = client.post(url, data={
        "csrf_token": csrf_token(page), "number": "12/KH-UBND", "title": "Kế hoạch",
        "files": [(io.BytesIO(PDF + b"0" * (2 * 1024 * 1024)), "lon.pdf")]},
        content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Chưa tải lên tệp nào: tổng dung lượng các tệp lớn hơn 1 MB" in text
    assert 'name="number"' in text and 'id="upload"' in text  # the form, to try again
    assert "Đã có lỗi xảy ra" not in text
    # A revision over the limit alike.
    response = client.post(f"{url}/1/revisions", data={
        "csrf_token": csrf_token(page),
        "files": [(io.BytesIO(PDF + b"0" * (2 * 1024 * 1024)), "lon.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 413 and "Chưa tải lên tệp nào" in response.get_data(
        as_text=True)


def test_elsewhere_and_in_the_api_the_413_is_what_it_was(small_app, make, token_for):
    client, dossier = _editor_client(small_app, make)
    body = {"csrf_token": "x", "name": "y" * (2 * 1024 * 1024)}
    assert client.post("/admin/units", data=body).status_code == 413
    headers = token_for(make.user("unit_editor", dossier.unit))
    response = client.post(f"/api/v1/assessments/{dossier.id}/evidence", headers=headers,
                           data={"files": [(io.BytesIO(b"0" * (2 * 1024 * 1024)), "a.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
