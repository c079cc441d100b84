"""The long table of a ranking: one CSV line per unit and sub-criterion, streamed.

A national ranking has over a million such lines, more than a worksheet holds, so the long table
goes out as CSV beside the workbook (which keeps the summary, the domain sheets and the matrix).
Lines are produced a few hundred units at a time, in ranking order, and written as they come:
a live ranking reads each chunk's stored leaf points; a publication's ranking already holds its
frozen leaves. CSV keeps machine formats: points with a dot, codes as they are.
"""

from collections.abc import Iterator

from server.results.ranking import GroupRanking, LeafReader

HEADERS = ["Hạng", "Mã đơn vị", "Đơn vị", "Lĩnh vực", "Tiêu chí", "Mã TCTP", "Nguồn điểm",
           "Điểm", "Điểm tối đa", "Trạng thái", "Xếp loại", "Thành phần"]
STATUS = {"scored": "có điểm", "unanswered": "chưa chấm", "not_applicable": "không áp dụng",
          "survey_absent": "không điều tra"}
SOURCES = {"self": "thẩm định", "survey": "điều tra XHH"}
CHUNK = 500

def frozen_leaves(ranking: GroupRanking) -> LeafReader:
    """Leaves from the rows' own results (a publication's, or a ranking read with detail)."""
    traces = {row.unit_code: row.result.trace for row in ranking.rows}
    return lambda codes: {code: {line.code: (line.status, line.outcome,
                                             format(line.points, "f"))
                                 for line in traces[code]} for code in codes}


def long_table_rows(ranking: GroupRanking, leaves_of: LeafReader) -> Iterator[list]:
    """The table's lines, best unit first, each unit's leaves in tree order; the last column
    is the key of the named component that counts the item (empty when none does)."""
    criteria_set = ranking.criteria_set
    component_of = criteria_set.component_of
    place = {}
    for domain in criteria_set.domains:
        for criterion in domain.criteria:
            for leaf in criterion.leaves():
                place[leaf.code] = (domain.code, criterion.code, SOURCES[leaf.source],
                                    leaf.max_points)
    rows = ranking.rows
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        leaves = leaves_of([row.unit_code for row in chunk])
        for row in chunk:
            found = leaves[row.unit_code]
            for code, (domain, criterion, source, max_points) in place.items():
                status, _outcome, points = found[code]
                yield [row.rank, row.unit_code, row.unit_name, domain, criterion, code, source,
                       points, format(max_points, "f"), STATUS[status],
                       row.classification or "", component_of.get(code, "")]
