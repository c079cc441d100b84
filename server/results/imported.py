"""A past year's published results, imported from the official table, so a province's first year
in ParIndex still has last year's comparison, points lost (by domain) and trends.

The table gives, per unit: the appraised points of each domain, the survey points, the total, the
index and the rank. The import holds exactly that and nothing more (no item scores are made up):
each unit's PublicationScore has one node per domain (its appraised points over the domain's
appraised maximum) and the totals, and no trace. The publication is marked `imported`, carries
the decision it comes from and the file's SHA-256, and sits in a closed campaign of that year
(created, or the year's existing closed campaign, reused) pinning the group's criteria set.

All or nothing: any bad row (unknown or repeated unit, a number that is not one, domain points
above the domain's maximum, a total or index that does not add up within 0.01, a bad rank) is
reported with its row number and column and nothing is written. Importing the group again is
how an imported publication is corrected: a new number, with a reason, listing what changed.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from server.campaigns.criteria import criteria_registry
from server.campaigns.settings import TIE_COMPARE, TIE_RANKS
from server.engine import CriteriaSet
from server.engine.decimals import (
    NotANumber,
    parse_decimal,
    percent,
    plain,
    round_half_up,
    two_places,
    vn_number,
)
from server.events import emit
from server.extensions import db
from server.models import (
    Assessment,
    Campaign,
    CampaignCriteriaSet,
    Publication,
    PublicationScore,
    Unit,
    UnitGroup,
    User,
)
from server.results.publications import PublicationError, changes_between, latest_publication
from server.results.ranking import previous_indices
from server.table_files import RowProblem, TableFileError, cell_text, read_table

ENGINE_MARK = "imported"  # in place of the engine version: no engine scored these figures
TOLERANCE = Decimal("0.01")  # published figures are rounded to 2 decimals
# Columns after the unit and the domains: key -> the template's header.
UNIT_HEADER, NAME_HEADER = "Mã đơn vị", "Tên đơn vị"
TAIL = {"survey": "Điểm ĐTXHH", "total": "Tổng điểm", "max_points": "Điểm tối đa",
        "index": "Chỉ số CCHC (%)", "rank": "Xếp hạng"}
OPTIONAL = ("survey", "max_points", "rank")


def domain_header(code: str) -> str:
    return f"Lĩnh vực {code}"


class ImportedResultsError(TableFileError):
    """Row problems of a results table; nothing was written. Kinds: missing_column (row 1),
    unknown_unit, duplicate, missing_value, not_a_number, negative, above_max, total_mismatch,
    index_mismatch, bad_rank, duplicate_rank; unreadable and empty on row 0."""


@dataclass(frozen=True)
class ImportRequest:
    year: int
    group: str
    criteria_set: str  # id@version
    source: str  # the decision that published the results, e.g. "Quyết định số 512/QĐ-UBND"
    tie_compare: str
    tie_ranks: str
    reason: str = ""  # for a second import of the group (a correction)


@dataclass(frozen=True)
class DomainMax:
    """What the table's columns may hold, from the criteria set the year was scored with."""

    domains: dict[str, Decimal]  # domain code -> max of its appraised (self-assessed) items
    survey: Decimal
    total: Decimal


def table_maxima(criteria_set: CriteriaSet) -> DomainMax:
    return DomainMax(
        {d.code: sum((leaf.max_points for leaf in d.leaves() if leaf.source == "self"),
                     Decimal(0)) for d in criteria_set.domains},
        sum((leaf.max_points for leaf in criteria_set.leaves() if leaf.source == "survey"),
            Decimal(0)),
        criteria_set.max_points)


def find_criteria_set(reference: str) -> CriteriaSet | None:
    set_id, _sep, version = (reference or "").partition("@")
    return criteria_registry().get(set_id.strip(), version.strip() or None) if set_id else None


# -- the template --------------------------------------------------------------------------------

