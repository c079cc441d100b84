"""Self-assessment: the unit fills in every sub-criterion, links evidence, signs off and submits.

Holds `self_assessment` (answers, totals, sign-off, submission, extensions), `evidence` (documents,
revisions, storage, type sniffing, serving files) and `survey_import` (the survey results of a
campaign). May import the stages before it: base, engine, criteria_io, models, audit, people,
campaigns.
"""
