"""RFC 9457 `application/problem+json` error responses with field-level messages."""

import http
from copy import deepcopy

import marshmallow as ma
from apispec import BasePlugin
from flask import abort, jsonify, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM = "application/problem+json"


class FieldProblemSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE  # a problem may carry its own members (kind, row, ...)

    field = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    kind = ma.fields.String()


class ProblemSchema(ma.Schema):
    """RFC 9457; extension members (such as `gaps`) are allowed, as the RFC allows them."""

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    instance = ma.fields.String(required=True)
    errors = ma.fields.List(ma.fields.Nested(FieldProblemSchema))


class ProblemApi(Api):
    """flask-smorest's Api whose error responses (the one per status that `problems`, the
    arguments' 422 and `default` refer to) are documented as `application/problem+json`."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Any other error", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def problems(*statuses: int):
    """Document that a view answers these statuses with a problem (401, 403, 404, 409, ...).

    The one way every view declares its errors: `token_required` and `admin_required` declare
    theirs, `RequestProblemsPlugin` those of every request, `blp.arguments` adds 422.
    """

    def decorator(view):
        view._apidoc = deepcopy(getattr(view, "_apidoc", {}))
        responses = view._apidoc.setdefault("response", {}).setdefault("responses", {})
        for status in statuses:
            responses.setdefault(status, [http.HTTPStatus(status).name])
        return view

    return decorator


class RequestProblemsPlugin(BasePlugin):
    """The problems any operation may answer whatever its view does: 400 from the request
    guard (a NUL character, an unpaired surrogate, JSON that does not parse or nests too deep:
    server.request_limits), 413 for a body over MAX_CONTENT_LENGTH, and 404 on a path with a
    parameter (an id that does not exist, that the caller may not see, or that no route takes)."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            statuses = [400] + [413] * ("requestBody" in operation) + [404] * ("{" in path)
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(str(status), http.HTTPStatus(status).name)


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


def uploaded_file():
    """The multipart field `file` of a table import; without one, a 422 naming the field."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(problem_response(422, "Send the file in the multipart field 'file'.",
                               errors=[{"field": "file", "message": "missing"}]))
    return upload


def table_file_problem(error):
    """422 for an uploaded table with bad rows: every row problem, and nothing was written."""
    return problem_response(
        422, f"{len(error.problems)} bad row(s); nothing was imported.",
        errors=[{"field": f"row {p.row}", **p.to_dict()} for p in error.problems])
