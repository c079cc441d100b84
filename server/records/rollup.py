"""A period's roll-up (tổng hợp): every expected unit's report with its appendix figures, and
per numeric field the total, ready for the Department's (or a district office's) own report
upward. The workbook is written by server.results.exports.report_rollup_workbook.

Totals: number and integer fields are summed over the reports that give them. Percent fields
are NOT summed nor averaged: a percentage of each unit's own base cannot be added, and a plain
average of them would mislead whenever units differ in size (a commune with 3 procedures
counts as much as one with 300); the Department computes its rate from the summed counts
beside it. Text fields are listed only.

Who may read it: administrators every unit; a district office (a unit head or editor of a
district) the units whose parent, as their dossier keeps it, is that district.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.extensions import db
from server.models import Assessment, ReportPeriod, Unit, User
from server.people.permissions import own_unit_ids
from server.records.appendices import figure_value
from server.records.reports import Expected, period_standing
from server.records.schedule import ReportError
from server.records.standing import vietnam_today

SUMMED = ("number", "integer")


@dataclass
class Rollup:
    period: ReportPeriod
    fields: list[dict]
    rows: list[Expected]
    totals: dict[str, Decimal] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # reports giving each field
    scope: str = ""  # "" everything, else the district's code

    def figures(self, row: Expected) -> dict:
        """The row's figures as Decimals (numbers) or text, by field key."""
        stored = (row.submission.figures or {}) if row.submission else {}
        return {f["key"]: figure_value(f, stored.get(f["key"])) for f in self.fields}


def rollup_scope(period: ReportPeriod, user: User | None) -> tuple[set[int] | None, str]:
    """(the unit ids `user` may roll up in `period`, None meaning all; the district's code) or
    403. A unit's parent is the one its dossier keeps for the campaign, else its current one."""
    if user is None or user.has_role("admin"):
        return None, ""
    districts = list(db.session.scalars(select(Unit).where(
        Unit.id.in_(own_unit_ids(user) or {-1}), Unit.level == "district")))
    if not districts:
        raise ReportError({"": _l("Only the Department of Home Affairs (administrators) or a "
                                  "district office rolls up the reports.")}, status=403)
    district_ids = {d.id for d in districts}
    parents = {row[0]: row[1] for row in db.session.execute(select(Unit.id, Unit.parent_id))}
    parents.update({row[0]: row[1] for row in db.session.execute(
        select(Assessment.unit_id, Assessment.parent_id).where(
            Assessment.campaign_id == period.campaign_id))})
    return ({unit_id for unit_id, parent_id in parents.items() if parent_id in district_ids},
            ", ".join(d.code for d in districts))


def period_rollup(period: ReportPeriod, user: User | None = None,
                  today: date | None = None) -> Rollup:
    """The roll-up of `period` as `user` may see it (see rollup_scope)."""
    unit_ids, scope = rollup_scope(period, user)
    rows = period_standing(period, today or vietnam_today(), unit_ids)
    fields = list(period.template.fields or []) if period.template is not None else []
    rollup = Rollup(period, fields, rows, scope=scope)
    for row in rows:
        figures = rollup.figures(row)
        for f in fields:
            value = figures[f["key"]]
            if value is None:
                continue
            rollup.counts[f["key"]] = rollup.counts.get(f["key"], 0) + 1
            if f["type"] in SUMMED:
                rollup.totals[f["key"]] = rollup.totals.get(f["key"], Decimal(0)) + value
    return rollup
