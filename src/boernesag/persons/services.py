"""Writes for persons, the people around a child and resource-person agreements.

Every service takes an explicit actor (``by``), runs in one transaction and writes its typed
event (``events.catalogue``). Relations are case events on the child's case — the case the
change is made on, else the child's open case, else its latest — so they show on the case's
timeline; a relation recorded before the child has any case (a child imported from the CPR
register during intake, test fixtures) has no case to be an event of, and its history is in
``RelationHistory`` (pghistory) alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from boernesag.events import catalogue as ev
from boernesag.events.services import event_write
from boernesag.persons.constants import (
    AGREEMENT_KINDS,
    CHILD_CASE_MAX_AGE,
    MAX_CUSTODY_HOLDERS,
    SIBLING_KINDS,
    PersonSource,
    ProfessionalRole,
    RegisterStatus,
    RelationKind,
)
from boernesag.persons.cpr import CprError, parse_cpr
from boernesag.persons.models import (
    Person,
    Relation,
    ResourcePersonAgreement,
    ResourcePersonFollowUp,
)


class ConflictError(Exception):
    """Someone else saved the record after it was opened (version mismatch)."""


class AgeNeedsConfirmation(ValidationError):
    """The CPR number belongs to someone older than a child's case can be about
    (``CHILD_CASE_MAX_AGE``): the user must confirm that it is right."""


def _day(value: date) -> str:
    return formats.date_format(value, "j. F Y")


def _occurred_at(day: date) -> datetime:
    """An event about something dated ``day``: at noon that day, or now if it is today."""
    now = timezone.localtime()
    if day >= now.date():
        return now
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


def _bump(model, obj, expected_version: int | None, **fields) -> None:
    """Optimistic locking: update only if nobody saved since ``expected_version``."""
    qs = model.objects.filter(pk=obj.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if not qs.update(version=F("version") + 1, **fields):
        raise ConflictError()
    obj.refresh_from_db()


# --- ages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeCheck:
    """What a birth date means for a child's case: ``refused`` (born in the future),
    ``warning`` (older than a child's case can be about) or fine."""

    age: int | None
    refused: bool = False
    warning: bool = False
    message: str = ""


def child_age_check(birth_date: date | None, *, on: date | None = None) -> AgeCheck:
    """A child's case is about a child (0–17) or a young person getting youth support up to
    the 23rd birthday (efterværn/ungestøtte, Barnets Lov kap. 13). A CPR number whose birth
    date is in the future is refused; one older than 22 years gives a warning the user must
    confirm (a typing error is far more likely than a case about an adult)."""
    if birth_date is None:
        return AgeCheck(age=None)
    on = on or timezone.localdate()
    if birth_date > on:
        return AgeCheck(
            age=None,
            refused=True,
            message=_(
                "CPR-nummerets fødselsdato (%(day)s) ligger i fremtiden. Kontrollér nummeret."
            )
            % {"day": _day(birth_date)},
        )
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age > CHILD_CASE_MAX_AGE:
        return AgeCheck(
            age=age,
            warning=True,
            message=_(
                "CPR-nummeret tilhører en person på %(age)s år. En børnesag handler om børn og "
                "unge under 23 år – kontrollér nummeret, eller bekræft at det er rigtigt."
            )
            % {"age": age},
        )
    return AgeCheck(age=age)


def child_age_require(birth_date, *, field: str, confirmed: bool, on: date | None = None) -> None:
    """Raise the age check's refusal, or its warning unless the user ``confirmed`` it."""
    check = child_age_check(birth_date, on=on)
    if check.refused:
        raise ValidationError({field: check.message})
    if check.warning and not confirmed:
        raise AgeNeedsConfirmation({field: check.message})


# --- persons -----------------------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    cpr: str | None,
    first_name: str,
    last_name: str,
    is_test: bool = False,
    source: str = PersonSource.MANUAL,
    **fields,
) -> Person:
    """Create a person. With a CPR number, birth date and legal sex are derived from it.
    ``source``: typed in (manual, the default) or from the CPR register (see
    ``integrations.services``, which sets the register's fields)."""
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name or not last_name:
        raise ValidationError({"first_name": _("Skriv både fornavn og efternavn.")})
    person = Person(
        first_name=first_name,
        last_name=last_name,
        cpr_is_test=is_test,
        source=source,
        **fields,
    )
    if cpr:
        try:
            parsed = parse_cpr(cpr)
        except CprError as exc:
            raise ValidationError({"cpr": str(exc)}) from None
        if Person.objects.filter(cpr=parsed.number).exists():
            raise ValidationError({"cpr": _("Der findes allerede en person med dette CPR-nummer.")})
        person.cpr, person.birth_date, person.sex = parsed.number, parsed.birth_date, parsed.sex
    if person.birth_date and person.birth_date > timezone.localdate():
        raise ValidationError({"birth_date": _("Fødselsdatoen kan ikke ligge i fremtiden.")})
    person.save()
    return person


