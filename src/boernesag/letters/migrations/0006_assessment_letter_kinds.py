# The letter kinds of the children's investigation (boernesag.assessments), with their
# default texts as rows, so that listing the templates never has to create them (a read that
# writes). The texts are frozen here as they were when the kinds were added.

from django.db import migrations, models

TEXTS = {
    "assessment_decision": (
        "Afgørelse om børnefaglig undersøgelse",
        "Kære {{ recipient_name }}\n\nVi har den {{ decision_date }} truffet afgørelse om at gennemføre en børnefaglig undersøgelse af {{ child_name }}s forhold.\n\nLovgrundlag: {{ legal_basis }}.\n\nBegrundelse:\n{{ reasons }}\n\n{% if focus_areas %}Undersøgelsen vil især se på:\n{{ focus_areas }}\n\n{% endif %}Sådan foregår undersøgelsen: Vi gennemfører undersøgelsen så vidt muligt i samarbejde med jer (Barnets Lov § 22, stk. 2). Vi taler med {{ child_name }} (Barnets Lov § 5), besøger jer og kan bede fagpersoner om udtalelser. I får et udkast til undersøgelsen, så I kan komme med bemærkninger, før den afsluttes. Undersøgelsen skal være afsluttet senest {{ deadline }} (4 måneder, Barnets Lov § 20, stk. 3); vi forventer at være færdige {{ planned_end }}.\n\n{{ consent_text }}\n\nJeres rettigheder: I kan have en bisidder med til møder, I har ret til aktindsigt i sagen, og I kan til enhver tid kontakte mig.\n\n{{ appeal_guidance }}\n\nMed venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    "statement_request": (
        "Anmodning om udtalelse",
        "Kære {{ recipient_name }}\n\nVi er i gang med en børnefaglig undersøgelse af {{ child_name }} og beder dig om en udtalelse som {{ source }}.\n\n{% if focus_areas %}Vi er især interesserede i:\n{{ focus_areas }}\n\n{% endif %}Beskriv gerne både barnets ressourcer og udfordringer, og skriv hvor dine oplysninger kommer fra. Vi beder om udtalelsen senest {{ answer_by }}.\n\nMed venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    "assessment_draft": (
        "Udkast til børnefaglig undersøgelse",
        "Kære {{ recipient_name }}\n\nHer er udkastet til den børnefaglige undersøgelse af {{ child_name }}{% if part %} ({{ part }}){% endif %}. Læs det gerne, og giv os jeres bemærkninger senest {{ comments_by }}. Jeres bemærkninger kommer med i undersøgelsen.\n\n{{ assessment_content }}\n\nMed venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
    "assessment_report": (
        "Børnefaglig undersøgelse",
        "Kære {{ recipient_name }}\n\nDen børnefaglige undersøgelse af {{ child_name }} er afsluttet{% if part %} ({{ part }}){% endif %}. Her er undersøgelsen.\n\n{{ assessment_content }}\n\nHar I spørgsmål, er I velkomne til at kontakte mig.\n\nMed venlig hilsen\n{{ caseworker }}\n{{ municipality }}",
    ),
}


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for kind, (subject, body) in TEXTS.items():
        LetterTemplate.objects.get_or_create(kind=kind, defaults={"subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0005_decision_letter_kinds"),
    ]

    operations = [
        migrations.AlterField(
            model_name="letter",
            name="kind",
            field=models.CharField(
                choices=[
                    ("receipt", "Kvittering til underretter"),
                    ("feedback", "Tilbagemelding til underretter"),
                    ("hearing", "Partshøring før afgørelse"),
                    ("decision", "Afgørelse med klagevejledning"),
                    ("appeal_forwarded", "Klage sendt videre til Ankestyrelsen"),
                    ("plan", "Barnets plan, ungeplan eller handleplan"),
                    ("assessment_decision", "Afgørelse om børnefaglig undersøgelse"),
                    ("statement_request", "Anmodning om udtalelse"),
                    ("assessment_draft", "Udkast til børnefaglig undersøgelse"),
                    ("assessment_report", "Børnefaglig undersøgelse"),
                ],
                max_length=20,
                verbose_name="brevtype",
            ),
        ),
        migrations.AlterField(
            model_name="lettertemplate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("receipt", "Kvittering til underretter"),
                    ("feedback", "Tilbagemelding til underretter"),
                    ("hearing", "Partshøring før afgørelse"),
                    ("decision", "Afgørelse med klagevejledning"),
                    ("appeal_forwarded", "Klage sendt videre til Ankestyrelsen"),
                    ("plan", "Barnets plan, ungeplan eller handleplan"),
                    ("assessment_decision", "Afgørelse om børnefaglig undersøgelse"),
                    ("statement_request", "Anmodning om udtalelse"),
                    ("assessment_draft", "Udkast til børnefaglig undersøgelse"),
                    ("assessment_report", "Børnefaglig undersøgelse"),
                ],
                max_length=20,
                unique=True,
                verbose_name="brevtype",
            ),
        ),
        migrations.AlterField(
            model_name="lettertemplatehistory",
            name="kind",
            field=models.CharField(
                choices=[
                    ("receipt", "Kvittering til underretter"),
                    ("feedback", "Tilbagemelding til underretter"),
                    ("hearing", "Partshøring før afgørelse"),
                    ("decision", "Afgørelse med klagevejledning"),
                    ("appeal_forwarded", "Klage sendt videre til Ankestyrelsen"),
                    ("plan", "Barnets plan, ungeplan eller handleplan"),
                    ("assessment_decision", "Afgørelse om børnefaglig undersøgelse"),
                    ("statement_request", "Anmodning om udtalelse"),
                    ("assessment_draft", "Udkast til børnefaglig undersøgelse"),
                    ("assessment_report", "Børnefaglig undersøgelse"),
                ],
                max_length=20,
                verbose_name="brevtype",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
