"""Permissions in intake (the registry: ``boernesag.authz.registry``)."""

from boernesag.accounts.predicates import is_intake_coordinator
from boernesag.authz.registry import permission, predicate
from boernesag.intake import access


@predicate(
    doc="faglig koordinator, eller kender mindst ét af børnene i henvendelsen "
    "(cases.view_child) – og ser så kun de børn"
)
def can_view_item(user, item) -> bool:
    return item is not None and access.item_visible(user, item)


@predicate(doc="faglig koordinator, eller sagsbehandler på en åben sag om et af børnene")
def can_see_notifier(user, item) -> bool:
    return item is not None and access.notifier_visible(user, item)


permission("intake.view_queue", is_intake_coordinator, label="Se modtagelsens kø")
permission(
    "intake.register",
    is_intake_coordinator,
    label="Registrere underretninger, ansøgninger og henvendelser",
)
permission("intake.view_item", can_view_item, label="Se en henvendelse", obj="henvendelse")
permission(
    "intake.triage",
    is_intake_coordinator,
    label="Vurdere børnene inden for 24 timer, identificere børn, forklare uafklarede",
)
permission(
    "intake.distribute",
    is_intake_coordinator,
    label="Fordele nye sager til team og sagsbehandler",
)
permission(
    "intake.see_notifier",
    can_see_notifier,
    label="Se underretterens navn og kontaktoplysninger",
    obj="henvendelse",
)
permission(
    "intake.send_letters",
    is_intake_coordinator,
    label="Sende kvittering og tilbagemelding til underretter",
)
permission("intake.view_outbox", is_intake_coordinator, label="Se og afsende udbakken")