def write_template(criteria_set: CriteriaSet, target) -> None:
    """The .xlsx to fill in: one unit a row, the set's domains as columns, and a guide sheet."""
    maxima = table_maxima(criteria_set)
    book = xlsxwriter.Workbook(target, {"in_memory": not isinstance(target, str)})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                              "text_wrap": True})
    sheet = book.add_worksheet("Kết quả đã công bố")
    headers = [UNIT_HEADER, NAME_HEADER, *(domain_header(d.code) for d in criteria_set.domains),
               *TAIL.values()]
    sheet.write_row(0, 0, headers, header)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, len(headers) - 1, 11)
    sheet.freeze_panes(1, 2)
    guide = book.add_worksheet("Hướng dẫn")
    guide.set_column(0, 0, 22)
    guide.set_column(1, 1, 90)
    guide.write_row(0, 0, ("Cột", "Nội dung"), header)
    lines = [
        ("Bộ tiêu chí", f"{criteria_set.id}@{criteria_set.version}: {criteria_set.title}"),
        (UNIT_HEADER, "mã đơn vị đã có trong danh sách đơn vị (kể cả đơn vị đã ngừng hoạt "
                      "động, ví dụ xã đã sáp nhập); mỗi đơn vị một dòng"),
        (NAME_HEADER, "để đối chiếu, không được nhập"),
        *((domain_header(d.code), f"điểm thẩm định của lĩnh vực {d.code}. {d.title} (tối đa "
                                  f"{vn_number(maxima.domains[d.code])})")
          for d in criteria_set.domains),
        (TAIL["survey"], f"điểm điều tra xã hội học (tối đa {vn_number(maxima.survey)}); để "
                         "trống nếu năm đó không điều tra"),
        (TAIL["total"], "tổng điểm = tổng điểm các lĩnh vực + điểm ĐTXHH (sai lệch tối đa "
                        "0,01)"),
        (TAIL["max_points"], f"điểm tối đa áp dụng cho đơn vị; để trống là "
                             f"{vn_number(maxima.total)} (điểm tối đa của bộ tiêu chí)"),
        (TAIL["index"], "chỉ số = tổng điểm / điểm tối đa x 100 (sai lệch tối đa 0,01)"),
        (TAIL["rank"], "thứ hạng đã công bố; để trống với đơn vị được chấm điểm nhưng không "
                       "xếp hạng"),
        ("Số thập phân", "dấu phẩy (0,5) hoặc dấu chấm (0.5)"),
    ]
    for row, line in enumerate(lines, 1):
        guide.write_row(row, 0, line)
    book.close()


# -- reading the table ---------------------------------------------------------------------------

def _key(text) -> str:
    return " ".join(str(text or "").split()).casefold()


def _columns(header: list, criteria_set: CriteriaSet) -> tuple[dict[str, int], list[RowProblem]]:
    """column key ("unit", "domain:<code>", "survey", ...) -> its index, from the header row."""
    wanted = {"unit": UNIT_HEADER, **{f"domain:{d.code}": domain_header(d.code)
                                      for d in criteria_set.domains}, **TAIL}
    found = {_key(text): index for index, text in enumerate(header) if _key(text)}
    columns, problems = {}, []
    for key, title in wanted.items():
        if _key(title) in found:
            columns[key] = found[_key(title)]
        elif key not in OPTIONAL:
            problems.append(RowProblem(1, "missing_column", str(_l(
                "the column %(column)s is missing; use the template of criteria set %(set)s",
                column=repr(title), set=f"{criteria_set.id}@{criteria_set.version}"))))
    return columns, problems


@dataclass(frozen=True)
class TableRow:
    number: int
    unit: Unit
    domains: dict[str, Decimal]
    survey: Decimal | None  # None: no survey that year
    total: Decimal
    max_points: Decimal
    index: Decimal
    rank: int | None


