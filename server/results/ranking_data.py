"""A ranking as plain data: what the API answers, the web pages render and a publication freezes.

Numbers are strings (decimals, never floats), so a frozen copy reads back unchanged: points,
totals and indices alike in one form, rounded half-up once to two decimals ("82.00"), as the
official tables publish them.
"""

from decimal import Decimal

from server.engine.decimals import two_places


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else two_places(value)


def _change(index: Decimal | None, previous: Decimal | None) -> Decimal | None:
    return None if index is None or previous is None else index - previous


def _replaces(ranking, code: str) -> dict:
    """For a unit that replaces others: each one's index the year before."""
    replaced = ranking.replaced.get(code)
    if not replaced:
        return {}
    return {"replaces": [{"unit_code": other, "previous_index": _decimal(index)}
                         for other, index in replaced]}


def _components(result, components) -> list[dict]:
    """The row's named components, in the set's order; a result without them (imported from a
    published table) gives none."""
    figures = [(component, result.components.get(component.key)) for component in components]
    return [{"key": component.key, "points": two_places(node.points),
             "max_points": two_places(node.max_points), "sub_index": _decimal(node.sub_index)}
            for component, node in figures if node is not None]


def ranking_dict(ranking) -> dict:
    criteria_set = ranking.criteria_set
    domain_max = [(domain.code, two_places(domain.max_points)) for domain in criteria_set.domains]
    return {
        "campaign_id": ranking.campaign_id,
        "year": ranking.year,
        "group": ranking.group,
        "criteria_set": {"id": criteria_set.id, "version": criteria_set.version},
        "tie_rule": {"compare": ranking.tie_rule.compare, "ranks": ranking.tie_rule.ranks},
        # The set's named components, as the published tables print them (columns of each row)
        "components": [{"key": component.key, "label": component.label,
                        "max_points": two_places(component.max_points),
                        "verified": component.verified}
                       for component in criteria_set.components],
        "rows": [{
            "rank": row.rank,
            "ranked": row.ranked,
            "unit_code": row.unit_code,
            "unit_name": row.unit_name,
            "total": two_places(row.result.total),
            "self_points": two_places(row.result.self_points),
            "survey_points": two_places(row.result.survey_points),
            "max_points": two_places(row.result.max_points),
            "index": _decimal(row.index),
            "classification": row.classification,
            "previous_index": _decimal(ranking.previous.get(row.unit_code)),
            "change": _decimal(_change(row.index, ranking.previous.get(row.unit_code))),
            "domains": [{"code": code, "points": two_places(row.result.nodes[code].points),
                         "max_points": max_points,
                         "sub_index": _decimal(row.result.nodes[code].sub_index)}
                        for code, max_points in domain_max],
            "components": _components(row.result, criteria_set.components),
            **_replaces(ranking, row.unit_code),
        } for row in ranking.rows],
    }
