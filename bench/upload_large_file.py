"""Upload a 200 MB PDF through the API and report the server worker's memory growth.

    .venv/bin/python bench/upload_large_file.py [--mb 200]

The request body is streamed from disk by the client; the figure that matters is the worker's
peak resident memory (VmHWM) minus its resident memory before the upload: it must stay under
50 MB. The limits are raised for the run (PARINDEX_EVIDENCE_MAX_MB, PARINDEX_MAX_REQUEST_MB).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, environment, memory_kb, prepare

BOUNDARY = "parindexbenchboundary"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=200)
    args = parser.parse_args()
    env = environment({"PARINDEX_EVIDENCE_MAX_MB": str(args.mb + 10),
                       "PARINDEX_MAX_REQUEST_MB": str(args.mb + 20)})
    (editor,) = prepare(env, 1)
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as big:
        big.write(b"%PDF-1.7\n")
        block = os.urandom(1024 * 1024)
        for _ in range(args.mb):
            big.write(block)
        path = Path(big.name)
    server = Server(env, workers=1, threads=1)
    try:
        headers = server.token(editor["username"])
        (worker,) = server.worker_pids()
        before = memory_kb(worker)
        head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n"
                f"Tệp lớn\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; "
                f"filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        length = len(head) + path.stat().st_size + len(tail)

        def body():
            yield head
            with path.open("rb") as f:
                while chunk := f.read(1024 * 1024):
                    yield chunk
            yield tail

        conn = server.connection()
        started = time.perf_counter()
        conn.request("POST", f"/api/v1/assessments/{editor['assessment_id']}/evidence",
                     body=body(), headers={**headers, "Content-Length": str(length),
                                           "Content-Type": f"multipart/form-data; "
                                                           f"boundary={BOUNDARY}"})
        response = conn.getresponse()
        answer = json.loads(response.read())
        elapsed = time.perf_counter() - started
        after = memory_kb(worker)
    finally:
        server.stop()
        path.unlink()
    growth_mb = (after["VmHWM"] - before["VmRSS"]) / 1024
    print(f"status {response.status}; {args.mb} MB uploaded in {elapsed:.1f} s "
          f"({args.mb / elapsed:.0f} MB/s)")
    if response.status == 201:
        print(f"stored sha256 {answer[0]['revisions'][0]['sha256']}, "
              f"size {answer[0]['revisions'][0]['size']}")
    else:
        print(answer)
    print(f"worker memory: before {before['VmRSS'] / 1024:.1f} MB, peak {after['VmHWM'] / 1024:.1f}"
          f" MB, growth {growth_mb:.1f} MB (limit 50 MB)")
    return 0 if response.status == 201 and growth_mb < 50 else 1


if __name__ == "__main__":
    sys.exit(main())
