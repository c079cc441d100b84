"""Marshmallow schemas of the API's requests and responses."""

from collections.abc import Mapping

import marshmallow as ma

from server.campaigns.criteria import criteria_registry
from server.request_limits import MAX_ID

# Entries of one list field in a request, where nothing else bounds them.
MAX_LIST_ITEMS = 100


class BoundedDict(ma.fields.Dict):
    """A mapping of sub-criteria refused whole, before any of its entries is read, when it has
    more entries than `max_items()` allows: a flood costs one comparison and one short error
    (kind `too_many_answers`, as the engine's own bound)."""

    def __init__(self, *args, max_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_items = max_items

    def _deserialize(self, value, attr, data, **kwargs):
        limit = self.max_items()
        if isinstance(value, Mapping) and len(value) > limit:
            raise ma.ValidationError({
                "kind": "too_many_answers",
                "message": f"{len(value)} entries given, but no criteria set has more than "
                           f"{limit} sub-criteria"})
        return super()._deserialize(value, attr, data, **kwargs)


def most_sub_criteria() -> int:
    """The most sub-criteria any loaded criteria set has: no answer set can hold more codes."""
    return max((len(s.leaves()) for s in criteria_registry().all()), default=0)


class DbInt(ma.fields.Integer):
    """An integer of a request that a database column can hold (PostgreSQL's `integer`): a
    larger one is refused with 422 naming the field, and the document states the bounds."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate", ma.validate.Range(min=-MAX_ID - 1, max=MAX_ID))
        super().__init__(*args, **kwargs)


class StrictSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class LegalBasisSchema(ma.Schema):
    number = ma.fields.String()
    date = ma.fields.String()
    title = ma.fields.String(allow_none=True)


class VerificationSchema(ma.Schema):
    nodes = ma.fields.Integer()
    verified = ma.fields.Integer()
    unverified = ma.fields.Integer()


class CriteriaSetSummarySchema(ma.Schema):
    id = ma.fields.String()
    version = ma.fields.String()
    title = ma.fields.String()
    level = ma.fields.String()
    legal_basis = ma.fields.Nested(LegalBasisSchema)
    years = ma.fields.List(ma.fields.Integer())
    max_points = ma.fields.String()
    verified = ma.fields.Boolean(metadata={"description": "set-level facts checked at source"})
    verification = ma.fields.Nested(VerificationSchema)


class AnswerSchema(StrictSchema):
    value = ma.fields.Raw(allow_none=True, metadata={
        "description": "the rule's input: outcome key, percentage, count, points, or "
                       "{achieved, required}; numbers may use a decimal comma"})
    not_applicable = ma.fields.Boolean(load_default=False)


class AnswerSetSchema(StrictSchema):
    answers = BoundedDict(
        keys=ma.fields.String(), values=ma.fields.Nested(AnswerSchema), required=True,
        max_items=most_sub_criteria)


class TokenRequestSchema(StrictSchema):
    username = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)
    name = ma.fields.String(load_default="")


class TokenSchema(ma.Schema):
    token = ma.fields.String()
    expires_in_days = ma.fields.Integer()


class MeSchema(ma.Schema):
    username = ma.fields.String()
    full_name = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())


class TransitionRequestSchema(StrictSchema):
    transition = ma.fields.String(required=True, metadata={
        "description": "a transition key: submit, withdraw, start_appraisal, ..."})
    reason = ma.fields.String(load_default="")
    confirm_unanswered = ma.fields.Boolean(load_default=False, metadata={
        "description": "submit: go on although some applicable items are unanswered"})
    confirm_gaps = ma.fields.Boolean(load_default=False, metadata={
        "description": "finalise: go on although items are unanswered or not appraised "
                       "(a reason is then required)"})


class TransitionOptionSchema(ma.Schema):
    key = ma.fields.String()
    label = ma.fields.String()
    reason_required = ma.fields.Boolean()


class AssessmentStateSchema(ma.Schema):
    id = ma.fields.Integer()
    campaign_id = ma.fields.Integer()
    unit_id = ma.fields.Integer()
    state = ma.fields.String()
    state_label = ma.fields.String()
    transitions = ma.fields.List(ma.fields.Nested(TransitionOptionSchema))


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    actor = ma.fields.Function(lambda e: e.actor.username if e.actor else None)
    action = ma.fields.String()
    object_type = ma.fields.String()
    object_id = ma.fields.String(allow_none=True)
    unit_id = ma.fields.Integer(allow_none=True)
    before = ma.fields.Raw(allow_none=True)
    after = ma.fields.Raw(allow_none=True)
    reason = ma.fields.String()
    request_id = ma.fields.String(allow_none=True)
    # The sealed batch holding the event (`parindex audit verify` checks it); null until sealed.
    sealed_in = ma.fields.Integer(allow_none=True)


class AuditQuerySchema(ma.Schema):
    action = ma.fields.String(load_default=None)
    unit_id = DbInt(load_default=None)
    actor_id = DbInt(load_default=None)
    date_from = ma.fields.Date(load_default=None, data_key="from")
    date_to = ma.fields.Date(load_default=None, data_key="to")
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_ID))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=500))


class AuditPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AuditEventSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class ReviewerAssignmentSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    campaign_id = ma.fields.Integer(dump_only=True)
    reviewer_id = DbInt(required=True)
    reviewer = ma.fields.Function(lambda a: a.reviewer.username, dump_only=True)
    domains = ma.fields.List(ma.fields.String(), required=True)
    unit_group = ma.fields.String(load_default=None, allow_none=True)

    class Meta:
        unknown = ma.RAISE


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    subject = ma.fields.String()
    body = ma.fields.String()
    link = ma.fields.String()
    unit_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)


def answers(blp, status: int = 200, content_type: str = "application/json"):
    """Document a success answer no marshmallow schema dumps: a JSON object the view builds
    itself, a file (`content_type` XLSX, CSV, ...) or nothing (204)."""
    if status == 204:
        return blp.alt_response(204, description="Done", success=True)
    schema = ({"type": "object"} if content_type == "application/json"
              else {"type": "string", "format": "binary"})
    return blp.alt_response(status, schema=schema, content_type=content_type, success=True)


def multipart(blp, *, required: tuple[str, ...] = ("file",), files: tuple[str, ...] = ("file",),
              many: bool = False, **fields: str):
    """Document a `multipart/form-data` request body the view reads itself from `request.files`
    and `request.form`: the file field(s) and the text `fields` ({name: description})."""
    binary = {"type": "string", "format": "binary"}
    properties = {name: ({"type": "array", "items": binary} if many else binary)
                  for name in files}
    properties.update({name: {"type": "string", "description": description}
                       for name, description in fields.items()})
    return blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "properties": properties, "required": list(required)}}}})


def query(blp, name: str, description: str, *, required: bool = False):
    """Document a query parameter the view reads itself from `request.args`."""
    return blp.doc(parameters=[{"in": "query", "name": name, "required": required,
                                "description": description,
                                "schema": {"type": "string", "minLength": int(required)}}])
