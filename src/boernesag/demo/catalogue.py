"""Demo Kommune's catalogue: about 40 services with providers, rates and contracts."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from boernesag.accounts.models import User
from boernesag.catalogue import services
from boernesag.catalogue.models import LegalSection, Provider, Service, TargetGroup
from boernesag.deadlines.calendar import add_months

SECTIONS = [
    ("BL", "§ 30", "Tidligt forebyggende indsatser", date(2024, 1, 1), None),
    ("BL", "§ 32", "Støttende indsatser", date(2024, 1, 1), None),
    ("BL", "§ 46", "Anbringelse uden for hjemmet", date(2024, 1, 1), None),
    ("BL", "§ 47", "Anbringelse uden samtykke", date(2024, 1, 1), None),
    ("BL", "§ 114", "Ungestøtte", date(2024, 1, 1), None),
    ("SEL", "§ 11", "Forebyggende indsatser", date(2011, 1, 1), date(2023, 12, 31)),
    ("SEL", "§ 52", "Foranstaltninger", date(2011, 1, 1), date(2023, 12, 31)),
    ("SEL", "§ 76", "Efterværn", date(2011, 1, 1), date(2023, 12, 31)),
]
GROUPS = [
    "Småbørn 0–5 år",
    "Skolebørn 6–14 år",
    "Unge 15–17 år",
    "Unge 18–22 år",
    "Skolefravær",
    "Forældre med psykisk sårbarhed",
    "Forældres misbrug",
    "Vold i familien",
    "Børn med handicap",
    "Kriminalitetstruede unge",
    "Højkonfliktskilsmisser",
    "Mistrivsel og angst",
]
PROVIDERS = [
    ("Familiehuset Demo Kommune", "municipal", "29189900", "Familiehuset, Engvej 4, 9990 Demoby"),
    ("Ungecentret Demoby", "municipal", "29189900", "Stationsvej 8, 9990 Demoby"),
    ("PPR Demo Kommune", "municipal", "29189900", "Rådhustorvet 1, 9999 Demoby"),
    ("Region Demo – Børne- og ungdomspsykiatri", "regional", "29190909", "Sygehusvej 1"),
    ("Opholdsstedet Bakkely ApS", "private", "31245678", "Bakkelyvej 12, 9992 Skovlund"),
    ("Familieplejen Vest", "private", "35871234", "Vestergade 30, 9993 Havbo"),
    ("Red Barnet Ungdom – Demoby", "voluntary", "", "Kirkestræde 3, 9990 Demoby"),
    ("Mentorhuset I/S", "private", "38765432", "Havnegade 18, 9993 Havbo"),
]
# (name, section, groups, ages, provider index, unit, price, hours, weeks, visiteret)
SERVICES = [
    ("Åben familierådgivning", "§ 30", [0, 1, 2], (0, 17), 0, "hour", 0, (1, 3), (1, 8), False),
    (
        "Forældrekursus De Utrolige År",
        "§ 30",
        [0, 1],
        (2, 8),
        0,
        "module",
        6800,
        (2, 2),
        (12, 14),
        False,
    ),
    (
        "Netværksgrupper for skilsmissebørn",
        "§ 30",
        [1, 10],
        (6, 14),
        0,
        "module",
        3200,
        (1, 2),
        (10, 10),
        False,
    ),
    (
        "Gruppeforløb for børn af forældre med misbrug",
        "§ 30",
        [1, 6],
        (7, 17),
        0,
        "module",
        4500,
        (2, 2),
        (12, 16),
        False,
    ),
    (
        "Tidlig sundhedsplejeindsats for sårbare familier",
        "§ 30",
        [0, 5],
        (0, 2),
        0,
        "hour",
        540,
        (1, 2),
        (8, 26),
        False,
    ),
    ("Skolefraværsteam", "§ 30", [1, 4], (6, 17), 2, "hour", 620, (2, 6), (8, 20), False),
    ("Angstforløb Cool Kids", "§ 30", [1, 11], (7, 14), 2, "module", 9800, (2, 2), (10, 10), False),
    (
        "Familiebehandling i hjemmet",
        "§ 32",
        [0, 1, 5],
        (0, 17),
        0,
        "hour",
        690,
        (3, 10),
        (12, 52),
        True,
    ),
    (
        "Intensiv familiebehandling (MST)",
        "§ 32",
        [2, 9],
        (12, 17),
        1,
        "month",
        48000,
        (5, 15),
        (16, 24),
        True,
    ),
    (
        "Funktionel familieterapi (FFT)",
        "§ 32",
        [2, 9],
        (11, 18),
        1,
        "module",
        52000,
        (1, 2),
        (12, 16),
        True,
    ),
    (
        "Praktisk pædagogisk støtte i hjemmet",
        "§ 32",
        [0, 1, 5, 6],
        (0, 17),
        0,
        "hour",
        560,
        (2, 10),
        (8, 52),
        True,
    ),
    (
        "Kontaktperson for barnet",
        "§ 32",
        [1, 2, 11],
        (6, 17),
        7,
        "hour",
        520,
        (2, 6),
        (26, 104),
        True,
    ),
    (
        "Kontaktperson for hele familien",
        "§ 32",
        [0, 1, 5, 6],
        (0, 17),
        7,
        "hour",
        560,
        (3, 8),
        (26, 104),
        True,
    ),
    ("Mentor til skolegang", "§ 32", [1, 2, 4], (10, 17), 7, "hour", 495, (2, 5), (20, 52), True),
    (
        "Aflastning i plejefamilie",
        "§ 32",
        [0, 1, 8],
        (0, 17),
        5,
        "day",
        1450,
        None,
        (12, 104),
        True,
    ),
    (
        "Aflastning på døgninstitution",
        "§ 32",
        [1, 2, 8],
        (4, 17),
        4,
        "day",
        3900,
        None,
        (12, 104),
        True,
    ),
    ("Dagbehandling", "§ 32", [1, 4, 11], (6, 16), 4, "month", 38500, (25, 30), (26, 104), True),
    (
        "Familiebehandling ved vold (Dialog mod Vold-model)",
        "§ 32",
        [7],
        (0, 17),
        0,
        "hour",
        750,
        (1, 3),
        (16, 40),
        True,
    ),
    (
        "Behandling ved højkonfliktskilsmisse",
        "§ 32",
        [10],
        (3, 17),
        0,
        "module",
        14500,
        (1, 2),
        (10, 16),
        True,
    ),
    (
        "Støtte til unge med misbrug (U-turn)",
        "§ 32",
        [2, 3, 6],
        (13, 22),
        1,
        "hour",
        640,
        (2, 6),
        (12, 52),
        True,
    ),
    (
        "Ungepålæg – opfølgning og støtte",
        "§ 32",
        [2, 9],
        (12, 17),
        1,
        "hour",
        610,
        (2, 6),
        (26, 52),
        True,
    ),
    (
        "Forældrestøtte ved barn med handicap",
        "§ 32",
        [8],
        (0, 17),
        0,
        "hour",
        580,
        (1, 4),
        (12, 52),
        True,
    ),
    (
        "Familiepleje (almindelig plejefamilie)",
        "§ 46",
        [0, 1, 2],
        (0, 17),
        5,
        "month",
        32500,
        None,
        (52, 520),
        True,
    ),
    ("Netværkspleje", "§ 46", [0, 1, 2], (0, 17), 5, "month", 9800, None, (52, 520), True),
    (
        "Forstærket familiepleje",
        "§ 46",
        [1, 2, 11],
        (3, 17),
        5,
        "month",
        48500,
        None,
        (52, 260),
        True,
    ),
    (
        "Specialiseret plejefamilie",
        "§ 46",
        [1, 8, 11],
        (0, 17),
        5,
        "month",
        69000,
        None,
        (52, 260),
        True,
    ),
    ("Opholdssted", "§ 46", [1, 2, 11], (7, 17), 4, "day", 3650, None, (26, 260), True),
    ("Døgninstitution", "§ 46", [1, 2, 8], (4, 17), 4, "day", 5200, None, (26, 260), True),
    ("Eget værelse med støtte", "§ 46", [2], (15, 17), 1, "month", 21000, (4, 10), (26, 104), True),
    (
        "Kostskole/efterskoleophold som anbringelse",
        "§ 46",
        [2, 4],
        (14, 17),
        4,
        "month",
        18500,
        None,
        (40, 44),
        True,
    ),
    ("Sikret døgninstitution", "§ 47", [2, 9], (12, 17), 3, "day", 11800, None, (4, 26), True),
    (
        "Akut anbringelse i beredskabsfamilie",
        "§ 47",
        [0, 1, 7],
        (0, 17),
        5,
        "day",
        2900,
        None,
        (1, 12),
        True,
    ),
    (
        "Ungestøtte: kontaktperson efter 18 år",
        "§ 114",
        [3],
        (18, 22),
        7,
        "hour",
        520,
        (2, 5),
        (26, 208),
        True,
    ),
    (
        "Ungestøtte: fortsat ophold i plejefamilie",
        "§ 114",
        [3],
        (18, 22),
        5,
        "month",
        24500,
        None,
        (52, 208),
        True,
    ),
    (
        "Ungestøtte: udslusningsbolig",
        "§ 114",
        [3],
        (18, 22),
        1,
        "month",
        16500,
        (3, 8),
        (26, 104),
        True,
    ),
    (
        "Frivillig lektiecafé og fritidsmentor",
        "§ 30",
        [1, 2],
        (8, 17),
        6,
        "hour",
        0,
        (1, 3),
        (8, 52),
        False,
    ),
    ("Weekendlejr for udsatte børn", "§ 30", [1], (7, 14), 6, "module", 1200, None, (1, 1), False),
    (
        "Psykologisk udredning (regionalt samarbejde)",
        "§ 32",
        [1, 2, 11],
        (4, 17),
        3,
        "module",
        16500,
        None,
        (4, 12),
        True,
    ),
    ("Familierådslagning", "§ 32", [0, 1, 2], (0, 17), 0, "module", 9500, None, (4, 8), True),
    (
        "Sammenhængende indsats ved skolefravær (skole og familie)",
        "§ 32",
        [4, 11],
        (6, 16),
        2,
        "hour",
        650,
        (3, 8),
        (12, 40),
        True,
    ),
]
UNIT_WORD = {"hour": "time", "day": "døgn", "month": "måned", "module": "forløb/modul"}


@transaction.atomic
def demo_catalogue_seed(*, seed: int = 5) -> dict[str, int]:
    if Service.objects.exists():
        return {}
    rng = random.Random(seed)
    today = timezone.localdate()
    admin = (
        User.objects.filter(email__startswith="kirsten.madsen").first()
        or User.objects.order_by("pk").first()
    )
    sections = {}
    for law, para, title, start, end in SECTIONS:
        sections[(law, para)] = LegalSection.objects.create(
            law=law, paragraph=para, title=title, valid_from=start, valid_to=end
        )
    groups = [TargetGroup.objects.create(name=g) for g in GROUPS]
    providers = [
        Provider.objects.create(
            name=n,
            kind=k,
            cvr=c,
            address=a,
            contact="Leder",
            phone=f"7{rng.randint(0, 9999999):07d}",
            approval_status="Godkendt af Socialtilsynet" if k == "private" else "",
        )
        for n, k, c, a in PROVIDERS
    ]
    created = 0
    for name, para, group_idx, ages, prov, unit, price, hours, weeks, visiteret in SERVICES:
        old = {"§ 30": "§ 11", "§ 114": "§ 76"}.get(para, "§ 52")
        version = services.service_create(
            by=admin,
            name=name,
            purpose=f"{name} skal styrke barnets eller den unges trivsel, udvikling og "
            f"skolegang, så barnet kan følge et almindeligt hverdagsliv.",
            target_description="Børn og familier, hvor barnets trivsel er truet, men hvor der "
            "er ressourcer i familien og netværket at bygge på.",
            content="Indsatsen tilrettelægges individuelt ud fra barnets plan og mål. "
            "Progressionen følges tæt, og indsatsen koordineres med skole, dagtilbud "
            "og sundhedspleje.",
            age_min=ages[0],
            age_max=ages[1],
            visiteret=visiteret,
            provider_kinds=[PROVIDERS[prov][1]],
            min_hours=hours[0] if hours else None,
            max_hours=hours[1] if hours else None,
            min_weeks=weeks[0],
            max_weeks=weeks[1],
            frequency="Ugentligt" if unit == "hour" else "Efter plan",
            follow_up="Sagsbehandleren følger op efter 3 måneder og derefter mindst hver 6. "
            "måned med barnet, forældrene og leverandøren.",
            provider_documentation="Leverandøren sender statusudtalelse en uge før hvert "
            "opfølgningsmøde med vurdering af målopfyldelsen.",
            evaluation="Evalueres årligt ud fra brug, målgruppe, målopfyldelse og økonomi.",
            revision_interval_months=12,
            partner_requirements="Skole/dagtilbud deltager i opfølgningsmøder efter aftale.",
            provider_requirements="Uddannet personale (pædagog, socialrådgiver eller "
            "psykolog) med erfaring fra målgruppen; løbende supervision.",
            price_note=(
                f"{price} kr. pr. {UNIT_WORD[unit]}"
                if price
                else "Ingen pris for familien; finansieret af kommunens budget"
            ),
            show_price_publicly=price == 0,
            target_groups=[groups[i] for i in group_idx],
            legal_sections=[sections[("BL", para)], sections[("SEL", old)]],
        )
        service = version.service
        services.version_submit(version=version, by=admin)
        approved = today - timedelta(days=rng.randint(380, 720))
        services.version_approve(
            version=version, by=admin, approved_on=approved, body="Børne- og Ungeudvalget"
        )
        # yearly revisions, mostly in good time; now and then one is a little overdue
        due = add_months(approved, 12)
        while True:
            if due < today and (today - due).days < 35 and rng.random() < 0.3:
                break
            decided = due - timedelta(days=rng.randint(3, 45))
            if decided > today:
                break
            services.revision_record(
                service=service,
                by=admin,
                decided_on=decided,
                decision="continue",
                reasons="Indsatsen bruges som forventet og matcher målgruppen; fortsætter uændret.",
            )
            due = add_months(decided, 12)
        if rng.random() < 0.9:
            services.version_publish(version=version, by=admin)
        provider = providers[prov]
        if price:
            services.rate_add(
                provider=provider,
                service=service,
                unit=unit,
                price=Decimal(price) * Decimal("0.97"),
                valid_from=date(2025, 1, 1),
                valid_to=date(2025, 12, 31),
            )
            services.rate_add(
                provider=provider,
                service=service,
                unit=unit,
                price=Decimal(price),
                valid_from=date(2026, 1, 1),
            )
        else:
            provider.services.add(service)
        created += 1
    for provider in providers:
        if provider.kind in ("private", "regional"):
            services.contract_add(
                provider=provider,
                title=f"Rammeaftale {provider.name} 2025–2027",
                starts_on=date(2025, 1, 1),
                ends_on=date(2027, 12, 31),
                notice_months=6,
                services=list(provider.services.all()),
                terms="Takster reguleres årligt pr. 1. januar. Statusudtalelser leveres "
                "senest en uge før opfølgningsmøder.",
            )
    return {"services": created, "providers": len(providers)}
