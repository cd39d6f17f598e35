"""The authorisation matrix as data: for every URL pattern of the project, the requests to
make and the answer each role gets for each relation to the object.

``tests/test_authorisation_matrix.py`` walks the URL resolver and fails when a pattern has no
entry here; ``tests/test_access_log.py`` checks the ``log`` of every entry. A new route is
added here, not as a new test — see docs/authorisation.md ("Adding a URL to the matrix").

An entry (``Probe``):

- ``name``: the URL pattern name (``"cases:case"``), or ``"route:<pattern>"`` for unnamed
  patterns (the Django admin has two);
- ``method``, ``kwargs(w, rel)`` (URL arguments), ``data(w, rel)`` (POST body), ``query``;
- ``relations``: the relations probed (``RELATIONS`` for object routes, ``("-",)`` else);
- ``expect(role, rel) -> status``: built with ``read``, ``write``, ``page``, ``public`` …;
- ``log``: what an allowed GET writes to the access log — ``Detail(what, …)`` (one row about
  the relation's child), ``Listing(what, children)`` (one row naming the children shown) or
  ``NOTHING`` (the page shows no child's data). Every GET entry must say which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.authz.world import RELATIONS, ROLES, World

ANON = "anonymous"
EDITING = {"caseworker", "team_leader", "intake_coordinator"}
REASONED = {"caseworker", "team_leader", "intake_coordinator"}  # the municipality's default
STAFF = set(ROLES) - {ANON}
NO_REL = ("-",)


# --- who knows what -------------------------------------------------------------------


def sees_case(role: str, rel: str) -> bool:
    """``cases.view_case``: need-to-know on the relation's case (and so on its child)."""
    if rel in ("grant", "assign"):
        return role in REASONED
    return (role, rel) in {
        ("caseworker", "own"),
        ("caseworker", "team"),  # the municipality lets caseworkers see team cases
        ("team_leader", "own"),
        ("team_leader", "team"),
        ("intake_coordinator", "intake"),
    }


def writes_case(role: str, rel: str) -> bool:
    """``cases.edit_case``: need-to-know that may write (an information grant only reads)."""
    return role in EDITING and sees_case(role, rel) and rel != "grant"


def reassigns_case(role: str, rel: str) -> bool:
    return role == "team_leader" and rel in ("own", "team")


def corrects_entry(role: str, rel: str) -> bool:
    """Only the author corrects a journal entry: the caseworker wrote the own case's."""
    return role == "caseworker" and rel == "own"


def sees_item(role: str, rel: str) -> bool:
    """Intake coordinators see every intake item; others through a child they may see."""
    if rel == "none":
        return False
    return role == "intake_coordinator" or sees_case(role, rel)


# --- expected answers -----------------------------------------------------------------

Expect = Callable[[str, str], int]


def read(ok: int = 200, may: Callable[[str, str], bool] = sees_case) -> Expect:
    """A page about the relation's object: ``ok`` if the user may know it, else 404."""
    return lambda role, rel: 302 if role == ANON else ok if may(role, rel) else 404


def write(
    ok: int = 302,
    may: Callable[[str, str], bool] = writes_case,
    knows: Callable[[str, str], bool] = sees_case,
) -> Expect:
    """An action on the object: ``ok`` if allowed, 403 if the user knows the object but
    may not do this, 404 if she may not know it exists."""

    def expect(role, rel):
        if role == ANON:
            return 302
        if may(role, rel):
            return ok
        return 403 if knows(role, rel) else 404

    return expect


def page(roles: set[str], ok: int = 200) -> Expect:
    """A page without an object: ``ok`` for these roles, 403 for other staff."""
    return lambda role, rel: 302 if role == ANON else ok if role in roles else 403


def on_item(perm_roles: set[str], ok: int = 302) -> Expect:
    """An intake action: ``ok`` with the permission, 403 if the item is visible, else 404."""
    return write(ok=ok, may=lambda r, rel: r in perm_roles and sees_item(r, rel), knows=sees_item)


def public(ok: int = 200) -> Expect:
    return lambda role, rel: ok


def everyone(ok: int, anonymous: int = 302) -> Expect:
    return lambda role, rel: anonymous if role == ANON else ok


# --- what an allowed GET logs ---------------------------------------------------------


@dataclass(frozen=True)
class Detail:
    """One access-log row ``what`` about the relation's child (and case, unless
    ``case=False``), ``object_ref`` = the id of ``obj`` ("entry", "document", …)."""

    what: str
    case: bool = True
    obj: str = ""


@dataclass(frozen=True)
class Listing:
    """One access-log row ``what`` naming exactly ``children(w, role, rel)`` (relation
    names whose children are shown); ``None``: whichever children the page shows."""

    what: str
    children: Callable[[World, str, str], set[str]] | None = None


NOTHING = "nothing"  # the page shows no child's data and logs nothing


