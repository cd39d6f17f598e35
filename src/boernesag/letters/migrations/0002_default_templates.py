from django.db import migrations

# The texts as they were when this migration was written (frozen here, so that a fresh
# database gets exactly what older installations got; 0003 moves unchanged texts forward).
FIRST_TEXTS = {
    "receipt": (
        "Kvittering for modtagelse af underretning",
        "Kære {{ notifier_name }}\n\n"
        "Tak for din underretning, som vi modtog den {{ received_date }}.\n\n"
        "Vi bekræfter hermed, at underretningen er modtaget i {{ municipality }}. "
        "Underretningen er vurderet inden for 24 timer, og vi behandler den efter reglerne i "
        "Barnets Lov.\n\n"
        "Du kan senere få oplyst, om underretningen har ført til en børnefaglig undersøgelse "
        "eller en indsats. Har du nye oplysninger, er du velkommen til at kontakte os.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    "feedback": (
        "Tilbagemelding på din underretning",
        "Kære {{ notifier_name }}\n\n"
        "Du underrettede den {{ received_date }} om et barn, som du har kontakt med "
        "gennem dit arbejde.\n\n"
        "{{ outcome_text }}\n\n"
        "Af hensyn til familiens fortrolighed kan vi ikke oplyse mere om sagen.\n\n"
        "Med venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
}


def create_defaults(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for kind, (subject, body) in FIRST_TEXTS.items():
        LetterTemplate.objects.get_or_create(kind=kind, defaults={"subject": subject,
                                                                  "body": body})


class Migration(migrations.Migration):
    """The municipality starts with Danish default texts it can edit in the administration."""

    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
