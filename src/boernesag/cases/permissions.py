"""Permissions on children and cases (the registry: ``boernesag.authz.registry``).

Object permissions take the object: ``user.has_perm("cases.view_case", case)``. Views do not
call these directly for reads: ``cases.gate.case_get`` / ``child_get`` do, and log."""

from __future__ import annotations

from boernesag.accounts.predicates import has_editing_role, is_admin, is_caseworker, is_team_leader
from boernesag.authz.registry import permission, predicate
from boernesag.cases import access


@predicate(
    doc="kender sagen: egen sag, teamets sag (efter kommunens indstilling), en sag i "
    "et team man leder, en sag i modtagelsen (faglig koordinator) eller adgang med "
    "begrundelse til barnet"
)
def can_view_case(user, case) -> bool:
    return case is not None and access.case_visible(user, case)


@predicate(
    doc="kender sagen uden adgang med begrundelse – eller har adgang med begrundelse "
    "af typen 'sat på sagen / dækker for en kollega' (adgang til oplysninger er kun "
    "læseadgang)"
)
def can_write_case(user, case) -> bool:
    return case is not None and access.case_writable(user, case)


@predicate(doc="sagen er åben")
def is_open_case(user, case) -> bool:
    return case is not None and case.closed_at is None


@predicate(doc="sagen er afsluttet")
def is_closed_case(user, case) -> bool:
    return case is not None and case.closed_at is not None


@predicate(
    doc="leder sagens team (teamleder), eller sagen ligger i den modtagelse, man er "
    "faglig koordinator i"
)
def leads_case_team(user, case) -> bool:
    if case is None:
        return False
    s = access.scope_for(user)
    return case.team_id in s.led_unit_ids or (s.intake and case.team_id in s.team_ids)


@predicate(
    doc="kender barnet: mindst én af barnets sager er synlig (se can_view_case), "
    "eller adgang med begrundelse til barnet"
)
def can_view_child(user, child) -> bool:
    return child is not None and access.child_visible(user, child)


@predicate(
    doc="har en rolle, som kommunen har åbnet for adgang med begrundelse (standard: "
    "sagsbehandler, teamleder, faglig koordinator; aldrig økonomi eller administrator)"
)
def may_use_reasoned_access(user) -> bool:
    s = access.scope_for(user)
    return bool(s.roles & s.reasoned_access_roles)


@predicate(
    doc="teamleder for barnets team (eller modtagelsens leder, mens sagen er i "
    "modtagelsen) – og ikke den, adgangen er givet til"
)
def may_review_grant(user, grant) -> bool:
    if grant is None or grant.user_id == user.pk:
        return False
    led = access.scope_for(user).led_unit_ids
    return bool(led & access.grant_reviewer_unit_ids(grant.child_id))


@predicate(doc="teamleder for et team, hvor barnet har eller har haft en sag")
def leads_a_team_of_child(user, child) -> bool:
    if child is None:
        return False
    from boernesag.cases.models import Case

    led = access.scope_for(user).led_unit_ids
    return bool(led) and Case.objects.filter(child_id=child.pk, team_id__in=led).exists()


@predicate(
    doc="faglig koordinator, eller sagens ansvarlige sagsbehandler (ikke teamet, teamlederen "
    "eller adgang med begrundelse)"
)
def sees_notifier_on_case(user, case) -> bool:
    if case is None:
        return False
    return access.scope_for(user).intake or (
        case.caseworker_id is not None and case.caseworker_id == user.pk
    )


@predicate(doc="har selv skrevet journalnotatet")
def is_entry_author(user, entry) -> bool:
    return entry is not None and entry.author_id == user.pk


may_edit = has_editing_role & can_write_case & is_open_case

permission("cases.view_case", can_view_case, label="Se sagen og alt på den", obj="sag")
permission(
    "cases.edit_case",
    may_edit,
    label="Arbejde i sagen: møder, samtykker, frister i bero",
    obj="sag",
)
permission("cases.write_journal", may_edit, label="Skrive journalnotater", obj="sag")
permission(
    "cases.correct_journal",
    is_entry_author,
    label="Rette et journalnotat, man selv har skrevet (inden for rettefristen); "
    "kræver også cases.write_journal på sagen",
    obj="journalnotat",
)
permission(
    "cases.close_case",
    may_edit,
    label="Afslutte sagen (med tjeklisten for afslutning)",
    obj="sag",
)
permission(
    "cases.reopen_case",
    has_editing_role & can_write_case & is_closed_case,
    label="Genåbne en afsluttet sag med en begrundelse",
    obj="sag",
)
permission(
    "cases.record_step",
    may_edit,
    label="Registrere politiets dokumentation, netværksmøde, anmodning om og tilbud om "
    "misbrugsbehandling, stillingtagen til ungeplan og til ungestøtte",
    obj="sag",
)
permission("cases.upload_document", may_edit, label="Lægge dokumenter på sagen", obj="sag")
permission(
    "cases.reassign_case",
    has_editing_role & leads_case_team & is_open_case,
    label="Omfordele sagen til et andet team eller en anden sagsbehandler",
    obj="sag",
)
permission(
    "cases.see_notifier_documents",
    can_view_case & sees_notifier_on_case,
    label="Åbne dokumenter, der nævner underretteren (kvitteringer og tilbagemeldinger)",
    obj="sag",
)
permission("cases.view_child", can_view_child, label="Se barnets side", obj="barn")
permission("cases.open_case", has_editing_role & can_view_child, label="Oprette en sag", obj="barn")
permission(
    "cases.search_children",
    has_editing_role,
    label="Søge børn frem (CPR-nummer eller navn)",
)
permission("cases.view_my_cases", is_caseworker, label="Se Mine sager")
permission("cases.view_team_cases", is_team_leader, label="Se Teamets sager")
permission(
    "cases.use_reasoned_access",
    may_use_reasoned_access,
    label="Give sig selv adgang med begrundelse til et barn uden for sit team",
)
permission(
    "cases.review_grants",
    is_team_leader,
    label="Se listen over adgange med begrundelse til gennemgang",
)
permission(
    "cases.review_grant",
    may_review_grant,
    label="Gennemgå én adgang med begrundelse",
    obj="adgang",
)
permission(
    "cases.view_access_log",
    is_team_leader | is_admin,
    label="Slå et barns adgangslog op (CPR-nummer)",
)
permission(
    "cases.view_child_access_log",
    is_admin | leads_a_team_of_child,
    label="Se hvem der har set barnets oplysninger, og afviste forsøg",
    obj="barn",
)
permission(
    "cases.view_refusals",
    is_admin,
    label="Se alle afviste forsøg i kommunen (sikkerhedsopfølgning)",
)
