"""Navigation. One list, each item shown to users with its permission (the registry:
``boernesag.authz.registry``) — the same permission the page itself checks.

Items whose capability comes in a later issue point at a "Kommer snart" page; the issue
that builds the capability replaces ``url_name`` with the real page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    description: str
    perm: str  # shown to users with this permission (the page checks it, or a wider one)
    url_name: str | None = None  # None: "Kommer snart"

    @property
    def url(self) -> str:
        if self.url_name:
            return reverse(self.url_name)
        return reverse("web:coming_soon", args=[self.key])

    @property
    def coming_soon(self) -> bool:
        return self.url_name is None


NAV_ITEMS: list[NavItem] = [
    NavItem(
        "mine-sager",
        _("Mine sager"),
        _("Dine åbne sager med seneste aktivitet."),
        "cases.view_my_cases",
        url_name="cases:my_cases",
    ),
    NavItem(
        "mine-frister",
        _("Mine frister"),
        _("Alt der forfalder i dine sager, det mest presserende først."),
        "deadlines.view_own",
        url_name="deadlines:mine",
    ),
    NavItem(
        "modtagelse",
        _("Modtagelse"),
        _("Underretninger og henvendelser, vurdering inden for 24 timer og fordeling."),
        "intake.view_queue",
        url_name="intake:queue",
    ),
    NavItem(
        "udbakke",
        _("Udbakke"),
        _("Kvitteringer og tilbagemeldinger, der skal sendes."),
        "intake.view_outbox",
        url_name="intake:outbox",
    ),
    NavItem(
        "find-barn",
        _("Find barn"),
        _("Søg et barn frem på CPR-nummer eller navn."),
        "cases.search_children",
        url_name="cases:child_search",
    ),
    NavItem(
        "teamets-sager",
        _("Teamets sager"),
        _("Teamets sager, sagstal og frister."),
        "cases.view_team_cases",
        url_name="cases:team_cases",
    ),
    NavItem(
        "teamets-frister",
        _("Teamets frister"),
        _("Overskredne og snart forfaldne frister i teamet, og eskalerede frister."),
        "deadlines.view_team",
        url_name="deadlines:team",
    ),
    NavItem(
        "afgoerelser-godkendelse",
        _("Til godkendelse"),
        _("Afgørelser over sagsbehandlerens kompetence, der venter på dig."),
        "decisions.view_queue",
        url_name="decisions:queue",
    ),
    NavItem(
        "klager",
        _("Klager"),
        _("Klager og Ankestyrelsens afgørelser fordelt på afgørelsestype og team."),
        "decisions.view_appeal_overview",
        url_name="decisions:overview",
    ),
    NavItem(
        "ledelsestilsyn",
        _("Ledelsestilsyn"),
        _("Stikprøver af sager gennemgået efter spørgeliste."),
        "oversight.view_management_reviews",
    ),
    NavItem(
        "lovoverholdelse",
        _("Lovoverholdelse"),
        _("Overholdelse af lovens frister pr. regel, kvartal, team og sagsbehandler."),
        "deadlines.view_compliance",
        url_name="deadlines:compliance",
    ),
    NavItem(
        "noegletal",
        _("Nøgletal"),
        _("Sagstal, tilgang og afgang, foranstaltninger og økonomi."),
        "oversight.view_key_figures",
    ),
    NavItem(
        "indsatskatalog",
        _("Indsatskatalog"),
        _("Kommunens indsatsvifte: indsatser, leverandører og serviceniveau."),
        "catalogue.view_catalogue",
        url_name="catalogue:browse",
    ),
    NavItem(
        "takster",
        _("Takster og kontrakter"),
        _("Priser, takster og kontrakter med leverandører."),
        "catalogue.manage_catalogue",
        url_name="catalogue:providers",
    ),
    NavItem(
        "adgangslog",
        _("Adgangslog"),
        _("Hvem har set hvilke børns oplysninger, og adgange med begrundelse."),
        "cases.view_access_log",
        url_name="cases:access_log",
    ),
    NavItem(
        "adgangsaendringer",
        _("Adgangsændringer"),
        _("Roller, teams og enheder: anmod, godkend og afvis (fire øjne)."),
        "rights.view_access_changes",
        url_name="rights:changes",
    ),
    NavItem(
        "regler",
        _("Regler og frister"),
        _("Lovens frister og kommunens lokale standarder."),
        "deadlines.edit_local_standards",
        url_name="deadlines:rules",
    ),
    NavItem(
        "brevskabeloner",
        _("Brevskabeloner"),
        _("Teksterne i kvitteringer og tilbagemeldinger til underrettere."),
        "letters.edit_templates",
        url_name="letters:templates",
    ),
    NavItem(
        "administration",
        _("Organisation og brugere"),
        _("Enheder, teams, brugere, roller og låste konti."),
        "accounts.administer",
        url_name="admin:index",
    ),
]

NAV_BY_KEY = {item.key: item for item in NAV_ITEMS}


def nav_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if user.has_perm(item.perm)]
