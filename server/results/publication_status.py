"""Where publication stands for a campaign: how far each unit group's dossiers are, and whether
the data still matches what was published (drift means a correction is due)."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from server.extensions import db
from server.models import Assessment, Campaign, Publication, Unit
from server.results.publications import PUBLISHABLE_STATES, changes_between
from server.results.ranking import RankingError, rank_group
from server.results.ranking_data import ranking_dict


@dataclass
class GroupStatus:
    group: str
    states: Counter = field(default_factory=Counter)  # state -> number of dossiers
    # (unit code, unit name, state) of the dossiers not yet finalised, by code
    pending: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def ready(self) -> bool:
        return self.total > 0 and not self.pending


def group_statuses(campaign: Campaign) -> list[GroupStatus]:
    """One status per group the campaign pins, in pin order, read with one query."""
    statuses = {pin.unit_group: GroupStatus(pin.unit_group) for pin in campaign.pins}
    for group, code, name, state in db.session.execute(
        select(Assessment.unit_group, Unit.code, Unit.name, Assessment.state)
        .join(Assessment, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id).order_by(Unit.code)
    ):
        status = statuses.setdefault(group, GroupStatus(group))
        status.states[state] += 1
        if state not in PUBLISHABLE_STATES:
            status.pending.append((code, name, state))
    return list(statuses.values())


def drift(publication: Publication) -> dict:
    """Whether the group's current data still gives what `publication` froze.

    `inputs_match`: the scored inputs hash to the same digest; `changes`: what a correction
    would list now (settings such as units not ranked move ranks without touching inputs);
    `correction_due` when either differs; `error` when the group cannot be ranked now. An
    imported publication never drifts (its figures are the published decision's).
    """
    if publication.imported:  # no data here to drift: the figures are the decision's
        return {"inputs_match": None, "current_inputs_digest": None, "changes": [],
                "correction_due": False, "error": None}
    campaign = db.session.get(Campaign, publication.campaign_id)
    try:
        live = rank_group(campaign, publication.unit_group, with_previous=False,
                          from_answers=True)
    except RankingError as error:
        return {"inputs_match": None, "current_inputs_digest": None, "changes": [],
                "correction_due": None, "error": str(error)}
    changes = changes_between(publication.results["ranking"], ranking_dict(live))
    inputs_match = live.inputs_digest == publication.inputs_digest
    return {"inputs_match": inputs_match, "current_inputs_digest": live.inputs_digest,
            "changes": changes, "correction_due": bool(changes) or not inputs_match,
            "error": None}


def write_publication_workbook(publication: Publication, target) -> None:
    """The ranking workbook from the snapshot alone, naming the publication and its time on
    the "about" sheet. Raises PublicationError when the frozen criteria set is missing."""
    from server.results.exports.ranking_workbook import write_ranking_workbook
    from server.results.publications import frozen_ranking

    write_ranking_workbook(frozen_ranking(publication), target,
                           publication_id=f"{publication.id} (số {publication.number})",
                           generated_at=publication.published_at)


def workbook_name(publication: Publication) -> str:
    year = publication.results["ranking"]["year"]
    return f"xep-hang-{year}-{publication.unit_group}-cong-bo-{publication.number}.xlsx"
