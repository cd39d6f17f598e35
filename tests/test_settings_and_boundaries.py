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
        if k
        not in {
            "DATABASE_URL",
            "MIGRATION_DATABASE_URL",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "BOERNESAG_ENV",
        }
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


GOOD_AUDIT_KEY = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4f6a8b0c1d3e5f7a9b1c3d5e7f9a1b"
PROD = {
    "BOERNESAG_ENV": "production",
    "DATABASE_URL": "postgres://boernesag_app@127.0.0.1:5432/x",
    "MIGRATION_DATABASE_URL": "postgres://boernesag_owner@127.0.0.1:5432/x",
    "AUDIT_HMAC_KEY": GOOD_AUDIT_KEY,
}


def test_production_refuses_a_missing_or_insecure_secret_key():
    for key, why in [
        ("", "is not set"),
        ("django-insecure-" + GOOD_KEY, "insecure development key"),
        ("short", "shorter than 50"),
        ("abcdefghij" * 6, "too little entropy"),  # long, ten characters, a pattern
        ("Kommune2026!" * 5, "too little entropy"),
    ]:
        result = run_manage("check", **PROD, SECRET_KEY=key, ALLOWED_HOSTS="boernesag.kommune.dk")
        assert result.returncode != 0
        assert "SECRET_KEY must be set" in result.stderr
        assert why in result.stderr, (key, result.stderr[-300:])


@pytest.mark.parametrize("value", ["prod", "Production", "staging", " production", ""])
def test_an_unknown_environment_refuses_to_start(value):
    result = run_manage("check", BOERNESAG_ENV=value)
    assert result.returncode != 0
    assert "BOERNESAG_ENV must be one of development, test, production" in result.stderr


def test_production_needs_a_separate_owner_role():
    env = dict(PROD, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x.dk")
    env.pop("MIGRATION_DATABASE_URL")
    result = run_manage("check", **env)
    assert "MIGRATION_DATABASE_URL must be set" in result.stderr
    same = run_manage("check", **dict(env, MIGRATION_DATABASE_URL=env["DATABASE_URL"]))
    assert "two different roles" in same.stderr
    other_db = run_manage(
        "check", **dict(env, MIGRATION_DATABASE_URL="postgres://o@127.0.0.1:5432/y")
    )
    assert "must name the same database" in other_db.stderr


def test_production_needs_a_strong_audit_key(tmp_path):
    env = dict(PROD, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="x.dk")
    env.pop("AUDIT_HMAC_KEY")
    missing = run_manage("check", **env)
    assert "AUDIT_HMAC_KEY or AUDIT_HMAC_KEY_FILE must be set" in missing.stderr
    weak = run_manage("check", **dict(env, AUDIT_HMAC_KEY="0123456789abcdef" * 4))
    assert "The audit key (AUDIT_HMAC_KEY) has too little entropy" in weak.stderr
    key_file = tmp_path / "audit.key"
    key_file.write_text(GOOD_AUDIT_KEY + "\n")
    from_file = run_manage("check", **dict(env, AUDIT_HMAC_KEY_FILE=str(key_file)))
    assert from_file.returncode == 0, from_file.stderr


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
