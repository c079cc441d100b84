"""Built-in criteria set `department`: a model set for departments (sở, ban, ngành).

Seven domains, no impact domain.

What is checked against DOMAIN.md and what is provisional is stated in the set's `source_note`
and header; every domain, criterion and sub-criterion is `verified: false`. Test cases live in
`cases/`.
"""

from pathlib import Path

import pluggy

hookimpl = pluggy.HookimplMarker("parindex")


@hookimpl
def parindex_criteria_sets():
    return [Path(__file__).with_name("criteria.yaml")]
