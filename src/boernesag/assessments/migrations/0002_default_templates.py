"""The templates the product starts with: Barnets Lov § 22 (the whole view) and the six
areas of Serviceloven § 50, stk. 1 for investigations from before 2024. Municipalities adjust
them in the admin (every change is kept) or add variants (Signs of Safety, ICS).

Barnets Lov § 22, stk. 1 (LBK nr. 282 af 17/03/2025, lovguiden.dk): the investigation is
planned from a whole view and uncovers the challenges and resources of the child, the family
and the network; § 22, stk. 6: it ends in a reasoned position on support and records how the
custody holder and the child view the support. The areas below follow the ministry's
guidance (vejledning nr. 9471 af 21/06/2024, kapitel 5) — the exact list is *unverified*.
Serviceloven § 50, stk. 1's six areas are *unverified* (the law is repealed)."""

from django.db import migrations

BL = [
    (
        "development",
        "Udvikling og adfærd",
        "Barnets fysiske, psykiske og sociale udvikling og adfærd. Skriv hvad du har set og "
        "hørt, og hvem oplysningerne kommer fra.",
    ),
    (
        "family",
        "Familieforhold",
        "Forældrenes omsorg, familiens hverdag, søskende og samspil. Skriv kilden til hver "
        "oplysning.",
    ),
    (
        "school",
        "Skole eller dagtilbud",
        "Trivsel, fremmøde og læring. Henvis til udtalelsen fra skole eller dagtilbud.",
    ),
    ("health", "Sundhed", "Fysisk og psykisk helbred, sundhedsplejens og lægens oplysninger."),
    (
        "leisure",
        "Fritid og venskaber",
        "Fritidsinteresser, venner og netværk uden for familien.",
    ),
    (
        "resources",
        "Ressourcer og udfordringer hos barnet, familien og netværket",
        "Barnets Lov § 22, stk. 1: helhedsbetragtning. Hvad går godt, og hvad er svært?",
    ),
    (
        "child_view",
        "Barnets eget syn",
        "Barnets egne ord fra børnesamtalen (Barnets Lov § 5).",
    ),
    ("parents_view", "Forældrenes syn", "Forældrenes egne ord om situationen og om støtte."),
]

SEL = [
    ("development", "Udvikling og adfærd", ""),
    ("family", "Familieforhold", ""),
    ("school", "Skoleforhold", ""),
    ("health", "Sundhedsforhold", ""),
    ("leisure", "Fritidsforhold og venskaber", ""),
    ("other", "Andre relevante forhold", ""),
]


def seed(apps, schema_editor):
    Template = apps.get_model("assessments", "AssessmentTemplate")
    Section = apps.get_model("assessments", "TemplateSection")
    for key, name, law, sections in (
        ("barnets-lov-22", "Børnefaglig undersøgelse efter Barnets Lov § 22", "BL", BL),
        ("serviceloven-50", "Børnefaglig undersøgelse efter Serviceloven § 50", "SEL", SEL),
    ):
        template, created = Template.objects.get_or_create(
            key=key, version=1, defaults={"name": name, "law": law}
        )
        if not created:
            continue
        for order, (skey, title, guidance) in enumerate(sections, start=1):
            Section.objects.create(
                template=template, key=skey, title=title, guidance=guidance, order=order
            )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
