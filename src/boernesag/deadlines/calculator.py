"""The deadline calculator: one rule, one start → due time, version and reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from boernesag.deadlines.engine import local_due, version_due
from boernesag.deadlines.rules import LAWS, RuleError, rule_get


@dataclass
class Calculation:
    rule: str
    version: int
    law: str
    reference: str
    verified: bool
    start: datetime
    due: datetime
    conditions_met: bool

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "version": self.version,
            "law": self.law,
            "reference": self.reference,
            "verified": self.verified,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "conditions_met": self.conditions_met,
        }

    @property
    def law_name(self) -> str:
        return LAWS.get(self.law, self.law)


def calculate(
    *,
    rule_key: str,
    start: datetime,
    birth_date: date | None = None,
    notifier_kind: str = "",
    measure_kind: str = "",
    local: bool = False,
) -> Calculation:
    from boernesag.deadlines.engine import Ev, LocalRule, conditions_met

    rule = rule_get(rule_key)
    version = rule.version_for(start)
    if version is None:
        raise RuleError(f"reglen '{rule_key}' gælder ikke på {start.date():%d.%m.%Y}")
    payload = {}
    if notifier_kind:
        payload["notifier_professional"] = notifier_kind == "professional"
    if measure_kind:
        payload["measure_kind"] = measure_kind
    due, _from_duration = version_due(version, start, payload=payload, birth_date=birth_date)
    if due is None:
        raise RuleError("reglen regnes fra barnets fødselsdato: angiv fødselsdatoen")
    if local:
        from boernesag.deadlines.models import LocalStandard

        local_rules = [
            LocalRule(s.rule_key, s.amount, s.unit, s.valid_from)
            for s in LocalStandard.objects.filter(rule_key=rule.key)
        ]
        due = local_due(rule.key, version, start, due, local_rules)
    # the start event's kind: a field left out reads as the catalogue's default
    met = conditions_met(version, Ev(0, version.start[0], start, "", payload), birth_date)
    return Calculation(
        rule=rule.key,
        version=version.version,
        law=version.law,
        reference=version.reference,
        verified=version.verified,
        start=start,
        due=due,
        conditions_met=met,
    )
