"""A campaign pins an exact, installed version per unit group, and never changes it."""

import pytest

from server.campaigns.pins import PinError, pin_criteria_set
from server.extensions import db


def test_pin_an_installed_version(app, make):
    campaign = make.campaign(pins=())
    pin = pin_criteria_set(campaign, "commune", "commune", "1.0.0")
    db.session.commit()
    assert campaign.pin_for("commune") is pin
    assert (pin.criteria_set_id, pin.criteria_set_version) == ("commune", "1.0.0")
    assert pin_criteria_set(campaign, "commune", "commune", "1.0.0") is pin  # same again: no-op


@pytest.mark.parametrize(("group", "set_id", "version", "message"), [
    ("commune", "commune", "", "exact version"),
    ("commune", "commune", "9.9.9", "commune@9.9.9 is not installed"),
    ("district", "commune", "1.0.0", "is a commune set, not for the district group"),
])
def test_bad_pins_are_refused(app, make, group, set_id, version, message):
    campaign = make.campaign(pins=())
    with pytest.raises(PinError, match=message):
        pin_criteria_set(campaign, group, set_id, version)
    assert campaign.pins == []


def test_a_pin_is_never_changed(app, make):
    campaign = make.campaign()  # province -> province-2020@1.0.0
    with pytest.raises(PinError, match=r"pinned to province-2020@1\.0\.0"):
        pin_criteria_set(campaign, "province", "province-2017", "1.0.0")
    assert campaign.pin_for("province").criteria_set_id == "province-2020"
