"""The registry of append-only models.

Decorate a model with ``@append_only`` and, after every ``migrate``, its table gets the
database triggers that refuse UPDATE, DELETE and TRUNCATE, and the application's database
role loses UPDATE and DELETE on it (``boernesag.audit.append_only``). Every pghistory event
model (``*History``) is append-only without being registered.

    from boernesag.lib.append_only import append_only

    @append_only
    class CaseEvent(models.Model): ...
"""

from __future__ import annotations

_REGISTRY: set[str] = set()


def append_only(model):
    """Class decorator: this model's rows are never changed or removed once written."""
    _REGISTRY.add(model._meta.label)
    return model


def append_only_register(label: str) -> None:
    """Register by ``"app_label.ModelName"`` (for models one cannot decorate)."""
    _REGISTRY.add(label)


def append_only_labels() -> frozenset[str]:
    return frozenset(_REGISTRY)
