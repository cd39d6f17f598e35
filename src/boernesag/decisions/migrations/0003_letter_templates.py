"""The texts of the decision letters (hearing, decision, forwarded appeal) as they were
when this migration was written, so that the *Brevskabeloner* page finds them and never
creates them on a GET."""

from django.db import migrations

TEXTS = {'hearing': ('Partshøring før afgørelse', 'Kære {{ recipient_name }}\n\nVi forventer at træffe følgende afgørelse om {{ child_name }} (sag {{ case_reference }}):\n\n{{ decision_text }}\n\nLovgrundlag: {{ legal_basis }}\n\nFør vi træffer afgørelsen, vil vi gerne høre dine bemærkninger til disse oplysninger (partshøring efter forvaltningslovens § 19):\n\n{{ information }}\n\nDu kan sende dine bemærkninger til os senest den {{ answer_due }}. Hører vi ikke fra dig inden da, træffer vi afgørelsen på det foreliggende grundlag.\n\nMed venlig hilsen\n{{ caseworker }}\n{{ municipality }}'), 'decision': ('Afgørelse', 'Kære {{ recipient_name }}\n\nVi har den {{ decided_date }} truffet afgørelse om {{ child_name }} (sag {{ case_reference }}).\n\nAfgørelse\n{{ decision_text }}\n\n{% if purpose %}Formål\n{{ purpose }}\n\n{% endif %}Lovgrundlag\n{{ legal_basis }}\n\nBegrundelse\n{{ reasons }}\n\n{{ appeal_guidance }}\n\nMed venlig hilsen\n{{ caseworker }}\n{{ municipality }}'), 'appeal_forwarded': ('Din klage er sendt til Ankestyrelsen', 'Kære {{ recipient_name }}\n\nVi modtog den {{ received_date }} din klage over afgørelsen af {{ decided_date }} om {{ child_name }} (sag {{ case_reference }}).\n\n{{ reconsideration }}\n\nVi har derfor den {{ forwarded_date }} sendt klagen og sagens akter til Ankestyrelsen, som behandler den videre. Du hører fra Ankestyrelsen.\n\nMed venlig hilsen\n{{ caseworker }}\n{{ municipality }}')}


def create_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for kind, (subject, body) in TEXTS.items():
        LetterTemplate.objects.get_or_create(kind=kind, defaults={"subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0002_authority_defaults"),
        ("letters", "0005_decision_letter_kinds"),
    ]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
