"""The scoring engine: criteria sets, rule types, scores and test cases.

Pure Python (Decimal arithmetic, YAML data): it imports neither Flask nor the database, so the
web UI, the API, the CLI and the exports all get their numbers from the same place.
"""

from server.engine.answers import AnswerProblem, AnswersError
from server.engine.cases import Case, load_cases, run_case
from server.engine.decimals import parse_decimal, round_half_up
from server.engine.loader import parse_criteria_set
from server.engine.model import Band, CriteriaSet, Criterion, Domain, Leaf, LegalBasis, TieRule
from server.engine.problems import CaseError, CriteriaSetError, Problem
from server.engine.results import NodeScore, ScoreResult, TraceLine
from server.engine.rules import (
    Choice,
    InputField,
    InvalidAnswer,
    Outcome,
    RuleType,
    builtin_rule_types,
)
from server.engine.scoring import from_stored_leaves, from_stored_totals, score
from server.engine.set_files import load_criteria_set
from server.engine.version import ENGINE_VERSION

__all__ = [
    "ENGINE_VERSION",
    "AnswerProblem",
    "AnswersError",
    "Band",
    "Case",
    "CaseError",
    "Choice",
    "CriteriaSet",
    "CriteriaSetError",
    "Criterion",
    "Domain",
    "InputField",
    "InvalidAnswer",
    "Leaf",
    "LegalBasis",
    "NodeScore",
    "Outcome",
    "Problem",
    "RuleType",
    "ScoreResult",
    "TieRule",
    "TraceLine",
    "builtin_rule_types",
    "from_stored_leaves",
    "from_stored_totals",
    "load_cases",
    "load_criteria_set",
    "parse_criteria_set",
    "parse_decimal",
    "round_half_up",
    "run_case",
    "score",
]