class _RowReader:
    """One row's cells by column key, collecting its problems as "<column>: <message>"."""

    def __init__(self, number: int, cells: list, columns: dict[str, int], titles: dict):
        self.number, self.cells, self.columns, self.titles = number, cells, columns, titles
        self.problems: list[RowProblem] = []

    def problem(self, key: str, kind: str, message) -> None:
        self.problems.append(RowProblem(self.number, kind, f"{self.titles[key]}: {message}"))

    def raw(self, key: str):
        index = self.columns.get(key)
        return None if index is None or index >= len(self.cells) else self.cells[index]

    def number_of(self, key: str, *, required: bool = True) -> Decimal | None:
        raw = self.raw(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.problem(key, "missing_value", _l("must not be empty"))
            return None
        try:
            value = parse_decimal(raw.strip() if isinstance(raw, str) else raw)
        except NotANumber:
            self.problem(key, "not_a_number", _l("%(value)s is not a number", value=repr(raw)))
            return None
        if value < 0:
            self.problem(key, "negative", _l("%(value)s is below 0", value=vn_number(value)))
            return None
        return value

    def at_most(self, key: str, value: Decimal | None, maximum: Decimal) -> None:
        if value is not None and value > maximum:
            self.problem(key, "above_max", _l("%(value)s is above the maximum %(max)s",
                                              value=vn_number(value), max=vn_number(maximum)))


def _rank(reader: _RowReader) -> int | None:
    value = reader.number_of("rank", required=False)
    if value is None:
        return None
    if value != value.to_integral_value() or value < 1:
        reader.problem("rank", "bad_rank", _l("%(value)s is not a rank (1, 2, 3...)",
                                              value=vn_number(value)))
        return None
    return int(value)


def read_results(filename: str, content: bytes, criteria_set: CriteriaSet,
                 tie_ranks: str) -> list[TableRow]:
    """The table's rows, checked; ImportedResultsError lists every problem."""
    try:
        header, rows = read_table(filename, content)
    except TableFileError as error:
        raise ImportedResultsError(error.problems) from error
    columns, problems = _columns(header, criteria_set)
    if problems:
        raise ImportedResultsError(problems)
    if not rows:
        raise ImportedResultsError([RowProblem(0, "empty", str(_l("the file holds no unit")))])
    maxima = table_maxima(criteria_set)
    titles = {"unit": UNIT_HEADER, **TAIL,
              **{f"domain:{d.code}": domain_header(d.code) for d in criteria_set.domains}}
    units = {unit.code: unit for unit in db.session.scalars(select(Unit))}
    accepted, seen, ranks = [], {}, {}
    for number, cells in rows:
        reader = _RowReader(number, cells, columns, titles)
        code = cell_text(cells, columns["unit"])
        unit = units.get(code)
        if not code:
            reader.problem("unit", "missing_value", _l("must not be empty"))
        elif unit is None:
            reader.problem("unit", "unknown_unit", _l("unknown unit %(code)s", code=repr(code)))
        elif code in seen:
            reader.problem("unit", "duplicate", _l("%(code)s is already given on row %(row)s",
                                                   code=repr(code), row=seen[code]))
        else:
            seen[code] = number
        domains = {}
        for d in criteria_set.domains:
            value = reader.number_of(f"domain:{d.code}")
            reader.at_most(f"domain:{d.code}", value, maxima.domains[d.code])
            domains[d.code] = value
        survey = reader.number_of("survey", required=False)
        reader.at_most("survey", survey, maxima.survey)
        total = reader.number_of("total")
        given_max = reader.number_of("max_points", required=False)
        reader.at_most("max_points", given_max, maxima.total)
        if given_max == 0:
            reader.problem("max_points", "bad_max", _l("must be above 0"))
        max_points = given_max or maxima.total
        index = reader.number_of("index")
        rank = _rank(reader)
        if not reader.problems:
            parts = sum(domains.values(), survey or Decimal(0))
            if abs(total - parts) > TOLERANCE:
                reader.problem("total", "total_mismatch", _l(
                    "%(total)s is not the sum of the domains and the survey (%(sum)s)",
                    total=vn_number(total), sum=vn_number(parts)))
            # The engine's own index of these points, as it would publish it.
            computed = percent(total, max_points)
            if abs(index - computed) > TOLERANCE:
                reader.problem("index", "index_mismatch", _l(
                    "%(index)s is not the total / the maximum x 100 (%(computed)s)",
                    index=vn_number(index), computed=vn_number(computed)))
        if rank is not None and tie_ranks == "distinct" and rank in ranks:
            reader.problem("rank", "duplicate_rank", _l(
                "rank %(rank)s is already given on row %(row)s, and equal values get distinct "
                "ranks", rank=rank, row=ranks[rank]))
        elif rank is not None:
            ranks.setdefault(rank, number)
        problems += reader.problems
        if not reader.problems:
            accepted.append(TableRow(number, unit, domains, survey, total, max_points, index,
                                     rank))
    if problems:
        raise ImportedResultsError(sorted(problems, key=lambda p: p.row))
    return accepted


# -- the publication -----------------------------------------------------------------------------

def _index_text(value: Decimal) -> str:
    return format(round_half_up(value, 2), "f")


def frozen_row(row: TableRow, criteria_set: CriteriaSet, maxima: DomainMax) -> dict:
    """The unit's PublicationScore result, in `freeze_result`'s shape, from the table alone."""
    survey = row.survey or Decimal(0)
    self_points = sum(row.domains.values(), Decimal(0))
    return {
        "set": [criteria_set.id, criteria_set.version, ENGINE_MARK],
        "totals": [plain(row.total), plain(row.max_points), _index_text(row.index),
                   plain(self_points), plain(survey), plain(sum(maxima.domains.values(),
                                                               Decimal(0))),
                   plain(maxima.survey if row.survey is not None else Decimal(0))],
        "survey_absent": row.survey is None, "classification": None, "unanswered": [],
        "nodes": [[d.code, "domain", plain(row.domains[d.code]), plain(maxima.domains[d.code]),
                   None if not maxima.domains[d.code]
                   else format(percent(row.domains[d.code], maxima.domains[d.code]), "f"),
                   False] for d in criteria_set.domains],
        "trace": [],
    }


def ranking_rows(rows: list[TableRow], criteria_set: CriteriaSet, maxima: DomainMax,
                 previous: dict) -> list[dict]:
    """`ranking_dict` rows of the table: ranked units by rank, then the others by code."""
    result = []
    for row in sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.unit.code)):
        index = _index_text(row.index)
        before = previous.get(row.unit.code)
        result.append({
            "rank": row.rank, "ranked": row.rank is not None, "unit_code": row.unit.code,
            "unit_name": row.unit.name, "total": two_places(row.total),
            "self_points": two_places(sum(row.domains.values(), Decimal(0))),
            "survey_points": two_places(row.survey or Decimal(0)),
            "max_points": two_places(row.max_points), "index": index, "classification": None,
            "previous_index": None if before is None else two_places(before),
            "change": None if before is None else two_places(Decimal(index) - before),
            "domains": [{"code": d.code, "points": two_places(row.domains[d.code]),
                         "max_points": two_places(maxima.domains[d.code]),
                         "sub_index": None if not maxima.domains[d.code]
                         else two_places(percent(row.domains[d.code], maxima.domains[d.code]))}
                        for d in criteria_set.domains],
        })
    return result


