"""The administrator's criteria library: installed sets with verified counts, and a diff."""

from decimal import Decimal

import yaml

from server.engine import parse_criteria_set
from server.engine.diff import diff_sets
from tests.engine.test_carry_over import NEW, OLD


def test_library_lists_sets_with_verified_and_unverified_counts(client, make, login):
    login(make.user("admin"))
    response = client.get("/admin/criteria-sets")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for set_id in ("province-2017", "province-2020", "ministry-2022", "department", "district",
                   "commune"):
        assert set_id in text
    assert '<td class="num unverified-count">153</td>' in text   # province-2020: 8 + 43 + 102
    assert '<td class="num verified-count">0</td>' in text
    assert "/criteria-sets/province-2017/1.0.0" in text          # the tree


def test_the_table_downloads_as_xlsx(client, make, login):
    login(make.user("admin"))
    text = client.get("/admin/criteria-sets").get_data(as_text=True)
    assert "/admin/criteria-sets/commune/1.0.0/table.xlsx" in text
    response = client.get("/admin/criteria-sets/commune/1.0.0/table.xlsx")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"
    assert "commune-1.0.0.xlsx" in response.headers["Content-Disposition"]
    assert client.get("/admin/criteria-sets/commune/9.9.9/table.xlsx").status_code == 404


def test_library_and_diff_are_refused_to_others(client, make, login):
    login(make.user("viewer"))
    assert client.get("/admin/criteria-sets").status_code == 403
    assert client.get("/admin/criteria-sets/commune/1.0.0/table.xlsx").status_code == 403
    assert client.get("/admin/criteria-sets/diff?left=commune@1.0.0&right=district@1.0.0") \
        .status_code == 403


def test_library_needs_a_login(client):
    assert client.get("/admin/criteria-sets").status_code == 302


def test_diff_page_shows_two_sets_side_by_side(client, make, login):
    login(make.user("admin"))
    response = client.get("/admin/criteria-sets/diff?left=province-2017@1.0.0"
                          "&right=province-2020@1.0.0")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "province-2017@1.0.0 ↔ province-2020@1.0.0" in text
    assert 'class="added"' in text and 'class="changed"' in text
    assert client.get("/admin/criteria-sets/diff?left=nope@1.0.0&right=commune@1.0.0") \
        .status_code == 404


def test_diff_of_two_versions_node_by_node():
    old, new = parse_criteria_set(OLD, "old"), parse_criteria_set(NEW, "new")
    rows = {row.code: row for row in diff_sets(old, new)}
    assert rows["1.1.1"].status == "same" and rows["1.1.1"].carried_to is None
    # The new version's carry-over map says where the renumbered old codes went.
    assert rows["1.1.2"].carried_to == "1.1.3" and rows["1.1.4"].carried_to == "1.1.2"
    assert rows["1.1.2"].status == "changed" and rows["1.1.2"].changed == ("title",)
    assert rows["1.1.3"].changed == ("title", "max_points")
    assert rows["1.1.4"].status == "removed" and rows["1.1.4"].right is None
    assert rows["1.1.5"].status == "added" and rows["1.1.5"].left is None
    assert rows["1"].status == "changed"  # 5 points before, 6 now
    assert rows["1"].right["max_points"] == Decimal(6)
    same = parse_criteria_set(yaml.safe_load(yaml.safe_dump(OLD)), "copy")
    assert {row.status for row in diff_sets(old, same)} == {"same"}
    assert {row.carried_to for row in diff_sets(new, old)} == {None}  # the map goes one way


def test_diff_page_shows_where_codes_were_carried(client, make, login, app, tmp_path):
    registry = app.extensions["parindex"].criteria
    old, new = parse_criteria_set(OLD, "old"), parse_criteria_set(NEW, "new")
    registry.sets[("xa", "1.0.0")], registry.sets[("xa", "2.0.0")] = old, new
    try:
        login(make.user("admin"))
        text = client.get("/admin/criteria-sets/diff?left=xa@1.0.0&right=xa@2.0.0") \
            .get_data(as_text=True)
    finally:
        del registry.sets[("xa", "1.0.0")], registry.sets[("xa", "2.0.0")]
    assert "chuyển sang 1.1.3" in text
