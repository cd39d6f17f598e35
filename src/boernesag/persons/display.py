"""What of a person a user may see. Navne- og adressebeskyttelse (CPR-loven § 28) hides where
a person lives; for a child, the school, the daycare and the school district point to where
the child lives just as well, so they are masked exactly like the address. Every page,
letter and export that shows these fields goes through these functions (templates through
the ``persons`` template filters)."""

from django.utils.translation import gettext as _


def may_see_protected(person, user) -> bool:
    return not person.address_protected or bool(getattr(user, "may_see_protected_addresses", False))


def protected_text() -> str:
    return _("Adressebeskyttet")


def person_address(person, user) -> str:
    """The address as the user may see it: protected addresses are masked for everyone
    without the explicit right."""
    if not may_see_protected(person, user):
        return protected_text()
    parts = [person.street, " ".join(p for p in (person.postcode, person.city) if p)]
    return ", ".join(p for p in parts if p)


def person_institution(person, user) -> str:
    """School or daycare (``Person.institution``), masked like the address."""
    if person.institution and not may_see_protected(person, user):
        return protected_text()
    return person.institution


def person_school_district(person, user) -> str:
    """School district, masked like the address."""
    if person.school_district and not may_see_protected(person, user):
        return protected_text()
    return person.school_district


def relation_masked(relation, user, child=None) -> bool:
    """A school or daycare professional of an address-protected child tells where the child
    is every day: their workplace, address and contact details are masked like the child's
    own address."""
    from boernesag.persons.constants import LOCATING_ROLES, RelationKind

    child = child if child is not None else relation.child
    return (
        relation.kind == RelationKind.PROFESSIONAL
        and relation.professional_role in LOCATING_ROLES
        and not may_see_protected(child, user)
    )


def relation_organisation(relation, user, child=None) -> str:
    organisation = relation.person.organisation
    if organisation and relation_masked(relation, user, child):
        return protected_text()
    return organisation


def _same_home(person, child) -> bool:
    return bool(child.street) and (person.street, person.postcode) == (
        child.street,
        child.postcode,
    )


def relation_address(relation, user, child=None) -> str:
    """The address of someone around the child. For an address-protected child, the address
    of anyone who lives with the child (or at the child's address) is the child's address
    too, and is masked even if that person's own register entry is not protected."""
    child = child if child is not None else relation.child
    if relation_masked(relation, user, child):
        return protected_text()
    if not may_see_protected(child, user) and (
        relation.lives_with_child or _same_home(relation.person, child)
    ):
        return protected_text()
    return person_address(relation.person, user)


def relation_contact(relation, user, child=None) -> str:
    """Phone and e-mail. Address protection hides where a person lives, not how to reach
    them, so these are shown — except for a protected child's school or daycare, whose
    contact details name the place."""
    if relation_masked(relation, user, child):
        return protected_text()
    return ", ".join(p for p in (relation.person.phone, relation.person.email) if p)
