"""Where a placed child lives, as the user may see it. A placement's provider and place are
the child's home: for a child with navne- og adressebeskyttelse (CPR-loven § 28) they are
masked exactly like the address (``persons.display``) for everyone without the right."""

from django import template

from boernesag.measures.constants import PLACEMENT_KINDS
from boernesag.persons.display import may_see_protected, protected_text

register = template.Library()


def place_masked(case, measure, user) -> bool:
    kind = getattr(measure, "kind", None)
    return case is not None and kind in PLACEMENT_KINDS and not may_see_protected(case.child, user)


@register.simple_tag(takes_context=True)
def placement_shown(context, measure, text):
    """``text`` (the provider's name, the place) unless it tells where a protected child
    lives; ``measure`` is the measure (or its version, which has the measure)."""
    measure = getattr(measure, "measure", measure)
    request = context.get("request")
    if place_masked(context.get("case"), measure, getattr(request, "user", None)):
        return protected_text()
    return text
