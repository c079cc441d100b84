"""A campaign's reporting schedule (chế độ báo cáo CCHC định kỳ) as data: the periodic reports of
the year (Q1, 6 months, Q3, the year), each with the data cut-off window it covers and its due
day (Vietnam calendar dates), the unit groups that send it, whether the domain offices send
their domain reports, and the statistics appendix it asks for; and the domain offices (the unit
that reports on each reform domain this year).

The administrator sets the schedule whenever the campaign is not closed, from a form, the API or
a YAML/JSON file; `default_schedule(year)` proposes the schedule of the reporting guidance in
seed 003 (Công văn 164/UBND-NV, section II) as a starting point to check and edit, never saved
on its own. `expected_senders(period)` says who must send what.
"""

import json
import re
from datetime import date

import yaml
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.campaigns.criteria import criteria_registry
from server.campaigns.phases import is_closed
from server.campaigns.settings import parse_day
from server.events import emit
from server.extensions import db
from server.models import (
    AppendixTemplate,
    Assessment,
    Campaign,
    DomainOffice,
    ReportPeriod,
    ReportSubmission,
    Unit,
    User,
)

KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,19}")
# Names the pages and the API use beside a period's key.
RESERVED_KEYS = {"proposal", "domain-offices", "templates", "late", "schedule", "offices"}
MAX_LABEL = 120
MAX_PERIODS = 24
MAX_SCHEDULE_BYTES = 256 * 1024

# Where the proposed schedule comes from: the reporting guidance of seed 003, section II.
DEFAULT_SOURCE = _l("Proposed from the reporting guidance Công văn 164/UBND-NV of 25/01/2021 "
                    "(section II, Kế hoạch CCHC và Báo cáo CCHC định kỳ): check every date "
                    "against this year's guidance before saving.")


class ReportError(ValueError):
    """A refused records write: `errors` maps each bad field to its (translated) message; the
    field "" refuses the whole request. `status` is the HTTP answer (422, 403, 404, 409)."""

    def __init__(self, errors: dict, status: int = 422):
        super().__init__("; ".join(f"{k}: {v}" if k else str(v) for k, v in errors.items()))
        self.errors, self.status = errors, status


def check_admin(actor: User | None, message=None) -> None:
    """Only administrators (or the command line, `actor` None) pass."""
    if actor is not None and not actor.has_role("admin"):
        raise ReportError({"": message or _l("Only an administrator may do this.")}, status=403)


def check_schedule_open(campaign: Campaign) -> None:
    """The schedule, templates and domain offices may change until the campaign is closed."""
    if is_closed(campaign):
        raise ReportError({"": _l("The campaign is closed; its reporting schedule takes no "
                                  "more changes.")}, status=409)


def default_schedule(year: int) -> list[dict]:
    """The four reports of seed 003 §II for `year`, as rows `set_schedule` takes: Q1, 6 months
    and Q3 due on the 13th of the period's last month, covering from 15/12 of the year before
    (Q3 from 15/6) to the 10th; the year's report due 15/11, covering to 20/11, estimating the
    rest of the year (15/11 to 14/12) in the report itself. Every unit with a dossier sends
    them, and the domain offices their domain reports (§II.2)."""
    start = date(year - 1, 12, 15)
    rows = [
        {"key": "q1", "label": f"Báo cáo quý I/{year}", "covers_from": start,
         "covers_to": date(year, 3, 10), "due_on": date(year, 3, 13)},
        {"key": "h1", "label": f"Báo cáo 6 tháng đầu năm {year}", "covers_from": start,
         "covers_to": date(year, 6, 10), "due_on": date(year, 6, 13)},
        {"key": "q3", "label": f"Báo cáo quý III/{year}", "covers_from": date(year, 6, 15),
         "covers_to": date(year, 9, 10), "due_on": date(year, 9, 13)},
        {"key": "year", "label": f"Báo cáo năm {year} (ước đạt từ 15/11 đến 14/12)",
         "covers_from": start, "covers_to": date(year, 11, 20), "due_on": date(year, 11, 15)},
    ]
    # §II.2: the offices following each reform domain report on it in every period.
    return [{**row, "unit_groups": [], "domain_reports": True} for row in rows]


