"""The authority matrix (kompetenceplan) as data: who may decide what.

``AuthorityRule`` rows say which level (caseworker, team leader, the children and young
people's committee) may decide which kind of decision up to which yearly cost, and whether
also outside the catalogue service's frame. A decision needs the lowest level whose row
covers it; a placement without consent always needs the committee (Barnets Lov § 142,
stk. 1, nr. 4, verified on lovguiden.dk: "Anbringelse uden for hjemmet efter §§ 47 eller 49").
"""

from __future__ import annotations

from decimal import Decimal

from boernesag.decisions.constants import LEVEL_ORDER, DecisionKind, Level
from boernesag.decisions.models import AuthorityRule

# The starting matrix, as migration 0002_authority_defaults made it. The amounts are an
# example, not law: only § 47 is fixed (the committee, Barnets Lov § 142, stk. 1).
DEFAULTS = [
    # level, kind, max yearly cost (None: no limit), also outside the service's frame
    ("caseworker", "support", 150_000, False),
    ("team_leader", "support", 600_000, True),
    ("committee", "support", None, True),
    ("team_leader", "placement_with_consent", 1_200_000, True),
    ("committee", "placement_with_consent", None, True),
    ("committee", "placement_without_consent", None, True),
]


def defaults_ensure() -> int:
    """Put the starting matrix in place when the table is empty (a database emptied after
    its migrations ran, e.g. between browser tests, or a demo built on one); a matrix the
    municipality has is never touched. Returns the number of rows made."""
    if AuthorityRule.objects.exists():
        return 0
    AuthorityRule.objects.bulk_create(
        AuthorityRule(level=level, kind=kind, max_yearly_cost=cost, outside_frame=outside)
        for level, kind, cost, outside in DEFAULTS
    )
    return len(DEFAULTS)


def required_level(*, kind: str, yearly_cost: Decimal | None, outside_frame: bool) -> str:
    """The lowest level that may decide: the first matrix row (caseworker, team leader,
    committee) that covers the kind, the cost and, if outside the frame, allows that. A
    decision nobody's row covers goes to the committee."""
    if kind == DecisionKind.PLACEMENT_WITHOUT_CONSENT:
        return Level.COMMITTEE
    cost = yearly_cost or Decimal(0)
    rows = sorted(AuthorityRule.objects.filter(kind=kind), key=lambda r: LEVEL_ORDER[r.level])
    for row in rows:
        if row.max_yearly_cost is not None and cost > row.max_yearly_cost:
            continue
        if outside_frame and not row.outside_frame:
            continue
        return row.level
    return Level.COMMITTEE


def level_of(user, case) -> str | None:
    """The level at which ``user`` may decide on ``case``: team leader of the case's team,
    otherwise caseworker (a role that works in cases), otherwise none. The committee is
    nobody's level: its decisions are recorded by the team leader (``approval``)."""
    from boernesag.accounts.predicates import has_editing_role
    from boernesag.cases import access

    if not has_editing_role(user):
        return None
    if case.team_id in access.scope_for(user).led_unit_ids:
        return Level.TEAM_LEADER
    return Level.CASEWORKER


def covers(level: str | None, required: str) -> bool:
    return level is not None and LEVEL_ORDER[level] >= LEVEL_ORDER[required]


def matrix():
    """The plan as rows for the page: kind → [(level, max, outside_frame)]."""
    rows = {kind: [] for kind in DecisionKind.values}
    for row in sorted(
        AuthorityRule.objects.all(), key=lambda r: (r.kind, LEVEL_ORDER[Level(r.level)])
    ):
        rows[row.kind].append(row)
    return [(DecisionKind(kind).label, rows[kind]) for kind in DecisionKind.values]
