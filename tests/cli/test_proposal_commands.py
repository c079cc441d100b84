"""`parindex proposals CAMPAIGN UNIT`: a unit's record-fed items as the records propose them."""

import json

from tests.cli.test_commands import run
from tests.records.feeds_world import build


def test_the_proposals_of_a_unit(app, make):
    world = build(make)
    result = run(app, "proposals", str(world.campaign.id), "QB")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "1.1.1\tplan_issued\tlate\tlate\t0.5",
        "1.1.2\tplan_completion\t57.14\t57.14\t0",
        "1.2.1\treports_on_time\t2\t2\t0.50"]
    data = json.loads(run(app, "proposals", str(world.campaign.id), "QB", "--json").output)
    assert data["1.1.2"]["evidence"]["total"] == 7


def test_refusals(app, make):
    world = build(make, periods=False, plan=False)
    assert run(app, "proposals", str(world.campaign.id), "NOPE").exit_code != 0
    assert "no dossier" in run(app, "proposals", "999", "QB").output
    quiet = run(app, "proposals", str(world.campaign.id), "QB")
    assert quiet.exit_code == 0 and "1.1.1\tplan_issued\t–\t–\t–" in quiet.output
