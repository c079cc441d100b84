"""The pages a logged-in user reads."""

from datetime import UTC, datetime


def test_home_lists_campaigns_with_deadlines_in_vietnam_time(client, make, login):
    make.campaign(2021, self_assessment_deadline=datetime(2021, 11, 30, 17, 0, tzinfo=UTC))
    login(make.user("viewer"))
    text = client.get("/").get_data(as_text=True)
    assert "Chỉ số CCHC năm 2021" in text
    assert "01/12/2021 00:00" in text  # 17:00 UTC is midnight in Asia/Ho_Chi_Minh
    assert "province-2020@1.0.0" in text


def test_criteria_sets_page_says_how_much_is_verified(client, make, login):
    login(make.user("viewer"))
    text = client.get("/criteria-sets").get_data(as_text=True)
    assert "1149/QĐ-BNV (30/12/2020)" in text
    assert "0/153 mục đã đối chiếu văn bản gốc" in text
    assert "số lượng và tổng điểm đã đối chiếu" in text


def test_criteria_tree_shows_points_rules_and_flags(client, make, login):
    login(make.user("viewer"))
    text = client.get("/criteria-sets/province-2020/1.0.0").get_data(as_text=True)
    assert "Ban hành kịp thời: 1" in text
    assert "Ban hành không kịp thời: 0,5" in text  # Vietnamese decimal comma
    assert "trên 90%" in text
    # One flag per node of the tree (8 + 43 + 102), besides the summary badge at the top.
    assert text.count('<td><span class="badge unverified">') == 153
    assert "TẠM THỜI" in text  # the set's own source note is shown


def test_unknown_criteria_set_is_404_page(client, make, login):
    login(make.user("viewer"))
    response = client.get("/criteria-sets/province-2020/0.0.1")
    assert response.status_code == 404
    assert "Trang này không tồn tại." in response.get_data(as_text=True)