@dataclass(frozen=True)
class Probe:
    name: str
    expect: Expect
    method: str = "GET"
    kwargs: Callable[[World, str], dict] = field(default=lambda w, rel: {})
    data: Callable[[World, str], dict] | None = None
    query: str = ""
    relations: tuple[str, ...] = NO_REL
    log: Detail | Listing | str | None = None
    # runs in the cell before the request (with the client logged in); returns URL kwargs
    prepare: Callable | None = None

    @property
    def label(self) -> str:
        return f"{self.name} {self.method}{'?' + self.query if self.query else ''}"


def case_kw(**extra):
    """URL kwargs ``pk`` = the relation's case, plus e.g. ``entry_pk="entry"``."""
    return lambda w, rel: {
        "pk": w.ids(rel).case,
        **{k: getattr(w.ids(rel), v) for k, v in extra.items()},
    }


def child_kw(w, rel):
    return {"pk": w.ids(rel).child}


def item_kw(**extra):
    return lambda w, rel: {
        "pk": w.ids(rel).item,
        **{k: getattr(w.ids(rel), v) for k, v in extra.items()},
    }


TODAY = "2026-01-02"


def _network_map_form(w, rel) -> dict:
    """The network map's form as the page offers it (everyone on the default places)."""
    if rel == "none":
        return {"version": 0}
    from boernesag.persons.networkmap import network_map_view

    data = {"version": 0}
    for entry in network_map_view(w.target(rel).case).entries:
        data[f"sector_{entry.pk}"] = entry.sector
        data[f"distance_{entry.pk}"] = entry.distance
    return data


def _v(w, rel, obj: str) -> int:
    """The current version of a relation's object (forms send it back)."""
    return 1 if rel == "none" else getattr(w.target(rel), obj).version


JOURNAL = {"kind": "note", "title": "Nyt", "occurred_on": TODAY, "text": "Tekst"}


def _document(w, rel):
    from boernesag.cases.tests.factories import pdf_upload

    return {"file": pdf_upload(), "title": "Bilag", "kind": "other", "document_date": TODAY}


def _reasoned_access_token(client, w, role, rel):
    """A reasoned-access link minted by a CPR search in this session (the only way to it)."""
    if rel == "none" or role not in EDITING:
        return {"token": "ukendt-token"}
    cpr = w.target(rel).child.cpr
    client.post("/boern/", {"q": cpr}, follow=True)
    return {"token": next(reversed(client.session.get("reasoned_access", {"x": 0})))}


def _team_children(w, role, rel):
    return {"own", "team"}


ALL_TARGETS = {"own", "team", "other", "intake", "grant", "assign"}
CASE_RELATIONS = RELATIONS


# --- the table ------------------------------------------------------------------------

