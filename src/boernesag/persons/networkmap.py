"""Reads for the child's network map (netværkskort) and genogram: who is placed where, and
the geometry both drawings are rendered from (server-side SVG; the editor's script lays the
map out with the same numbers, ``static/persons/netmap.js``).

Like ``persons.selectors`` these read persons only and check no need-to-know: get the case
through the gate (``cases.gate``) first.

    from boernesag.persons import networkmap

    view = networkmap.network_map_view(case)        # MapView: version, entries with x/y
    genogram = networkmap.genogram_view(case, view)  # Genogram: rows of symbols, lines

Both are built from the child's relations (``persons.Relation``): the map adds only each
person's sector, circle, what the contact is like and a short note
(``NetworkMapPlacement``); the genogram's generations follow from the relation kinds, with
the side of a grandparent or half-sibling and the parents' relationship from the map.
A constant number of queries, whatever the number of people.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boernesag.persons.constants import (
    LINEAGE_KINDS,
    PARENT_KINDS,
    SECTOR_OF_KIND,
    Lineage,
    MapDistance,
    MapQuality,
    MapSector,
    ParentsRelationship,
    ProfessionalRole,
    RegisterStatus,
    RelationKind,
    Sex,
)
from boernesag.persons.models import NetworkMap, Person, Relation
from boernesag.persons.selectors import KIND_ORDER, people_around

# --- geometry of the map ------------------------------------------------------------------

MAP_SIZE = 640
MAP_CENTRE = MAP_SIZE // 2
CHILD_RADIUS = 62  # the child in the middle
RING_EDGES = (CHILD_RADIUS, 142, 222, 302)  # circle 1 is between edges 0 and 1, …
SECTOR_ORDER = [s.value for s in MapSector]  # clockwise from the top left
SECTOR_START = {s: 270 + 90 * i for i, s in enumerate(SECTOR_ORDER)}  # degrees from 12 o'clock


def ring_radius(distance: int) -> float:
    """Where on the map a person of ``distance`` is drawn: the middle of its circle."""
    inner, outer = RING_EDGES[distance - 1], RING_EDGES[distance]
    return (inner + outer) / 2


def _point(angle: float, radius: float) -> tuple[float, float]:
    rad = math.radians(angle)
    return (
        round(MAP_CENTRE + radius * math.sin(rad), 1),
        round(MAP_CENTRE - radius * math.cos(rad), 1),
    )


def default_sector(relation: Relation) -> str:
    if relation.kind == RelationKind.PROFESSIONAL and relation.professional_role in (
        ProfessionalRole.SCHOOL,
        ProfessionalRole.DAYCARE,
    ):
        return MapSector.SCHOOL
    return SECTOR_OF_KIND.get(relation.kind, MapSector.NETWORK)


def default_distance(relation: Relation) -> int:
    if relation.lives_with_child or relation.kind in (
        RelationKind.CUSTODY_HOLDER,
        RelationKind.SIBLING,
        RelationKind.FOSTER_FAMILY,
    ):
        return MapDistance.CLOSEST
    if relation.kind == RelationKind.PROFESSIONAL:
        return MapDistance.FAR
    return MapDistance.CLOSE


GRANDPARENT_WORDS = {
    Lineage.MOTHER: ("mormor", "morfar", "mors "),
    Lineage.FATHER: ("farmor", "farfar", "fars "),
}


def default_lineage(relation: Relation) -> str:
    """A grandparent described as "mormor …" or "farfar …" is on that side."""
    if relation.kind != RelationKind.GRANDPARENT:
        return ""
    text = relation.description.lower()
    for lineage, words in GRANDPARENT_WORDS.items():
        if text.startswith(words):
            return lineage
    return ""


# --- the map ------------------------------------------------------------------------------


@dataclass
class MapEntry:
    """One person on the map: the relation, its placement (stored or the default) and where
    it is drawn."""

    relation: Relation
    sector: str
    distance: int
    quality: str = ""
    note: str = ""
    lineage: str = ""
    stored: bool = False
    x: float = 0.0
    y: float = 0.0
    rank: int = 0  # order inside a sector and circle (kind, name): the script keeps it
    organisation: str = ""  # set by the page, masked as the user may see it

    @property
    def person(self) -> Person:
        return self.relation.person

    @property
    def pk(self) -> int:
        return self.relation.pk

    @property
    def label(self) -> str:
        """The short name on the drawing: the first name(s)."""
        return self.person.first_name or self.person.last_name

    @property
    def what(self) -> str:
        """What the person is to the child ("Fagperson, skole")."""
        what = self.relation.get_kind_display()
        if self.relation.professional_role:
            what = f"{what}, {self.relation.get_professional_role_display().lower()}"
        return what

    @property
    def sector_label(self) -> str:
        return str(MapSector(self.sector).label)

    @property
    def distance_label(self) -> str:
        return str(MapDistance(self.distance).label)

    @property
    def quality_label(self) -> str:
        return str(MapQuality(self.quality).label) if self.quality else ""

    @property
    def lineage_label(self) -> str:
        return str(Lineage(self.lineage).label) if self.lineage else ""

    @property
    def takes_lineage(self) -> bool:
        return self.relation.kind in LINEAGE_KINDS


@dataclass
class MapView:
    child: Person
    network_map: NetworkMap | None
    entries: list[MapEntry]
    relationship: str | None = None  # the parents' relationship as typed (not saved yet)
    stored: dict = field(default_factory=dict)  # relation id → saved placement (also ended)

    @property
    def version(self) -> int:
        """The version a save must be based on (0: nothing saved yet)."""
        return self.network_map.version if self.network_map else 0

    @property
    def parents_relationship(self) -> str:
        if self.relationship is not None:
            return self.relationship
        return self.network_map.parents_relationship if self.network_map else ""

    def by_sector(self) -> list[tuple[str, str, list[MapEntry]]]:
        """(sector, label, entries) in the map's order, each by circle then name."""
        rows = []
        for sector in MapSector:
            entries = [e for e in self.entries if e.sector == sector.value]
            rows.append((sector.value, str(sector.label), entries))
        return rows

    def sectors(self) -> list[dict]:
        """The drawing's sector names, in the corners of their quarter."""
        corners = {
            MapSector.FAMILY: (8, 22, "start"),
            MapSector.NETWORK: (MAP_SIZE - 8, 22, "end"),
            MapSector.SCHOOL: (MAP_SIZE - 8, MAP_SIZE - 10, "end"),
            MapSector.PROFESSIONALS: (8, MAP_SIZE - 10, "start"),
        }
        return [
            {
                "key": sector.value,
                "label": str(sector.label),
                "x": corners[sector][0],
                "y": corners[sector][1],
                "anchor": corners[sector][2],
            }
            for sector in MapSector
        ]

    def rings(self) -> list[dict]:
        return [
            {"r": RING_EDGES[d], "distance": d, "label": str(MapDistance(d).label)}
            for d in (3, 2, 1)
        ]

    def dividers(self) -> list[dict]:
        """The lines between the sectors (from the child's circle to the outer circle)."""
        lines = []
        for angle in (0, 90, 180, 270):
            x1, y1 = _point(angle, CHILD_RADIUS)
            x2, y2 = _point(angle, RING_EDGES[-1])
            lines.append({"x1": x1, "y1": y1, "x2": x2, "y2": y2})
        return lines


