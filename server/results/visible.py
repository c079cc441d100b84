"""What the ranking pages, the unit scorecard and the public page show, and who may see it.

Every page renders ranking_dict-shaped data: the live ranking (administrators only, computed by
`rank_group`) or the latest publication's frozen snapshot. Nothing here reads a live number for
anyone but an administrator, so the public page can only ever show what was published.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from server.campaigns.criteria import criteria_registry
from server.engine import CriteriaSet
from server.extensions import db
from server.models import Answer, Assessment, Campaign, Publication, Unit, User
from server.people.permissions import own_unit_ids
from server.results.history import SURVEY, Figure, LastYear, domain_figures, last_year
from server.results.publications import frozen_ranking, frozen_scores, latest_publication
from server.results.ranking import (
    RankingError,
    previous_campaign,
    rank_group,
    stored_leaf_reader,
    stored_result,
)
from server.results.ranking_data import ranking_dict


class NotShown(Exception):
    """Nothing this user may see here (no such campaign or group, or not published yet)."""

    def __init__(self, unpublished: bool = False):
        super().__init__("not shown")
        self.unpublished = unpublished


@dataclass(frozen=True)
class RankingPage:
    campaign: Campaign
    group: str
    data: dict  # a ranking_dict
    criteria_set: CriteriaSet | None  # for domain titles and bands; None if not installed
    publication: Publication | None  # None: the live preview
    has_publication: bool

    @property
    def live(self) -> bool:
        return self.publication is None


def is_admin(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role("admin")


def campaign_or_not_shown(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotShown()
    return campaign


def _installed_set(set_id: str, version: str) -> CriteriaSet | None:
    return criteria_registry().get(set_id, version)


def ranking_page(campaign: Campaign, group: str, user: User | None, *,
                 live: bool = False) -> RankingPage:
    """The group's latest publication; an administrator asking for `live` (or when nothing is
    published yet) gets the live ranking instead. Anyone else without a publication: NotShown."""
    if campaign.pin_for(group) is None:
        raise NotShown()
    publication = latest_publication(campaign.id, group)
    if publication is not None and not (live and is_admin(user)):
        return RankingPage(campaign, group, publication.results["ranking"],
                           _installed_set(publication.criteria_set_id,
                                          publication.criteria_set_version),
                           publication, True)
    if not is_admin(user):
        raise NotShown(unpublished=True)
    try:
        ranking = rank_group(campaign, group)
    except RankingError as error:
        raise NotShown() from error
    return RankingPage(campaign, group, ranking_dict(ranking), ranking.criteria_set, None,
                       publication is not None)


def published_ranking(campaign_id: int, group: str):
    """The latest publication's ranking as the workbook writer takes it (anyone may have it)."""
    publication = latest_publication(campaign_id, group)
    if publication is None:
        raise NotShown(unpublished=True)
    return publication, frozen_ranking(publication)


def live_ranking(campaign: Campaign, group: str, user: User):
    """The live ranking with every leaf, as the workbook writes it (administrators only)."""
    if not is_admin(user):
        raise NotShown()
    try:
        return rank_group(campaign, group, detail=True)
    except RankingError as error:
        raise NotShown() from error


def live_long_table(campaign: Campaign, group: str, user: User):
    """The live ranking (totals only) and the reader of its stored leaves, for the long table
    (administrators only)."""
    if not is_admin(user):
        raise NotShown()
    try:
        return rank_group(campaign, group), stored_leaf_reader(campaign.id, group)
    except RankingError as error:
        raise NotShown() from error


def published_groups(campaign_id: int | None = None) -> list[dict]:
    """The latest publication of every published (campaign, group), newest campaign first,
    without reading the snapshots themselves."""
    latest = (select(Publication.campaign_id, Publication.unit_group,
                     func.max(Publication.number).label("number"))
              .group_by(Publication.campaign_id, Publication.unit_group))
    if campaign_id is not None:
        latest = latest.where(Publication.campaign_id == campaign_id)
    latest = latest.subquery()
    rows = db.session.execute(
        select(Campaign.id, Campaign.year, Campaign.title, Publication.unit_group,
               Publication.number, Publication.published_at)
        .join(latest, (Publication.campaign_id == latest.c.campaign_id)
              & (Publication.unit_group == latest.c.unit_group)
              & (Publication.number == latest.c.number))
        .join(Campaign, Campaign.id == Publication.campaign_id)
        .order_by(Campaign.year.desc(), Campaign.id.desc(), Publication.unit_group))
    return [row._asdict() for row in rows]


def ranking_choices(user: User | None) -> list[dict]:
    """The (campaign, group) rankings `user` can open, newest campaign first: the published
    ones, and for an administrator also every group with dossiers (`live`: a preview from the
    current data). Groups with neither are never offered."""
    choices = [{"campaign_id": p["id"], "year": p["year"], "title": p["title"],
                "group": p["unit_group"], "live": False} for p in published_groups()]
    if user is not None and is_admin(user):
        dossiers = db.session.execute(
            select(Campaign.id, Campaign.year, Campaign.title, Assessment.unit_group)
            .join(Assessment, Assessment.campaign_id == Campaign.id).distinct())
        choices += [{"campaign_id": row.id, "year": row.year, "title": row.title,
                     "group": row.unit_group, "live": True} for row in dossiers]
    return sorted(choices, key=lambda c: (-c["year"], -c["campaign_id"], c["group"], c["live"]))


# -- the unit scorecard -------------------------------------------------------------------------

