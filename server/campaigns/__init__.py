"""Campaigns: the criteria sets a campaign pins, its settings and phases, the dossier and campaign
workflows as data, deadlines.

Holds `criteria_registry` and `criteria` (the installed criteria sets and their summaries), `pins`
(which set and version each unit group of a campaign is scored with), `workflow` (the dossier's
states and transitions as data, applied with their role checks), `reviewers` (who appraises which
domains of which unit group, and who may appraise what), `settings` (a campaign's dates, cut-offs,
survey, tie rule and bands, checked), `setup` (creating, editing and opening a campaign),
`campaign_workflow` (the campaign's own states: open, close, reopen), `phases` (the one rule of
when a dossier may be written), `successor` ("start from last year") and `reminders` (deadline
reminders). May import the stages before it: base, engine, models, audit, people.
"""