# Fields of a person the register owns: for a person imported from the register they are
# updated from it, not typed in.
REGISTER_FIELDS = ("first_name", "last_name", "street", "postcode", "city", "address_protected")
CONTACT_FIELDS = ("phone", "email", "organisation")


# --- relations ---------------------------------------------------------------------------


def _case_model():
    return apps.get_model("cases", "Case")


def case_for_child(child: Person, case=None):
    """The case a change about ``child`` is an event of: ``case`` (which must be the
    child's), else the child's open case, else its latest, else ``None``."""
    if case is not None:
        if case.child_id != child.pk:
            raise ValidationError(_("Sagen handler ikke om dette barn."))
        return case
    cases = _case_model().objects.filter(child=child)
    return cases.filter(closed_at__isnull=True).first() or cases.order_by("-opened_at").first()


def _overlapping(qs, valid_from: date | None, valid_to: date | None):
    """Relations whose period overlaps ``valid_from``–``valid_to`` (open ends unbounded)."""
    if valid_to is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=valid_to))
    if valid_from is not None:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    return qs


def _relation_validate(relation: Relation, *, exclude_pk: int | None = None) -> None:
    errors: dict[str, str] = {}
    child, person, kind = relation.child, relation.person, relation.kind
    if child.pk == person.pk:
        errors["person"] = _("Barnet kan ikke være relation til sig selv.")
    if kind not in RelationKind.values:
        errors["kind"] = _("Vælg en relation.")
    if kind == RelationKind.PROFESSIONAL:
        if relation.professional_role not in ProfessionalRole.values:
            errors["professional_role"] = _("Vælg fagpersonens område (skole, dagtilbud …).")
    elif relation.professional_role:
        errors["professional_role"] = _("Fagområde bruges kun for fagpersoner.")
    if relation.valid_from and relation.valid_to and relation.valid_to < relation.valid_from:
        errors["valid_to"] = _("Slutdatoen kan ikke ligge før startdatoen.")
    if errors:
        raise ValidationError(errors)
    others = Relation.objects.filter(child=child)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    period = (relation.valid_from, relation.valid_to)
    same = _overlapping(others.filter(person=person, kind=kind), *period)
    if same.exists():
        raise ValidationError(
            _("%(name)s er allerede registreret som %(kind)s for barnet i perioden.")
            % {"name": person.full_name, "kind": relation.get_kind_display().lower()}
        )
    parent_kinds = {RelationKind.CUSTODY_HOLDER, RelationKind.PARENT_WITHOUT_CUSTODY}
    if kind in parent_kinds:
        clash = _overlapping(others.filter(person=person, kind__in=parent_kinds - {kind}), *period)
        if clash.exists():
            raise ValidationError(
                {
                    "kind": _(
                        "%(name)s er i perioden registreret både med og uden "
                        "forældremyndighed. Afslut den ene relation først."
                    )
                    % {"name": person.full_name}
                }
            )
    if kind == RelationKind.CUSTODY_HOLDER:
        holders = _overlapping(others.filter(kind=RelationKind.CUSTODY_HOLDER), *period)
        if holders.count() >= MAX_CUSTODY_HOLDERS:
            raise ValidationError(
                {
                    "kind": _(
                        "Barnet har allerede to forældremyndighedsindehavere i perioden. "
                        "Afslut en af dem (sæt en slutdato), før du tilføjer en ny."
                    )
                }
            )
        if person.register_status == RegisterStatus.DEAD and (
            relation.valid_to is None
            or (person.register_status_date and relation.valid_to > person.register_status_date)
        ):
            raise ValidationError(
                {
                    "kind": _(
                        "Ifølge CPR-registeret er %(name)s død og kan ikke have "
                        "forældremyndighed. Sæt slutdatoen til dødsdatoen."
                    )
                    % {"name": person.full_name}
                }
            )


