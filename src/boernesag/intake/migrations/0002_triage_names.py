"""The 24-hour assessment is *triage* in code (GLOSSARY.md): assessed_* → triaged_*."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [
        migrations.RenameField("intakechild", "assessed_at", "triaged_at"),
        migrations.RenameField("intakechild", "assessed_by", "triaged_by"),
        migrations.RenameField("intakechildhistory", "assessed_at", "triaged_at"),
        migrations.RenameField("intakechildhistory", "assessed_by", "triaged_by"),
        # the change-history triggers name the columns: recreate them
        pgtrigger.migrations.RemoveTrigger(
            model_name='intakechild',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='intakechild',
            name='update_update',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='intakechild',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "intake_intakechildhistory" ("acute_needed", "at_risk", "barnehus", "barnehus_note", "case_id", "child_conversation_on", "child_id", "id", "item_id", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reasons_text", "reassessment", "triaged_at", "triaged_by_id", "unknown_description", "unresolved_explanation", "version") VALUES (NEW."acute_needed", NEW."at_risk", NEW."barnehus", NEW."barnehus_note", NEW."case_id", NEW."child_conversation_on", NEW."child_id", NEW."id", NEW."item_id", NEW."outcome", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."reasons_text", NEW."reassessment", NEW."triaged_at", NEW."triaged_by_id", NEW."unknown_description", NEW."unresolved_explanation", NEW."version"); RETURN NULL;', hash='e80e0017c2de0bfb7b23caeb49b01eb10752422c', operation='INSERT', pgid='pgtrigger_insert_insert_660d1', table='intake_intakechild', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='intakechild',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "intake_intakechildhistory" ("acute_needed", "at_risk", "barnehus", "barnehus_note", "case_id", "child_conversation_on", "child_id", "id", "item_id", "outcome", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reasons_text", "reassessment", "triaged_at", "triaged_by_id", "unknown_description", "unresolved_explanation", "version") VALUES (NEW."acute_needed", NEW."at_risk", NEW."barnehus", NEW."barnehus_note", NEW."case_id", NEW."child_conversation_on", NEW."child_id", NEW."id", NEW."item_id", NEW."outcome", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."reasons_text", NEW."reassessment", NEW."triaged_at", NEW."triaged_by_id", NEW."unknown_description", NEW."unresolved_explanation", NEW."version"); RETURN NULL;', hash='4ac04cd2c862aab98d675d7093627e61f98d7272', operation='UPDATE', pgid='pgtrigger_update_update_ccde6', table='intake_intakechild', when='AFTER')),
        ),
    ]
