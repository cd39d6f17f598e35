"""The text of the plan letter as it was when this migration was written, so that the
*Brevskabeloner* page finds it and never creates it on a GET."""

from django.db import migrations

TEXTS = {
    "plan": (
        "Plan for barnet",
        "Kære {{ recipient_name }}\n\n{% if professional %}Med familiens samtykke sender vi dig {{ plan_title }} for {{ child_name }}, så du kender målene og din del af arbejdet.{% else %}Her er {{ plan_title }} for {{ child_name }}, som vi har lavet sammen.{% endif %} Planen er udarbejdet efter {{ plan_law }} (version {{ plan_version }} af {{ plan_date }}).\n\n{{ plan_content }}\n\nHar du spørgsmål til planen, eller er der noget, der ikke passer, er du velkommen til at kontakte mig.\n\nMed venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    )
}


def create_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for kind, (subject, body) in TEXTS.items():
        LetterTemplate.objects.get_or_create(kind=kind, defaults={"subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_send_token"),
        ("letters", "0004_plan_letter_kind"),
    ]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
