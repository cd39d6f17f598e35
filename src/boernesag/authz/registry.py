"""The one permission registry: every action is a ``rules`` permission registered here.

Each app declares its permissions in ``<app>/permissions.py``::

    from boernesag.authz.registry import permission
    permission("cases.view_case", can_view_case, label="Se sagen", obj="sag")

``permission`` calls ``rules.add_perm`` (so ``user.has_perm("cases.view_case", case)``
works through ``rules.permissions.ObjectPermissionBackend``) and keeps a Danish label for
the generated documentation (``manage.py permissions_table`` → docs/permissions.md).
Predicates are declared with ``predicate`` so that the table can explain every name used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import import_module, util

import rules
from django.apps import apps


@dataclass(frozen=True)
class Permission:
    name: str
    predicate: rules.Predicate
    label: str  # what the permission allows, in Danish
    obj: str  # the object it is checked against ("sag", "barn", …) or "" for none


PERMISSIONS: dict[str, Permission] = {}
PREDICATES: dict[str, str] = {}  # predicate name → one-line Danish explanation


def predicate(fn=None, *, doc: str = ""):
    """``rules.predicate`` that also records the predicate's explanation (its ``doc`` or
    first docstring line) for the permission table."""

    def wrap(f):
        p = rules.predicate(f)
        PREDICATES[p.name] = doc or (f.__doc__ or "").strip().splitlines()[0]
        return p

    return wrap(fn) if fn is not None else wrap


def permission(name: str, pred: rules.Predicate, *, label: str, obj: str = "") -> Permission:
    if name in PERMISSIONS:
        raise KeyError(f"permission {name} is registered twice")
    rules.add_perm(name, pred)
    perm = Permission(name=name, predicate=pred, label=label, obj=obj)
    PERMISSIONS[name] = perm
    return perm


def autodiscover() -> None:
    """Import ``permissions`` of every Børnesag app (idempotent)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("boernesag."):
            continue
        module = f"{config.name}.permissions"
        if util.find_spec(module) is not None:
            import_module(module)


def readable(rule: rules.Predicate | str) -> str:
    """A rule as words: ``((a | b) & c)`` → ``(a eller b) og c`` (no redundant brackets)."""
    tokens = re.findall(r"~|\(|\)|&|\||\w+", str(rule))
    pos = 0

    def node():
        nonlocal pos
        word = tokens[pos]
        pos += 1
        if word == "~":
            return ("not", node())
        if word == "(":
            left = node()
            op = tokens[pos]
            pos += 1
            right = node()
            pos += 1  # ")"
            return (op, left, right)
        return word

    def show(n, parent=None) -> str:
        if isinstance(n, str):
            return n
        if n[0] == "not":
            return f"ikke {show(n[1], 'not')}"
        op, left, right = n
        text = f"{show(left, op)} {'og' if op == '&' else 'eller'} {show(right, op)}"
        return text if parent in (None, op) else f"({text})"

    return show(node())


def permissions_table() -> str:
    """The registry as Markdown: permission, object, what it allows, who (the rule)."""
    lines = [
        "| tilladelse | objekt | giver lov til | hvem (reglen) |",
        "|---|---|---|---|",
    ]
    for perm in sorted(PERMISSIONS.values(), key=lambda p: p.name):
        rule = readable(perm.predicate)
        lines.append(f"| `{perm.name}` | {perm.obj or '–'} | {perm.label} | {rule} |")
    used = sorted(
        {word for p in PERMISSIONS.values() for word in re.findall(r"\w+", str(p.predicate))}
        & PREDICATES.keys()
    )
    lines += ["", "| regel | betyder |", "|---|---|"]
    lines += [f"| `{name}` | {PREDICATES[name]} |" for name in used]
    return "\n".join(lines) + "\n"


def named(rule: rules.Predicate, name: str, doc: str) -> rules.Predicate:
    """Give a combined rule a name of its own (shorter tables, one place to explain it)."""
    named_rule = rules.Predicate(rule, name=name)
    PREDICATES[name] = doc
    return named_rule
