"""A starting authority matrix (kompetenceplan); each municipality adjusts it to its own
by a data migration (the Django admin shows it read-only: a silent edit would move who may
decide without a trace). The amounts are an example, not law: only § 47 is fixed
(the children and young people's committee, Barnets Lov § 142, stk. 1)."""

from django.db import migrations

DEFAULTS = [
    # level, kind, max yearly cost (None: no limit), also outside the service's frame
    ("caseworker", "support", 150_000, False),
    ("team_leader", "support", 600_000, True),
    ("committee", "support", None, True),
    ("team_leader", "placement_with_consent", 1_200_000, True),
    ("committee", "placement_with_consent", None, True),
    ("committee", "placement_without_consent", None, True),
]


def seed(apps, schema_editor):
    AuthorityRule = apps.get_model("decisions", "AuthorityRule")
    for level, kind, cost, outside in DEFAULTS:
        AuthorityRule.objects.get_or_create(
            level=level,
            kind=kind,
            defaults={"max_yearly_cost": cost, "outside_frame": outside},
        )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
