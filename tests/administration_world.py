"""The world both administration matrices start from (tests/api/test_administration_matrix.py,
tests/web/test_admin_pages_matrix.py): a few units, an open and a draft campaign, cheap users."""

from datetime import UTC, datetime, timedelta

from werkzeug.security import generate_password_hash

from server.extensions import db
from server.models import (
    Answer,
    Assessment,
    Campaign,
    CampaignCriteriaSet,
    ExcludedItem,
    RoleMembership,
    Unit,
    User,
    dossier_for,
)
from server.people.auth import issue_token
from tests.helpers import PASSWORD

# Tokens are issued by the real service; the few sign-ins and password changes check this one
# cheap hash (the suite's test password), computed once.
SHARED_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
PIN = "province-2020@1.0.0"


def make_user(username: str, role: str, unit=None) -> User:
    """A user with one role (for `unit`, if given) and the shared password."""
    person = User(username=username, full_name=username, password_hash=SHARED_HASH)
    person.memberships.append(RoleMembership(role=role, unit=unit))
    db.session.add(person)
    db.session.flush()
    return person


def _unit(code, name):
    row = Unit(code=code, name=name, level="province", group="province")
    db.session.add(row)
    db.session.flush()
    return row


def _campaign(year, state, now):
    row = Campaign(year=year, title=f"Chỉ số CCHC năm {year}", state=state,
                        self_assessment_deadline=now + timedelta(days=30),
                        pins=[CampaignCriteriaSet(unit_group="province",
                                                  criteria_set_id="province-2020",
                                                  criteria_set_version="1.0.0")])
    db.session.add(row)
    db.session.flush()
    return row


def build_world() -> dict:
    """Units QNI (own), HPG (other), BNH (never used); an open campaign with QNI's dossier and
    an exclusion, a draft campaign; a user `target` (viewer of HPG) holding a token."""
    own, other = _unit("QNI", "Tỉnh Quảng Ninh"), _unit("HPG", "Thành phố Hải Phòng")
    spare = _unit("BNH", "Tỉnh Bắc Ninh")  # never used: it may be deleted
    now = datetime.now(UTC)
    campaign = _campaign(2021, "open", now)
    draft = _campaign(2022, "draft", now)
    assessment = dossier_for(campaign, own, "province-2020", "1.0.0")
    db.session.add(assessment)
    db.session.flush()
    db.session.add(Answer(assessment_id=assessment.id, code="1.1.1", source="self",
                          value="timely", explanation="Báo cáo số 12/BC-UBND"))
    db.session.add(ExcludedItem(campaign_id=campaign.id, unit_id=own.id, code="3",
                                reason="Không có thủ tục hành chính"))
    target = make_user("target", "viewer", other)
    issue_token(target, "someone else's")
    db.session.commit()
    return {"own": own, "other": other, "spare": spare, "campaign": campaign, "draft": draft,
            "assessment": assessment, "target": target}


def csv(*rows) -> bytes:
    """A ';'-separated .csv of `rows`."""
    return ("\n".join(";".join(row) for row in rows) + "\n").encode()


# One new unit (LCI) and one new user (bientap.hpg) in the import templates' layouts.
UNIT_ROWS = csv(("Mã đơn vị", "Tên đơn vị", "Cấp", "Nhóm xếp hạng", "Mã đơn vị cấp trên",
                 "Thay thế các đơn vị"), ("LCI", "Tỉnh Lào Cai", "province", "province", "", ""))
USER_ROWS = csv(("Tên đăng nhập", "Họ và tên", "Thư điện tử", "Mã đơn vị", "Vai trò",
                 "Lĩnh vực thẩm định"), ("bientap.hpg", "Nguyễn Văn A", "", "HPG",
                                         "unit_editor", ""))


def finalised(world):
    """The own unit's dossier finalised by the council: its group may be published."""
    db.session.get(Assessment, world["assessment"].id).state = "finalised"
    db.session.commit()


def throttle_target() -> bool:
    """Failed sign-ins of the user `target`, for an administrator to clear; True."""
    from server.people.login_throttle import record_failure, standing

    record_failure("target", "203.0.113.9", standing("target", "203.0.113.9"))
    db.session.commit()
    return True