@transaction.atomic
def relation_add(
    *,
    child: Person,
    person: Person,
    kind: str,
    valid_from: date | None = None,
    valid_to: date | None = None,
    by=None,
    case=None,
    professional_role: str = "",
    description: str = "",
    lives_with_child: bool = False,
    source: str | None = None,
) -> Relation:
    """Register ``person`` as ``kind`` of ``child`` over a period. Refused: the child as
    its own relation, the same person twice in the same role in overlapping periods, a
    person both with and without custody at once, more than two custody holders at once
    (forældremyndighed is held by one person or two together), a dead person as custody
    holder past the date of death, a professional without a field (school, daycare …).
    Siblings are registered both ways (the sibling's own relation is kept as the mirror).
    Writes ``relation_added`` on the child's case (``case_for_child``); ``by`` is required
    once the child has a case."""
    relation = Relation(
        child=child,
        person=person,
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        professional_role=professional_role or "",
        description=(description or "").strip(),
        lives_with_child=lives_with_child,
        source=source or person.source,
    )
    _relation_validate(relation)
    relation.save()
    if kind in SIBLING_KINDS:
        _mirror_sibling(relation)
    target = case_for_child(child, case)
    if target is not None:
        if by is None:
            raise ValueError("relation_add needs the actor (by=) when the child has a case")
        event_write(
            ev.RelationAdded(
                relation_kind=kind,
                person=person.pk,
                person_source=relation.source,
                valid_from=valid_from,
            ),
            case=target,
            actor=by,
            subject=relation,
        )
    return relation


def _mirror_sibling(relation: Relation) -> None:
    """The sibling's side of a sibling relation: reuse an existing one, else create it."""
    reverse = _overlapping(
        Relation.objects.filter(
            child=relation.person, person=relation.child, kind__in=SIBLING_KINDS, mirror=None
        ),
        relation.valid_from,
        relation.valid_to,
    ).first()
    if reverse is None:
        reverse = Relation.objects.create(
            child=relation.person,
            person=relation.child,
            kind=relation.kind,
            valid_from=relation.valid_from,
            valid_to=relation.valid_to,
            source=relation.source,
            lives_with_child=relation.lives_with_child,
        )
    Relation.objects.filter(pk=reverse.pk).update(mirror=relation)
    Relation.objects.filter(pk=relation.pk).update(mirror=reverse)
    relation.mirror = reverse


