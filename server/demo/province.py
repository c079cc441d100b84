"""A demo province (Quảng Bình, as before the 2025 merger) to try the product with.

The unit names are real; every score the demo later holds is invented and labelled as demo data.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.campaigns.reviewers import assign_reviewer
from server.demo.published_year import load_demo_publications
from server.events import emit
from server.extensions import db
from server.models import Campaign, CampaignCriteriaSet, Unit, dossier_for
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
# username, full name, roles as (role, unit code), reviewer domains
USERS = [
    ("admin", "Quản trị Sở Nội vụ", [("admin", "SNV")], None),
    ("thamdinh", "Thành viên Tổ thẩm định", [("reviewer", "SNV")], ["1", "4", "5"]),
    ("lanhdao", "Lãnh đạo UBND tỉnh", [("unit_head", "QB")], None),
    ("canbo", "Cán bộ phụ trách CCHC", [("unit_editor", "QB")], None),
    ("xem", "Người xem", [("viewer", "")], None),
]


def load_demo(only_if_empty: bool = False) -> bool:
    """Load the demo province in one transaction; False when skipped because data exists."""
    if only_if_empty and db.session.scalar(select(Unit.id).limit(1)) is not None:
        return False
    province = Unit(code=PROVINCE[0], name=PROVINCE[1], level="province", group="province")
    db.session.add(province)
    for code, name in DEPARTMENTS:
        db.session.add(Unit(code=code, name=name, level="department", group="department",
                            parent=province))
    for (code, name), communes in DISTRICTS.items():
        district = Unit(code=code, name=name, level="district", group="district", parent=province)
        db.session.add(district)
        for number, commune in enumerate(communes, start=1):
            db.session.add(Unit(code=f"{code}-{number:02d}", name=f"UBND {commune}",
                                level="commune", group="commune", parent=district))
    db.session.flush()

    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    campaign = Campaign(
        year=2021, title="Chỉ số CCHC năm 2021 (dữ liệu mẫu)", state="open",
        self_assessment_deadline=now + timedelta(days=30),
        appraisal_deadline=now + timedelta(days=60),
        explanation_deadline=now + timedelta(days=45),
        publication_date=now + timedelta(days=75),
        pins=[CampaignCriteriaSet(unit_group="province", criteria_set_id="province-2020",
                                  criteria_set_version="1.0.0"),
              # The departments take part too, so the progress grid shows who has not started.
              CampaignCriteriaSet(unit_group="department", criteria_set_id="department",
                                  criteria_set_version="1.0.0")],
    )
    db.session.add(campaign)
    db.session.add(dossier_for(campaign, province, "province-2020", "1.0.0"))
    db.session.flush()
    emit("demo.loaded", "campaign", campaign.id, after={"units": _count_units()})
    users = {username: create_user(username, DEMO_PASSWORD, roles, full_name=full_name,
                                   domains=domains)
             for username, full_name, roles, domains in USERS}
    # The demo reviewer appraises their own domains in the demo campaign.
    assign_reviewer(campaign, users["thamdinh"], ["1", "4", "5"], None, users["admin"])
    db.session.commit()
    load_demo_publications(users["admin"])
    return True


def _count_units() -> int:
    return db.session.query(Unit).count()