PROBES: list[Probe] = [
    # web
    # each role's front page (web.front_pages): one row naming whichever children it shows
    Probe("web:home", everyone(200), log=Listing("front_page")),
    Probe(
        "web:coming_soon",
        page({"team_leader", "manager"}),
        kwargs=lambda w, rel: {"key": "ledelsestilsyn"},
        log=NOTHING,
    ),
    Probe(
        "web:coming_soon",
        page({"manager", "finance"}),
        kwargs=lambda w, rel: {"key": "noegletal"},
        log=NOTHING,
    ),
    # children
    Probe("cases:child_search", page(EDITING), log=NOTHING),
    Probe(
        "cases:child_search", page(EDITING, ok=302), method="POST", data=lambda w, r: {"q": "Zz"}
    ),
    Probe(
        "cases:child",
        read(),
        kwargs=child_kw,
        relations=RELATIONS,
        log=Detail("child_page", case=False),
    ),
    Probe(
        "cases:case_open",
        # the child already has an open case: the service refuses with a message (302)
        write(may=lambda role, rel: role in EDITING and sees_case(role, rel)),
        method="POST",
        kwargs=child_kw,
        data=lambda w, rel: {"team": w.team_a.pk},
        relations=RELATIONS,
    ),
    Probe(
        "cases:reasoned_access",
        lambda role, rel: (
            302 if role == ANON else 403 if role not in REASONED else 200 if rel == "other" else 404
        ),
        relations=("other", "none"),
        prepare=_reasoned_access_token,
        log=Detail("reasoned_access_page", case=False),
    ),
    Probe(
        "cases:reasoned_access",
        lambda role, rel: (
            302 if role == ANON else 403 if role not in REASONED else 302 if rel == "other" else 404
        ),
        method="POST",
        data=lambda w, rel: {
            "kind": "information",
            "reason": "Skal bruge oplysningerne til et møde",
        },
        relations=("other", "none"),
        prepare=_reasoned_access_token,
    ),
    # lists
    Probe(
        "cases:my_cases",
        page({"caseworker"}),
        log=Listing("my_cases", lambda w, role, rel: {"own"}),
    ),
    Probe("cases:team_cases", page({"team_leader"}), log=Listing("team_cases", _team_children)),
    # the case and its tabs
    Probe("cases:case", read(), kwargs=case_kw(), relations=RELATIONS, log=Detail("case_page")),
    Probe("cases:timeline", read(), kwargs=case_kw(), relations=RELATIONS, log=Detail("timeline")),
    Probe("cases:journal", read(), kwargs=case_kw(), relations=RELATIONS, log=Detail("journal")),
    Probe(
        "cases:journal",
        write(),
        method="POST",
        kwargs=case_kw(),
        data=lambda w, r: JOURNAL,
        relations=RELATIONS,
    ),
    Probe(
        "cases:journal_correct",
        write(ok=200, may=lambda r, rel: writes_case(r, rel) and corrects_entry(r, rel)),
        kwargs=case_kw(entry_pk="entry"),
        relations=RELATIONS,
        log=Detail("journal_entry", obj="entry"),
    ),
    Probe(
        "cases:journal_correct",
        write(may=lambda r, rel: writes_case(r, rel) and corrects_entry(r, rel)),
        method="POST",
        kwargs=case_kw(entry_pk="entry"),
        data=lambda w, rel: {
            "title": "Rettet",
            "text": "Rettet tekst",
            "version": _v(w, rel, "entry"),
        },
        relations=RELATIONS,
    ),
    Probe(
        "cases:journal_addendum",
        write(ok=200),
        kwargs=case_kw(entry_pk="entry"),
        relations=RELATIONS,
        log=Detail("journal_entry", obj="entry"),
    ),
    Probe(
        "cases:journal_addendum",
        write(),
        method="POST",
        kwargs=case_kw(entry_pk="entry"),
        data=lambda w, rel: {"text": "Tilføjelse"},
        relations=RELATIONS,
    ),
    Probe(
        "cases:documents", read(), kwargs=case_kw(), relations=RELATIONS, log=Detail("documents")
    ),
    Probe(
        "cases:documents",
        write(),
        method="POST",
        kwargs=case_kw(),
        data=_document,
        relations=RELATIONS,
    ),
    Probe(
        "cases:document_download",
        read(),
        kwargs=case_kw(document_pk="document"),
        relations=RELATIONS,
        log=Detail("document_download", obj="document"),
    ),
    Probe("cases:meetings", read(), kwargs=case_kw(), relations=RELATIONS, log=Detail("meetings")),
    Probe(
        "cases:meetings",
        write(),
        method="POST",
        kwargs=case_kw(),
        data=lambda w, rel: {"kind": "status_meeting", "held_at": "2026-01-02T10:00"},
        relations=RELATIONS,
    ),
    Probe(
        "cases:meeting",
        read(),
        kwargs=case_kw(meeting_pk="meeting"),
        relations=RELATIONS,
        log=Detail("meeting", obj="meeting"),
    ),
    Probe(
        "cases:meeting",
        write(),
        method="POST",
        kwargs=case_kw(meeting_pk="meeting"),
        data=lambda w, rel: {"minutes": "Referat", "version": _v(w, rel, "meeting")},
        relations=RELATIONS,
    ),
    Probe("cases:consents", read(), kwargs=case_kw(), relations=RELATIONS, log=Detail("consents")),
    Probe(
        "cases:consents",
        write(),
        method="POST",
        kwargs=case_kw(),
        data=lambda w, rel: {
            "given_by": w.target(rel).parent.pk if rel != "none" else 1,
            "scope": "share_plan",
            "form": "written",
            "given_on": TODAY,
        },
        relations=RELATIONS,
    ),
    Probe(
        "cases:consent_withdraw",
        write(),
        method="POST",
        kwargs=case_kw(consent_pk="consent"),
        data=lambda w, rel: {"withdrawn_on": TODAY, "version": _v(w, rel, "consent")},
        relations=RELATIONS,
    ),
    Probe(
        "cases:reassign",
        write(ok=200, may=reassigns_case),
        kwargs=case_kw(),
        relations=RELATIONS,
        log=Detail("reassign"),
    ),
    Probe(
        "cases:reassign",
        write(may=reassigns_case),
        method="POST",
        kwargs=case_kw(),
        data=lambda w, rel: {"team": w.team_a.pk, "reason": "Ferie", "version": _v(w, rel, "case")},
        relations=RELATIONS,
    ),
    # the people around the child (docs/people.md)
    Probe("cases:people", read(), kwargs=case_kw(), relations=RELATIONS, log=Detail("people")),
    Probe(
        "cases:person_add",
        write(ok=200),
        kwargs=case_kw(),
        relations=RELATIONS,
        log=Detail("person_add"),
    ),
    Probe(
        "cases:person_add",
        write(),
        method="POST",
        kwargs=case_kw(),
        data=lambda w, rel: {"kind": "network_person", "first_name": "Nye", "last_name": "Nabo"},
        relations=RELATIONS,
    ),
    Probe(
        "cases:person_lookup",
        write(ok=200),
        kwargs=case_kw(),
        relations=RELATIONS,
        log=Detail("register_lookup"),
    ),
    Probe(
        "cases:person_lookup",
        write(),
        method="POST",
        kwargs=case_kw(),
        data=lambda w, rel: {"cpr": w.extra.register_cpr},
        relations=RELATIONS,
    ),
    Probe(
        # without a look-up in this session the token is unknown: back to the look-up
        "cases:person_import",
        write(),
        method="POST",
        kwargs=case_kw(),
        data=lambda w, rel: {"s": "ukendt-token", "kind": "grandparent"},
        relations=RELATIONS,
    ),
    Probe(
        "cases:family_import",
        write(ok=200),
        kwargs=case_kw(),
        relations=RELATIONS,
        log=Detail("register_family"),
    ),
    Probe(
        "cases:family_import",
        write(ok=400),  # nobody chosen (the world's children are not in the register)
        method="POST",
        kwargs=case_kw(),
        data=lambda w, rel: {},
        relations=RELATIONS,
    ),
    Probe(
        "cases:relation",
        read(),
        kwargs=case_kw(relation_pk="person_relation"),
        relations=RELATIONS,
        log=Detail("relation", obj="person_relation"),
    ),
    Probe(
        "cases:relation",
        write(),
        method="POST",
        kwargs=case_kw(relation_pk="person_relation"),
        data=lambda w, rel: {
            "first_name": "Bedste",
            "last_name": "Mor",
            "description": "Mormor",
            "version": _v(w, rel, "person_relation"),
        },
        relations=RELATIONS,
    ),
    Probe(
        "cases:relation_end",
        write(),
        method="POST",
        kwargs=case_kw(relation_pk="person_relation"),
        data=lambda w, rel: {"valid_to": TODAY, "version": _v(w, rel, "person_relation")},
        relations=RELATIONS,
    ),
    Probe(
        "cases:person_refresh",
        write(),  # the grandmother has no CPR number: a message, back to the page
        method="POST",
        kwargs=case_kw(relation_pk="person_relation"),
        relations=RELATIONS,
    ),
    Probe(
        "cases:agreement_add",
        write(ok=200),
        kwargs=case_kw(),
        relations=RELATIONS,
        log=Detail("agreement_add"),
    ),
    Probe(
        "cases:agreement_add",
        write(),
        method="POST",
        kwargs=case_kw(),
        data=lambda w, rel: {
            "relation": w.target(rel).person_relation.pk if rel != "none" else 1,
            "agreed_on": TODAY,
            "content": "Weekendophold en gang om måneden",
        },
        relations=RELATIONS,
    ),
    Probe(
        "cases:agreement",
        read(),
        kwargs=case_kw(agreement_pk="agreement"),
        relations=RELATIONS,
        log=Detail("agreement", obj="agreement"),
    ),
    Probe(
        "cases:agreement",
        write(),
        method="POST",
        kwargs=case_kw(agreement_pk="agreement"),
        data=lambda w, rel: {"held_on": TODAY, "note": "Aftalen fungerer"},
        relations=RELATIONS,
    ),
    Probe(
        "cases:agreement_end",
        write(),
        method="POST",
        kwargs=case_kw(agreement_pk="agreement"),
        data=lambda w, rel: {
            "ended_on": TODAY,
            "end_reason": "Mormor er flyttet",
            "version": _v(w, rel, "agreement"),
        },
        relations=RELATIONS,
    ),
    # the network map and genogram (docs/people.md)
    Probe(
        "persons:network_map",
        read(),
        kwargs=case_kw(),
        relations=RELATIONS,
        log=Detail("network_map"),
    ),
    Probe(
        "persons:network_map",
        write(),
        method="POST",
        kwargs=case_kw(),
        data=lambda w, rel: _network_map_form(w, rel),
        relations=RELATIONS,
    ),
    Probe(
        "persons:genogram", read(), kwargs=case_kw(), relations=RELATIONS, log=Detail("genogram")
    ),
    Probe(
        "persons:genogram",
        write(),
        method="POST",
        kwargs=case_kw(),
        data=lambda w, rel: {"version": 0, "parents_relationship": "together"},
        relations=RELATIONS,
    ),
    Probe(
        "persons:network_map_print",
        read(),
        kwargs=case_kw(),
        relations=RELATIONS,
        log=Detail("network_map_print"),
    ),
    # the access log and reasoned access review
    Probe(
        "cases:access_log",
        page({"team_leader", "admin"}),
        log=Listing(
            "grant_reviews", lambda w, role, rel: {"team"} if role == "team_leader" else set()
        ),
    ),
    Probe(
        "cases:access_log",
        page({"team_leader", "admin"}, ok=302),
        method="POST",
        data=lambda w, rel: {"cpr": w.target("own").child.cpr},
    ),
    Probe(
        "cases:grant_review",
        lambda role, rel: (
            302
            if role == ANON or (role == "team_leader" and rel == "team")
            else 404
            if role == "team_leader"
            else 403
        ),
        method="POST",
        kwargs=lambda w, rel: {
            "grant_pk": {"team": w.extra.grant_team.pk, "other": w.extra.grant_other.pk}.get(
                rel, 10**12
            )
        },
        data=lambda w, rel: {"approved": "1", "note": ""},
        relations=("team", "other", "none"),
    ),
    Probe(
        "cases:child_access_log",
        lambda role, rel: (
            302
            if role == ANON
            else 403
            if role not in ("team_leader", "admin")
            else 404
            if rel == "none" or (role == "team_leader" and rel not in ("own", "team"))
            else 200
        ),
        kwargs=child_kw,
        relations=RELATIONS,
        log=Detail("access_log", case=False),
    ),
    Probe(
        "rights:who_could_see",
        lambda role, rel: (
            302
            if role == ANON
            else 403
            if role not in ("team_leader", "admin")
            else 404
            if rel == "none" or (role == "team_leader" and rel not in ("own", "team"))
            else 200
        ),
        kwargs=child_kw,
        relations=RELATIONS,
        log=Detail("who_could_see", case=False),
    ),
    # deadlines
    Probe(
        "deadlines:mine",
        page({"caseworker"}),
        log=Listing("my_deadlines", lambda w, role, rel: {"own"}),
    ),
    Probe("deadlines:team", page({"team_leader"}), log=Listing("team_deadlines", _team_children)),
    Probe(
        "deadlines:case_panel",
        read(),
        kwargs=case_kw(),
        relations=RELATIONS,
        log=Detail("deadlines"),
    ),
    Probe(
        "deadlines:pause",
        write(),
        method="POST",
        kwargs=lambda w, rel: {"pk": w.ids(rel).case, "rule_key": "assessment_duration"},
        data=lambda w, rel: {"reason": "Afventer samtykke", "action": "pause"},
        relations=RELATIONS,
    ),
    Probe("deadlines:compliance", page({"team_leader", "manager"}), log=NOTHING),
    Probe(
        "deadlines:compliance", page({"team_leader", "manager"}), query="format=csv", log=NOTHING
    ),
    Probe(
        "deadlines:drilldown",
        page({"team_leader", "manager"}),
        query="kind=quarter&year=2025&number=1&group=rule&basis=law&outcome=open&rule=assessment_duration",
        log=Listing("compliance_drilldown"),
    ),
    Probe("deadlines:rules", page(EDITING | {"manager", "admin"}), log=NOTHING),
    Probe(
        "deadlines:rules",
        lambda role, rel: 302 if role == ANON else 400 if role == "admin" else 403,
        method="POST",
        data=lambda w, rel: {"rule_key": ""},
    ),
    Probe("deadlines:calculator", page(EDITING | {"manager", "admin"}), log=NOTHING),
    Probe(  # "Prøv et forløb" posts its timeline; nothing is stored, no child is read
        "deadlines:calculator",
        page(EDITING | {"manager", "admin"}),
        method="POST",
        data=lambda w, rel: {"forloeb": "2026-01-05 access_requested"},
        log=NOTHING,
    ),
    # intake
    Probe(
        "intake:queue",
        page({"intake_coordinator"}),
        log=Listing("intake_queue", lambda w, role, rel: ALL_TARGETS),
    ),
    Probe("intake:register", page({"intake_coordinator"}), log=NOTHING),
    Probe(
        "intake:register",
        page({"intake_coordinator"}, ok=400),
        method="POST",
        data=lambda w, r: {"content": ""},
    ),
    Probe(
        "intake:item",
        read(may=sees_item),
        kwargs=item_kw(),
        relations=RELATIONS,
        log=Listing("intake_item", lambda w, role, rel: {rel}),
    ),
    Probe(
        "intake:triage",
        on_item({"intake_coordinator"}, ok=200),
        kwargs=item_kw(child_pk="item_row"),
        relations=RELATIONS,
        log=Listing("intake_triage", lambda w, role, rel: {rel}),
    ),
    Probe(
        "intake:triage",
        on_item({"intake_coordinator"}, ok=400),
        method="POST",
        kwargs=item_kw(child_pk="item_row"),
        data=lambda w, rel: {},
        relations=RELATIONS,
    ),
    Probe(
        "intake:identify",
        on_item({"intake_coordinator"}),
        method="POST",
        kwargs=item_kw(child_pk="item_row"),
        data=lambda w, rel: {},
        relations=RELATIONS,
    ),
    Probe(
        "intake:unresolved",
        on_item({"intake_coordinator"}),
        method="POST",
        kwargs=item_kw(child_pk="item_row"),
        data=lambda w, rel: {"explanation": ""},
        relations=RELATIONS,
    ),
    Probe(
        "intake:send_letter",
        on_item({"intake_coordinator"}),
        method="POST",
        kwargs=lambda w, rel: {"pk": w.ids(rel).item, "kind": "tilbagemelding"},
        relations=RELATIONS,
    ),
    Probe(
        "intake:outbox",
        page({"intake_coordinator"}),
        log=Listing("outbox", lambda w, role, rel: {"own"}),
    ),
    Probe(
        "intake:outbox",
        page({"intake_coordinator"}, ok=302),
        method="POST",
        data=lambda w, rel: {"letter": w.extra.letter.pk, "status": ""},
    ),
    Probe(
        "intake:letter_pdf",
        page({"intake_coordinator"}),
        kwargs=lambda w, rel: {"pk": w.extra.letter.pk},
        log=Listing("letter_pdf", lambda w, role, rel: {"own"}),
    ),
    Probe(
        "intake:child_reports",
        read(),
        kwargs=child_kw,
        relations=RELATIONS,
        log=Detail("child_reports", case=False),
    ),
    # letter templates (no child data: previews use sample data)
    Probe("letters:templates", page({"admin"}), log=NOTHING),
    Probe(
        "letters:template_edit",
        page({"admin"}),
        kwargs=lambda w, rel: {"kind": "receipt"},
        log=NOTHING,
    ),
    Probe(
        "letters:template_edit",
        page({"admin"}, ok=400),
        method="POST",
        kwargs=lambda w, rel: {"kind": "receipt"},
        data=lambda w, rel: {"subject": ""},
    ),
    Probe(
        "letters:template_preview",
        page({"admin"}, ok=400),
        method="POST",
        kwargs=lambda w, rel: {"kind": "receipt"},
        data=lambda w, rel: {"subject": ""},
    ),
    # catalogue (no child data)
    Probe("catalogue:browse", page(STAFF), log=NOTHING),
    Probe("catalogue:create", page({"admin", "finance"}), log=NOTHING),
    Probe("catalogue:administration", page({"admin", "finance"}), log=NOTHING),
    Probe("catalogue:providers", page({"admin", "finance"}), log=NOTHING),
    Probe(
        "catalogue:provider",
        page({"admin", "finance"}),
        kwargs=lambda w, r: {"pk": w.extra.provider.pk},
        log=NOTHING,
    ),
    Probe(
        "catalogue:service",
        page(STAFF),
        kwargs=lambda w, r: {"key": w.extra.service.key},
        log=NOTHING,
    ),
    Probe(
        "catalogue:edit",
        page({"admin", "finance"}),
        kwargs=lambda w, r: {"key": w.extra.service.key},
        log=NOTHING,
    ),
    Probe(
        "catalogue:revision",
        page({"admin", "finance"}, ok=302),
        method="POST",
        kwargs=lambda w, r: {"key": w.extra.service.key},
        data=lambda w, r: {},
    ),
    Probe(
        "catalogue:action",
        page({"admin", "finance"}, ok=302),
        method="POST",
        kwargs=lambda w, r: {"key": w.extra.service.key, "number": 1, "action": "indstil"},
    ),
    Probe("public:public_list", public(), log=NOTHING),
    Probe("public:public_print", public(), log=NOTHING),
    Probe(
        "public:public_detail",
        public(404),
        kwargs=lambda w, r: {"key": w.extra.service.key},
        log=NOTHING,
    ),
    # accounts
    Probe("accounts:login", lambda role, rel: 200 if role == ANON else 302, log=NOTHING),
    # the second step of a login: without a pending login it sends back to the login page
    Probe("accounts:login_code", everyone(302, anonymous=302), log=NOTHING),
    Probe("accounts:second_factor", everyone(200), log=NOTHING),
    Probe("accounts:logout", everyone(302), method="POST"),
    Probe("accounts:logout", everyone(405), log=NOTHING),
    Probe("accounts:logout_everywhere", everyone(302), method="POST"),
    Probe("accounts:profile", everyone(200), log=NOTHING),
    Probe("accounts:profile", everyone(302), method="POST", data=lambda w, r: {}),
]


