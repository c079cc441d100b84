"""Built-in criteria set `district`: a model set for districts (UBND cấp huyện).

65 points appraisal + 35 points survey.

What is checked against DOMAIN.md and what is provisional is stated in the set's `source_note`
and header; every domain, criterion and sub-criterion is `verified: false`. Test cases live in
`cases/`.
"""

from criteria import yaml_beside

parindex_criteria_sets = yaml_beside(__file__)
