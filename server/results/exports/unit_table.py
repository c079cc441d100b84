"""One unit's official self-assessment table (.xlsx), filled in: the layout of the blank table
(`server.criteria_io.table_export`) with the unit's numbers, its evidence and its notes.

Columns: STT | Lĩnh vực / Tiêu chí / Tiêu chí thành phần | Điểm tối đa | Điểm tự đánh giá |
Điểm thẩm định | Điểm ĐTXHH | Điểm đạt được | Chỉ số (%) | Tài liệu kiểm chứng | Ghi chú.
Every number is the engine's, written as a value (not a formula): the self column scores the
unit's own answers, the appraised column the reviewers' decisions (on a domain or criterion row,
the sum over its items appraised so far), the survey column the imported results, and "Điểm đạt
được" and "Chỉ số" the effective answers, as ranked. A column stays blank on a row when nothing
below it has an answer of that kind.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import xlsxwriter
from flask_babel import force_locale

from server.assessment.self_assessment import criteria_set_for, engine_input, links_by_code
from server.campaigns.exclusions import exclusions_for
from server.campaigns.workflow import STATES
from server.criteria_io.table_export import (
    ACHIEVED,
    APPRAISED,
    INDEX,
    SELF,
    SURVEY,
    set_reference,
    table_sheet,
    write_rule_lines,
)
from server.engine import CriteriaSet, Criterion, Domain, Leaf, ScoreResult, score
from server.engine.answers import effective_answers
from server.extensions import db
from server.models import Answer, Assessment

EVIDENCE, NOTES = 8, 9
COLUMN_SOURCES = {SELF: "self", APPRAISED: "appraisal", SURVEY: "survey"}


@dataclass(frozen=True)
class UnitTable:
    """What the table shows: the scores of each kind, and per sub-criterion its notes and
    evidence references."""

    assessment: Assessment
    criteria_set: CriteriaSet
    results: dict[str, ScoreResult]  # self | appraisal | survey | effective
    answered: dict[str, set[str]]  # source -> codes with an answer of that source
    notes: dict[str, str]
    evidence: dict[str, list[str]]


def evidence_reference(document) -> str:
    """A document as the official tables cite it: "Kế hoạch số 24/KH-UBND ngày 27/01/2021 của
    UBND tỉnh: trích yếu"; parts the unit left empty are left out."""
    text = f"Số {document.number}" if document.number else ""
    if document.issued_on:
        text += f" ngày {document.issued_on.strftime('%d/%m/%Y')}"
    if document.issuer:
        text += f" của {document.issuer}"
    if document.title:
        text = f"{text}: {document.title}" if text else document.title
    return text.strip()


def linked_reference(link) -> str:
    """The document's reference and the file the link points to (the revision linked, never a
    later one): "…: Kế hoạch CCHC (tệp ke-hoach.pdf, phiên bản 1)"."""
    text = evidence_reference(link.document)
    if link.revision is not None:
        text += f" (tệp {link.revision.filename}, phiên bản {link.revision.number})"
    return text


def read_unit_table(assessment: Assessment) -> UnitTable:
    """The assessment's answers, evidence and exclusions, read with three queries, scored four
    ways."""
    criteria_set = criteria_set_for(assessment)
    rows = list(db.session.scalars(db.select(Answer).where(
        Answer.assessment_id == assessment.id)))
    by_source = {source: [row for row in rows if row.source == source]
                 for source in ("self", "appraisal", "survey")}
    excluded = exclusions_for(assessment)
    results = {source: score(criteria_set, engine_input(source_rows), excluded)
               for source, source_rows in by_source.items()}
    results["effective"] = score(criteria_set, effective_answers(
        criteria_set, [(r.code, r.source, r.value, r.not_applicable) for r in rows]), excluded)
    answered = {source: set(engine_input(source_rows))
                for source, source_rows in by_source.items()}
    notes = {}
    for row in rows:
        if row.source == "self" and row.explanation:
            notes.setdefault(row.code, []).append(f"Giải trình: {row.explanation}")
        if row.source == "appraisal" and row.reason:
            label = "Câu hỏi thẩm định" if row.code not in answered["appraisal"] \
                else "Ý kiến thẩm định"
            notes.setdefault(row.code, []).append(f"{label}: {row.reason}")
    evidence = {code: [linked_reference(link) for link in links]
                for code, links in links_by_code(assessment).items()}
    return UnitTable(assessment, criteria_set, results, answered,
                     {code: "\n".join(lines) for code, lines in notes.items()}, evidence)


