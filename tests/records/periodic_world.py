"""A year of periodic reports for the tests: a province campaign keeping records, a district
with two communes and a department, the four reports of seed 003 and an appendix 3B."""

import io
from datetime import UTC, datetime

import xlsxwriter

from server.extensions import db
from server.models import EvidenceDocument
from server.records.appendices import save_template
from server.records.schedule import default_schedule, set_domain_offices, set_schedule

YEAR = 2021
LABELS = ["Số TTHC được công bố", "Số hồ sơ tiếp nhận", "Tỷ lệ hồ sơ đúng hạn", "Ghi chú"]
TYPES = ["số nguyên", "số", "tỷ lệ %", "chữ"]
REQUIRED = ["bắt buộc", "bắt buộc", "", ""]
KEYS = ["so_tthc_duoc_cong_bo", "so_ho_so_tiep_nhan", "ty_le_ho_so_dung_han", "ghi_chu"]


def xlsx(*rows) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    book.close()
    return buffer.getvalue()


def template_file() -> bytes:
    return xlsx(LABELS, TYPES, REQUIRED)


def document(campaign, unit, issued_on, number="01/BC-UBND"):
    doc = EvidenceDocument(campaign_id=campaign.id, unit_id=unit.id, number=number,
                           issued_on=issued_on, issuer=unit.name, title="Báo cáo CCHC")
    db.session.add(doc)
    db.session.commit()
    return doc


def build(make):
    campaign = make.campaign(YEAR, pins=(("commune", "province-2020", "1.0.0"),
                                         ("department", "province-2020", "1.0.0")),
                             records_open=datetime(2020, 12, 1, tzinfo=UTC))
    district = make.unit("HTH", level="district", group="district", name="UBND huyện Thạch Hà")
    x1 = make.unit("X1", level="commune", group="commune", parent=district, name="UBND xã Một")
    x2 = make.unit("X2", level="commune", group="commune", parent=district, name="UBND xã Hai")
    stp = make.unit("STP", level="department", group="department", name="Sở Tư pháp")
    for unit in (x1, x2, stp):
        make.assessment(campaign, unit)
    admin = make.user("admin")
    template = save_template(campaign, "Phụ lục 3B", "3b.xlsx", template_file(), admin)
    rows = default_schedule(YEAR)
    for row in rows:
        row["template"] = template.name
    periods = set_schedule(campaign, rows, admin)
    set_domain_offices(campaign, {"2": "STP"}, admin)
    db.session.commit()
    return {"campaign": campaign, "district": district, "x1": x1, "x2": x2, "stp": stp,
            "admin": admin, "template": template, "periods": {p.key: p for p in periods},
            "editor": make.user("unit_editor", x1), "head2": make.user("unit_head", x2),
            "district_head": make.user("unit_head", district),
            "stp_editor": make.user("unit_editor", stp), "viewer": make.user("viewer")}


FIGURES = {"so_tthc_duoc_cong_bo": 12, "so_ho_so_tiep_nhan": "150,5",
           "ty_le_ho_so_dung_han": "98.5", "ghi_chu": "đủ"}

