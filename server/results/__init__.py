"""Results: ranking, publication, points lost, and the spreadsheets that carry them.

Holds `ranking` (scoring a unit group from its stored answers and ranking it), `ranking_data` (a
ranking as plain data), `ranking_settings` (a campaign's tie rule and units not ranked),
`publications` and `publication_status` (frozen snapshots, corrections, drift), `visible` (what
each reader may see of the results), `points_lost` and `exports/` (workbooks). May import every
stage before it, up to `server.appraisal`.
"""
