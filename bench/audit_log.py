"""Access-log appends under 50 concurrent users (issue 9, performance), and audit_verify.

Every read of a child's data appends one keyed row; appends are serialised by an advisory
lock so the chain stays linear. This measures how many appends per second one database
takes with 50 threads appending at once, the latency each user sees, and how long
``audit_verify`` takes per 100,000 rows. Prints figures; not a timed test.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boernesag.conf.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

USERS = 50
SECONDS = 10.0


def appends(user) -> None:
    from boernesag.audit.services import access_log_record

    start = threading.Barrier(USERS)
    latencies: list[list[float]] = [[] for _ in range(USERS)]
    stop_at = [0.0]

    def worker(i: int) -> None:
        try:
            start.wait()
            if i == 0:
                stop_at[0] = time.perf_counter() + SECONDS
            while not stop_at[0]:
                time.sleep(0.001)
            while time.perf_counter() < stop_at[0]:
                began = time.perf_counter()
                access_log_record(user=user, what="case_page", object_ref=str(i))
                latencies[i].append((time.perf_counter() - began) * 1000)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(USERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = sorted(x for row in latencies for x in row)
    print(
        f"{USERS} concurrent users, {SECONDS:.0f} s: {len(flat) / SECONDS:8.0f} appends/s   "
        f"latency median {statistics.median(flat):6.2f} ms   "
        f"p95 {flat[int(len(flat) * 0.95) - 1]:6.2f} ms"
    )


def _process_worker(user_id: int, index: int, start_at: float, results) -> None:
    from django.db import connections

    from boernesag.accounts.models import User
    from boernesag.audit.services import access_log_record

    connections.close_all()  # never share the parent's connection
    user = User.objects.get(pk=user_id)
    while time.time() < start_at:
        time.sleep(0.005)
    stop_at = start_at + SECONDS
    latencies = []
    while time.time() < stop_at:
        began = time.perf_counter()
        access_log_record(user=user, what="case_page", object_ref=str(index))
        latencies.append((time.perf_counter() - began) * 1000)
    connections.close_all()
    results.put(latencies)


def appends_in_processes(user) -> None:
    """The same load from 50 processes (as 50 web workers would be): no GIL between them,
    so only PostgreSQL and the chain's lock limit the rate."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.time() + 3.0
    workers = [
        context.Process(target=_process_worker, args=(user.pk, i, start_at, results))
        for i in range(USERS)
    ]
    for w in workers:
        w.start()
    flat = sorted(x for _ in workers for x in results.get())
    for w in workers:
        w.join()
    print(
        f"{USERS} concurrent processes, {SECONDS:.0f} s: {len(flat) / SECONDS:8.0f} appends/s   "
        f"latency median {statistics.median(flat):6.2f} ms   "
        f"p95 {flat[int(len(flat) * 0.95) - 1]:6.2f} ms"
    )


def verify() -> None:
    from boernesag.audit.models import AccessLogEntry
    from boernesag.audit.services import access_log_verify

    rows = AccessLogEntry.objects.count()
    began = time.perf_counter()
    report = access_log_verify()
    seconds = time.perf_counter() - began
    state = "intakt" if report.ok else "FEJL"
    print(
        f"audit_verify over {rows} rows: {seconds:6.2f} s ({state}), "
        f"{seconds / max(rows, 1) * 100_000:6.2f} s per 100,000 rows"
    )


def main() -> None:
    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = "bench_boernesag_audit"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from boernesag.accounts.tests.factories import UserFactory

        user = UserFactory()
        print(f"Access-log benchmark on PostgreSQL {connection.pg_version}")
        appends(user)
        appends_in_processes(user)
        verify()
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
