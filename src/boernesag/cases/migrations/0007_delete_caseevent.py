"""Case events now live in the event store (events 0002 copied every row and compared the
counts); the old table goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_reasons_and_reassignment"),
        ("deadlines", "0002_clocks_from_event_store"),
        ("events", "0003_append_only"),
    ]

    operations = [migrations.DeleteModel(name="CaseEvent")]