def _check_request(request: ImportRequest, user: User) -> CriteriaSet:
    if not user.has_role("admin"):
        raise PublicationError(_l("Only the Department of Home Affairs imports published "
                                  "results."), status=403)
    if not isinstance(request.year, int) or not 1990 <= request.year <= 2100:
        raise PublicationError(_l("must be a year such as 2024"), status=422, field="year")
    group = db.session.scalar(select(UnitGroup).filter_by(code=request.group))
    if group is None:
        raise PublicationError(_l("unknown unit group %(code)s", code=repr(request.group)),
                               status=422, field="group")
    criteria_set = find_criteria_set(request.criteria_set)
    if criteria_set is None or "@" not in request.criteria_set:
        raise PublicationError(_l("%(value)s is not an installed criteria set (id@version)",
                                  value=repr(request.criteria_set)), status=422,
                               field="criteria_set")
    if not request.source.strip():
        raise PublicationError(_l("name the decision that published the results"), status=422,
                               field="source")
    if request.tie_compare not in TIE_COMPARE:
        raise PublicationError(_l("%(value)s is not one of %(choices)s",
                                  value=repr(request.tie_compare),
                                  choices=", ".join(TIE_COMPARE)), status=422,
                               field="tie_rule.compare")
    if request.tie_ranks not in TIE_RANKS:
        raise PublicationError(_l("%(value)s is not one of %(choices)s",
                                  value=repr(request.tie_ranks), choices=", ".join(TIE_RANKS)),
                               status=422, field="tie_rule.ranks")
    return criteria_set


