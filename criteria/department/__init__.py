"""Built-in criteria set `department`: a model set for departments (sở, ban, ngành).

Seven domains, no impact domain.

What is checked against DOMAIN.md and what is provisional is stated in the set's `source_note`
and header; every domain, criterion and sub-criterion is `verified: false`. Test cases live in
`cases/`.
"""

from criteria import yaml_beside

parindex_criteria_sets = yaml_beside(__file__)