@transaction.atomic
def relation_update(
    *,
    relation: Relation,
    by,
    expected_version: int | None,
    case=None,
    valid_from: date | None,
    valid_to: date | None,
    professional_role: str = "",
    description: str = "",
    lives_with_child: bool = False,
    person_fields: dict | None = None,
) -> Relation:
    """Edit a relation (period, field, description, living together) and the person's
    contact details. A person imported from the CPR register keeps the register's name and
    address (``REGISTER_FIELDS``): refresh them from the register instead. Refused when
    someone else saved the relation since it was opened (``ConflictError``)."""
    person_fields = dict(person_fields or {})
    person = relation.person
    if person.source == PersonSource.REGISTER:
        locked = sorted(
            f
            for f in person_fields
            if f in REGISTER_FIELDS and person_fields[f] != getattr(person, f)
        )
        if locked:
            raise ValidationError(
                {
                    locked[0]: _(
                        "Navn og adresse kommer fra CPR-registeret og rettes ved at opdatere "
                        "fra registeret."
                    )
                }
            )
    unknown = set(person_fields) - set(REGISTER_FIELDS) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"relation_update: not a person field: {sorted(unknown)}")
    candidate = Relation(
        pk=relation.pk,
        child=relation.child,
        person=person,
        kind=relation.kind,
        valid_from=valid_from,
        valid_to=valid_to,
        professional_role=professional_role or "",
    )
    _relation_validate(candidate, exclude_pk=relation.pk)
    _bump(
        Relation,
        relation,
        expected_version,
        valid_from=valid_from,
        valid_to=valid_to,
        professional_role=professional_role or "",
        description=(description or "").strip(),
        lives_with_child=lives_with_child,
    )
    if relation.mirror_id:
        Relation.objects.filter(pk=relation.mirror_id).update(
            valid_from=valid_from, valid_to=valid_to, version=F("version") + 1
        )
    changed = {
        f: (v.strip() if isinstance(v, str) else v)
        for f, v in person_fields.items()
        if getattr(person, f) != v
    }
    if changed:
        names = (
            changed.get("first_name", person.first_name),
            changed.get("last_name", person.last_name),
        )
        if not all(names):
            raise ValidationError({"first_name": _("Skriv både fornavn og efternavn.")})
        Person.objects.filter(pk=person.pk).update(version=F("version") + 1, **changed)
        person.refresh_from_db()
    if valid_to is not None:
        for agreement in relation.agreements.filter(ended_on__isnull=True):
            if agreement.agreed_on <= valid_to:
                resource_person_agreement_end(
                    agreement=agreement,
                    by=by,
                    ended_on=max(valid_to, agreement.agreed_on),
                    reason=_("Relationen er afsluttet."),
                    expected_version=None,
                )
    target = case_for_child(relation.child, case)
    if target is not None:
        event_write(
            ev.RelationChanged(relation_kind=relation.kind), case=target, actor=by, subject=relation
        )
    return relation


@transaction.atomic
def relation_end(
    *, relation: Relation, by, valid_to: date, expected_version: int | None, case=None
) -> Relation:
    """End a relation on ``valid_to`` (custody that passed to someone else, a professional
    who left). Nothing is deleted; the relation stays in the history with its period.
    Agreements with the person end the same day."""
    if relation.valid_from and valid_to < relation.valid_from:
        raise ValidationError(
            {"valid_to": _("Slutdatoen kan ikke ligge før relationen begyndte (%(day)s).")
             % {"day": _day(relation.valid_from)}}
        )  # fmt: skip
    if relation.valid_to is not None and relation.valid_to < timezone.localdate():
        raise ValidationError(_("Relationen er allerede afsluttet."))
    _bump(Relation, relation, expected_version, valid_to=valid_to)
    if relation.mirror_id:
        Relation.objects.filter(pk=relation.mirror_id).update(
            valid_to=valid_to, version=F("version") + 1
        )
    for agreement in relation.agreements.filter(ended_on__isnull=True):
        resource_person_agreement_end(
            agreement=agreement,
            by=by,
            ended_on=max(valid_to, agreement.agreed_on),
            reason=_("Relationen er afsluttet."),
            expected_version=None,
        )
    target = case_for_child(relation.child, case)
    if target is not None:
        event_write(
            ev.RelationEnded(relation_kind=relation.kind, valid_to=valid_to),
            case=target,
            actor=by,
            subject=relation,
            occurred_at=_occurred_at(valid_to),
        )
    return relation


