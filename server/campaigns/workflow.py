"""The assessment workflow, declared as data.

States have stable keys (stored in `assessments.state`, never renamed) and translated labels
(shown). A transition names the states it leaves from, the state it reaches, the roles that may
take it and whether a reason is required. `apply_transition` is the only code that changes an
assessment's state: it checks the transition, the actor's role against the assessment's unit and
the reason, then emits one event inside the caller's transaction.

Checks that depend on more than the state (deadlines, evidence, reviewer assignments) belong to
the service that calls `apply_transition`; they run before it. The one exception is the campaign's
phase: once the campaign is closed no dossier moves (`phases.check_dossier_writable`).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from server.campaigns.phases import PhaseError, check_dossier_writable
from server.events import emit
from server.extensions import db, id_in
from server.models import Assessment, User
from server.people.permissions import roles_for_unit

STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "in_appraisal": _l("In appraisal"),
    "explanation_requested": _l("Explanation requested"),
    "explained": _l("Explained"),
    "appraised": _l("Appraised"),
    "finalised": _l("Finalised by the council"),
    "published": _l("Published"),
}
# Where the unit may still change its own self-assessment.
UNIT_EDITABLE_STATES = ("draft",)


@dataclass(frozen=True)
class Transition:
    key: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    reason_required: bool = False


TRANSITIONS = {t.key: t for t in (
    Transition("submit", ("draft",), "submitted", ("unit_head",)),
    # A unit may take its dossier back to fix it until appraisal starts.
    Transition("withdraw", ("submitted",), "draft", ("unit_head",)),
    Transition("start_appraisal", ("submitted",), "in_appraisal", ("reviewer", "admin")),
    # After reading an explanation the council may ask again: a new round, the earlier kept.
    Transition("request_explanation", ("in_appraisal", "explained"), "explanation_requested",
               ("reviewer", "admin")),
    Transition("explain", ("explanation_requested",), "explained", ("unit_head",)),
    Transition("complete_appraisal", ("in_appraisal", "explained"), "appraised",
               ("reviewer", "admin")),
    Transition("reopen_appraisal", ("appraised",), "in_appraisal", ("reviewer", "admin"),
               reason_required=True),
    Transition("finalise", ("appraised",), "finalised", ("admin",)),
    Transition("unfinalise", ("finalised",), "appraised", ("admin",), reason_required=True),
    # Taken for a whole unit group by server.results.publications, never for one dossier alone.
    Transition("publish", ("finalised",), "published", ("admin",)),
    # A published score found wrong goes back to the council; the group is then republished.
    Transition("reopen_published", ("published",), "appraised", ("admin",),
               reason_required=True),
)}

TRANSITION_LABELS = {
    "submit": _l("Submit"),
    "withdraw": _l("Withdraw to edit"),
    "start_appraisal": _l("Start appraisal"),
    "request_explanation": _l("Request an explanation"),
    "explain": _l("Send the explanation"),
    "complete_appraisal": _l("Complete appraisal"),
    "reopen_appraisal": _l("Reopen appraisal"),
    "finalise": _l("Finalise"),
    "unfinalise": _l("Undo finalisation"),
    "publish": _l("Publish"),
    "reopen_published": _l("Reopen for a correction"),
}


class TransitionError(Exception):
    """A refused transition; `status` is the HTTP status the interfaces answer with.

    The message is translated lazily, so str(error) speaks the request's language; `problems`
    are the field problems of a refusal that carries them (a submission's).
    """

    status = 409
    problems: tuple = ()


class TransitionNotAllowed(TransitionError):
    """The transition does not leave from the assessment's current state (409)."""


class TransitionForbidden(TransitionError):
    """The actor holds none of the transition's roles for this unit (403)."""

    status = 403


class ReasonRequired(TransitionError):
    """The transition needs a reason and none was given (422)."""

    status = 422


def allowed_transitions(assessment: Assessment, user: User) -> list[Transition]:
    """The transitions `user` may take on `assessment` now, in declaration order."""
    roles = roles_for_unit(user, assessment.unit_id)
    return [t for t in TRANSITIONS.values()
            if assessment.state in t.sources and roles.intersection(t.roles)]


def apply_transition(assessment: Assessment, key: str, user: User, reason: str = "") -> None:
    """Move `assessment` along transition `key`, or raise a TransitionError; the caller commits."""
    transition, reason = _checked(assessment, key, user, reason)
    before = assessment.state
    assessment.state = transition.target
    emit(f"assessment.{key}", "assessment", assessment.id, actor_id=user.id,
         unit_id=assessment.unit_id, before={"state": before},
         after={"state": transition.target}, reason=reason)


def apply_transition_to_all(assessments: list[Assessment], key: str, user: User,
                            reason: str = "") -> dict[int, str]:
    """Move every one of `assessments` along `key` in one statement, each checked as
    `apply_transition` checks it (all or none); {assessment id: state before}. No event is
    emitted: the caller records one for the whole set (a publication names its dossiers)."""
    before = {}
    for assessment in assessments:
        _transition, reason = _checked(assessment, key, user, reason)
        before[assessment.id] = assessment.state
    if before:
        db.session.execute(update(Assessment).where(id_in(Assessment.id, before))
                           .values(state=TRANSITIONS[key].target)
                           .execution_options(synchronize_session="fetch"))
    return before


def _checked(assessment: Assessment, key: str, user: User, reason: str):
    """The transition and the stripped reason, or a TransitionError saying why not."""
    transition = TRANSITIONS.get(key)
    if transition is None:
        raise TransitionNotAllowed(_l("There is no transition %(key)s.", key=key))
    if assessment.state not in transition.sources:
        raise TransitionNotAllowed(_l(
            "%(transition)s is not possible while the assessment is %(state)s.",
            transition=TRANSITION_LABELS[key], state=STATES[assessment.state]))
    if not roles_for_unit(user, assessment.unit_id).intersection(transition.roles):
        raise TransitionForbidden(_l("You may not take the step %(transition)s for this unit.",
                                     transition=TRANSITION_LABELS[key]))
    try:
        check_dossier_writable(assessment.campaign)
    except PhaseError as error:
        raise TransitionNotAllowed(error.message) from error
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise ReasonRequired(_l("%(transition)s needs a reason.",
                                transition=TRANSITION_LABELS[key]))
    return transition, reason