def _year_campaign(request: ImportRequest, criteria_set: CriteriaSet,
                   actor_id: int) -> Campaign:
    """The year's campaign the results go to: the latest of the year (the one the next year
    compares with), when it is closed and pins the group to the same set or not at all; a new
    closed campaign when the year has none."""
    campaign = db.session.scalars(select(Campaign).where(Campaign.year == request.year)
                                  .order_by(Campaign.id.desc())).first()
    reference = f"{criteria_set.id}@{criteria_set.version}"
    if campaign is None:
        campaign = Campaign(year=request.year, state="closed",
                            title=f"Chỉ số CCHC năm {request.year} (nhập từ kết quả đã công bố)")
        db.session.add(campaign)
        db.session.flush()
        emit("campaign.created", "campaign", campaign.id, actor_id=actor_id,
             after={"year": campaign.year, "title": campaign.title, "state": "closed",
                    "imported": True})
    elif campaign.state != "closed":
        raise PublicationError(_l(
            "Campaign %(title)s of %(year)s is not closed: results of a year run in ParIndex "
            "are published, not imported.", title=campaign.title, year=request.year),
            field="year")
    pin = campaign.pin_for(request.group)
    if pin is None:
        campaign.pins.append(CampaignCriteriaSet(unit_group=request.group,
                                                 criteria_set_id=criteria_set.id,
                                                 criteria_set_version=criteria_set.version))
        emit("campaign.pinned", "campaign", campaign.id, actor_id=actor_id,
             after={"group": request.group, "criteria_set": reference})
    elif (pin.criteria_set_id, pin.criteria_set_version) != (criteria_set.id,
                                                             criteria_set.version):
        raise PublicationError(_l(
            "Campaign %(title)s pins %(pinned)s for this group, not %(given)s.",
            title=campaign.title, pinned=f"{pin.criteria_set_id}@{pin.criteria_set_version}",
            given=reference), field="criteria_set")
    dossier = db.session.scalar(select(Assessment.id).where(
        Assessment.campaign_id == campaign.id, Assessment.unit_group == request.group).limit(1))
    if dossier is not None:
        raise PublicationError(_l(
            "The group has dossiers in campaign %(title)s: its results are published from "
            "them, not imported.", title=campaign.title), field="group")
    return campaign


def import_results(request: ImportRequest, filename: str, content: bytes,
                   user: User) -> Publication:
    """Check the table and publish it as an imported publication; commits, or raises
    PublicationError / ImportedResultsError with nothing written."""
    criteria_set = _check_request(request, user)
    rows = read_results(filename, content, criteria_set, request.tie_ranks)
    campaign = _year_campaign(request, criteria_set, user.id)
    previous = latest_publication(campaign.id, request.group)
    if previous is not None and not previous.imported:
        raise PublicationError(_l("The group's results of %(year)s were published in "
                                  "ParIndex; they cannot be replaced by an import.",
                                  year=request.year), field="group")
    reason = request.reason.strip()
    if previous is not None and not reason:
        raise PublicationError(_l("The group's results of %(year)s were imported already: a "
                                  "new import is a correction and needs a reason.",
                                  year=request.year), status=422, field="reason")
    maxima = table_maxima(criteria_set)
    digest = hashlib.sha256(content).hexdigest()
    tie_rule = {"compare": request.tie_compare, "ranks": request.tie_ranks}
    ranking = {"campaign_id": campaign.id, "year": campaign.year, "group": request.group,
               "criteria_set": {"id": criteria_set.id, "version": criteria_set.version},
               "tie_rule": tie_rule,
               "rows": ranking_rows(rows, criteria_set, maxima,
                                    previous_indices(campaign, request.group))}
    changes = [] if previous is None else changes_between(previous.results["ranking"], ranking)
    if previous is not None and not changes and previous.inputs_digest == digest:
        raise PublicationError(_l("Nothing changed since publication %(number)s; there is "
                                  "nothing to correct.", number=previous.number), field="file")
    source = request.source.strip()
    publication = Publication(
        campaign_id=campaign.id, unit_group=request.group,
        number=1 if previous is None else previous.number + 1,
        criteria_set_id=criteria_set.id, criteria_set_version=criteria_set.version,
        engine_version=ENGINE_MARK, tie_rule=tie_rule, inputs_digest=digest,
        results={"ranking": ranking,
                 "imported": {"source": source, "filename": filename, "sha256": digest}},
        changes=changes, reason=reason, imported=True, published_by=user.id)
    db.session.add(publication)
    db.session.flush()
    db.session.execute(insert(PublicationScore), [
        {"publication_id": publication.id, "unit_code": row.unit.code,
         "result": frozen_row(row, criteria_set, maxima)} for row in rows])
    emit("publication.imported", "publication", publication.id, actor_id=user.id,
         before=None if previous is None else {"number": previous.number,
                                               "inputs_digest": previous.inputs_digest},
         after={"campaign_id": campaign.id, "year": campaign.year, "group": request.group,
                "number": publication.number, "criteria_set": request.criteria_set,
                "source": source, "filename": filename, "sha256": digest, "units": len(rows),
                "changes": len(changes)}, reason=reason)
    db.session.commit()
    return publication