# --- decisions, hearings, approvals and appeals (docs/decisions.md) ---------------------


def approves(role: str, rel: str) -> bool:
    """``decisions.approve_decision``: the team leader of the case's team (team A)."""
    return role == "team_leader" and rel in ("own", "team")


def _decision_form(w, rel):
    return {"kind": "support", "outcome": "grant", "version": _v(w, rel, "decision")}


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _in_two_weeks() -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localdate() + timedelta(days=14)).isoformat()


def _parent_pk(w, rel) -> int:
    return 1 if rel == "none" else w.target(rel).parent.pk


PROBES += [
    Probe(
        "decisions:list",
        read(),
        kwargs=case_kw(),
        relations=RELATIONS,
        log=Detail("decisions"),
    ),
    Probe(
        "decisions:create",
        write(ok=200),
        kwargs=case_kw(),
        relations=RELATIONS,
        log=Detail("decision_new"),
    ),
    Probe(
        "decisions:create",
        write(),
        method="POST",
        kwargs=case_kw(),
        data=lambda w, rel: {"kind": "support", "outcome": "refusal"},
        relations=RELATIONS,
    ),
    Probe(
        "decisions:detail",
        read(),
        kwargs=case_kw(decision_pk="decision"),
        relations=RELATIONS,
        log=Detail("decision", obj="decision"),
    ),
    Probe(
        "decisions:detail",
        write(),
        method="POST",
        kwargs=case_kw(decision_pk="decision"),
        data=_decision_form,
        relations=RELATIONS,
    ),
    Probe(
        "decisions:decide",
        write(),
        method="POST",
        kwargs=case_kw(decision_pk="decision"),
        data=lambda w, rel: {"version": _v(w, rel, "decision")},
        relations=RELATIONS,
    ),
    Probe(
        "decisions:approve",
        write(ok=200, may=approves),
        kwargs=case_kw(decision_pk="pending"),
        relations=RELATIONS,
        log=Detail("decision_approval", obj="pending"),
    ),
    Probe(
        "decisions:approve",
        write(may=approves),
        method="POST",
        kwargs=case_kw(decision_pk="pending"),
        data=lambda w, rel: {"approved": "yes", "reasons": "Indsatsen er nødvendig."},
        relations=RELATIONS,
    ),
    Probe(
        "decisions:send",
        write(),
        method="POST",
        kwargs=case_kw(decision_pk="decided"),
        relations=RELATIONS,
    ),
    Probe(
        "decisions:letter_sent",
        write(),
        method="POST",
        kwargs=case_kw(decision_pk="decided"),
        data=lambda w, rel: {"letter": "1", "channel": "printed"},
        relations=RELATIONS,
    ),
    Probe(
        "decisions:resolve",
        write(),
        method="POST",
        kwargs=case_kw(decision_pk="decided"),
        data=lambda w, rel: {"resolution": "confirmed"},
        relations=RELATIONS,
    ),
    Probe(
        "decisions:change",
        write(),
        method="POST",
        kwargs=case_kw(decision_pk="decided"),
        relations=RELATIONS,
    ),
    Probe(
        "decisions:hearing",
        write(ok=200),
        kwargs=case_kw(decision_pk="decision"),
        relations=RELATIONS,
        log=Detail("hearing_new", obj="decision"),
    ),
    Probe(
        "decisions:hearing",
        write(),
        method="POST",
        kwargs=case_kw(decision_pk="decision"),
        data=lambda w, rel: {"information": "Lægens udtalelse", "answer_due": _in_two_weeks()},
        relations=RELATIONS,
    ),
    Probe(
        "decisions:hearing_answer",
        write(ok=200),
        kwargs=case_kw(hearing_pk="hearing"),
        relations=RELATIONS,
        log=Detail("hearing_answer", obj="hearing"),
    ),
    Probe(
        "decisions:hearing_answer",
        write(),
        method="POST",
        kwargs=case_kw(hearing_pk="hearing"),
        data=lambda w, rel: {"answered_on": _today(), "answer": "Far er enig."},
        relations=RELATIONS,
    ),
    Probe(
        "decisions:appeal_add",
        write(ok=200),
        kwargs=case_kw(decision_pk="decided"),
        relations=RELATIONS,
        log=Detail("appeal_new", obj="decided"),
    ),
    Probe(
        "decisions:appeal_add",
        write(),
        method="POST",
        kwargs=case_kw(decision_pk="decided"),
        data=lambda w, rel: {
            "appellant": str(_parent_pk(w, rel)),
            "received_on": _today(),
            "content": "Klage over omfanget",
        },
        relations=RELATIONS,
    ),
    Probe(
        "decisions:appeal",
        read(),
        kwargs=case_kw(appeal_pk="appeal"),
        relations=RELATIONS,
        log=Detail("appeal", obj="appeal"),
    ),
    Probe(
        "decisions:appeal",
        write(),
        method="POST",
        kwargs=case_kw(appeal_pk="appeal"),
        data=lambda w, rel: {
            "upheld": "no",
            "reconsideration": "Kommunen giver medhold.",
            "version": _v(w, rel, "appeal"),
        },
        relations=RELATIONS,
    ),
    Probe(
        "decisions:queue",
        page({"team_leader"}),
        log=Listing("decision_queue", _team_children),
    ),
    Probe(
        "decisions:overview",
        page({"team_leader", "manager"}),
        log=NOTHING,
    ),
    Probe("decisions:authority", page(STAFF), log=NOTHING),
]


