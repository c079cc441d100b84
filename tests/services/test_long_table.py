"""The long table as CSV: one line per unit and sub-criterion in ranking order, equal to the
engine's trace, from a live ranking's stored leaves and from a publication's frozen ones."""

import csv
import io

from server.downloads import csv_chunks
from server.results.exports.long_table import HEADERS, frozen_leaves, long_table_rows
from server.results.ranking import rank_group, stored_leaf_reader
from tests.ranking_data import full_answers, write_answers


def _read(chunks) -> list[list[str]]:
    text = "".join(chunks)
    assert text.startswith("\ufeff")  # Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_lines_follow_the_ranking_and_equal_the_engine(app, make):
    criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    campaign = make.campaign()
    na_leaf = next(leaf for leaf in criteria_set.leaves() if leaf.not_applicable_allowed)
    for code, drop in (("P02", 9), ("P01", 0), ("P03", 30)):
        unit = make.unit(code, name=f"Tỉnh {code}", level="province", group="province")
        values = full_answers(criteria_set, drop)
        na = (na_leaf.code,) if code == "P03" else ()
        if na:
            values.pop(na_leaf.code)
        write_answers(make.assessment(campaign, unit), criteria_set, values, not_applicable=na)
    detailed = rank_group(campaign, "province", detail=True)
    light = rank_group(campaign, "province")
    lines = long_table_rows(light, stored_leaf_reader(campaign.id, "province"))
    live = _read(csv_chunks(HEADERS, lines, lines_per_chunk=7))
    assert live[0] == HEADERS
    expected = [[str(row.rank), row.unit_code, row.unit_name, line.code, format(line.points, "f"),
                 format(line.max_points, "f")]
                for row in detailed.rows for line in row.result.trace]
    assert [[line[0], line[1], line[2], line[5], line[7], line[8]] for line in live[1:]] == \
        expected
    assert [line[1] for line in live[1:len(criteria_set.leaves()) + 1]] == ["P01"] * 102
    assert {line[9] for line in live[1:] if line[1] == "P03" and line[5] == na_leaf.code} == \
        {"không áp dụng"}
    # The same lines from results that carry their leaves (a publication's frozen ranking).
    assert _read(csv_chunks(HEADERS, long_table_rows(detailed, frozen_leaves(detailed)))) == live
