"""The benchmarks at toy scale, so their code keeps working (figures come from bench/)."""

import openpyxl

from bench.ranking import GROUP, bare_group_by, fill
from bench.ranking_workbook import bare_cells, bare_write, build_ranking
from server.results.exports.ranking_workbook import SUMMARY, write_ranking_workbook
from server.results.ranking import rank_group


def test_workbook_bench_pieces(tmp_path):
    ranking = build_ranking(6)
    sheets, domain_sheets = bare_cells(ranking)
    bare_write(str(tmp_path / "bare.xlsx"), sheets, domain_sheets)
    write_ranking_workbook(ranking, str(tmp_path / "real.xlsx"))
    real = openpyxl.load_workbook(tmp_path / "real.xlsx", read_only=True)
    bare = openpyxl.load_workbook(tmp_path / "bare.xlsx", read_only=True)
    assert real[SUMMARY].max_row == bare["summary"].max_row == 7
    assert [len(rows) for rows in (sheets["matrix"], sheets["long"])] == [6, 6 * 102]


def test_ranking_bench_pieces(app):
    criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    campaign = fill(5, criteria_set)
    grouped = bare_group_by(campaign.id)
    assert len(grouped) == 5 and all(count == 102 for _id, count, _na in grouped)
    assert len(rank_group(campaign, GROUP).rows) == 5


def test_engine_scoring_bench_runs(capsys):
    from bench.engine_scoring import main

    main(["--dossiers", "12", "--repeats", "1"])
    printed = capsys.readouterr().out
    assert "12 distinct dossiers of province-2020" in printed
    assert "floor checked equal to the engine on every one" in printed
    assert "engine: score() each dossier" in printed and "floor: bare Python pass" in printed
    assert "ratio engine / bare pass:" in printed and "(goal <= 5)" in printed



def test_concurrent_saves_bench_runs():
    """Two editors, one save each, through gunicorn on a free port: the bench's own checks pass."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "bench.concurrent_saves", "--editors", "2", "--rounds", "1",
         "--workers", "1", "--threads", "2"],
        capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "errors 0, lost writes 0" in result.stdout
