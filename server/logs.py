"""Logs for operators: one JSON object a line on stderr, each carrying the request id.

Every request leaves one access line (method, path, status, duration, the signed-in user, the
caller's own request id if it sent one); every application message (warnings, errors with their
traceback) is a line of the same shape, so a log collector joins them on `request_id`, which is
also the `X-Request-ID` response header and the audit events' `request_id`.
"""

import json
import logging
import sys
import time

from flask import Flask, g, has_request_context, request
from flask_login import current_user

ACCESS = "server.access"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        if has_request_context():
            entry["request_id"] = g.get("request_id")
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def init_app(app: Flask) -> None:
    if app.config["LOG_FORMAT"] == "json":
        logger = logging.getLogger(app.import_name)  # app.logger and the access logger below
        if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(JsonFormatter())
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    app.before_request(_start)
    app.after_request(_access_line)


def _start() -> None:
    g.started = time.perf_counter()


def _access_line(response):
    elapsed = time.perf_counter() - g.get("started", time.perf_counter())
    fields = {"request_id": g.get("request_id"), "method": request.method, "path": request.path,
              "status": response.status_code, "duration_ms": round(elapsed * 1000, 1),
              "remote_addr": request.remote_addr,
              "user_id": current_user.get_id() if current_user else None}
    if g.get("client_request_id"):
        fields["client_request_id"] = g.client_request_id
    logging.getLogger(ACCESS).info("request", extra={"fields": fields})
    return response
