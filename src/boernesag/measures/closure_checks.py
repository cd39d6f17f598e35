"""What the measures app contributes to the closure checklist (``cases/closure.py``): a case
is not closed while one of its measures runs. Ending a measure (``measures.services``) records
the reason, the duration and the final goal attainment and tells the provider; the case's
closure does not do that work behind the caseworker's back (issue 13: "every measure ended")."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boernesag.cases.closure import closure_check
from boernesag.measures.selectors import measures_open


@closure_check("measures_ended", gettext_lazy("Alle indsatser er afsluttet"), order=60)
def measures_ended(case, answers):
    return [
        _("Indsatsen %(measure)s hos %(provider)s er ikke afsluttet – afslut den først.")
        % {"measure": measure, "provider": measure.provider.name if measure.provider_id else "–"}
        for measure in measures_open(case)
    ]
