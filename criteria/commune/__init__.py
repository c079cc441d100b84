"""Built-in criteria set `commune`: a model set for communes (UBND cấp xã).

Seven contents and an optional survey (without it the appraised score is rescaled to 100).

What is checked against DOMAIN.md and what is provisional is stated in the set's `source_note`
and header; every domain, criterion and sub-criterion is `verified: false`. Test cases live in
`cases/`.
"""

from criteria import yaml_beside

parindex_criteria_sets = yaml_beside(__file__)
