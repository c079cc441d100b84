"""The benchmarks at toy scale, so their code keeps working (figures come from bench/)."""

import os
import re
import subprocess
import sys

import openpyxl
from sqlalchemy import make_url

from bench.common import serve_command
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
    assert len(sheets["matrix"]) == 6 and len(sheets["matrix"][0]) == 3 + 102


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
    assert re.search(r"^ratio engine_scoring \d+\.\d\d goal 5$", printed, re.M)
    assert re.search(r"^bench: [01] of 1 goals met$", printed, re.M)


def test_serve_command_is_bin_serve_s_gunicorn_line():
    command = serve_command({"PARINDEX_WORKERS": "3"}, 8765, "bench.bare_app:app")
    assert command[0].endswith("gunicorn")
    assert command[command.index("--workers") + 1] == "3"
    assert "--timeout" in command and "wsgi:app" not in command
    assert "bench.bare_app:app" in command and command[-2:] == ["--bind", "127.0.0.1:8765"]
    assert "--bind" not in command[:-2] and "127.0.0.1:8000" not in command
    assert "&" not in command  # bin/serve backgrounds gunicorn; the shell's & is not an argument


def test_bench_all_runs_every_goal(database_url, tmp_path):
    """`bench all` at toy size on the test database's kind (PostgreSQL: a database of its own,
    since the bench drops its schema): every goal line, the summary, and no lost write."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    else:
        parsed = make_url(database_url)
        url = parsed.set(database=f"{parsed.database}_bench").render_as_string(
            hide_password=False)
    env = {**os.environ, "PARINDEX_BENCH_DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-m", "bench", "all", "--units", "20", "--editors", "4"],
        capture_output=True, text=True, timeout=600, check=False, env=env)
    printed = result.stdout
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    names = re.findall(r"^ratio (\w+) (?:\d+(?:\.\d+)?|not built) goal [\d.]+$", printed, re.M)
    assert names == ["engine_scoring", "planner_seconds", "ranking", "workbook", "long_table_csv",
                     "live_ranking_page", "saves_p50", "saves_p95", "saves_errors",
                     "saves_lost_writes", "publishing"], printed
    assert re.search(r"^ratio saves_lost_writes 0 goal 0$", printed, re.M), printed
    met = re.search(r"^bench: (\d+) of 11 goals met$", printed, re.M)
    assert met, printed
    assert result.returncode == (0 if met.group(1) == "11" else 1)


def test_the_long_table_csv_is_read_back_for_its_floor(tmp_path):
    """The CSV goal's floor writes the rows the exports wrote, numbers read back as floats."""
    from bench.ranking_workbook import csv_rows, write_long_csv

    ranking = build_ranking(2)
    target = str(tmp_path / "long.csv")
    write_long_csv(ranking, target)
    rows = csv_rows(target)
    assert rows[0][:2] == ["Hạng", "Mã đơn vị"]
    assert len(rows) == 1 + 2 * len(ranking.criteria_set.leaves())
    assert isinstance(rows[1][7], float)  # points


def test_planner_bench_runs(capsys):
    from bench.planner import main

    main(["--units", "12", "--repeats", "1"])
    assert "planner: one plan" in capsys.readouterr().out
