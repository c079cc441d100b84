"""RFC 9457 `application/problem+json` error responses with field-level messages."""

from flask import jsonify, request
from werkzeug.http import HTTP_STATUS_CODES


def field_errors(messages, prefix: str = "") -> list[dict]:
    """Flatten marshmallow/webargs messages ({"json": {"answers": {...}}}) into field paths."""
    errors = []
    if isinstance(messages, dict) and set(messages) == {"kind", "message"}:
        # One error with a stable machine key, as a schema raises it (see schemas.BoundedDict).
        errors.append({"field": prefix, **messages})
    elif isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "form", "files") and not prefix:
                errors += field_errors(value)
            else:
                errors += field_errors(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        errors += [{"field": prefix, "message": m} for m in messages]
    elif isinstance(messages, list):
        for item in messages:
            errors += field_errors(item, prefix)
    else:
        errors.append({"field": prefix, "message": str(messages)})
    return errors


def problem_response(status: int, detail: str | None = None, data: dict | None = None,
                     errors: list[dict] | None = None, extra: dict | None = None):
    """The problem; `extra` adds members of its own (RFC 9457 extensions, such as `gaps`)."""
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": (data or {}).get("message") or detail or "",
        "instance": request.path,
    }
    if errors is None and data:
        errors = data.get("errors")
        if errors is None and "messages" in data:
            errors = field_errors(data["messages"])
    if errors:
        body["errors"] = errors
        if status == 422 and not body["detail"]:
            body["detail"] = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    body.update(extra or {})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    headers = (data or {}).get("headers") or {}
    response.headers.update(headers)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def table_file_problem(error):
    """422 for an uploaded table with bad rows: every row problem, and nothing was written."""
    return problem_response(
        422, f"{len(error.problems)} bad row(s); nothing was imported.",
        errors=[{"field": f"row {p.row}", **p.to_dict()} for p in error.problems])
