"""Demo Kommune: a realistic organisation with staff in every role.

All people here are fictitious. The demo password is documented in README.md and is only
ever set by ``manage.py demo_seed``.
"""

from datetime import date

from boernesag.accounts.constants import Role, UnitKind

DEMO_PASSWORD = "Demo-Kommune-2026"  # noqa: S105 - documented demo password
DEMO_DOMAIN = "demo-kommune.dk"
DEMO_SINCE = date(2024, 1, 1)

MUNICIPALITY = {
    "name": "Demo Kommune",
    "cvr": "29189900",
    "municipality_number": "999",
    "address": "Rådhustorvet 1\n9999 Demoby",
}

# (code, name, kind, parent code)
UNITS = [
    ("demo-kommune", "Demo Kommune", UnitKind.MUNICIPALITY, None),
    ("boern-og-familie", "Børn og Familie", UnitKind.DEPARTMENT, "demo-kommune"),
    ("modtagelsen", "Modtagelsen", UnitKind.TEAM, "boern-og-familie"),
    ("distrikt-nord", "Distrikt Nord", UnitKind.TEAM, "boern-og-familie"),
    ("distrikt-syd", "Distrikt Syd", UnitKind.TEAM, "boern-og-familie"),
    ("distrikt-vest", "Distrikt Vest", UnitKind.TEAM, "boern-og-familie"),
    ("ungeteamet", "Ungeteamet", UnitKind.TEAM, "boern-og-familie"),
    ("handicapteamet", "Handicapteamet", UnitKind.TEAM, "boern-og-familie"),
    ("oekonomi-og-styring", "Økonomi og Styring", UnitKind.DEPARTMENT, "demo-kommune"),
    ("direktionen", "Børne- og Ungedirektionen", UnitKind.DEPARTMENT, "demo-kommune"),
]

C, IC, T, M, F, A = (
    Role.CASEWORKER,
    Role.INTAKE_COORDINATOR,
    Role.TEAM_LEADER,
    Role.MANAGER,
    Role.FINANCE,
    Role.ADMIN,
)

# (local part, first name, last name, job title, [(role, unit code)], [team codes])
USERS = [
    ("anne.lund", "Anne", "Lund", "Faglig koordinator", [(IC, "modtagelsen")], ["modtagelsen"]),
    (
        "jesper.kjaer",
        "Jesper",
        "Kjær",
        "Faglig koordinator",
        [(IC, "modtagelsen")],
        ["modtagelsen"],
    ),
    (
        "sofie.dam",
        "Sofie",
        "Dam",
        "Socialrådgiver",
        [(C, "modtagelsen")],
        ["modtagelsen"],
    ),
    ("lone.mikkelsen", "Lone", "Mikkelsen", "Teamleder", [(T, "distrikt-nord")], ["distrikt-nord"]),
    (
        "mette.hansen",
        "Mette",
        "Hansen",
        "Socialrådgiver",
        [(C, "distrikt-nord")],
        ["distrikt-nord"],
    ),
    (
        "peter.nielsen",
        "Peter",
        "Nielsen",
        "Socialrådgiver",
        [(C, "distrikt-nord")],
        ["distrikt-nord"],
    ),
    ("fatima.ali", "Fatima", "Ali", "Socialrådgiver", [(C, "distrikt-nord")], ["distrikt-nord"]),
    ("henrik.larsen", "Henrik", "Larsen", "Teamleder", [(T, "distrikt-syd")], ["distrikt-syd"]),
    ("camilla.berg", "Camilla", "Berg", "Socialrådgiver", [(C, "distrikt-syd")], ["distrikt-syd"]),
    ("rasmus.holm", "Rasmus", "Holm", "Socialrådgiver", [(C, "distrikt-syd")], ["distrikt-syd"]),
    ("ida.frost", "Ida", "Frost", "Socialrådgiver", [(C, "distrikt-syd")], ["distrikt-syd"]),
    ("birgitte.skov", "Birgitte", "Skov", "Teamleder", [(T, "distrikt-vest")], ["distrikt-vest"]),
    (
        "ahmad.rahimi",
        "Ahmad",
        "Rahimi",
        "Socialrådgiver",
        [(C, "distrikt-vest")],
        ["distrikt-vest"],
    ),
    (
        "louise.winther",
        "Louise",
        "Winther",
        "Socialrådgiver",
        [(C, "distrikt-vest")],
        ["distrikt-vest"],
    ),
    ("thomas.juhl", "Thomas", "Juhl", "Teamleder", [(T, "ungeteamet")], ["ungeteamet"]),
    ("signe.bach", "Signe", "Bach", "Socialrådgiver", [(C, "ungeteamet")], ["ungeteamet"]),
    ("emil.thomsen", "Emil", "Thomsen", "Socialrådgiver", [(C, "ungeteamet")], ["ungeteamet"]),
    (
        "karen.vestergaard",
        "Karen",
        "Vestergaard",
        "Teamleder",
        [(T, "handicapteamet")],
        ["handicapteamet"],
    ),
    (
        "nanna.poulsen",
        "Nanna",
        "Poulsen",
        "Socialrådgiver",
        [(C, "handicapteamet")],
        ["handicapteamet"],
    ),
    (
        "mikkel.krogh",
        "Mikkel",
        "Krogh",
        "Socialrådgiver",
        [(C, "handicapteamet")],
        ["handicapteamet"],
    ),
    ("susanne.brandt", "Susanne", "Brandt", "Afdelingsleder", [(M, "boern-og-familie")], []),
    ("jens.mortensen", "Jens", "Mortensen", "Børne- og ungedirektør", [(M, "demo-kommune")], []),
    ("helle.iversen", "Helle", "Iversen", "Økonomikonsulent", [(F, "oekonomi-og-styring")], []),
    ("bo.sorensen", "Bo", "Sørensen", "Controller", [(F, "oekonomi-og-styring")], []),
    ("kirsten.madsen", "Kirsten", "Madsen", "Systemadministrator", [(A, "demo-kommune")], []),
    # the second administrator: changes of access need a second person (four eyes)
    ("anders.holm", "Anders", "Holm", "IT-administrator", [(A, "demo-kommune")], []),
]


def email_for(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"