def layout(entries: list[MapEntry]) -> None:
    """Give each entry its point: the people of one sector and circle spread evenly over
    the sector's quarter in ``rank`` order, every other one a little further out when there
    are many (the same rule as the editor's script)."""
    buckets: dict[tuple[str, int], list[MapEntry]] = {}
    for entry in sorted(entries, key=lambda e: e.rank):
        buckets.setdefault((entry.sector, entry.distance), []).append(entry)
    for (sector, distance), group in buckets.items():
        count = len(group)
        for index, entry in enumerate(group):
            angle = SECTOR_START[sector] + (index + 1) * 90 / (count + 1)
            radius = ring_radius(distance)
            if count > 3:
                radius += 14 if index % 2 else -14
            entry.x, entry.y = _point(angle, radius)


def network_map_view(case, *, on: date | None = None) -> MapView:
    """The map of ``case``'s child: everyone around the child in force on ``on`` (today),
    placed where the saved map says, else by default (sector by relation, circle by
    closeness of the relation). Three queries."""
    child = case.child
    network_map = NetworkMap.objects.filter(case=case).first()
    placements = {p.relation_id: p for p in network_map.placements.all()} if network_map else {}
    entries = []
    for relation in people_around(child, on=on):
        placement = placements.get(relation.pk)
        if placement is not None:
            entry = MapEntry(
                relation=relation,
                sector=placement.sector,
                distance=placement.distance,
                quality=placement.quality,
                note=placement.note,
                lineage=placement.lineage,
                stored=True,
            )
        else:
            entry = MapEntry(
                relation=relation,
                sector=default_sector(relation),
                distance=default_distance(relation),
                lineage=default_lineage(relation),
            )
        entries.append(entry)
    entries.sort(
        key=lambda e: (
            KIND_ORDER.get(e.relation.kind, 99),
            e.person.last_name,
            e.person.first_name,
            e.pk,
        )
    )
    for rank, entry in enumerate(entries):
        entry.rank = rank
    entries.sort(key=lambda e: (SECTOR_ORDER.index(e.sector), e.distance, e.rank))
    layout(entries)
    return MapView(child=child, network_map=network_map, entries=entries, stored=placements)