@dataclass(frozen=True)
class Scorecard:
    campaign: Campaign
    unit: Unit
    assessment_id: int | None
    row: dict  # the unit's ranking_dict row
    ranked_count: int
    criteria_set: CriteriaSet | None
    publication: Publication | None  # None: live
    has_publication: bool
    previous_year: int | None
    # domain code -> last year's points (published, or live for administrators)
    previous_points: dict[str, Decimal]
    previous_published: bool
    # The group the unit is ranked in this campaign (its dossier's, not today's)
    group: str
    # By domain (appraised part) and survey: this year's figures, and last year's of the unit
    # and of the units it replaces; set when it replaces units or last year was imported.
    last_year: LastYear | None = None
    figures: dict[str, Figure] | None = None

    @property
    def history_rows(self) -> list[dict]:
        """One row per domain and the survey: key, title, this year's figure, last year's
        figure of each unit of `last_year.found`."""
        titles = {d.code: d.title for d in self.criteria_set.domains} if self.criteria_set \
            else {}
        keys = [*titles, SURVEY] if titles else list(self.figures or {})
        return [{"key": key, "title": titles.get(key, ""), "now": (self.figures or {}).get(key),
                 "before": [unit.figures.get(key) for unit in self.last_year.found]}
                for key in keys]

    @property
    def live(self) -> bool:
        return self.publication is None


def may_see_scorecard(user: User, unit: Unit) -> bool:
    return is_admin(user) or unit.id in own_unit_ids(user)


def scorecard(campaign: Campaign, unit_code: str, user: User, *, live: bool = False
              ) -> Scorecard:
    """A unit's scorecard: its own members see the published one; administrators any, live
    on request. Everyone else, and a unit not in the ranking: NotShown."""
    unit = db.session.scalars(select(Unit).filter_by(code=unit_code)).first()
    if unit is None or not may_see_scorecard(user, unit):
        raise NotShown()
    assessment_id, group = _dossier_group(campaign, unit)
    page = ranking_page(campaign, group, user, live=live)
    row = next((row for row in page.data["rows"] if row["unit_code"] == unit.code), None)
    if row is None:
        raise NotShown(unpublished=page.publication is not None)
    year, points, published = previous_domain_points(campaign, unit, admin=is_admin(user))
    history = last_year(campaign, unit, live=is_admin(user))
    shown = history is not None and history.found and (
        unit.predecessors or any(f.imported_source is not None for f in history.found))
    figures = _current_figures(campaign, unit, group, page) if shown else None
    return Scorecard(campaign, unit, assessment_id, row,
                     sum(1 for r in page.data["rows"] if r["rank"] is not None),
                     page.criteria_set, page.publication, page.has_publication,
                     year, points, published, group, history if shown else None, figures)


def _current_figures(campaign: Campaign, unit: Unit, group: str, page: RankingPage
                     ) -> dict[str, Figure]:
    """This year's appraised figures by domain and the survey's, as the page shows them."""
    if page.publication is not None:
        result = frozen_scores(page.publication, [unit.code]).get(unit.code)
        return domain_figures(result, page.criteria_set) if result else {}
    result = _live_result(campaign, unit, group)
    return domain_figures(result, page.criteria_set) if result else {}


def previous_domain_points(campaign: Campaign, unit: Unit, *, admin: bool
                           ) -> tuple[int | None, dict[str, Decimal], bool]:
    """(year, domain code -> points, published?) of the unit in the previous year's campaign
    (the latest campaign of the year before, as the ranking's previous index): read from that
    campaign's latest publication, else, for administrators only, scored live."""
    previous = previous_campaign(campaign)
    group = previous and _dossier_group(previous, unit)[1]
    if previous is None or previous.pin_for(group) is None:
        return None, {}, False
    publication = latest_publication(previous.id, group)
    if publication is not None and publication.imported:
        # The table gives appraised domain points, not the whole domain's: the scorecard shows
        # them apart, beside this year's appraised points (Scorecard.history_rows).
        return previous.year, {}, True
    if publication is not None:
        result = frozen_scores(publication, [unit.code]).get(unit.code)
        if result is None:
            return previous.year, {}, True
        return previous.year, {node.code: node.points for node in result.nodes.values()
                               if node.level == "domain"}, True
    if not admin:
        return previous.year, {}, False
    return previous.year, _live_domain_points(previous, unit, group), False


def _dossier_group(campaign: Campaign, unit: Unit) -> tuple[int | None, str]:
    """The unit's dossier in `campaign` and the group it is ranked in there (the group the
    dossier kept when the campaign opened; the unit's group of today when it has none)."""
    found = db.session.execute(select(Assessment.id, Assessment.unit_group).filter_by(
        campaign_id=campaign.id, unit_id=unit.id)).first()
    return (found.id, found.unit_group) if found else (None, unit.group)


def _live_result(campaign: Campaign, unit: Unit, group: str):
    """The unit's dossier in `campaign` as its stored score has it now; None without answers."""
    found = db.session.execute(
        select(Assessment.id).where(Assessment.campaign_id == campaign.id,
                                    Assessment.unit_id == unit.id,
                                    select(Answer.id).where(Answer.assessment_id == Assessment.id)
                                    .exists())).scalar()
    return None if found is None else stored_result(campaign, group, found)


def _live_domain_points(campaign: Campaign, unit: Unit, group: str) -> dict[str, Decimal]:
    result = _live_result(campaign, unit, group)
    if result is None:
        return {}
    return {node.code: node.points for node in result.nodes.values() if node.level == "domain"}
