"""Marshmallow schemas of the API's requests and responses."""

import marshmallow as ma


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
    answers = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Nested(AnswerSchema), required=True
    )


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
