"""Two app hosts behind one address serve the same users consistently: whatever one host did,
the other sees, because the app keeps no state of its own (tests/deployment/conftest.py starts
them, their worker and what they share).

A browser here is a `Browser`, a `requests.Session`: like a real browser behind a load balancer,
it sends its cookies to whichever host a request goes to (cookies do not depend on the port). A
fresh one is a client with no cookies.
"""

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select

from server.models import AuditEvent
from tests.deployment.conftest import ROOT
from tests.helpers import PASSWORD

boto3 = pytest.importorskip("boto3")

# A host that hangs fails the test instead of stalling the suite.
TIMEOUT = 60
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer <<>>\n%%EOF\n"


class Browser(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


def csrf(response: requests.Response) -> str:
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', response.text)
    assert match, f"no CSRF token on {response.url}"
    return match.group(1)


def signed_in(host: str, username: str) -> Browser:
    """A browser that signed in through `host`'s login form."""
    browser = Browser()
    page = browser.get(f"{host}/login")
    answer = browser.post(f"{host}/login", allow_redirects=False, data={
        "username": username, "password": PASSWORD, "csrf_token": csrf(page)})
    assert answer.status_code == 302, answer.text
    return browser


def token(host: str, username: str) -> dict:
    answer = Browser().post(f"{host}/api/v1/tokens",
                            json={"username": username, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def sends_to_login(answer: requests.Response) -> bool:
    return answer.status_code == 302 and "/login" in answer.headers["Location"]


def a_session_opened_on_one_host_is_open_on_the_other(two_hosts):
    browser = signed_in(two_hosts.a, "canbo")
    page = browser.get(f"{two_hosts.b}/assessments", allow_redirects=False)
    assert page.status_code == 200
    assert f'href="/assessments/{two_hosts.dossier_id}"' in page.text
    stranger = Browser().get(f"{two_hosts.b}/assessments", allow_redirects=False)
    assert sends_to_login(stranger)  # B lets nobody in without the session A opened


def answers_saved_on_one_host_are_read_on_the_other(two_hosts):
    browser = signed_in(two_hosts.b, "canbo")
    form = f"/assessments/{two_hosts.dossier_id}"
    page = browser.get(two_hosts.a + form)  # the form's CSRF token, read from A
    saved = browser.post(two_hosts.a + form, allow_redirects=False, data={
        "csrf_token": csrf(page), "ver-1.1.1": "", "v-1.1.1": "timely",
        "ex-1.1.1": "Kế hoạch số 12/KH-UBND"})
    assert saved.status_code == 302, saved.text
    read = browser.get(two_hosts.b + form).text
    assert re.search(r'<option value="timely"\s+selected', read)
    assert "Kế hoạch số 12/KH-UBND" in read and 'id="total">1<' in read


def a_stale_save_on_one_host_after_a_save_on_the_other_is_refused(two_hosts):
    headers = token(two_hosts.a, "canbo")  # issued by A, used on both
    url = f"/api/v1/assessments/{two_hosts.dossier_id}"
    first = Browser().put(f"{two_hosts.a}{url}/answers", headers=headers,
                          json={"answers": {"1.1.2": {"value": 95}}})
    assert first.status_code == 200, first.text
    read_on_b = Browser().get(two_hosts.b + url, headers=headers).json()["answers"]["1.1.2"]
    assert read_on_b["value"] == first.json()["answers"]["1.1.2"]["value"]
    version = read_on_b["version"]

    newer = Browser().put(f"{two_hosts.a}{url}/answers", headers=headers,
                          json={"answers": {"1.1.2": {"value": 90, "version": version}}})
    assert newer.status_code == 200, newer.text
    stale = Browser().put(f"{two_hosts.b}{url}/answers", headers=headers,
                          json={"answers": {"1.1.2": {"value": 80, "version": version}}})
    assert stale.status_code == 409, stale.text
    assert stale.headers["Content-Type"].startswith("application/problem+json")
    assert stale.json()["current"]["1.1.2"]["value"] == newer.json()["answers"]["1.1.2"]["value"]
    kept = Browser().get(two_hosts.a + url, headers=headers).json()["answers"]["1.1.2"]
    assert kept == newer.json()["answers"]["1.1.2"]


def evidence_uploaded_on_one_host_is_downloaded_from_the_other(two_hosts):
    browser = signed_in(two_hosts.a, "canbo")
    library = f"/assessments/{two_hosts.dossier_id}/evidence"
    page = browser.get(two_hosts.b + library)
    uploaded = browser.post(two_hosts.b + library, allow_redirects=False, data={
        "csrf_token": csrf(page), "number": "7/BC-UBND", "issued_on": "15/01/2021",
        "issuer": "UBND tỉnh", "title": "Báo cáo CCHC quý I"},
        files={"files": ("Báo cáo quý I.pdf", PDF, "application/pdf")})
    assert uploaded.status_code == 302, uploaded.text
    listed = browser.get(two_hosts.a + library).text
    assert "Báo cáo CCHC quý I" in listed
    file_url = re.search(r'href="(/evidence/revisions/\d+/file)">1\. Báo cáo quý I\.pdf',
                         listed).group(1)
    served = browser.get(two_hosts.a + file_url)
    assert served.status_code == 200 and served.content == PDF

    s3 = two_hosts.s3  # the bytes are in the shared bucket, not in either host's folder
    bucket = boto3.client("s3", endpoint_url=s3["S3_ENDPOINT_URL"], region_name=s3["S3_REGION"],
                          aws_access_key_id=s3["S3_ACCESS_KEY"],
                          aws_secret_access_key=s3["S3_SECRET_KEY"])
    stored = [bucket.get_object(Bucket=s3["S3_BUCKET"], Key=item["Key"])["Body"].read()
              for item in bucket.list_objects_v2(Bucket=s3["S3_BUCKET"],
                                                 Prefix="two-hosts/").get("Contents", [])]
    assert PDF in stored


def a_job_queued_through_one_host_is_run_by_the_worker_and_seen_done_on_the_other(two_hosts):
    headers = token(two_hosts.b, "quantri")
    campaign = two_hosts.draft_campaign_id
    queued = Browser().post(f"{two_hosts.a}/api/v1/campaigns/{campaign}/transitions",
                            headers=headers, json={"transition": "open"})
    assert queued.status_code == 202, queued.text
    location = queued.headers["Location"]
    assert location == f"/api/v1/jobs/{queued.json()['job']['id']}"

    deadline, job = time.monotonic() + 60, None
    while time.monotonic() < deadline:
        job = Browser().get(two_hosts.b + location, headers=headers).json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job["state"] == "done", job
    assert (job["progress"]["done"], job["result_link"]) == (1, f"/admin/campaigns/{campaign}")
    dossiers = Browser().get(f"{two_hosts.b}/api/v1/campaigns/{campaign}/dossiers",
                             headers=headers).json()
    assert [d["unit_code"] for d in dossiers["dossiers"]] == [two_hosts.unit_code]
    assert Browser().get(f"{two_hosts.b}/api/v1/campaigns/{campaign}",
                         headers=headers).json()["state"] == "open"


def logging_out_on_one_host_ends_the_session_on_the_other(two_hosts):
    browser = signed_in(two_hosts.a, "canbo2")
    assert browser.get(f"{two_hosts.b}/", allow_redirects=False).status_code == 200
    cookie = browser.cookies["session"]  # a copy kept, as an attacker might
    page = browser.get(f"{two_hosts.a}/")
    logged_out = browser.post(f"{two_hosts.a}/logout", allow_redirects=False,
                              data={"csrf_token": csrf(page)})
    assert sends_to_login(logged_out)

    replayed = Browser().get(f"{two_hosts.b}/", cookies={"session": cookie},
                             allow_redirects=False)
    assert sends_to_login(replayed)


def unsealed_events(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.sealed_in.is_(None)))


def both_hosts_seal_into_one_audit_log_that_verifies(two_hosts):
    engine = create_engine(two_hosts.database_url)
    try:
        # One host at a time: a host seals after its own response, under the shared key (a
        # host with another key would refuse to seal after the other's batch). Nothing else
        # seals here: no cron, and the worker does not. A sealer only tries the lock, so a
        # write whose seal met another sealer at work is followed by another on the same host.
        for host in (two_hosts.a, two_hosts.b, two_hosts.a):
            for _attempt in range(3):
                token(host, "canbo")  # an audited write on that host
                deadline = time.monotonic() + 10
                while unsealed_events(engine) and time.monotonic() < deadline:
                    time.sleep(0.1)
                if not unsealed_events(engine):
                    break
            assert unsealed_events(engine) == 0, f"{host} did not seal its events"
    finally:
        engine.dispose()
    verified = subprocess.run(
        [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "parindex", "audit",
         "verify"], cwd=ROOT, env=two_hosts.env, capture_output=True, text=True)
    assert verified.returncode == 0, verified.stderr
    assert "audit log intact" in verified.stdout
    assert "; 0 events not sealed yet" in verified.stdout


def no_process_kept_anything_in_its_own_folder(two_hosts):
    # Keys from the environment, evidence in S3, the queue in Redis: a host can be replaced.
    kept = [str(path) for folder in two_hosts.instances for path in folder.rglob("*")]
    assert kept == []


CHECKS = (a_session_opened_on_one_host_is_open_on_the_other,
          answers_saved_on_one_host_are_read_on_the_other,
          a_stale_save_on_one_host_after_a_save_on_the_other_is_refused,
          evidence_uploaded_on_one_host_is_downloaded_from_the_other,
          a_job_queued_through_one_host_is_run_by_the_worker_and_seen_done_on_the_other,
          logging_out_on_one_host_ends_the_session_on_the_other,
          both_hosts_seal_into_one_audit_log_that_verifies,
          no_process_kept_anything_in_its_own_folder)


def test_two_hosts_serve_the_same_users_consistently(two_hosts, subtests):
    # One test, each check a subtest: the processes start once whatever worker runs it (an
    # xdist_group is ignored with pytest 9.2 and pytest-xdist 3.8, pytest-xdist#1386).
    for check in CHECKS:
        with subtests.test(check.__name__):
            check(two_hosts)
