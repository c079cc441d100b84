"""Factories for units, users, campaigns and assessments, written through the real models."""

import itertools

from server.extensions import db
from server.models import (
    Assessment,
    Campaign,
    CampaignCriteriaSet,
    RoleMembership,
    Unit,
    User,
    dossier_for,
)

_seq = itertools.count(1)


class Factories:
    def __init__(self, password: str):
        self.password = password

    def unit(self, code=None, *, name=None, level="department", group=None, parent=None) -> Unit:
        n = next(_seq)
        unit = Unit(code=code or f"U{n}", name=name or f"Đơn vị {n}", level=level,
                    group=group or level, parent=parent)
        db.session.add(unit)
        db.session.commit()
        return unit

    def user(self, role="viewer", unit=None, *, username=None, domains=None,
             active=True) -> User:
        user = User(username=username or f"user{next(_seq)}", full_name="Nguyễn Văn A",
                    active=active)
        user.set_password(self.password)
        user.memberships.append(RoleMembership(role=role, unit=unit, domains=domains))
        db.session.add(user)
        db.session.commit()
        return user

    def campaign(self, year=2021, *, pins=(("province", "province-2020", "1.0.0"),),
                 state="open", **fields) -> Campaign:
        campaign = Campaign(year=year, title=f"Chỉ số CCHC năm {year}", state=state, **fields,
                            pins=[CampaignCriteriaSet(unit_group=g, criteria_set_id=i,
                                                      criteria_set_version=v)
                                  for g, i, v in pins])
        db.session.add(campaign)
        db.session.commit()
        return campaign

    def assessment(self, campaign, unit) -> Assessment:
        pin = campaign.pin_for(unit.group)
        assessment = dossier_for(campaign, unit, pin.criteria_set_id, pin.criteria_set_version)
        db.session.add(assessment)
        db.session.commit()
        return assessment
