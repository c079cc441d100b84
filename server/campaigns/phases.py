"""The year's phases as the server enforces them: one rule for every dossier write.

A campaign's dates are instants (shown in Vietnam time). Records (plans, periodic reports) may be
kept from `records_open`; a unit self-assesses from `self_assessment_opens` to its deadline (the
deadline itself, with a unit's extension, is the self-assessment service's); once the campaign is
`closed`, or `closes_at` has passed, no dossier takes another write. The services that write
(self-assessment, evidence links, appraisal, explanations, workflow steps) call the checks here
and answer 409 with the message; the campaign page draws `timeline`.
"""

from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l

from server.campaigns.settings import DATES, end_of_day, local_text
from server.models import Campaign


class PhaseError(Exception):
    """A write refused by the campaign's phase (409); str() is the translated message."""

    status = 409

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def is_closed(campaign: Campaign, now: datetime | None = None) -> bool:
    """Closed by the administrator, or by its closing date."""
    return campaign.state == "closed" or (
        campaign.closes_at is not None and _now(now) > campaign.closes_at)


def check_dossier_writable(campaign: Campaign, now: datetime | None = None) -> None:
    """Refuse any write to the campaign's dossiers once it is closed (state or date)."""
    if campaign.state == "closed":
        raise PhaseError(_l("The campaign is closed; its dossiers take no more changes."))
    if campaign.closes_at is not None and _now(now) > campaign.closes_at:
        raise PhaseError(_l("The campaign closed on %(when)s (Vietnam time); its dossiers take "
                            "no more changes.", when=local_text(campaign.closes_at)))


def check_self_assessment_open(campaign: Campaign, now: datetime | None = None) -> None:
    """Refuse a unit's self-assessment write before it opens or once the campaign is closed."""
    check_dossier_writable(campaign, now)
    opens = campaign.self_assessment_opens
    if opens is not None and _now(now) < opens:
        raise PhaseError(_l("The self-assessment opens on %(when)s (Vietnam time).",
                            when=local_text(opens)))


def may_keep_records(campaign: Campaign, now: datetime | None = None) -> bool:
    """Whether units may keep this year's records (plans, periodic reports) now: the campaign
    is open, `records_open` (if set) has come, and it is not closed."""
    if campaign.state != "open" or is_closed(campaign, now):
        return False
    return campaign.records_open is None or _now(now) >= campaign.records_open


def timeline(campaign: Campaign, now: datetime | None = None) -> list[dict]:
    """The campaign's dates in order, for the page: key, label, the instant (None when not set),
    whether it has passed, and the data cut-off dates among them."""
    now = _now(now)
    rows = [{"key": key, "label": label, "at": getattr(campaign, key)}
            for key, label in DATES.items()]
    for cutoff in campaign.data_cutoffs or ():
        moment = end_of_day(date.fromisoformat(cutoff["date"]))
        rows.append({"key": "data_cutoff", "label": cutoff["label"], "at": moment})
    dated = sorted((row for row in rows if row["at"] is not None), key=lambda row: row["at"])
    return [{**row, "passed": row["at"] is not None and row["at"] <= now}
            for row in dated + [row for row in rows if row["at"] is None]]