# --- changes of staff access (separation of duties): no child's data -------------------

CONFIRMERS = {"admin", "manager"}


def _change_kw(w, rel):
    return {"pk": w.extra.access_change.pk}


PROBES += [
    Probe("rights:changes", page(CONFIRMERS), log=NOTHING),
    Probe(
        "rights:user", page({"admin"}), kwargs=lambda w, r: {"pk": w.extra.newcomer.pk}, log=NOTHING
    ),
    Probe(
        "rights:user",
        page({"admin"}, ok=302),
        method="POST",
        kwargs=lambda w, r: {"pk": w.extra.newcomer.pk},
        data=lambda w, r: {
            "action": "join",
            "join-team": str(w.team_a.pk),
            "join-reason": "Hjælper Team Nord",
        },
    ),
    # the matrix's administrator and the manager are second persons (a second
    # administrator asked); everybody else may not decide
    Probe(
        "rights:confirm",
        page(CONFIRMERS, ok=302),
        method="POST",
        kwargs=_change_kw,
        data=lambda w, r: {"version": str(w.extra.access_change.version)},
    ),
    Probe(
        "rights:reject",
        page(CONFIRMERS, ok=302),
        method="POST",
        kwargs=_change_kw,
        data=lambda w, r: {"version": "1", "note": "Ikke aftalt med teamlederen"},
    ),
    # only the one who asked may withdraw: the matrix's administrator did not
    Probe(
        "rights:withdraw",
        lambda role, rel: 302 if role == ANON else 403,
        method="POST",
        kwargs=_change_kw,
        data=lambda w, r: {},
    ),
]


