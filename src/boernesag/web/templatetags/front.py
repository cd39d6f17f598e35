from django import template

from boernesag.deadlines.rules import RuleError, rule_get

register = template.Library()


@register.filter
def rule_title(rule_key: str) -> str:
    """A deadline rule's title for people; never its code key (an unknown key: a dash)."""
    try:
        return rule_get(rule_key).title
    except (RuleError, KeyError):
        return "–"
