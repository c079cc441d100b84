"""`parindex criteria new NAME` scaffolds a package that passes its own tests once installed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.criteria_io.scaffold_files import ScaffoldError, scaffold_files
from tests.cli.test_commands import run

ROOT = Path(__file__).resolve().parents[2]


def test_new_creates_the_package(app, tmp_path):
    result = run(app, "criteria", "new", "xa-mau", "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    target = tmp_path / "parindex-criteria-xa-mau"
    setup = (target / "setup.cfg").read_text(encoding="utf-8")
    assert "[options.entry_points]\nparindex =\n    xa-mau = parindex_criteria_xa_mau" in setup
    assert "parindex_criteria_xa_mau = *.yaml\nparindex_criteria_xa_mau.cases = *.yaml" in setup
    assert "# fill: max answers every leaf not listed under" in (
        target / "parindex_criteria_xa_mau" / "cases" / "full_marks.yaml").read_text()
    assert (target / "parindex_criteria_xa_mau" / "criteria.yaml").exists()
    assert (target / "tests" / "test_parindex_criteria_xa_mau.py").exists()
    validated = run(app, "criteria", "validate",
                    str(target / "parindex_criteria_xa_mau" / "criteria.yaml"))
    assert validated.exit_code == 0, validated.output
    again = run(app, "criteria", "new", "xa-mau", "--dir", str(tmp_path))
    assert again.exit_code != 0 and "exists already" in again.output


def test_bad_names_are_refused():
    with pytest.raises(ScaffoldError, match="lowercase"):
        scaffold_files("Xã Mẫu", "commune")
    with pytest.raises(ScaffoldError, match="level"):
        scaffold_files("xa-mau", "village")


def _env(*paths):
    return {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in paths)}


def test_the_package_passes_its_own_tests(app, tmp_path):
    run(app, "criteria", "new", "xa-mau", "--dir", str(tmp_path))
    target = tmp_path / "parindex-criteria-xa-mau"
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests"], cwd=target, env=_env(ROOT, target), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_the_package_builds_without_setuptools_warnings(app, tmp_path):
    """cases/ holds YAML only: setuptools warns that it "would be ignored" unless it is listed."""
    run(app, "criteria", "new", "xa-mau", "--dir", str(tmp_path))
    target = tmp_path / "parindex-criteria-xa-mau"
    built = subprocess.run([sys.executable, "-W", "error::Warning", "-c",
                            "from setuptools import setup; setup()", "build_py"], cwd=target,
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    assert "Package would be ignored" not in built.stderr
    assert (target / "build/lib/parindex_criteria_xa_mau/cases/full_marks.yaml").exists()


def test_once_installed_the_server_finds_and_tests_the_set(app, tmp_path):
    run(app, "criteria", "new", "xa-mau", "--dir", str(tmp_path))
    site = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                              "--target", str(site),
                              str(tmp_path / "parindex-criteria-xa-mau")],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "parindex"]
    env = {**_env(site, ROOT), "PARINDEX_INSTANCE_DIR": str(tmp_path / "instance")}
    tested = subprocess.run([*flask, "criteria", "test", "xa-mau"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "xa-mau@1.0.0: 0 failing" in tested.stdout