def period_record(period: ReportPeriod) -> dict:
    """A period as plain data: what the API answers, the file format, and the audit keeps."""
    return {"id": period.id, "key": period.key, "label": period.label,
            "covers_from": period.covers_from.isoformat(),
            "covers_to": period.covers_to.isoformat(), "due_on": period.due_on.isoformat(),
            "position": period.position, "unit_groups": list(period.unit_groups or []),
            "domain_reports": bool(period.domain_reports),
            "template": period.template.name if period.template is not None else None}


def periods(campaign: Campaign) -> list[ReportPeriod]:
    return list(db.session.scalars(select(ReportPeriod).where(
        ReportPeriod.campaign_id == campaign.id).order_by(ReportPeriod.position,
                                                          ReportPeriod.due_on,
                                                          ReportPeriod.id)))


def period_by_key(campaign: Campaign, key: str) -> ReportPeriod | None:
    return db.session.scalar(select(ReportPeriod).filter_by(campaign_id=campaign.id, key=key))


def _day(value, field: str, errors: dict) -> date | None:
    if isinstance(value, date):
        return value
    if value is None or str(value).strip() == "":
        errors[field] = _l("Give the date (dd/mm/yyyy).")
        return None
    try:
        return parse_day(str(value))
    except ValueError:
        errors[field] = _l("%(value)s is not a date (dd/mm/yyyy).", value=repr(str(value)))
        return None


def clean_schedule(campaign: Campaign, rows) -> tuple[list[dict], dict]:
    """The rows (dicts with key, label, covers_from, covers_to, due_on, unit_groups,
    domain_reports, template) checked: ([clean row], {"periods.<i>.<field>": message})."""
    errors: dict = {}
    if not isinstance(rows, list | tuple):
        return [], {"periods": _l("Give the schedule as a list of reports.")}
    if len(rows) > MAX_PERIODS:
        return [], {"periods": _l("At most %(count)s reports a year.", count=MAX_PERIODS)}
    templates = {t.name: t for t in db.session.scalars(select(AppendixTemplate).where(
        AppendixTemplate.campaign_id == campaign.id))}
    seen: dict[str, int] = {}
    cleaned = []
    for index, row in enumerate(rows):
        at = f"periods.{index}"
        if not isinstance(row, dict):
            errors[at] = _l("Each report is a set of fields (key, label, dates).")
            continue
        key = str(row.get("key") or "").strip()
        if not KEY.fullmatch(key):
            errors[f"{at}.key"] = _l("A short code of lowercase letters, digits, - or _ (q1, "
                                     "h1, q3, year).")
        elif key in RESERVED_KEYS:
            errors[f"{at}.key"] = _l("%(key)s is a reserved word; choose another key.", key=key)
        elif key in seen:
            errors[f"{at}.key"] = _l("The key %(key)s is already used by report %(index)s.",
                                     key=key, index=seen[key] + 1)
        else:
            seen[key] = index
        label = str(row.get("label") or "").strip()
        if not label:
            errors[f"{at}.label"] = _l("Give the report's name.")
        elif len(label) > MAX_LABEL:
            errors[f"{at}.label"] = _l("At most %(count)s characters.", count=MAX_LABEL)
        covers_from = _day(row.get("covers_from"), f"{at}.covers_from", errors)
        covers_to = _day(row.get("covers_to"), f"{at}.covers_to", errors)
        due_on = _day(row.get("due_on"), f"{at}.due_on", errors)
        if covers_from and covers_to and covers_to < covers_from:
            errors[f"{at}.covers_to"] = _l("The data cut-off window ends before it starts.")
        if covers_from and due_on and due_on <= covers_from:
            errors[f"{at}.due_on"] = _l("The due day must come after the window starts.")
        groups = row.get("unit_groups") or []
        if isinstance(groups, str):
            groups = [g.strip() for g in groups.split(",") if g.strip()]
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            errors[f"{at}.unit_groups"] = _l("Give unit group codes.")
            groups = []
        pinned = {pin.unit_group for pin in campaign.pins}
        unknown = [g for g in groups if g not in pinned]
        if unknown:
            errors[f"{at}.unit_groups"] = _l("%(groups)s: not a group of this campaign.",
                                             groups=", ".join(unknown))
        template_name = row.get("template")
        template = None
        if template_name:
            template = templates.get(str(template_name).strip())
            if template is None:
                errors[f"{at}.template"] = _l("No appendix template %(name)s in this campaign.",
                                              name=repr(str(template_name)))
        domain_reports = row.get("domain_reports", False)
        if isinstance(domain_reports, str):
            domain_reports = domain_reports.strip().lower() in ("1", "true", "yes", "on", "có")
        cleaned.append({"key": key, "label": label, "covers_from": covers_from,
                        "covers_to": covers_to, "due_on": due_on, "position": index,
                        "unit_groups": list(dict.fromkeys(groups)),
                        "domain_reports": bool(domain_reports), "template": template})
    return cleaned, errors