# --- the genogram -------------------------------------------------------------------------

SYMBOL = 36  # a square's side, a circle's diameter
LABEL_BELOW = 54  # a symbol's name and age are written below it
STEP = 96  # between two people in a row
ROW_Y = {"grandparents": 60, "parents": 190, "children": 330}
GENERATION_LABELS = {
    "grandparents": gettext_lazy("Bedsteforældre"),
    "parents": gettext_lazy("Forældre"),
    "children": gettext_lazy("Barnet og søskende"),
    "others": gettext_lazy("Anden familie og plejefamilie"),
}


@dataclass
class Symbol:
    """One person on the genogram."""

    person: Person
    generation: str
    what: str  # the relation in words
    kind: str = ""  # the relation kind it is drawn as
    x: float = 0.0
    y: float = 0.0
    is_child: bool = False
    custody: str = ""  # "holds" | "ended" | ""
    custody_ended_on: date | None = None
    ended: bool = False  # every relation of the person to the child has ended
    ended_on: date | None = None
    lineage: str = ""
    lives_with_child: bool = False

    @property
    def shape(self) -> str:
        return {Sex.MALE: "square", Sex.FEMALE: "circle"}.get(self.person.sex, "unknown")

    @property
    def shape_label(self) -> str:
        return {
            "square": _("Firkant (mand)"),
            "circle": _("Cirkel (kvinde)"),
            "unknown": _("Firkant med spørgsmålstegn (køn ikke oplyst)"),
        }[self.shape]

    @property
    def dead(self) -> bool:
        return self.person.register_status == RegisterStatus.DEAD

    @property
    def label(self) -> str:
        return (self.person.first_name.split() or [self.person.last_name])[0]

    @property
    def age_text(self) -> str:
        age = self.person.age
        return _("%(age)s år") % {"age": age} if age is not None and not self.dead else ""

    @property
    def generation_label(self) -> str:
        return str(GENERATION_LABELS[self.generation])

    @property
    def lineage_label(self) -> str:
        return str(Lineage(self.lineage).label) if self.lineage else ""

    @property
    def half(self) -> float:
        return SYMBOL / 2


@dataclass
class Genogram:
    symbols: list[Symbol]
    lines: list[dict] = field(default_factory=list)  # {"x1", "y1", "x2", "y2", "dashed"}
    marks: list[dict] = field(default_factory=list)  # the slashes on the couple line
    width: int = 400
    height: int = 420
    parents_relationship: str = ""

    @property
    def parents_relationship_label(self) -> str:
        if not self.parents_relationship:
            return _("Ikke oplyst")
        return str(ParentsRelationship(self.parents_relationship).label)

    def by_generation(self) -> list[tuple[str, list[Symbol]]]:
        return [
            (str(label), [s for s in self.symbols if s.generation == key])
            for key, label in GENERATION_LABELS.items()
            if any(s.generation == key for s in self.symbols)
        ]

    @property
    def row_labels(self) -> list[dict]:
        return [
            {"label": str(GENERATION_LABELS[key]), "y": y}
            for key, y in ROW_Y.items()
            if any(s.generation == key for s in self.symbols)
        ]


