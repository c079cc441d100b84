"""The service every interface calls to move an assessment along the workflow.

`server.campaigns.workflow.apply_transition` checks the state, the role for the unit and the reason;
this adds the checks that need more than the state: the appraisal steps need a reviewer assignment
for the campaign (and nobody appraises their own unit), and the unit's own steps (submit, withdraw)
go through the self-assessment service, which checks the evidence rule and the deadline and records
the submitted totals. Web, API and CLI call `take_transition`.
"""

from flask_babel import lazy_gettext as _l

from server.appraisal import decisions
from server.appraisal.gaps import (
    GapsNotConfirmed,
    dossier_gaps,
    gaps_message,
    missing_confirmation,
)
from server.assessment import self_assessment
from server.campaigns.reviewers import assignments, may_appraise, reaches
from server.campaigns.workflow import (
    TRANSITION_LABELS,
    TRANSITIONS,
    TransitionError,
    TransitionForbidden,
    TransitionNotAllowed,
    allowed_transitions,
    apply_transition,
)
from server.models import Assessment, User

# Publishing freezes the whole group's ranking, so it is server.results.publications' step alone.
GROUP_TRANSITIONS = ("publish",)
# The steps of the appraisal council's work on a unit's dossier.
APPRAISAL_TRANSITIONS = ("start_appraisal", "request_explanation", "complete_appraisal",
                         "reopen_appraisal")


def take_transition(assessment: Assessment, key: str, user: User, reason: str = "", *,
                    confirm_unanswered: bool = False, confirm_gaps: bool = False) -> None:
    """Check the assignment for appraisal steps, then apply the transition; the caller commits.

    Submit and withdraw are the self-assessment service's, so no interface can submit a dossier
    without its checks; its refusals come back as TransitionErrors with the same HTTP status
    and its `problems`. Submitting with unanswered items needs `confirm_unanswered`; finalising
    a dossier with gaps needs `confirm_gaps` and a reason.
    """
    if key in ("submit", "withdraw"):
        try:
            if key == "submit":
                self_assessment.submit(assessment, user, confirm_unanswered=confirm_unanswered)
            else:
                self_assessment.withdraw(assessment, user, reason)
        except self_assessment.SelfAssessmentError as error:
            refused = TransitionError(error.message)
            refused.status, refused.problems = error.status, error.problems
            raise refused from error
        return
    if key in GROUP_TRANSITIONS:
        raise TransitionNotAllowed(_l(
            "A dossier is published with its unit group's ranking, on the publications page."))
    transition = TRANSITIONS.get(key)
    if (transition is not None and key in APPRAISAL_TRANSITIONS
            and assessment.state in transition.sources and not may_appraise(user, assessment)):
        raise TransitionForbidden(_l(
            "You may not take the step %(transition)s: you are not assigned to appraise this "
            "unit in this campaign, or you belong to it.", transition=TRANSITION_LABELS[key]))
    if key == "complete_appraisal" and transition is not None \
            and assessment.state in transition.sources:
        _check_every_item_decided(assessment)
    if key == "finalise" and any(t.key == key for t in allowed_transitions(assessment, user)):
        gaps = dossier_gaps([assessment])
        missing = missing_confirmation(gaps, confirm_gaps, reason or "")
        if missing:
            raise GapsNotConfirmed(gaps_message(gaps), gaps, missing)
    apply_transition(assessment, key, user, reason)


def _check_every_item_decided(assessment: Assessment) -> None:
    """Refuse to complete an appraisal that leaves answered items without a decision, naming
    each such domain and who is assigned to it."""
    undecided = decisions.undecided_items(assessment)
    if not undecided:
        return
    group = assessment.unit_group
    rows = assignments(assessment.campaign_id)
    parts = []
    for domain, codes in sorted(undecided.items()):
        names = sorted({row.reviewer.username for row in rows
                        if reaches(row, assessment.unit_id, group, domain)})
        shown = ", ".join(codes[:5]) + (", …" if len(codes) > 5 else "")
        if names:
            parts.append(str(_l("domain %(domain)s: %(count)s item(s) (%(codes)s), assigned to "
                                "%(names)s", domain=domain, count=len(codes), codes=shown,
                                names=", ".join(names))))
        else:
            parts.append(str(_l("domain %(domain)s: %(count)s item(s) (%(codes)s), no reviewer "
                                "assigned", domain=domain, count=len(codes), codes=shown)))
    raise TransitionNotAllowed(_l(
        "The appraisal cannot be completed: some answered items have no decision yet: %(parts)s",
        parts="; ".join(parts)))


def available_transitions(assessment: Assessment, user: User):
    """The transitions `user` may take now, assignment checks included."""
    return [t for t in allowed_transitions(assessment, user)
            if t.key not in GROUP_TRANSITIONS
            and (t.key not in APPRAISAL_TRANSITIONS or may_appraise(user, assessment))]
