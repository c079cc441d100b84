"""Serving stored evidence with safe headers, shared by the web UI and the API."""

from flask import Response, stream_with_context
from werkzeug.http import dump_options_header
from werkzeug.urls import quote

from server.assessment import evidence
from server.assessment.evidence.sniff import INLINE

CHUNK = 256 * 1024


def _disposition(kind: str, filename: str) -> str:
    # An ASCII fallback for old clients and the exact Vietnamese name in RFC 5987 form.
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or "tai-lieu"
    return f"{dump_options_header(kind, {'filename': ascii_name})}; " \
           f"filename*=UTF-8''{quote(filename, safe='')}"


def file_response(revision, download: bool = False) -> Response:
    """PDF and images inline (unless `download`), everything else as an attachment; streamed."""
    blob = revision.blob
    inline = blob.media_type in INLINE and not download
    stream = evidence.open_revision(revision)

    def chunks():
        try:
            while chunk := stream.read(CHUNK):
                yield chunk
        finally:
            stream.close()

    response = Response(stream_with_context(chunks()), mimetype=blob.media_type,
                        direct_passthrough=True)
    response.headers["Content-Length"] = str(blob.size)
    response.headers["Content-Disposition"] = _disposition(
        "inline" if inline else "attachment", revision.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; " \
        "img-src 'self'; object-src 'self'; plugin-types application/pdf"
    response.headers["Cache-Control"] = "private, max-age=0"
    response.headers["ETag"] = f'"{blob.sha256}"'
    return response
