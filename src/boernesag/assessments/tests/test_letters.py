"""The investigation's letter kinds: their default texts are the migrated rows and pass
their own checks; the § 20 letter carries reasons and appeal guidance (never "kan ikke
påklages særskilt")."""

from __future__ import annotations

import importlib

from boernesag.letters import sandbox
from boernesag.letters.services import DEFAULT_TEXTS

KINDS = ("assessment_decision", "statement_request", "assessment_draft", "assessment_report")


def test_the_migrated_defaults_are_the_defaults_and_compile():
    migration = importlib.import_module("boernesag.letters.migrations.0006_assessment_letter_kinds")
    assert {k: DEFAULT_TEXTS[k] for k in KINDS} == migration.TEXTS
    for kind in KINDS:
        sandbox.body_compile(kind, DEFAULT_TEXTS[kind][1])


def test_the_decision_letter_has_reasons_and_appeal_guidance():
    body = DEFAULT_TEXTS["assessment_decision"][1]
    assert "{{ reasons }}" in body and "{{ appeal_guidance }}" in body
    assert "påklages særskilt" not in body