def write_unit_table(table: UnitTable, target, *, generated_at: datetime | None = None) -> None:
    """Write `table` to `target`, a path or a binary file."""
    book = xlsxwriter.Workbook(target, {"in_memory": not isinstance(target, str)})
    assessment, criteria_set = table.assessment, table.criteria_set
    unit, campaign = assessment.unit, assessment.campaign
    sheet, fmt, row = table_sheet(book, [
        f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {campaign.year}",
        f"Đơn vị: {unit.name} (mã {unit.code})",
        f"({campaign.title}; {set_reference(criteria_set)}; trạng thái hồ sơ: "
        f"{_state_text(assessment.state)})",
    ])
    domain_rows = []
    for domain in criteria_set.domains:
        domain_rows.append(row)
        row = _write_group(sheet, fmt, row, table, domain)
    effective = table.results["effective"]
    sheet.write_blank(row, 0, None, fmt["domain"])
    sheet.write_string(row, 1, "Tổng cộng", fmt["domain"])
    sheet.write_number(row, 2, float(criteria_set.max_points), fmt["domain_num"])
    leaves = {leaf.code for leaf in criteria_set.leaves()}
    for col, source in COLUMN_SOURCES.items():
        _write_points(sheet, row, col, table.results[source].total,
                      table.answered[source] & leaves, fmt["domain_num"])
    sheet.write_number(row, ACHIEVED, float(effective.total), fmt["domain_num"])
    _write_index(sheet, row, effective.index, fmt["domain_num"])
    for col in (EVIDENCE, NOTES):
        sheet.write_blank(row, col, None, fmt["domain"])
    moment = (generated_at or datetime.now(UTC)).astimezone(UTC)
    sheet.merge_range(row + 2, 0, row + 2, NOTES,
                      "Điểm đạt được: điểm thẩm định thay điểm tự đánh giá khi đã thẩm định; "
                      "tiêu chí điều tra xã hội học lấy điểm ĐTXHH. Chỉ số (%) = điểm đạt được / "
                      "điểm tối đa của các tiêu chí áp dụng × 100, làm tròn 2 chữ số. "
                      f"Lập lúc {moment.strftime('%d/%m/%Y %H:%M')} (UTC).", fmt["subtitle"])
    book.close()


def _state_text(state: str) -> str:
    with force_locale("vi"):  # the official table is Vietnamese whatever the reader's language
        return str(STATES.get(state, state))


def _write_points(sheet, row, col, points, codes_below, style):
    if codes_below:
        sheet.write_number(row, col, float(points), style)
    else:
        sheet.write_blank(row, col, None, style)


def _write_index(sheet, row, index, style):
    if index is None:
        sheet.write_blank(row, INDEX, None, style)
    else:
        sheet.write_number(row, INDEX, float(index), style)


def _write_scores(sheet, fmt, row, table: UnitTable, node, style):
    """Columns 2 to 7 of `node`'s row, from the four results."""
    codes = {leaf.code for leaf in node.leaves()}
    key = node.code
    sheet.write_number(row, 2, float(node.max_points), fmt[f"{style}_num"])
    for col, source in COLUMN_SOURCES.items():
        _write_points(sheet, row, col, table.results[source].nodes[key].points,
                      table.answered[source] & codes, fmt[f"{style}_num"])
    effective = table.results["effective"].nodes[key]
    sheet.write_number(row, ACHIEVED, float(effective.points), fmt[f"{style}_num"])
    _write_index(sheet, row, effective.sub_index, fmt[f"{style}_num"])


def _write_group(sheet, fmt, row: int, table: UnitTable, node: Domain | Criterion) -> int:
    if isinstance(node, Criterion) and node.leaf:
        return _write_leaf(sheet, fmt, row, table, node.leaf)
    style = "domain" if isinstance(node, Domain) else "criterion"
    sheet.write_string(row, 0, node.code, fmt[style])
    sheet.write_string(row, 1, node.title, fmt[style])
    _write_scores(sheet, fmt, row, table, node, style)
    for col in (EVIDENCE, NOTES):
        sheet.write_blank(row, col, None, fmt[style])
    row += 1
    children = node.criteria if isinstance(node, Domain) else node.sub_criteria
    for child in children:
        row = (_write_group(sheet, fmt, row, table, child) if isinstance(child, Criterion)
               else _write_leaf(sheet, fmt, row, table, child))
    return row


def _write_leaf(sheet, fmt, row: int, table: UnitTable, leaf: Leaf) -> int:
    sheet.write_string(row, 0, leaf.code, fmt["leaf"])
    sheet.write_string(row, 1, leaf.title, fmt["leaf"])
    _write_scores(sheet, fmt, row, table, table.criteria_set.node(leaf.code), "leaf")
    sheet.write_string(row, EVIDENCE, "\n".join(table.evidence.get(leaf.code, [])), fmt["leaf"])
    notes = table.notes.get(leaf.code, "")
    if table.results["effective"].nodes[leaf.code].not_applicable:
        notes = "\n".join(filter(None, ["Không áp dụng", notes]))
    sheet.write_string(row, NOTES, notes, fmt["leaf"])
    return write_rule_lines(sheet, fmt, row + 1, leaf)
