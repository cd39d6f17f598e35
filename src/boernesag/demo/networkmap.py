"""Demo Kommune: network maps and genograms drawn on some children's cases, through the
services (``persons.services.network_map_save``), so ``make run`` shows the feature — Mette
Hansen's cases first, then a few in other teams; the rest are left undrawn (their maps show
the suggested places)."""

from __future__ import annotations

import random

from boernesag.persons.constants import (
    MapDistance,
    MapQuality,
    MapSector,
    ParentsRelationship,
    RelationKind,
)

NOTES = {
    RelationKind.GRANDPARENT: ["Henter i skolen om onsdagen", "Barnet sover der hver anden fredag"],
    RelationKind.PARENT_WITHOUT_CUSTODY: ["Ser barnet hver anden weekend", "Sjælden kontakt"],
    RelationKind.NETWORK_PERSON: ["Træner på fodboldholdet", "Nabo, barnet kommer der efter skole"],
    RelationKind.RESOURCE_PERSON: ["Aftale om samvær om lørdagen"],
    RelationKind.PROFESSIONAL: ["Barnet er tryg ved den voksne", "Kontakt ved fravær"],
}
DRAWN = 8  # cases with a drawn map


def _placement(rng: random.Random, entry):
    from boernesag.persons.services import PlacementInput

    kind = entry.relation.kind
    sector, distance = entry.sector, entry.distance
    quality = rng.choice([MapQuality.SUPPORTIVE, MapQuality.SUPPORTIVE, MapQuality.NEUTRAL])
    if kind == RelationKind.PARENT_WITHOUT_CUSTODY:
        distance = rng.choice([MapDistance.CLOSE, MapDistance.FAR])
        quality = rng.choice([MapQuality.STRAINED, MapQuality.NEUTRAL, MapQuality.BROKEN])
    elif kind == RelationKind.GRANDPARENT:
        distance = rng.choice([MapDistance.CLOSEST, MapDistance.CLOSE])
    elif kind == RelationKind.NETWORK_PERSON and rng.random() < 0.4:
        distance = MapDistance.CLOSEST
    elif kind == RelationKind.PROFESSIONAL and entry.sector == MapSector.SCHOOL:
        distance = MapDistance.CLOSE
    note = rng.choice(NOTES[kind]) if kind in NOTES and rng.random() < 0.6 else ""
    return PlacementInput(
        relation_id=entry.pk, sector=sector, distance=distance, quality=quality, note=note
    )


def _grandparents(case) -> None:
    """The first drawn case's child gets a maternal grandmother and a paternal grandfather
    (whose contact ended), so the genogram shows three generations."""
    from datetime import timedelta

    from django.utils import timezone

    from boernesag.persons.services import person_create, relation_add, relation_end

    today = timezone.localdate()
    grandmother = person_create(
        cpr=None, first_name="Inger", last_name="Mikkelsen", is_test=True, sex="F"
    )
    relation_add(
        child=case.child,
        person=grandmother,
        kind=RelationKind.GRANDPARENT,
        description="Mormor, passer barnet om tirsdagen",
        valid_from=case.opened_at.date(),
        by=case.caseworker,
        case=case,
    )
    grandfather = person_create(
        cpr=None, first_name="Bent", last_name="Pedersen", is_test=True, sex="M"
    )
    relation = relation_add(
        child=case.child,
        person=grandfather,
        kind=RelationKind.GRANDPARENT,
        description="Farfar",
        valid_from=case.opened_at.date(),
        by=case.caseworker,
        case=case,
    )
    relation_end(
        relation=relation,
        by=case.caseworker,
        valid_to=today - timedelta(days=20),
        expected_version=relation.version,
        case=case,
    )


def demo_network_map_seed(*, seed: int = 2612) -> dict[str, int]:
    from boernesag.accounts.models import User
    from boernesag.cases.models import Case
    from boernesag.persons import networkmap
    from boernesag.persons.models import NetworkMap, Relation
    from boernesag.persons.services import network_map_save

    if NetworkMap.objects.exists():
        return {}
    rng = random.Random(seed)
    mette = User.objects.filter(email="mette.hansen@demo-kommune.dk").first()
    cases = list(
        Case.objects.open()
        .filter(child__cpr_is_test=True, caseworker__isnull=False)
        .select_related("child", "caseworker")
        .order_by("opened_at")
    )
    with_people = set(
        Relation.objects.filter(child_id__in=[c.child_id for c in cases])
        .values_list("child_id", flat=True)
        .distinct()
    )
    cases = [c for c in cases if c.child_id in with_people]
    cases.sort(key=lambda c: (mette is None or c.caseworker_id != mette.pk, c.opened_at))
    drawn = 0
    if cases:
        _grandparents(cases[0])
    for case in cases[:DRAWN]:
        view = networkmap.network_map_view(case)
        if len(view.entries) < 2:
            continue
        saved = network_map_save(
            case=case,
            by=case.caseworker,
            expected_version=0,
            placements=[_placement(rng, entry) for entry in view.entries],
        )
        kinds = {e.relation.kind for e in view.entries}
        parents = {RelationKind.CUSTODY_HOLDER, RelationKind.PARENT_WITHOUT_CUSTODY}
        if sum(e.relation.kind in parents for e in view.entries) >= 2:
            relationship = (
                ParentsRelationship.SEPARATED
                if RelationKind.PARENT_WITHOUT_CUSTODY in kinds
                else ParentsRelationship.TOGETHER
            )
            network_map_save(
                case=case,
                by=case.caseworker,
                expected_version=saved.version,
                placements=[],
                parents_relationship=relationship,
                part="genogram",
            )
        drawn += 1
    return {"network_maps": drawn}
