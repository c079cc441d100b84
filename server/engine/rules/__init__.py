"""Rule types: the built-in ones and the base class plugins subclass."""

from server.engine.rules.base import (
    BetterOutcome,
    Choice,
    InputField,
    InvalidAnswer,
    Outcome,
    RuleType,
)
from server.engine.rules.choice import ChoiceRule
from server.engine.rules.deduction import DeductionRule
from server.engine.rules.manual import ManualRule
from server.engine.rules.percent_bands import PercentBandsRule
from server.engine.rules.proportional import ProportionalRule
from server.engine.rules.survey import SurveyRule
from server.engine.rules.yes_no import YesNoRule

BUILTIN_RULE_TYPES = (ChoiceRule, YesNoRule, PercentBandsRule, ProportionalRule, DeductionRule,
                      ManualRule, SurveyRule)


def builtin_rule_types() -> dict[str, type[RuleType]]:
    """Type name -> class for the rule types every set may use; a fresh dict each call."""
    return {rule.name: rule for rule in BUILTIN_RULE_TYPES}


__all__ = ["BUILTIN_RULE_TYPES", "BetterOutcome", "Choice", "ChoiceRule", "DeductionRule",
           "InputField",
           "InvalidAnswer", "ManualRule",
           "Outcome", "PercentBandsRule", "ProportionalRule", "RuleType", "SurveyRule",
           "YesNoRule", "builtin_rule_types"]
