"""The demo year's records: the reporting schedule of seed 003, the province's PAR plan with
its key tasks (some done, one late, some still open) and its first two periodic reports, so
the self-assessment form shows what the records propose for items 1.1.1, 1.1.2 and 1.2.1.
Every decision number and date here is invented demo data."""

import io
from datetime import date

from server.assessment.evidence import upload
from server.models import Campaign, User
from server.records.plans import VersionFields, create_plan, issue_version
from server.records.reports import submit_report
from server.records.schedule import default_schedule, periods, set_domain_offices, set_schedule
from server.records.tasks import TaskFields, add_task, mark_done

# number, title, expected result, domain, lead unit, deadline, done on (None: not yet)
TASKS = [
    ("1", "Ban hành Kế hoạch tuyên truyền CCHC năm 2021", "Kế hoạch được ban hành", "1",
     "SNV", date(2021, 2, 28), date(2021, 2, 20)),
    ("2", "Rà soát, đánh giá thủ tục hành chính thuộc thẩm quyền giải quyết của tỉnh",
     "Báo cáo kết quả rà soát", "3", "VPUBND", date(2021, 6, 30), date(2021, 7, 15)),
    ("3", "Kiểm tra công tác CCHC tại các sở, ngành và UBND cấp huyện", "Báo cáo kết quả kiểm tra",
     "1", "SNV", date(2021, 9, 30), None),
    ("4", "Triển khai Hệ thống thông tin giải quyết thủ tục hành chính tỉnh",
     "Hệ thống vận hành", "8", "STTTT", date(2021, 10, 31), None),
    ("5", "Rà soát văn bản quy phạm pháp luật do tỉnh ban hành", "Báo cáo kết quả rà soát", "2",
     "STP", date(2021, 11, 30), None),
]
PDF = b"%PDF-1.4\n% ParIndex demo document\n%%EOF\n"


def _document(campaign: Campaign, unit_id: int, editor: User, number: str, issued_on: date,
              title: str) -> int:
    """An evidence document of the unit (a one-page stand-in PDF), as the unit uploads it."""
    found = upload(campaign.id, unit_id, editor, [(f"{number.replace('/', '-')}.pdf",
                                                   io.BytesIO(PDF))],
                   {"number": number, "issued_on": issued_on.isoformat(),
                    "issuer": "UBND tỉnh Quảng Bình", "title": f"{title} (dữ liệu mẫu)"})
    return found[0].id


def load_demo_records(campaign: Campaign, admin: User, editor: User) -> None:
    """Keep the demo year's records through the services; `editor` edits the province (QB)."""
    set_schedule(campaign, default_schedule(campaign.year), admin)
    set_domain_offices(campaign, {"2": "STP"}, admin)
    plan = create_plan(campaign, "QB", editor, title="Kế hoạch CCHC năm 2021 (dữ liệu mẫu)",
                       due_on=date(2021, 1, 15))
    issue_version(plan, VersionFields(
        "08/KH-UBND", date(2021, 1, 12),
        _document(campaign, plan.unit_id, editor, "08/KH-UBND", date(2021, 1, 12),
                  "Kế hoạch CCHC năm 2021")), editor)
    for number, title, result, domain, lead, deadline, done_on in TASKS:
        task = add_task(plan, TaskFields(title=title, expected_result=result, domain=domain,
                                         lead_unit_code=lead, deadline=deadline,
                                         number=number), editor)
        if done_on is not None:
            mark_done(task, _document(campaign, plan.unit_id, editor, f"{number}/BC-UBND",
                                      done_on, f"Báo cáo hoàn thành nhiệm vụ {number}"),
                      editor)
    # Q1 sent on time, the 6 months' report signed after its due day, Q3 and the year not yet.
    by_key = {period.key: period for period in periods(campaign)}
    for key, signed in (("q1", date(2021, 3, 12)), ("h1", date(2021, 6, 16))):
        submit_report(by_key[key], plan.unit, _document(
            campaign, plan.unit_id, editor, f"{signed.month}/BC-UBND", signed,
            f"Báo cáo CCHC {by_key[key].label}"), {}, editor)
