"""Evidence tests run once per storage backend: the local folder and a real S3-compatible
server (moto's, as a separate process on loopback)."""

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from server.extensions import db
from tests.conftest import _empty_tables


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """Start an S3-compatible server on 127.0.0.1 and create the bucket; yield its settings."""
    boto3 = pytest.importorskip("boto3")
    executable = shutil.which("moto_server") or os.path.join(os.path.dirname(sys.executable),
                                                             "moto_server")
    port = _free_port()
    process = subprocess.Popen([executable, "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    settings = {"S3_ENDPOINT_URL": f"http://127.0.0.1:{port}", "S3_BUCKET": "parindex-test",
                "S3_ACCESS_KEY": "test", "S3_SECRET_KEY": "test", "S3_REGION": "us-east-1"}
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        boto3.client("s3", endpoint_url=settings["S3_ENDPOINT_URL"], region_name="us-east-1",
                     aws_access_key_id="test", aws_secret_access_key="test",
                     ).create_bucket(Bucket="parindex-test")
        yield settings
    finally:
        process.terminate()
        process.wait(timeout=10)


_APPS = {}


@pytest.fixture(params=["local", "s3"])
def app(request, app_factory, _migrated, tmp_path_factory):
    backend = request.param
    if backend not in _APPS:
        extra = request.getfixturevalue("s3_server") if backend == "s3" else {}
        _APPS[backend] = app_factory(EVIDENCE_STORAGE=backend,
                                     EVIDENCE_DIR=str(tmp_path_factory.mktemp("evidence")),
                                     **extra)
    with _APPS[backend].app_context():
        yield _APPS[backend]
        db.session.remove()
        _empty_tables()
