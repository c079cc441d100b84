"""A province's whole year in a real browser, from an EMPTY database: the first administrator
comes from `create-user --role admin` (as README "Starting a real year" says); everything else
happens on the pages. The administrator imports units and users from the templates the pages
hand out, creates a campaign pinning province-2020 and district, assigns reviewers on its page
and opens it; the editor, signed in with a one-time password, chooses their own and fills in a
few items; the head submits; a reviewer from another unit appraises; the administrator
finalises, publishes the province group, and the ranking workbook downloads."""

import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.extensions import db
from server.models import Unit, User
from server.people.units import HEADERS as UNIT_HEADERS
from server.people.user_import import HEADERS as USER_HEADERS
from tests.browser.menu import open_menu

pytestmark = pytest.mark.browser
ADMIN_PASSWORD = "mat-khau-quan-tri"
ALL_DOMAINS = "1,2,3,4,5,6,7,8"


def _filled(template: Path, rows) -> Path:
    """The downloaded template with `rows` under its header, saved beside it."""
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(list(row))
    filled = template.with_name(f"filled-{template.name}")
    book.save(filled)
    return filled


def _download(page, link_name, folder: Path) -> Path:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


def _log_in(page, server, username, password):
    page.goto(f"{server}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def _first_log_in(page, server, username, one_time_password) -> None:
    """A new user signs in with the one-time password and is made to choose their own."""
    _log_in(page, server, username, one_time_password)
    expect(page).to_have_url(f"{server}/account/password")
    page.get_by_role("link", name="Hồ sơ tự đánh giá").click()  # nothing else opens first
    expect(page).to_have_url(f"{server}/account/password")
    page.get_by_label("Mật khẩu hiện tại").fill(one_time_password)
    page.get_by_label("Mật khẩu mới (ít nhất 8 ký tự)").fill(f"{username} tự chọn")
    page.get_by_label("Nhập lại mật khẩu mới").fill(f"{username} tự chọn")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_text("Đã đổi mật khẩu của bạn.")).to_be_visible()


def _log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()


