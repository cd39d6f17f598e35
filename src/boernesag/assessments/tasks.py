"""Background tasks for the investigation (django-tasks; immediate in tests). Idempotent."""

from __future__ import annotations

from django_tasks import task

from boernesag.assessments.services import report_file


@task()
def assessment_report_file(assessment_id: int) -> str:
    """File the concluded investigation as a PDF in the case's documents (once)."""
    return report_file(assessment_id)