# --- resource-person agreements (Slagelse) -----------------------------------------------


@transaction.atomic
def resource_person_agreement_make(
    *, case, relation: Relation, by, agreed_on: date, content: str
) -> ResourcePersonAgreement:
    """Record an agreement with a resource person from the child's family or network: what
    the person does for the child. Slagelse's standard for involving family and network
    (local practice, not law): followed up after 3 months, then at least yearly — the clock
    comes from the rule ``resource_person_follow_up`` through ``resource_person_agreement_made``."""
    errors: dict[str, str] = {}
    if not case.is_open:
        raise ValidationError(_("Sagen er afsluttet."))
    if relation.child_id != case.child_id:
        raise ValidationError({"relation": _("Personen er ikke registreret omkring dette barn.")})
    if relation.kind not in AGREEMENT_KINDS:
        errors["relation"] = _(
            "Aftaler om ressourcepersoner indgås med familie eller netværk – ikke med "
            "forældremyndighedsindehavere eller fagpersoner."
        )
    if agreed_on > timezone.localdate():
        errors["agreed_on"] = _("Datoen kan ikke ligge i fremtiden.")
    elif not relation.is_active_on(agreed_on):
        errors["agreed_on"] = _("Relationen gælder ikke på denne dato.")
    if not (content or "").strip():
        errors["content"] = _("Skriv hvad der er aftalt.")
    if errors:
        raise ValidationError(errors)
    agreement = ResourcePersonAgreement.objects.create(
        case=case,
        relation=relation,
        agreed_on=agreed_on,
        content=content.strip(),
        recorded_by=by,
    )
    event_write(
        ev.ResourcePersonAgreementMade(relation=relation.pk),
        case=case,
        actor=by,
        subject=agreement,
        occurred_at=_occurred_at(agreed_on),
    )
    return agreement


@transaction.atomic
def resource_person_follow_up(
    *, agreement: ResourcePersonAgreement, by, held_on: date, note: str
) -> ResourcePersonFollowUp:
    """A follow-up on an agreement; the next one is due at least a year later (the rule's
    ``then_every``)."""
    errors: dict[str, str] = {}
    if agreement.ended_on is not None:
        raise ValidationError(_("Aftalen er ophørt."))
    if held_on > timezone.localdate():
        errors["held_on"] = _("En opfølgning kan ikke registreres som holdt i fremtiden.")
    elif held_on < agreement.agreed_on:
        errors["held_on"] = _("Opfølgningen kan ikke ligge før aftalen (%(day)s).") % {
            "day": _day(agreement.agreed_on)
        }
    if not (note or "").strip():
        errors["note"] = _("Skriv hvordan aftalen fungerer.")
    if errors:
        raise ValidationError(errors)
    follow_up = ResourcePersonFollowUp.objects.create(
        agreement=agreement, held_on=held_on, note=note.strip(), recorded_by=by
    )
    ResourcePersonAgreement.objects.filter(pk=agreement.pk).update(version=F("version") + 1)
    agreement.refresh_from_db()
    event_write(
        ev.ResourcePersonFollowedUp(follow_up=follow_up.pk),
        case=agreement.case,
        actor=by,
        subject=agreement,
        occurred_at=_occurred_at(held_on),
    )
    return follow_up


