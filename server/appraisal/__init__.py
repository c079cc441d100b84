"""Appraisal: reviewers check each unit's dossier, adjust with reasons, ask for explanations.

Holds `decisions` (accept, adjust, ask, per sub-criterion), `explanations` (the unit's replies,
giải trình), `dossier_steps` (taking a workflow step with every stage's checks), `queue` (a
reviewer's work list), `gaps` (what a dossier lacks before finalising and publishing) and
`progress` (the campaign's progress grid). Reviewer assignments are
campaign setup, in `server.campaigns.reviewers`. May import every stage before it, up to
`server.assessment`.
"""
