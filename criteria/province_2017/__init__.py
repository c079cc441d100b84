"""Built-in criteria set `province-2017`: the provincial PAR INDEX of QĐ 2948/QĐ-BNV (2017 index).

What is checked against DOMAIN.md and what is provisional is stated in the set's `source_note`
and header; every domain, criterion and sub-criterion is `verified: false`. Test cases live in
`cases/`.
"""

from criteria import yaml_beside

parindex_criteria_sets = yaml_beside(__file__)
