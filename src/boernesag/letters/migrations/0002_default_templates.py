from django.db import migrations


def create_defaults(apps, schema_editor):
    from boernesag.letters.services import DEFAULT_TEXTS

    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for kind, (subject, body) in DEFAULT_TEXTS.items():
        LetterTemplate.objects.get_or_create(kind=str(kind), defaults={"subject": subject,
                                                                       "body": body})


class Migration(migrations.Migration):
    """The municipality starts with Danish default texts it can edit in the administration."""

    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
