"""Campaigns: the criteria sets a campaign pins, the dossier workflow as data, deadlines.

Holds `criteria_registry` and `criteria` (the installed criteria sets and their summaries), `pins`
(which set and version each unit group of a campaign is scored with), `workflow` (states and
transitions as data, applied with their role checks), `reviewers` (who appraises which domains of
which unit group, and who may appraise what), `setup` (creating and opening a campaign) and
`reminders` (deadline reminders). May import the stages before it: base, engine, models, audit,
people.
"""
