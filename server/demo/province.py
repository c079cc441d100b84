"""A demo province (Quảng Bình, as before the 2025 merger) to try the product with.

The unit names are real; every score the demo later holds is invented and labelled as demo data.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from server.campaigns.setup import CampaignFields, create_campaign, open_campaign
from server.config import LOCAL_TIME
from server.demo.published_year import load_demo_publications
from server.demo.records import load_demo_records
from server.demo.reviewers import assign_demo_reviewers
from server.events import emit
from server.extensions import db
from server.models import Unit, User
from server.people.units import UnitFields, save_unit
from server.people.users import create_user

DEMO_PASSWORD = "parindex-demo"  # noqa: S105  (public, printed in the README; demo only)

PROVINCE = ("QB", "UBND tỉnh Quảng Bình")
DEPARTMENTS = [
    ("SNV", "Sở Nội vụ"), ("STP", "Sở Tư pháp"), ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("STC", "Sở Tài chính"), ("SCT", "Sở Công Thương"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"), ("SGTVT", "Sở Giao thông vận tải"),
    ("SXD", "Sở Xây dựng"), ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("STTTT", "Sở Thông tin và Truyền thông"), ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("SVHTT", "Sở Văn hóa và Thể thao"), ("SDL", "Sở Du lịch"),
    ("SKHCN", "Sở Khoa học và Công nghệ"), ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"), ("SNGV", "Sở Ngoại vụ"), ("TTT", "Thanh tra tỉnh"),
    ("VPUBND", "Văn phòng UBND tỉnh"), ("BQLKKT", "Ban Quản lý Khu kinh tế tỉnh"),
]
DISTRICTS = {
    ("DH", "UBND thành phố Đồng Hới"): ["Phường Hải Đình", "Phường Đồng Phú", "Xã Bảo Ninh",
                                       "Xã Lộc Ninh"],
    ("BD", "UBND thị xã Ba Đồn"): ["Phường Ba Đồn", "Phường Quảng Thọ", "Xã Quảng Hải"],
    ("BT", "UBND huyện Bố Trạch"): ["Thị trấn Hoàn Lão", "Xã Sơn Trạch", "Xã Phúc Trạch"],
    ("QT", "UBND huyện Quảng Trạch"): ["Xã Quảng Phương", "Xã Quảng Châu"],
    ("TH", "UBND huyện Tuyên Hóa"): ["Thị trấn Đồng Lê", "Xã Thạch Hóa"],
    ("MH", "UBND huyện Minh Hóa"): ["Thị trấn Quy Đạt", "Xã Dân Hóa"],
    ("QN", "UBND huyện Quảng Ninh"): ["Thị trấn Quán Hàu", "Xã Vĩnh Ninh"],
    ("LT", "UBND huyện Lệ Thủy"): ["Thị trấn Kiến Giang", "Xã Sen Thủy", "Xã Phong Thủy"],
}
# username, full name, roles as (role, unit code), reviewer domains (None: every domain)
USERS = [
    ("admin", "Quản trị Sở Nội vụ", [("admin", "SNV")], None),
    ("thamdinh", "Thành viên Tổ thẩm định", [("reviewer", "SNV")], ["1", "4", "5"]),
    ("thamdinh2", "Thành viên Tổ thẩm định (các lĩnh vực khác)", [("reviewer", "SNV")], None),
    # Nobody appraises their own unit: a member from another agency appraises the SNV itself.
    ("hoidong", "Thành viên Hội đồng thẩm định (Văn phòng UBND tỉnh)", [("reviewer", "VPUBND")],
     None),
    ("lanhdao", "Lãnh đạo UBND tỉnh", [("unit_head", "QB")], None),
    ("canbo", "Cán bộ phụ trách CCHC", [("unit_editor", "QB")], None),
    ("xem", "Người xem", [("viewer", "")], None),
]
PINS = {"province": "province-2020@1.0.0",
        # The departments take part too, so the progress grid shows who has not started.
        "department": "department@1.0.0"}


def demo_units() -> list[UnitFields]:
    """The demo province's units, parents first."""
    units = [UnitFields(PROVINCE[0], PROVINCE[1], "province", "province")]
    units += [UnitFields(code, name, "department", "department", PROVINCE[0])
              for code, name in DEPARTMENTS]
    for (code, name), communes in DISTRICTS.items():
        units.append(UnitFields(code, name, "district", "district", PROVINCE[0]))
        units += [UnitFields(f"{code}-{number:02d}", f"UBND {commune}", "commune", "commune", code)
                  for number, commune in enumerate(communes, start=1)]
    return units


def load_demo(only_if_empty: bool = False) -> bool:
    """Load the demo province through the services an administrator uses; False when skipped
    because data exists."""
    if only_if_empty and db.session.scalar(select(Unit.id).limit(1)) is not None:
        return False
    for fields in demo_units():
        save_unit(fields, actor_id=None)
    users = {username: create_user(username, DEMO_PASSWORD, roles, full_name=full_name,
                                   domains=domains)
             for username, full_name, roles, domains in USERS}
    db.session.commit()
    admin = users["admin"]
    load_demo_publications(admin, _reviewers(users))

    today = datetime.now(LOCAL_TIME).date()
    campaign = create_campaign(CampaignFields(
        year=2021, title="Chỉ số CCHC năm 2021 (dữ liệu mẫu)", pins=PINS,
        deadlines={"self_assessment_deadline": (today + timedelta(days=30)).isoformat(),
                   "explanation_deadline": (today + timedelta(days=45)).isoformat(),
                   "appraisal_deadline": (today + timedelta(days=60)).isoformat(),
                   "publication_date": (today + timedelta(days=75)).isoformat()},
        confirm_unverified=True), actor_id=admin.id)
    assign_demo_reviewers(campaign, _reviewers(users), admin)
    open_campaign(campaign, actor_id=admin.id)  # at once: the demo loads before a worker runs
    load_demo_records(campaign, admin, users["canbo"])
    emit("demo.loaded", "campaign", campaign.id, actor_id=admin.id,
         after={"units": db.session.query(Unit).count()})
    db.session.commit()
    return True


def _reviewers(users: dict[str, User]) -> dict[str, User]:
    return {name: users[name] for name in ("thamdinh", "thamdinh2", "hoidong")}
