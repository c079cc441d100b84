"""The menu as a person uses it: an administrator's long menu folds its entries by group."""


def open_menu(page, group: str, entry: str) -> None:
    """Open the menu group named `group` (e.g. "Quản trị") and follow its link `entry`."""
    page.locator("nav details.menu-group summary", has_text=group).click()
    page.locator("nav details.menu-group[open]").get_by_role("link", name=entry,
                                                             exact=True).click()