@transaction.atomic
def resource_person_agreement_end(
    *,
    agreement: ResourcePersonAgreement,
    by,
    ended_on: date,
    reason: str,
    expected_version: int | None,
    case_closed: bool = False,
) -> ResourcePersonAgreement:
    """End an agreement; its follow-up clock is cancelled."""
    if agreement.ended_on is not None:
        raise ValidationError(_("Aftalen er allerede ophørt."))
    if ended_on < agreement.agreed_on:
        raise ValidationError({"ended_on": _("Datoen kan ikke ligge før aftalen blev indgået.")})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("Datoen kan ikke ligge i fremtiden.")})
    if not (reason or "").strip():
        raise ValidationError({"end_reason": _("Skriv hvorfor aftalen ophører.")})
    _bump(
        ResourcePersonAgreement,
        agreement,
        expected_version,
        ended_on=ended_on,
        end_reason=reason.strip(),
    )
    event_write(
        ev.ResourcePersonAgreementEnded(case_closed=case_closed),
        case=agreement.case,
        actor=by,
        subject=agreement,
        occurred_at=_occurred_at(ended_on),
    )
    return agreement


def resource_person_agreements_end_for_case(*, case, by, ended_on: date) -> int:
    """End every running agreement of a case that closes (called by ``case_close``)."""
    count = 0
    for agreement in ResourcePersonAgreement.objects.filter(case=case, ended_on__isnull=True):
        resource_person_agreement_end(
            agreement=agreement,
            by=by,
            ended_on=max(ended_on, agreement.agreed_on),
            reason=_("Sagen er afsluttet."),
            expected_version=None,
            case_closed=True,
        )
        count += 1
    return count


# --- the network map and the genogram (persons/networkmap.py) ------------------------------


@dataclass(frozen=True)
class PlacementInput:
    """What a save says about one person on the map. ``None``: keep what is saved (or the
    default placement for someone not placed yet)."""

    relation_id: int
    sector: str | None = None
    distance: int | None = None
    quality: str | None = None
    note: str | None = None
    lineage: str | None = None


PLACEMENT_FIELDS = ("sector", "distance", "quality", "note", "lineage")