def _symbols_of(child: Person, relations: list[Relation], lineages: dict[int, str], today):
    """One symbol per person (a person can have had several relations to the child, e.g.
    custody holder until a date, then parent without custody)."""
    by_person: dict[int, list[Relation]] = {}
    for relation in relations:
        by_person.setdefault(relation.person_id, []).append(relation)
    symbols = []
    for rows in by_person.values():
        active = [r for r in rows if r.is_active_on(today)]
        current = min(
            active or rows,
            key=lambda r: (KIND_ORDER.get(r.kind, 99), -(r.valid_to or date.max).toordinal()),
        )
        kinds = {r.kind for r in rows}
        if kinds & PARENT_KINDS:
            generation = "parents"
        elif kinds & {RelationKind.GRANDPARENT}:
            generation = "grandparents"
        elif kinds & {RelationKind.SIBLING, RelationKind.HALF_SIBLING}:
            generation = "children"
        elif kinds & {RelationKind.OTHER_FAMILY, RelationKind.FOSTER_FAMILY}:
            generation = "others"
        else:
            continue  # network, resource persons and professionals are on the map only
        custody_rows = [r for r in rows if r.kind == RelationKind.CUSTODY_HOLDER]
        custody = ""
        custody_ended_on = None
        if any(r.is_active_on(today) for r in custody_rows):
            custody = "holds"
        elif custody_rows:
            custody = "ended"
            custody_ended_on = max((r.valid_to for r in custody_rows if r.valid_to), default=None)
        if generation == "parents":
            parent_rows = [r for r in (active or rows) if r.kind in PARENT_KINDS]
            current = parent_rows[0] if parent_rows else current
        symbol = Symbol(
            person=current.person,
            generation=generation,
            what=current.get_kind_display(),
            custody=custody,
            custody_ended_on=custody_ended_on,
            ended=not active,
            ended_on=max((r.valid_to for r in rows if r.valid_to), default=None)
            if not active
            else None,
            lineage=next((lineages[r.pk] for r in rows if lineages.get(r.pk)), ""),
            lives_with_child=any(r.lives_with_child for r in active),
        )
        symbol.kind = current.kind
        if RelationKind.HALF_SIBLING in kinds:
            symbol.kind = RelationKind.HALF_SIBLING
        symbols.append(symbol)
    symbols.append(Symbol(person=child, generation="children", what=_("Barnet"), is_child=True))
    return symbols


def genogram_view(case, map_view: MapView | None = None, *, on: date | None = None) -> Genogram:
    """The genogram of ``case``'s child from every relation (also ended ones): grandparents,
    parents (custody marked, ended custody marked as ended), the child with siblings and
    half-siblings, other family and a foster family beside. Mother's side on the left. Two
    queries (the relations; the map if not given)."""
    today = on or timezone.localdate()
    map_view = map_view if map_view is not None else network_map_view(case, on=today)
    child = case.child
    lineages = {pk: p.lineage for pk, p in map_view.stored.items()}
    lineages.update({e.pk: e.lineage for e in map_view.entries})
    relations = list(
        Relation.objects.filter(child=child)
        .select_related("person")
        .order_by("kind", "person__birth_date", "person__first_name", "pk")
    )
    for relation in relations:
        lineages.setdefault(relation.pk, default_lineage(relation))
    symbols = _symbols_of(child, relations, lineages, today)
    genogram = Genogram(symbols=symbols, parents_relationship=map_view.parents_relationship)
    _genogram_layout(genogram)
    return genogram


def _born(symbol: Symbol):
    return (symbol.person.birth_date or date.max, symbol.person.first_name)


