"""The menu: an administrator's entries fold into four groups; a short menu stays flat."""

import re


def groups_and_links(html: str) -> tuple[list[str], list[str]]:
    nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', html, re.S).group(1)
    return (re.findall(r"<summary>([^<]+)</summary>", nav),
            re.findall(r'<a href="[^"]+">([^<]+)</a>', nav))


def test_the_administrators_menu_is_grouped(client, login, make):
    login(make.user("admin"))
    groups, links = groups_and_links(client.get("/").get_data(as_text=True))
    assert groups == ["Hồ sơ", "Thẩm định", "Kết quả", "Quản trị"]
    assert "Đơn vị" in links and "Công bố" in links and "Thông báo" in links


def test_a_unit_editors_menu_stays_flat(client, login, make):
    login(make.user("unit_editor", make.unit("QB", level="province")))
    groups, links = groups_and_links(client.get("/").get_data(as_text=True))
    assert groups == []
    assert links[:3] == ["Hồ sơ tự đánh giá", "Bộ tiêu chí", "Xếp hạng"]