def set_schedule(campaign: Campaign, rows, actor: User | None) -> list[ReportPeriod]:
    """Replace the campaign's schedule with `rows`: a period keeps its key (and the reports sent
    for it); one left out is removed, refused while reports were sent for it. Audited; the
    caller commits."""
    check_admin(actor, _l("Only an administrator sets the reporting schedule."))
    check_schedule_open(campaign)
    cleaned, errors = clean_schedule(campaign, rows)
    if errors:
        raise ReportError(errors)
    existing = {p.key: p for p in periods(campaign)}
    before = [period_record(p) for p in existing.values()]
    wanted = {row["key"] for row in cleaned}
    for key, period in existing.items():
        if key not in wanted and db.session.scalar(select(ReportSubmission.id).where(
                ReportSubmission.period_id == period.id).limit(1)) is not None:
            raise ReportError({"periods": _l("%(label)s has reports already; it cannot be "
                                             "left out of the schedule.", label=period.label)},
                              status=409)
    for key, period in existing.items():
        if key not in wanted:
            db.session.delete(period)
    saved = []
    for row in cleaned:
        period = existing.get(row["key"])
        if period is None:
            period = ReportPeriod(campaign_id=campaign.id, key=row["key"])
            db.session.add(period)
        template = row.pop("template")
        for name, value in row.items():
            setattr(period, name, value)
        period.template_id = template.id if template is not None else None
        period.template = template
        saved.append(period)
    db.session.flush()
    emit("report_schedule.set", "campaign", campaign.id,
         actor_id=actor.id if actor else None, before={"periods": before},
         after={"periods": [period_record(p) for p in saved]})
    return saved