def _placement_clean(item: PlacementInput, relation: Relation) -> dict:
    """The fields of ``item`` that are given, validated (Danish messages keyed by field and
    relation id, so a form can put them next to the right select)."""
    from boernesag.persons.constants import (
        LINEAGE_KINDS,
        MAP_NOTE_MAX,
        Lineage,
        MapDistance,
        MapQuality,
        MapSector,
    )

    errors: dict[str, str] = {}
    values: dict = {}
    key = relation.pk
    if item.sector is not None:
        if item.sector not in MapSector.values:
            errors[f"sector_{key}"] = _("Vælg en af kortets sektorer.")
        values["sector"] = item.sector
    if item.distance is not None:
        try:
            distance = int(item.distance)
        except (TypeError, ValueError):
            distance = 0
        if distance not in MapDistance.values:
            errors[f"distance_{key}"] = _("Vælg en af kortets tre cirkler.")
        values["distance"] = distance
    if item.quality is not None:
        if item.quality and item.quality not in MapQuality.values:
            errors[f"quality_{key}"] = _("Vælg, hvordan kontakten er, eller lad feltet stå tomt.")
        values["quality"] = item.quality
    if item.note is not None:
        note = " ".join(item.note.split())
        if len(note) > MAP_NOTE_MAX:
            errors[f"note_{key}"] = _("Noten må højst være %(n)s tegn.") % {"n": MAP_NOTE_MAX}
        values["note"] = note
    if item.lineage is not None:
        if item.lineage and item.lineage not in Lineage.values:
            errors[f"lineage_{key}"] = _("Vælg mors eller fars side, eller lad feltet stå tomt.")
        elif item.lineage and relation.kind not in LINEAGE_KINDS:
            errors[f"lineage_{key}"] = _(
                "Kun bedsteforældre og halvsøskende hører til mors eller fars side."
            )
        values["lineage"] = item.lineage
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def network_map_save(
    *,
    case,
    by,
    expected_version: int | None,
    placements: list[PlacementInput],
    parents_relationship: str | None = None,
    part: str = "map",
):
    """Save the child's network map on ``case`` (``part="map"``: sector, circle, what the
    contact is like, a note per person) or the genogram's additions (``part="genogram"``:
    which side a grandparent or half-sibling belongs to, the parents' relationship).

    The people are the child's relations; a person of another child is refused. Someone not
    placed before gets the default placement for what is not given. ``expected_version`` is
    the version the user started from (0: no map yet): if someone saved meanwhile,
    ``ConflictError`` — unless what is sent is exactly what is saved now (a double submit),
    which changes nothing. Writes ``network_map_saved`` (counts only) when anything changed.
    Needs ``persons.edit_network_map`` on the case."""
    from django.core.exceptions import PermissionDenied
    from django.db import IntegrityError

    from boernesag.persons import networkmap
    from boernesag.persons.constants import ParentsRelationship
    from boernesag.persons.models import NetworkMap, NetworkMapPlacement

    if not by.has_perm("persons.edit_network_map", case):
        raise PermissionDenied(_("Du kan ikke ændre netværkskortet på denne sag."))
    if part not in ("map", "genogram"):
        raise ValueError(part)
    if parents_relationship is not None and parents_relationship not in (
        "",
        *ParentsRelationship.values,
    ):
        raise ValidationError(
            {"parents_relationship": _("Vælg forældrenes forhold, eller lad feltet stå tomt.")}
        )
    ids = [item.relation_id for item in placements]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Den samme person er sendt to gange."))
    relations = {r.pk: r for r in Relation.objects.filter(child_id=case.child_id, pk__in=ids)}
    if len(relations) != len(ids):
        raise ValidationError(_("En af personerne hører ikke til barnet på denne sag."))
    cleaned: dict[int, dict] = {}
    errors: dict[str, list] = {}
    for item in placements:
        try:
            cleaned[item.relation_id] = _placement_clean(item, relations[item.relation_id])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    network_map = NetworkMap.objects.select_for_update().filter(case=case).first()
    created = False
    if network_map is None:
        try:
            with transaction.atomic():
                network_map = NetworkMap.objects.create(case=case, saved_by=by)
        except IntegrityError:  # someone created it at the same moment
            raise ConflictError() from None
        created = True
    stored = {p.relation_id: p for p in network_map.placements.select_for_update()}

    # what would change
    new_rows, changed_rows = [], []
    for relation_id, values in cleaned.items():
        relation = relations[relation_id]
        placement = stored.get(relation_id)
        if placement is None:
            placement = NetworkMapPlacement(
                network_map=network_map,
                relation=relation,
                sector=networkmap.default_sector(relation),
                distance=networkmap.default_distance(relation),
                lineage=networkmap.default_lineage(relation),
            )
            for name, value in values.items():
                setattr(placement, name, value)
            new_rows.append(placement)
        elif any(getattr(placement, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(placement, name, value)
            changed_rows.append(placement)
    relationship_changed = (
        parents_relationship is not None
        and parents_relationship != network_map.parents_relationship
    )
    changed = len(new_rows) + len(changed_rows)
    if not changed and not relationship_changed and not created:
        return network_map  # nothing to save: also a double submit of the same form
    current = 0 if created else network_map.version
    if expected_version is not None and expected_version != current:
        raise ConflictError()

    NetworkMapPlacement.objects.bulk_create(new_rows)
    if changed_rows:
        NetworkMapPlacement.objects.bulk_update(changed_rows, list(PLACEMENT_FIELDS))
    fields = {"saved_by": by, "saved_at": timezone.now()}
    if relationship_changed:
        fields["parents_relationship"] = parents_relationship
    if not created:
        _bump(NetworkMap, network_map, current, **fields)
    else:
        for name, value in fields.items():
            setattr(network_map, name, value)
        network_map.save()
    event_write(
        ev.NetworkMapSaved(
            part=part,
            version=network_map.version,
            people=len(stored) + len(new_rows),
            changed=changed + int(relationship_changed),
        ),
        case=case,
        actor=by,
        subject=network_map,
    )
    return network_map