def _genogram_layout(g: Genogram) -> None:
    parents = [s for s in g.symbols if s.generation == "parents"]
    # mother (or the first parent of no stated sex) on the left, father on the right;
    # parents no longer in the child's life after those still in it
    parents.sort(
        key=lambda s: (s.ended, {Sex.FEMALE: 0, Sex.MALE: 1}.get(s.person.sex, 2), s.label)
    )
    left = parents[0] if parents else None
    right = parents[1] if len(parents) > 1 else None
    side_parent = {Lineage.MOTHER: left, Lineage.FATHER: right}
    if left is not None and left.person.sex == Sex.MALE:
        side_parent = {Lineage.FATHER: left, Lineage.MOTHER: right}

    children = [s for s in g.symbols if s.generation == "children"]
    full = sorted(
        [s for s in children if s.is_child or s.kind == RelationKind.SIBLING],
        key=_born,
    )
    halves = [s for s in children if s not in full]
    left_side = Lineage.MOTHER if left is None or left.person.sex != Sex.MALE else Lineage.FATHER
    half_left = sorted([s for s in halves if s.lineage == left_side], key=_born)
    half_right = sorted([s for s in halves if s.lineage and s.lineage != left_side], key=_born)
    half_unknown = sorted([s for s in halves if not s.lineage], key=_born)

    x = 0.0
    for s in [*half_left, *full, *half_right, *half_unknown]:
        s.x, s.y = x, ROW_Y["children"]
        x += STEP
    centre = (full[0].x + full[-1].x) / 2 if full else 0.0
    extra_parents = parents[2:]
    if right is None and left is not None:
        left.x = centre
    elif left is not None:
        left.x, right.x = centre - STEP * 0.75, centre + STEP * 0.75
    for index, s in enumerate(extra_parents):
        s.x = centre + STEP * (1.75 + index)
    for s in parents:
        s.y = ROW_Y["parents"]

    # grandparents above their parent; those of no known side at the right
    grand = sorted([s for s in g.symbols if s.generation == "grandparents"], key=_born)
    placed_right = max((s.x for s in [*parents, *children]), default=0.0)
    unknown_grand = []
    for lineage in (Lineage.MOTHER, Lineage.FATHER):
        parent = side_parent.get(lineage)
        group = [s for s in grand if s.lineage == lineage]
        if parent is None:
            unknown_grand.extend(group)
            continue
        for index, s in enumerate(group):
            s.x = parent.x + (index - (len(group) - 1) / 2) * STEP * 0.85
            s.y = ROW_Y["grandparents"]
    unknown_grand.extend(s for s in grand if not s.lineage)
    top_right = max(
        [s.x for s in grand if s.lineage and s not in unknown_grand] + [placed_right], default=0
    )
    for index, s in enumerate(unknown_grand):
        s.x, s.y = top_right + STEP * (index + 1), ROW_Y["grandparents"]

    # other family and a foster family: in the parents' generation, to the right
    others = sorted([s for s in g.symbols if s.generation == "others"], key=_born)
    right_edge = max((s.x for s in g.symbols if s.generation != "others"), default=0.0)
    for index, s in enumerate(others):
        s.x, s.y = right_edge + STEP * (index + 1.25), ROW_Y["parents"]

    # shift everything right of the row labels
    shift = 150 - min((s.x for s in g.symbols), default=0.0)
    for s in g.symbols:
        s.x = round(s.x + shift, 1)
    g.width = int(max((s.x for s in g.symbols), default=0) + 90)
    g.height = ROW_Y["children"] + 90
    h = SYMBOL / 2

    # lines: the couple line, the children's line, half-siblings to their parent,
    # grandparents to their child
    if left is not None and right is not None:
        y = ROW_Y["parents"]
        g.lines.append({"x1": left.x + h, "y1": y, "x2": right.x - h, "y2": y, "dashed": False})
        mid = (left.x + right.x) / 2
        slashes = {ParentsRelationship.SEPARATED: 1, ParentsRelationship.DIVORCED: 2}.get(
            g.parents_relationship, 0
        )
        for index in range(slashes):
            dx = (index - (slashes - 1) / 2) * 8
            g.marks.append({"x1": mid + dx - 5, "y1": y + 9, "x2": mid + dx + 5, "y2": y - 9})
        top = (mid, y)
    elif left is not None:
        top = (left.x, ROW_Y["parents"] + h)
    else:
        top = None
    bar_y = ROW_Y["children"] - h - 28
    if top is not None and full:
        g.lines.append({"x1": top[0], "y1": top[1], "x2": top[0], "y2": bar_y, "dashed": False})
        xs = [s.x for s in full] + [top[0]]
        g.lines.append({"x1": min(xs), "y1": bar_y, "x2": max(xs), "y2": bar_y, "dashed": False})
        for s in full:
            g.lines.append({"x1": s.x, "y1": bar_y, "x2": s.x, "y2": s.y - h, "dashed": s.ended})
    for s in [*half_left, *half_right]:
        parent = side_parent.get(s.lineage)
        if parent is None:
            continue
        g.lines.append(
            {"x1": parent.x, "y1": parent.y + h, "x2": s.x, "y2": s.y - h, "dashed": s.ended}
        )
    # grandparents: a pair is a couple with one line down to their child; one alone has
    # the line from below the name
    for lineage in (Lineage.MOTHER, Lineage.FATHER):
        parent = side_parent.get(lineage)
        group = [s for s in grand if s.lineage == lineage and s not in unknown_grand]
        if parent is None or not group:
            continue
        if len(group) >= 2:
            a, b = group[0], group[1]
            y = a.y
            g.lines.append({"x1": a.x + h, "y1": y, "x2": b.x - h, "y2": y, "dashed": False})
            start = ((a.x + b.x) / 2, y)
        else:
            start = (group[0].x, group[0].y + LABEL_BELOW)
        g.lines.append(
            {
                "x1": start[0],
                "y1": start[1],
                "x2": parent.x,
                "y2": parent.y - h,
                "dashed": all(s.ended for s in group),
            }
        )