def test_a_year_from_an_empty_database(app, live_server, page, tmp_path):
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    created = app.test_cli_runner().invoke(args=[
        "parindex", "create-user", "quantri", "--role", "admin", "--password", ADMIN_PASSWORD,
        "--full-name", "Quản trị Sở Nội vụ"])
    assert created.exit_code == 0, created.output

    # Units, from the template the page hands out.
    _log_in(page, live_server, "quantri", ADMIN_PASSWORD)
    open_menu(page, "Quản trị", "Đơn vị")
    expect(page.get_by_text("Chưa có đơn vị nào")).to_be_visible()
    template = _download(page, "Tải tệp mẫu", tmp_path)
    assert [c.value for c in openpyxl.load_workbook(template).worksheets[0][1]] == \
        list(UNIT_HEADERS)
    units = _filled(template, [
        ("QB", "UBND tỉnh Quảng Bình", "province", "province", ""),
        ("DH", "UBND thành phố Đồng Hới", "district", "district", "QB"),
        ("BT", "UBND huyện Bố Trạch", "district", "district", "QB")])
    page.get_by_label("Tệp (.xlsx hoặc .csv)").set_input_files(str(units))
    page.get_by_role("button", name="Nhập", exact=True).click()
    expect(page.get_by_text("Đã thêm 3 đơn vị, cập nhật 0 đơn vị.")).to_be_visible()  # the job's
    page.locator("#job-result-link").click()
    expect(page.locator("#units tbody tr")).to_have_count(3)

    # People, from the users template: each gets a one-time password, shown once.
    open_menu(page, "Quản trị", "Người dùng")
    template = _download(page, "Tải biểu mẫu (.xlsx)", tmp_path)
    assert [c.value for c in openpyxl.load_workbook(template).worksheets[0][1]] == \
        list(USER_HEADERS)
    users = _filled(template, [
        ("canbo", "Nguyễn Văn Cán", "canbo@quangbinh.gov.vn", "QB", "unit_editor", ""),
        ("lanhdao", "Trần Thị Lãnh", "", "QB", "unit_head", ""),
        ("lanhdaodh", "Lê Văn Đạo", "", "DH", "unit_head", ""),
        # Reviewers from two units: each appraises the other's unit, never their own.
        ("thamdinhqb", "Phạm Thẩm Định", "", "QB", "reviewer", ALL_DOMAINS),
        ("thamdinhdh", "Hoàng Văn Định", "", "DH", "reviewer", ALL_DOMAINS)])
    page.get_by_label("Tệp (.xlsx hoặc .csv)").set_input_files(str(users))
    page.get_by_role("button", name="Nhập", exact=True).click()
    shown = page.locator("#imported-passwords tr.imported-user")
    expect(shown).to_have_count(5)
    passwords = {}
    for n in range(5):
        username, password = shown.nth(n).locator("td").all_inner_texts()
        passwords[username] = password
    assert len(set(passwords.values())) == 5 and all(len(p) >= 8 for p in passwords.values())
    open_menu(page, "Quản trị", "Người dùng")  # shown once only
    expect(page.locator("#imported-passwords")).to_have_count(0)
    expect(page.locator("#user-canbo")).to_contain_text("phải đổi mật khẩu dùng một lần")

    # The campaign: province-2020 for the province, district for the districts.
    open_menu(page, "Quản trị", "Các kỳ đánh giá")
    page.get_by_label("Năm", exact=True).fill("2025")
    page.get_by_label("Tên kỳ đánh giá").fill("Chỉ số CCHC năm 2025")
    page.locator("#pin_province").select_option("province-2020@1.0.0")
    page.locator("#pin_district").select_option("district@1.0.0")
    page.get_by_role("button", name="Tạo kỳ đánh giá").click()
    # Both sets are unverified: refused until the administrator confirms.
    expect(page.get_by_text("hãy xác nhận nếu vẫn dùng").first).to_be_visible()
    page.locator("input[name=confirm_unverified]").check()
    page.get_by_role("button", name="Tạo kỳ đánh giá").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chỉ số CCHC năm 2025")

    # Reviewers from the campaign page; it opens only when every pair is covered.
    reviewers = page.locator("#reviewers")
    expect(reviewers.locator(".gaps")).to_be_visible()
    expect(page.get_by_role("button", name="Mở kỳ đánh giá")).to_be_disabled()
    for label in ("Phạm Thẩm Định (thamdinhqb)", "Hoàng Văn Định (thamdinhdh)"):
        reviewers.get_by_label("Thành viên Tổ thẩm định").select_option(label=label)
        for code in ALL_DOMAINS.split(","):
            reviewers.locator(f"input[name=domains][value='{code}']").check()
        reviewers.get_by_role("button", name="Phân công").click()
        expect(page.get_by_text("Đã phân công thành viên thẩm định.")).to_be_visible()
    expect(reviewers.locator(".gaps")).to_have_count(0)
    page.get_by_role("button", name="Mở kỳ đánh giá").click()
    # The job's page follows the dossiers being created (run at once in the tests).
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mở kỳ đánh giá")
    expect(page.locator("#job-state")).to_have_text("Hoàn thành")
    expect(page.locator("#job-count")).to_have_text("3/3")
    _log_out(page)

    # The editor chooses a password, then fills in two items of domain 1.
    _first_log_in(page, live_server, "canbo", passwords["canbo"])
    page.get_by_role("link", name="Hồ sơ tự đánh giá").click()
    page.get_by_role("link", name="UBND tỉnh Quảng Bình").click()
    dossier_url = page.url.split("?")[0]
    page.goto(f"{dossier_url}?domain=1")
    page.locator("select[name='v-1.1.1']").select_option("timely")
    page.locator("input[name='v-1.1.2']").fill("95")
    # Points without evidence need an explanation before the head can submit.
    page.locator("textarea[name='ex-1.1.1']").fill("Kế hoạch số 01/KH-UBND ngày 05/01/2025")
    page.locator("textarea[name='ex-1.1.2']").fill("Hoàn thành 95% kế hoạch")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu.")).to_be_visible()
    expect(page.locator("#total")).to_have_text("2")
    _log_out(page)

    # The head submits, confirming the unanswered items.
    _first_log_in(page, live_server, "lanhdao", passwords["lanhdao"])
    page.goto(dossier_url)
    page.get_by_role("link", name="Kiểm tra tổng điểm và gửi").click()
    expect(page.locator("#submit-total")).to_have_text("2")
    page.locator("#confirm-unanswered").check()
    page.get_by_role("button", name="Gửi kết quả với tổng điểm này").click()
    expect(page.get_by_text("Đã gửi kết quả tự đánh giá.")).to_be_visible()
    _log_out(page)

    # A reviewer of another unit appraises: accept the untouched items of domain 1, complete.
    _first_log_in(page, live_server, "thamdinhdh", passwords["thamdinhdh"])
    page.get_by_role("link", name="Hồ sơ cần thẩm định", exact=True).click()
    page.locator("tr.queue-entry").first.get_by_role("link",
                                                       name="UBND tỉnh Quảng Bình").click()
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    expect(page.locator("#state")).to_have_text("Đang thẩm định")
    form = page.locator("#domain-1 form.accept-all")
    form.get_by_role("button").click()  # the box is required: the browser keeps the form
    expect(page.locator("#leaf-1\\.1\\.1 td.current .kind")).to_have_text("Chưa thẩm định")
    form.get_by_role("checkbox").check()
    form.get_by_role("button").click()
    expect(page.get_by_text("Đã chấp nhận kết quả tự đánh giá của đơn vị")).to_be_visible()
    expect(page.locator("#leaf-1\\.1\\.1 td.current .kind")).to_have_text("Chấp nhận")
    page.get_by_role("button", name="Hoàn thành thẩm định").click()
    expect(page.locator("#state")).to_have_text("Đã thẩm định")
    _log_out(page)

    # The administrator finalises, confirming the gaps with a reason, and publishes.
    _log_in(page, live_server, "quantri", ADMIN_PASSWORD)
    page.goto(f"{dossier_url}/workflow")
    page.locator("input[name=confirm_gaps]").check()
    page.locator("#reason-finalise").fill("Đơn vị không đủ hồ sơ, Hội đồng chốt theo số liệu có")
    page.get_by_role("button", name="Hội đồng thông qua").click()
    expect(page.get_by_text("Hồ sơ hiện ở trạng thái Hội đồng đã thông qua.")).to_be_visible()

    open_menu(page, "Kết quả", "Công bố")
    group = page.locator("#group-province")
    expect(group.locator("table.gaps tr[data-unit=QB]")).to_be_visible()
    group.locator("input[name=confirm_gaps]").check()
    group.get_by_label("Lý do (bắt buộc)").fill("Công bố theo số liệu Hội đồng đã thông qua")
    group.locator("input[name=confirm]").check()
    group.get_by_role("button", name="Công bố", exact=True).click()
    expect(page.locator("#job-result-link")).to_be_visible()  # the job's page, once it is done
    open_menu(page, "Kết quả", "Công bố")
    group = page.locator("#group-province")
    expect(group.locator("table.publications tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        group.get_by_role("link", name="Tải tệp .xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()),
                                  read_only=True)
    cells = {str(c) for r in book.worksheets[0].iter_rows(values_only=True) for c in r
             if c is not None}
    assert "UBND tỉnh Quảng Bình" in cells
    # The district group is not finalised: nothing of it is published.
    expect(page.locator("#group-district table.publications")).to_have_count(0)
