"""Permissions on measures (the registry: ``boernesag.authz.registry``). Object: the case.

Reading a measure is reading the case (``cases.view_case``, through ``cases.gate``)."""

from __future__ import annotations

from boernesag.authz.registry import permission
from boernesag.cases.permissions import may_edit

permission(
    "measures.work_measure",
    may_edit,
    label="Iværksætte, ændre og afslutte indsatser efter en afgørelse, registrere tilsynsbesøg",
    obj="sag",
)
permission(
    "measures.follow_up",
    may_edit,
    label="Planlægge og registrere opfølgning på indsatser med målopfyldelse",
    obj="sag",
)
