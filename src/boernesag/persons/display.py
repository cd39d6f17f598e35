from django.utils.translation import gettext as _


def person_address(person, user) -> str:
    """The address as the user may see it: protected addresses (navne- og
    adressebeskyttelse) are masked for everyone without the explicit right."""
    if person.address_protected and not getattr(user, "may_see_protected_addresses", False):
        return _("Adressebeskyttet")
    parts = [person.street, " ".join(p for p in (person.postcode, person.city) if p)]
    return ", ".join(p for p in parts if p)