def read_schedule_file(filename: str, content: bytes) -> list:
    """The rows of a schedule file: YAML or JSON, either a list of reports or {"periods": [...]}
    (dates as yyyy-mm-dd or dd/mm/yyyy)."""
    if len(content) > MAX_SCHEDULE_BYTES:
        raise ReportError({"file": _l("The file is too large.")})
    try:
        text = content.decode("utf-8-sig")
        data = (json.loads(text) if filename.lower().endswith(".json")
                else yaml.safe_load(text))
    except (UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        raise ReportError({"file": _l("The file is not readable YAML or JSON: %(error)s",
                                      error=str(error)[:200])}) from error
    if isinstance(data, dict):
        data = data.get("periods")
    if not isinstance(data, list):
        raise ReportError({"file": _l("The file must hold a list of reports (or periods: "
                                      "[...]).")})
    return data


def schedule_file(campaign: Campaign) -> str:
    """The schedule as the YAML file `read_schedule_file` reads back."""
    rows = []
    for period in periods(campaign):
        row = period_record(period)
        row.pop("id")
        row.pop("position")
        rows.append(row)
    return yaml.safe_dump({"periods": rows}, allow_unicode=True, sort_keys=False)


# --- domain offices -----------------------------------------------------------------------


def campaign_domains(campaign: Campaign) -> dict[str, str]:
    """{domain code: title} of the criteria sets the campaign pins (the first title wins)."""
    found: dict[str, str] = {}
    for pin in campaign.pins:
        criteria_set = criteria_registry().get(pin.criteria_set_id, pin.criteria_set_version)
        if criteria_set is None:
            continue
        for domain in criteria_set.domains:
            found.setdefault(domain.code, domain.title)
    return dict(sorted(found.items(), key=lambda kv: [int(p) if p.isdigit() else p
                                                       for p in kv[0].split(".")]))


def domain_offices(campaign: Campaign) -> list[DomainOffice]:
    return list(db.session.scalars(select(DomainOffice).where(
        DomainOffice.campaign_id == campaign.id).order_by(DomainOffice.domain)))


def set_domain_offices(campaign: Campaign, offices: dict, actor: User | None
                       ) -> list[DomainOffice]:
    """Replace the domain offices with {domain code: unit code} (an empty unit code: no office
    for that domain). Audited; the caller commits."""
    check_admin(actor, _l("Only an administrator names the domain offices."))
    check_schedule_open(campaign)
    if not isinstance(offices, dict):
        raise ReportError({"offices": _l("Give {domain: unit code}.")})
    domains = campaign_domains(campaign)
    errors, wanted = {}, {}
    for domain, code in offices.items():
        domain, code = str(domain).strip(), str(code or "").strip()
        if domain not in domains:
            errors[f"offices.{domain}"] = _l("%(domain)s is not a domain of this campaign's "
                                             "criteria sets.", domain=domain)
            continue
        if not code:
            continue
        unit = db.session.scalar(select(Unit).filter_by(code=code))
        if unit is None:
            errors[f"offices.{domain}"] = _l("Unit %(code)s does not exist.", code=code)
            continue
        wanted[domain] = unit
    if errors:
        raise ReportError(errors)
    existing = {o.domain: o for o in domain_offices(campaign)}
    before = {d: o.unit.code for d, o in existing.items()}
    for domain, office in existing.items():
        if domain not in wanted:
            db.session.delete(office)
    for domain, unit in wanted.items():
        office = existing.get(domain)
        if office is None:
            office = DomainOffice(campaign_id=campaign.id, domain=domain, unit_id=unit.id)
            db.session.add(office)
        office.unit_id, office.unit = unit.id, unit
    db.session.flush()
    emit("report_domain_offices.set", "campaign", campaign.id,
         actor_id=actor.id if actor else None, before={"offices": before},
         after={"offices": {d: u.code for d, u in sorted(wanted.items())}})
    return domain_offices(campaign)


# --- who must send what -------------------------------------------------------------------


def expected_senders(period: ReportPeriod) -> list[tuple[Unit, str]]:
    """The (unit, domain) pairs that must send a report for `period`: every unit with a dossier
    in the campaign whose group (as its dossier keeps it) is among the period's `unit_groups`
    (every group when empty), with domain ""; and, when the period asks for domain reports,
    each domain office with its domain. Sorted by unit code, then domain."""
    query = select(Unit).join(Assessment, Assessment.unit_id == Unit.id).where(
        Assessment.campaign_id == period.campaign_id)
    if period.unit_groups:
        query = query.where(Assessment.unit_group.in_(list(period.unit_groups)))
    pairs = [(unit, "") for unit in db.session.scalars(query).unique()]
    if period.domain_reports:
        pairs += [(office.unit, office.domain) for office in db.session.scalars(
            select(DomainOffice).where(DomainOffice.campaign_id == period.campaign_id))]
    return sorted(pairs, key=lambda pair: (pair[0].code, pair[1]))

