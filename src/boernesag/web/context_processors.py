from boernesag.accounts.selectors import municipality_get
from boernesag.web.navigation import nav_for


def shell(request):
    """What the base layout needs: the municipality's name and the user's navigation."""
    user = getattr(request, "user", None)
    return {
        "municipality": municipality_get(),
        "nav_items": nav_for(user) if user is not None else [],
    }
