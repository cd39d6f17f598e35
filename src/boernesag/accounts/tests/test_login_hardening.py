"""Login hardening (issue 9, item 8): atomic lockout under parallel guesses, throttling per
network address and across the installation, the second factor, the absolute session
lifetime, pruning, and ``next=``."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp

from boernesag.accounts import second_factor, services
from boernesag.accounts.constants import LoginFactor, Role, ThrottleScope
from boernesag.accounts.models import (
    LoginAttempt,
    LoginLockout,
    LoginThrottle,
    Municipality,
    RecoveryCode,
    User,
)

LOGIN = "/konto/log-ind/"


def post_login(client, email, password, **extra):
    return client.post(LOGIN, {"email": email, "password": password, **extra})


# --- atomic lockout: 32 parallel guesses against the real database ----------------------


@pytest.mark.django_db(transaction=True)
@override_settings(
    LOGIN_FAILURE_LIMIT=5,
    LOGIN_ADDRESS_FAILURE_LIMIT=1000,
    # a real, slow hasher: the password check takes long enough for every guess to be in
    # flight at once, which is what let the 8th or 12th guess through before
    PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
)
@pytest.mark.parametrize("correct_at", [0, 7, 11, 31])
def test_32_parallel_guesses_never_let_the_right_password_through_after_the_limit(
    make_user, password, correct_at
):
    user = make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    User.objects.filter(pk=user.pk).update(password=make_password(password))
    guesses = [f"forkert-{i}" for i in range(32)]
    guesses[correct_at] = password
    start = threading.Barrier(32)
    results: list[str] = [""] * 32

    def guess(i: int) -> None:
        try:
            start.wait()
            services.login_authenticate(
                request=None, email=user.email, password=guesses[i], ip_address="10.0.0.9"
            )
            results[i] = "in"
        except services.AccountLocked:
            results[i] = "locked"
        except services.LoginFailed:
            results[i] = "wrong"
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # exactly five passwords were checked (the limit); everything else was refused
    checked = LoginThrottle.objects.get(key="account:mette@testkommune.dk").attempts
    assert checked == 32
    assert results.count("in") + results.count("wrong") <= 5
    assert LoginAttempt.objects.filter(succeeded=True).count() == results.count("in")
    if results.count("in"):
        # the right password was among the first five to reserve a place: within the limit
        assert results.count("wrong") <= 4
    assert LoginAttempt.objects.count() == 32
    assert LoginLockout.objects.filter(email=user.email).count() == 1
    # and afterwards the right password is refused while the lock lasts
    with pytest.raises(services.AccountLocked):
        services.login_authenticate(
            request=None, email=user.email, password=password, ip_address="10.0.0.9"
        )


@pytest.mark.django_db(transaction=True)
@override_settings(LOGIN_FAILURE_LIMIT=5, LOGIN_ADDRESS_FAILURE_LIMIT=1000)
def test_parallel_guesses_check_at_most_the_limit_of_passwords(make_user, password):
    """Counted independently of which thread wins: a correct password placed after the
    fifth reservation is never checked."""
    user = make_user(Role.CASEWORKER, email="anne@testkommune.dk")
    for _ in range(5):
        with pytest.raises((services.LoginFailed, services.AccountLocked)):
            services.login_authenticate(
                request=None, email=user.email, password="forkert", ip_address="10.0.0.8"
            )
    barrier = threading.Barrier(32)
    outcomes = []

    def right_password():
        try:
            barrier.wait()
            services.login_authenticate(
                request=None, email=user.email, password=password, ip_address="10.0.0.8"
            )
            outcomes.append("in")
        except services.AccountLocked:
            outcomes.append("locked")
        finally:
            connection.close()

    threads = [threading.Thread(target=right_password) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes == ["locked"] * 32
    assert not LoginAttempt.objects.filter(succeeded=True).exists()


# --- password spraying -------------------------------------------------------------------


@pytest.mark.django_db
def test_80_guesses_over_20_accounts_from_one_address_lock_the_address(make_user, password):
    """Four guesses per account stay under the per-account limit (5); the per-address
    limit (30 in the window) catches the spraying, and then even a right password from
    that address is refused, while other addresses are unaffected."""
    users = [make_user(Role.CASEWORKER, email=f"bruger{i}@spray.dk") for i in range(20)]
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = []
    for round_ in range(4):
        for user in users:
            statuses.append(post_login(client, user.email, f"Sommer202{round_}!").status_code)
    assert statuses[:30] == [400] * 30
    assert set(statuses[30:]) == {429}
    lock = LoginLockout.objects.get(scope=ThrottleScope.ADDRESS)
    assert lock.ip_address == "203.0.113.7"
    assert lock.is_active
    refused = post_login(client, users[0].email, password)
    assert refused.status_code == 429
    assert "for mange forkerte loginforsøg fra din netværksadresse" in refused.context["error"]
    assert not LoginLockout.objects.filter(scope=ThrottleScope.ACCOUNT).exists()
    # a colleague elsewhere logs in as usual
    assert (
        post_login(Client(REMOTE_ADDR="198.51.100.1"), users[1].email, password).status_code == 302
    )


@pytest.mark.django_db
@override_settings(LOGIN_GLOBAL_FAILURE_LIMIT=10, LOGIN_ADDRESS_FAILURE_LIMIT=1000)
def test_spraying_from_many_addresses_admits_only_known_addresses(make_user, password):
    user = make_user(Role.CASEWORKER, email="lone@testkommune.dk")
    office = Client(REMOTE_ADDR="192.0.2.10")
    assert post_login(office, user.email, password).status_code == 302
    office.post("/konto/log-ud/")
    for i in range(11):
        post_login(Client(REMOTE_ADDR=f"198.51.100.{i}"), f"x{i}@testkommune.dk", "forkert")
    stranger = post_login(Client(REMOTE_ADDR="198.51.100.200"), user.email, password)
    assert stranger.status_code == 429
    assert "usædvanligt mange forkerte loginforsøg" in stranger.context["error"]
    assert post_login(office, user.email, password).status_code == 302


@pytest.mark.django_db
def test_administrator_lifts_an_address_lock(make_user, password):
    make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    admin = make_user(Role.ADMIN)
    client = Client(REMOTE_ADDR="203.0.113.9")
    with override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=2):
        for i in range(3):
            post_login(client, f"x{i}@testkommune.dk", "forkert")
        lock = LoginLockout.objects.get(scope=ThrottleScope.ADDRESS)
        services.lockout_lift(lockout=lock, lifted_by=admin)
        assert post_login(client, "mette@testkommune.dk", password).status_code == 302


# --- next= ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("x", "/"),
        ("web:home", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/findes-ikke/", "/"),
        ("/konto/log-ind/", "/"),
        ("/konto/", "/konto/"),
        ("/konto/?fane=1", "/konto/?fane=1"),
    ],
)
def test_next_after_login_is_a_page_of_this_site_or_the_start_page(
    client, make_user, password, target, expected
):
    make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    response = post_login(client, "mette@testkommune.dk", password, next=target)
    assert response.status_code == 302
    assert response["Location"] == expected
    # and a logged-in GET of the login page with the same next= behaves the same
    assert client.get(LOGIN, {"next": target})["Location"] == expected


# --- absolute session lifetime ------------------------------------------------------------


@pytest.mark.django_db
@override_settings(SESSION_ABSOLUTE_LIFETIME_HOURS=10)
def test_an_active_session_still_ends_after_the_absolute_lifetime(client, make_user, password):
    make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    post_login(client, "mette@testkommune.dk", password)
    assert client.get("/").status_code == 200
    session = client.session
    session["auth_started_at"] = int(time.time()) - 10 * 3600 + 60
    session.save()
    assert client.get("/").status_code == 200  # 9 h 59 min: still in
    session = client.session
    session["auth_started_at"] = int(time.time()) - 10 * 3600 - 1
    session.save()
    response = client.get("/konto/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/log-ind/?next=%2Fkonto%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "mere end 10 timer" in page.content.decode()


# --- pruning ----------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(LOGIN_ATTEMPT_RETENTION_DAYS=180)
def test_login_attempts_older_than_the_retention_are_pruned_daily():
    now = timezone.now()
    old = LoginAttempt.objects.create(email="a@b.dk", succeeded=False)
    recent = LoginAttempt.objects.create(email="a@b.dk", succeeded=True)
    LoginAttempt.objects.filter(pk=old.pk).update(attempted_at=now - timedelta(days=181))
    LoginAttempt.objects.filter(pk=recent.pk).update(attempted_at=now - timedelta(days=179))
    LoginThrottle.objects.create(key="account:a@b.dk", window_started_at=now - timedelta(days=2))
    LoginThrottle.objects.create(key="account:c@b.dk", window_started_at=now)
    assert services.login_attempts_prune(now=now) == 1
    assert list(LoginAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(LoginThrottle.objects.values_list("key", flat=True)) == ["account:c@b.dk"]


# --- second factor ------------------------------------------------------------------------------


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _enrol(client) -> tuple[object, list[str]]:
    page = client.post("/konto/to-faktor/", {"action": "start"})
    device = page.context["enrolment_device"]
    assert page.context["qr_data_uri"].startswith("data:image/svg+xml")
    assert page.context["secret"].replace(" ", "") == second_factor.totp_secret_base32(device)
    done = client.post(
        "/konto/to-faktor/", {"action": "confirm", "device": device.pk, "code": _code(device)}
    )
    assert done.status_code == 200
    codes = done.context["recovery_codes"]
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


@pytest.mark.django_db
def test_enrolment_shows_the_secret_once_and_login_then_needs_a_code(make_user, password):
    user = make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    client = Client()
    client.force_login(user)
    device, codes = _enrol(client)
    assert len(codes) == 10
    # only hashes are stored; the page never shows the secret again
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()
    again = client.get("/konto/to-faktor/").content.decode()
    assert second_factor.totp_secret_base32(device)[:8] not in again.replace(" ", "")
    client.post("/konto/log-ud/")

    first = post_login(client, "mette@testkommune.dk", password, next="/konto/")
    assert first["Location"] == "/konto/log-ind/kode/"
    assert "_auth_user_id" not in client.session
    assert client.get("/konto/")["Location"].startswith("/konto/log-ind/")
    wrong = client.post("/konto/log-ind/kode/", {"code": "000000"})
    assert wrong.status_code == 400
    assert "Koden er forkert" in wrong.context["error"]
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp's own back-off, not under test here
    device.throttling_failure_timestamp = None
    device.last_t = -1  # the enrolment's code may not be replayed; time moves on a step
    device.save()
    ok = client.post("/konto/log-ind/kode/", {"code": _code(device)})
    assert ok["Location"] == "/konto/"
    assert client.session["_auth_user_id"] == str(user.pk)
    factors = list(LoginAttempt.objects.order_by("id").values_list("factor", "succeeded"))
    assert factors == [("password", True), ("totp", False), ("totp", True)]


@pytest.mark.django_db
def test_a_recovery_code_works_once(make_user, password):
    user = make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    client = Client()
    client.force_login(user)
    _, codes = _enrol(client)
    client.post("/konto/log-ud/")
    post_login(client, "mette@testkommune.dk", password)
    assert client.post("/konto/log-ind/kode/", {"code": codes[3].upper()})["Location"] == "/"
    assert LoginAttempt.objects.filter(factor=LoginFactor.RECOVERY, succeeded=True).count() == 1
    client.post("/konto/log-ud/")
    post_login(client, "mette@testkommune.dk", password)
    reused = client.post("/konto/log-ind/kode/", {"code": codes[3]})
    assert reused.status_code == 400


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_wrong_codes_lock_the_second_step(make_user, password):
    make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    user = User.objects.get(email="mette@testkommune.dk")
    client = Client()
    client.force_login(user)
    _enrol(client)
    client.post("/konto/log-ud/")
    post_login(client, "mette@testkommune.dk", password)
    for _ in range(2):
        assert client.post("/konto/log-ind/kode/", {"code": "111111"}).status_code == 400
    third = client.post("/konto/log-ind/kode/", {"code": "111111"})
    assert "For mange forkerte koder" in third.context["error"]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_municipality_requires_the_second_factor_for_a_role(make_user, password, municipality):
    Municipality.objects.update(second_factor_roles=[Role.ADMIN])
    make_user(Role.ADMIN, email="kirsten@testkommune.dk")
    make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    client = Client()
    response = post_login(client, "kirsten@testkommune.dk", password)
    assert response["Location"] == "/konto/to-faktor/"
    # nothing else is reachable until it is set up
    assert client.get("/")["Location"] == "/konto/to-faktor/"
    assert client.get("/administration/")["Location"] == "/konto/to-faktor/"
    _enrol(client)
    assert client.get("/").status_code == 200
    # a caseworker is not affected
    assert post_login(Client(), "mette@testkommune.dk", password)["Location"] == "/"
