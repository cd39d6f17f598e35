"""Settings from the environment, production safety and project-wide rules."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOOD_KEY = "x7!Kq2#pL9$wR4&zT6*uV8@yB1^nM3%cF5(hJ0)gD2-sA4+eQ6=iO8"


def run_manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=base,
        timeout=120,
        cwd=ROOT,
    )


PROD = {"BOERNESAG_ENV": "production", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"}


def test_production_refuses_a_missing_or_insecure_secret_key():
    for key in ["", "django-insecure-abc", "short"]:
        result = run_manage("check", **PROD, SECRET_KEY=key, ALLOWED_HOSTS="boernesag.kommune.dk")
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug():
    result = run_manage(
        "check", **PROD, SECRET_KEY=GOOD_KEY, DEBUG="true", ALLOWED_HOSTS="boernesag.kommune.dk"
    )
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_to_run_without_a_database_url():
    env = dict(PROD, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x.dk")
    env.pop("DATABASE_URL")
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PROD,
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="boernesag.kommune.dk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sqlite_is_refused():
    result = run_manage("check", DATABASE_URL="sqlite:///tmp/x.db")
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


def test_no_sqlite_code_path_anywhere():
    hits = [
        str(path.relative_to(ROOT))
        for folder in ("src", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if "sqlite3" in path.read_text() and path.name != "test_settings_and_boundaries.py"
    ]
    assert hits == []


@pytest.mark.django_db
def test_tests_run_on_postgresql(settings):
    from django.db import connection

    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("show server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000
