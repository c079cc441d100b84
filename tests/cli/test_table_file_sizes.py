"""Every command that imports a table refuses a file larger than any table may be, before
reading it into memory, and the criteria import does so at the criteria table's own bound."""

import pytest

from server.criteria_io.table_import import MAX_INFLATED_BYTES as CRITERIA_TABLE_BYTES
from server.table_files import MAX_INFLATED_BYTES
from tests.cli.test_commands import run
from tests.cli.test_criteria_io_commands import IMPORT_ARGS


def _sparse(path, size):
    with open(path, "wb") as file:  # no disk used: the size is all there is
        file.truncate(size)
    return path


@pytest.mark.parametrize("command", [
    ["units", "import", "{file}"],
    ["users", "import", "{file}"],
    ["survey", "import", "{campaign}", "{file}"],
    ["publications", "import", "{file}", "--year", "2023", "--group", "province",
     "--criteria-set", "province-2020@1.0.0", "--source", "QĐ 1", "--tie-compare", "unrounded",
     "--tie-ranks", "shared"],
], ids=lambda command: " ".join(command[:2]))
def test_a_table_larger_than_any_table_is_refused_unread(app, make, tmp_path, command):
    table = _sparse(tmp_path / "huge.csv", MAX_INFLATED_BYTES + 1)
    campaign = make.campaign()
    result = run(app, *[part.format(file=table, campaign=campaign.id) for part in command])
    assert result.exit_code == 1
    assert "row 0: too_large: the .csv file is 64.0 MB, more than the 64 MB a table may have" \
        in result.output
    assert "nothing imported" in result.output


def test_a_criteria_table_larger_than_a_criteria_table_is_refused_unread(app, tmp_path):
    table = _sparse(tmp_path / "huge.xlsx", CRITERIA_TABLE_BYTES + 1)
    result = run(app, "criteria", "import", str(table), *IMPORT_ARGS,
                 "--out", str(tmp_path / "out.yaml"))
    assert result.exit_code == 1
    assert ("table: cannot read huge.xlsx: the .xlsx file is 16.0 MB, more than the 16 MB a "
            "table may have") in result.output
