"""Built-in criteria set `province-2020`: the provincial PAR INDEX of QĐ 1149/QĐ-BNV (30/12/2020).

Used for the 2020 and 2021 provincial indices (Chỉ số CCHC cấp tỉnh). Only the counts (8 domains,
43 criteria, 102 sub-criteria) and the totals (100 points = 66.5 appraised + 33.5 survey, of which
10 SIPAS and 23.5 survey of leaders and managers) are checked against the decision; titles, point
splits, rules and responsible agencies are provisional (every node is `verified: false`), see the
set's `source_note`. Test cases live in `cases/`.
"""

from criteria import yaml_beside

parindex_criteria_sets = yaml_beside(__file__)
