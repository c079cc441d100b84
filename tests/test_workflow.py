"""The assessment workflow: transitions as data, refused when the state, role, unit or reason
is wrong, and every step an audited event."""

import pytest

from server.campaigns.workflow import (
    STATES,
    TRANSITIONS,
    ReasonRequired,
    TransitionForbidden,
    TransitionNotAllowed,
    allowed_transitions,
    apply_transition,
)
from server.extensions import db
from server.models import AuditEvent


@pytest.fixture
def dossier(make):
    unit = make.unit("QB", level="province")
    return make.assessment(make.campaign(), unit)


def test_every_transition_joins_known_states_and_has_roles():
    for transition in TRANSITIONS.values():
        assert set(transition.sources) <= set(STATES)
        assert transition.target in STATES
        assert transition.roles


def test_unit_head_submits_and_withdraws_with_an_audited_event(dossier, make):
    head = make.user("unit_head", dossier.unit)
    assert [t.key for t in allowed_transitions(dossier, head)] == ["submit"]
    apply_transition(dossier, "submit", head)
    db.session.commit()
    assert dossier.state == "submitted"
    apply_transition(dossier, "withdraw", head)
    db.session.commit()
    events = db.session.query(AuditEvent).order_by(AuditEvent.id).all()
    assert [(e.action, e.before, e.after, e.actor_id) for e in events] == [
        ("assessment.submit", {"state": "draft"}, {"state": "submitted"}, head.id),
        ("assessment.withdraw", {"state": "submitted"}, {"state": "draft"}, head.id),
    ]


def test_head_of_another_unit_and_an_editor_may_not_submit(dossier, make):
    other_head = make.user("unit_head", make.unit("STP"))
    with pytest.raises(TransitionForbidden):
        apply_transition(dossier, "submit", other_head)
    with pytest.raises(TransitionForbidden):
        apply_transition(dossier, "submit", make.user("unit_editor", dossier.unit))
    assert dossier.state == "draft"
    assert db.session.query(AuditEvent).count() == 0


def test_a_transition_from_the_wrong_state_is_refused_with_409(dossier, make):
    admin = make.user("admin")
    with pytest.raises(TransitionNotAllowed) as refused:
        apply_transition(dossier, "publish", admin)
    assert refused.value.status == 409
    assert "Đang tự đánh giá" in str(refused.value)  # the state's Vietnamese label


def test_unfinalising_needs_an_administrator_and_a_reason(dossier, make):
    admin = make.user("admin")
    dossier.state = "finalised"
    with pytest.raises(TransitionForbidden):
        apply_transition(dossier, "unfinalise", make.user("reviewer"), "sai sót")
    with pytest.raises(ReasonRequired):
        apply_transition(dossier, "unfinalise", admin, "   ")
    apply_transition(dossier, "unfinalise", admin, "Sai sót ở tiêu chí 2.1")
    db.session.commit()
    assert dossier.state == "appraised"
    assert db.session.query(AuditEvent).one().reason == "Sai sót ở tiêu chí 2.1"
