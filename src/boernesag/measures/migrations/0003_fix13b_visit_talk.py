# Review 13, P2 5: the three answers about the talk with the child at a supervision visit,
# that the visit was at the placement, and whether it met the duty (Barnets Lov § 156, stk. 5).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0002_fix13b_followup_history"),
    ]

    operations = [
        migrations.AddField(
            model_name='supervisionvisit',
            name='at_placement',
            field=models.BooleanField(null=True, verbose_name='besøget var på anbringelsesstedet'),
        ),
        migrations.AddField(
            model_name='supervisionvisit',
            name='meets_duty',
            field=models.BooleanField(default=True, verbose_name='opfylder tilsynspligten'),
        ),
        migrations.AddField(
            model_name='supervisionvisit',
            name='talk',
            field=models.CharField(blank=True, choices=[('alone', 'Ja, alene med barnet (uden personale eller plejeforældre)'), ('with_staff', 'Ja, men med personale eller plejeforældre til stede'), ('not_talked', 'Nej, der blev ikke talt med barnet')], max_length=12, verbose_name='samtale med barnet'),
        ),
    ]
