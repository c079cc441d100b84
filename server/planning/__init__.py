"""The target planner: the least effort a unit needs to reach a band, a rank or an index.

Holds `targets` (reading a target such as "band=Khá", "rank=5-7"), `solver` (the exact
least-effort choice of better outcomes, pure), `needs` (a target as the points to gain),
`planner` (a unit's plan worked out and re-scored by the engine, pure), `weights` (the effort
weights a campaign sets per item), `plans` (a unit's plan from what is stored), `group_plans`
(every unit of a group against one target), `plan_data` and `plan_workbook`. May import every
stage before it, up to `server.results`.
"""
