"""Removing uploaded files that no database row refers to.

An upload is written to MEDIA_ROOT inside the transaction that creates its row (so the row
never points at a missing file). When that transaction rolls back — a later step fails, the
process dies — the file stays behind with no row: an orphan, possibly with personal data.
``media_sweep`` removes such files once they are older than a grace period (longer than any
transaction), and only in the directories that file fields upload into, so nothing else
under MEDIA_ROOT is ever touched. Run daily (``lib_housekeeping``) and by
``manage.py media_sweep``."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)
BATCH = 500


def media_dir(directory: str):
    """Decorator for a callable ``upload_to``: names the directory under MEDIA_ROOT it
    uploads into, so the sweep knows to look there."""

    def mark(func):
        func.media_dir = directory
        return func

    return mark


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]


def upload_dirs() -> list[str]:
    """The top-level directories file fields upload into."""
    found = set()
    for model, field in file_fields():
        upload_to = field.upload_to
        if callable(upload_to):
            directory = getattr(upload_to, "media_dir", "")
            if not directory:
                logger.warning(
                    "media sweep: %s.%s has a callable upload_to without @media_dir; "
                    "its files are never swept",
                    model.__name__,
                    field.name,
                )
                continue
        else:
            directory = str(upload_to)
        top = PurePosixPath(directory).parts[:1]
        if top:
            found.add(top[0])
    return sorted(found)


def _candidates(root: Path, directory: str, older_than: float) -> Iterator[str]:
    base = root / directory
    if not base.is_dir():
        return
    for dirpath, _dirnames, filenames in os.walk(base):
        for filename in filenames:
            path = Path(dirpath) / filename
            try:
                if path.is_symlink() or path.stat().st_mtime >= older_than:
                    continue
            except FileNotFoundError:
                continue
            yield path.relative_to(root).as_posix()


def _referenced(names: list[str]) -> set[str]:
    found: set[str] = set()
    for model, field in file_fields():
        found.update(
            model._base_manager.filter(**{f"{field.name}__in": names}).values_list(
                field.name, flat=True
            )
        )
    return found


@dataclass
class SweepResult:
    checked: int = 0
    removed: int = 0


def media_sweep(*, grace: timedelta | None = None, dry_run: bool = False) -> SweepResult:
    """Remove files older than ``grace`` (default MEDIA_SWEEP_GRACE_HOURS) that no file
    field refers to. Logs counts only, never names."""
    if grace is None:
        grace = timedelta(hours=settings.MEDIA_SWEEP_GRACE_HOURS)
    root = Path(settings.MEDIA_ROOT)
    older_than = (timezone.now() - grace).timestamp()
    result = SweepResult()
    for directory in upload_dirs():
        candidates = _candidates(root, directory, older_than)
        while True:
            batch = list(islice(candidates, BATCH))
            if not batch:
                break
            result.checked += len(batch)
            for name in set(batch) - _referenced(batch):
                result.removed += 1
                if not dry_run:
                    (root / name).unlink(missing_ok=True)
    logger.info(
        "media sweep: %s files checked, %s orphans %s",
        result.checked,
        result.removed,
        "found" if dry_run else "removed",
    )
    return result