# --- the Django admin: only administrators; nothing in it shows a child's data ----------

ADMIN = {"admin"}
ADMIN_MODELS = {
    "assessments_assessmenttemplate": (lambda w: w.extra.assessment_template.pk, True),
    # model admin → (object for change/history/delete, add allowed)
    "accounts_municipality": (lambda w: w.municipality.pk, False),  # one municipality
    "accounts_unit": (lambda w: w.team_a.pk, True),
    "accounts_user": (lambda w: w.users["caseworker"].pk, True),
    "accounts_loginlockout": (lambda w: w.extra.lockout.pk, False),
    "accounts_loginattempt": (lambda w: w.extra.login_attempt.pk, False),
    "catalogue_targetgroup": (lambda w: w.extra.target_group.pk, True),
    "catalogue_legalsection": (lambda w: w.extra.legal_section.pk, True),
    # read-only in the admin: the matrix is changed by data migration
    "decisions_authorityrule": (lambda w: _authority_rule(), False),
}


def _authority_rule() -> int:
    from boernesag.decisions.models import AuthorityRule

    return AuthorityRule.objects.order_by("pk").first().pk


def _unit_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    from boernesag.accounts.models import Unit

    return ContentType.objects.get_for_model(Unit).pk


def _admin_probes() -> list[Probe]:
    probes = [
        Probe("admin:index", page(ADMIN), log=NOTHING),
        Probe("admin:login", everyone(302, anonymous=302), log=NOTHING),
        Probe("admin:logout", page(ADMIN, ok=405), log=NOTHING),
        Probe("admin:password_change", page(ADMIN), log=NOTHING),
        Probe("admin:password_change_done", page(ADMIN), log=NOTHING),
        Probe(
            "admin:autocomplete",
            page(ADMIN),
            query="app_label=accounts&model_name=unit&field_name=parent&term=Team",
            log=NOTHING,
        ),
        Probe("admin:jsi18n", page(ADMIN), log=NOTHING),
        Probe(
            "admin:view_on_site",
            page(ADMIN, ok=404),  # no admin model links to a page of its own
            kwargs=lambda w, r: {
                "content_type_id": str(_unit_type()),
                "object_id": str(w.team_a.pk),
            },
            log=NOTHING,
        ),
        Probe(
            "admin:app_list",
            page(ADMIN),
            kwargs=lambda w, r: {"app_label": "accounts"},
            log=NOTHING,
        ),
        Probe(
            "admin:auth_user_password_change",
            # a colleague who holds access: refused to the admin too (no taking over her
            # login; rights/tests/test_admin_takeover.py)
            page(ADMIN, ok=403),
            kwargs=lambda w, r: {"id": str(w.users["caseworker"].pk)},
            log=NOTHING,
        ),
        Probe(
            "route:administration/(?P<url>.*)$",
            page(ADMIN, ok=404),
            kwargs=None,
            log=NOTHING,
        ),
    ]
    for model, (obj, may_add) in ADMIN_MODELS.items():
        ref = (lambda o: lambda w, r: {"object_id": str(o(w))})(obj)
        app, name = model.split("_", 1)
        route = f"route:administration/{app}/{name}/<path:object_id>/"
        LITERAL_PATHS[route] = (lambda a, n, o: lambda w: f"/administration/{a}/{n}/{o(w)}/")(
            app, name, obj
        )
        probes += [
            # the unnamed pattern that redirects to the change page
            Probe(route, page(ADMIN, ok=302), kwargs=None, log=NOTHING),
            Probe(f"admin:{model}_changelist", page(ADMIN), log=NOTHING),
            Probe(f"admin:{model}_add", page(ADMIN, ok=200 if may_add else 403), log=NOTHING),
            Probe(f"admin:{model}_change", page(ADMIN), kwargs=ref, log=NOTHING),
            Probe(f"admin:{model}_history", page(ADMIN), kwargs=ref, log=NOTHING),
            Probe(f"admin:{model}_delete", page(ADMIN, ok=403), kwargs=ref, log=NOTHING),
        ]
    return probes


# Unnamed patterns are requested by literal path (they have no name to reverse).
LITERAL_PATHS: dict[str, Callable[[World], str]] = {
    "route:administration/(?P<url>.*)$": lambda w: "/administration/findes-ikke/",
}
PROBES += _admin_probes()

# the plans app (barnets plan / ungeplan / handleplan): tests/authz/plans.py
from tests.authz.plans import plan_probes  # noqa: E402

PROBES += plan_probes()

# the children's investigation (børnefaglig undersøgelse): tests/authz/assessments.py
from tests.authz.assessments import assessment_probes  # noqa: E402

PROBES += assessment_probes()

# the measures app (indsatser, opfølgning, ophør): tests/authz/measures.py
from tests.authz.measures import measure_probes  # noqa: E402

PROBES += measure_probes()

# closing, reopening, closures and deadline steps on a case: tests/authz/closure.py
from tests.authz.closure import closure_probes  # noqa: E402

PROBES += closure_probes()
