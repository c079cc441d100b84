"""A year of records built directly through the models, for the record-fed answers' tests.

The province (QB, group "province", the province-2020 set) keeps its PAR plan under the plan of
the provincial People's Committee (UB); Sở Tư pháp (STP, group "department") leads one task
the province's plan took over. Campaign 2021, Vietnam calendar dates:

- QB's plan was due 15/01/2021 and issued 20/01/2021 (late); amended 01/06/2021 (version 2),
  cancelling T5 and adding T6.
- QB's tasks (the annual cut-off is the `year` report's covers_to, 20/11/2021):
  T1 done early (01/05, deadline 30/06), T2 done late (15/04, deadline 31/03), T3 never done,
  T4 done after the cut-off (10/12), T5 cancelled, T6 added by the amendment and done (01/10),
  T7 "done" without a completion document, T8 taken over from UB's plan and led by STP (counts
  for STP), T9 taken over from UB's plan and led by QB, done on time.
  Counted for QB: T1 T2 T3 T4 T6 T7 T9 = 7; done by the cut-off: T1 T2 T6 T9 = 4 -> 57.14 %.
- Reports (QB's group sends every period): Q1 received outside ParIndex, dated before its due
  day (on time); 6 months dated after its due day (late); Q3 missing; the year uploaded after
  its due day with a document dated before it (on time): 2 missing or late.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from server.extensions import db
from server.models import (
    Assessment,
    Campaign,
    DomainOffice,
    EvidenceDocument,
    ParPlan,
    PlanTask,
    PlanVersion,
    ReportPeriod,
    ReportSubmission,
    Unit,
)

TODAY = date(2021, 12, 31)


@dataclass
class World:
    campaign: Campaign
    province: Unit
    justice: Unit
    dossier: Assessment  # the province's
    justice_dossier: Assessment
    plan: ParPlan
    tasks: dict
    periods: dict
    documents: dict


def document(campaign, unit, number, issued_on, title="") -> EvidenceDocument:
    found = EvidenceDocument(campaign_id=campaign.id, unit_id=unit.id, number=number,
                             issued_on=issued_on, title=title or number)
    db.session.add(found)
    db.session.flush()
    return found


def build(make, *, periods=True, plan=True) -> World:
    campaign = make.campaign(pins=(("province", "province-2020", "1.0.0"),
                                   ("department", "department", "1.0.0")))
    top = make.unit("UB", level="province", name="UBND tỉnh", group="province")
    province = make.unit("QB", level="province", name="Tỉnh Quảng Bình")
    justice = make.unit("STP", level="department", name="Sở Tư pháp")
    dossier = make.assessment(campaign, province)
    justice_dossier = make.assessment(campaign, justice)
    docs, tasks, found_periods, own = {}, {}, {}, None
    if plan:
        upper = ParPlan(campaign_id=campaign.id, unit_id=top.id, title="Kế hoạch CCHC tỉnh",
                        due_on=date(2021, 1, 10))
        upper.versions.append(PlanVersion(number=1, decision_number="01/KH-UBND",
                                          issued_on=date(2021, 1, 5)))
        x = PlanTask(title="Rà soát VBQPPL", lead_unit_id=justice.id,
                     deadline=date(2021, 9, 30))
        y = PlanTask(title="Tuyên truyền CCHC", lead_unit_id=province.id,
                     deadline=date(2021, 8, 31))
        upper.tasks.extend([x, y])
        db.session.add(upper)
        db.session.flush()
        docs["plan"] = document(campaign, province, "12/KH-UBND", date(2021, 1, 20),
                                "Kế hoạch CCHC năm 2021")
        docs["amendment"] = document(campaign, province, "80/KH-UBND", date(2021, 6, 1))
        own = ParPlan(campaign_id=campaign.id, unit_id=province.id, parent_id=upper.id,
                      title="Kế hoạch CCHC năm 2021", due_on=date(2021, 1, 15))
        own.versions.extend([
            PlanVersion(number=1, decision_number="12/KH-UBND", issued_on=date(2021, 1, 20),
                        document_id=docs["plan"].id),
            PlanVersion(number=2, decision_number="80/KH-UBND", issued_on=date(2021, 6, 1),
                        document_id=docs["amendment"].id, note="Điều chỉnh kế hoạch")])
        db.session.add(own)
        db.session.flush()

        def task(key, title, *, deadline, done_on=None, proof=True, **fields):
            if done_on is not None and proof:
                docs[key] = document(campaign, province, f"BC-{key}", done_on)
            tasks[key] = PlanTask(
                plan_id=own.id, number=key[1:], title=title, deadline=deadline,
                status="done" if done_on else "open", completed_on=done_on,
                completion_document_id=docs[key].id if key in docs else None, **fields)
            db.session.add(tasks[key])

        task("T1", "Xây dựng kế hoạch tuyên truyền", deadline=date(2021, 6, 30),
             done_on=date(2021, 5, 1), lead_unit_id=province.id)
        task("T2", "Rà soát TTHC", deadline=date(2021, 3, 31), done_on=date(2021, 4, 15))
        task("T3", "Đo lường sự hài lòng", deadline=date(2021, 9, 30))
        task("T4", "Số hóa hồ sơ", deadline=date(2021, 12, 31), done_on=date(2021, 12, 10))
        task("T5", "Nhiệm vụ bị hủy", deadline=date(2021, 7, 31), cancelled_in=2)
        task("T6", "Nhiệm vụ bổ sung", deadline=date(2021, 10, 31), done_on=date(2021, 10, 1),
             added_in=2)
        task("T7", "Báo cáo chuyên đề", deadline=date(2021, 5, 31), done_on=date(2021, 5, 30),
             proof=False)
        docs["T8"] = document(campaign, justice, "BC-T8", date(2021, 9, 1))
        tasks["T8"] = PlanTask(plan_id=own.id, number="8", title=x.title,
                               lead_unit_id=justice.id, deadline=x.deadline, status="done",
                               completed_on=date(2021, 9, 1), completion_document_id=docs["T8"].id,
                               inherited_from_id=x.id)
        task("T9", y.title, deadline=y.deadline, done_on=date(2021, 8, 1),
             lead_unit_id=province.id, inherited_from_id=y.id)
        db.session.add(tasks["T8"])
    if periods:
        for position, (key, label, start, end, due) in enumerate([
                ("q1", "Quý I", date(2020, 12, 15), date(2021, 3, 10), date(2021, 3, 13)),
                ("h1", "6 tháng", date(2020, 12, 15), date(2021, 6, 10), date(2021, 6, 13)),
                ("q3", "Quý III", date(2020, 12, 15), date(2021, 9, 10), date(2021, 9, 13)),
                ("year", "Năm", date(2020, 12, 15), date(2021, 11, 20), date(2021, 11, 15))]):
            found_periods[key] = ReportPeriod(
                campaign_id=campaign.id, key=key, label=label, covers_from=start, covers_to=end,
                due_on=due, position=position, unit_groups=["province"],
                domain_reports=key == "h1")
            db.session.add(found_periods[key])
        db.session.flush()
        docs["h1"] = document(campaign, province, "150/BC-UBND", date(2021, 6, 20))
        docs["year"] = document(campaign, province, "300/BC-UBND", date(2021, 11, 14))
        db.session.add_all([
            ReportSubmission(period_id=found_periods["q1"].id, unit_id=province.id,
                             received_outside=True, received_on=date(2021, 3, 12),
                             outside_reason="Nhận bản giấy qua văn thư"),
            ReportSubmission(period_id=found_periods["h1"].id, unit_id=province.id,
                             document_id=docs["h1"].id),
            ReportSubmission(period_id=found_periods["year"].id, unit_id=province.id,
                             document_id=docs["year"].id,
                             submitted_at=datetime(2021, 11, 20, 3, 0, tzinfo=UTC)),
            DomainOffice(campaign_id=campaign.id, domain="2", unit_id=justice.id),
        ])
    db.session.commit()
    return World(campaign, province, justice, dossier, justice_dossier, own, tasks,
                 found_periods, docs)
