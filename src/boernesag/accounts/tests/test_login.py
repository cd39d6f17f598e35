from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from boernesag.accounts.constants import Role
from boernesag.accounts.models import LoginAttempt, LoginLockout, LoginThrottle

LOGIN = "/konto/log-ind/"
WRONG = "E-mail eller adgangskode er forkert. Prøv igen."


def post_login(client, email, password, **extra):
    return client.post(LOGIN, {"email": email, "password": password, **extra})


@pytest.mark.django_db
def test_login_with_right_password_lands_on_start_page(client, make_user, password, municipality):
    user = make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    response = post_login(client, "Mette@TestKommune.dk ", password)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"] == user
    attempt = LoginAttempt.objects.get()
    assert (attempt.email, attempt.succeeded) == ("mette@testkommune.dk", True)


@pytest.mark.django_db
def test_wrong_password_and_unknown_email_get_the_same_danish_message(client, make_user):
    make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    wrong_password = post_login(client, "mette@testkommune.dk", "forkert-kode")
    unknown_email = post_login(client, "findes.ikke@testkommune.dk", "forkert-kode")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 400
        assert response.context["error"] == WRONG
        assert "_auth_user_id" not in client.session
    # what the user typed is kept (never the password)
    assert 'value="mette@testkommune.dk"' in wrong_password.content.decode()
    assert "forkert-kode" not in wrong_password.content.decode()


@pytest.mark.django_db
def test_missing_fields_rerender_with_typed_value_and_danish_field_errors(client):
    response = client.post(LOGIN, {"email": "mette@", "password": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Skriv en gyldig e-mailadresse, fx navn@kommune.dk."],
        "password": ["Skriv din adgangskode."],
    }
    assert 'value="mette@"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_password-error"' in html
    assert LoginAttempt.objects.count() == 0


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_MINUTES=30)
def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client, make_user, password
):
    make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    for _ in range(2):
        assert post_login(client, "mette@testkommune.dk", "forkert").context["error"] == WRONG
    third = post_login(client, "mette@testkommune.dk", "forkert")
    assert "midlertidigt låst" in third.context["error"]
    lockout = LoginLockout.objects.get()
    assert lockout.email == "mette@testkommune.dk"
    assert lockout.is_active
    right = post_login(client, "mette@testkommune.dk", password)
    assert right.status_code == 400
    assert "midlertidigt låst" in right.context["error"]
    assert "_auth_user_id" not in client.session
    assert LoginAttempt.objects.filter(succeeded=True).count() == 0


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_unknown_addresses_are_locked_the_same_way(client):
    post_login(client, "ukendt@testkommune.dk", "x")
    second = post_login(client, "ukendt@testkommune.dk", "x")
    assert "midlertidigt låst" in second.context["error"]


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_lock_runs_out_by_itself(client, make_user, password):
    make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    post_login(client, "mette@testkommune.dk", "x")
    post_login(client, "mette@testkommune.dk", "x")
    # time passes: the lock (the record and the counter that decides) has run out
    past = timezone.now() - timedelta(seconds=1)
    LoginLockout.objects.update(locked_until=past)
    LoginThrottle.objects.filter(locked_until__isnull=False).update(locked_until=past)
    assert post_login(client, "mette@testkommune.dk", password).status_code == 302


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_a_success_resets_the_failure_count(client, make_user, password):
    make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    post_login(client, "mette@testkommune.dk", "x")
    post_login(client, "mette@testkommune.dk", "x")
    assert post_login(client, "mette@testkommune.dk", password).status_code == 302
    client.post("/konto/log-ud/")
    post_login(client, "mette@testkommune.dk", "x")
    assert post_login(client, "mette@testkommune.dk", "x").context["error"] == WRONG
    assert not LoginLockout.objects.exists()


@pytest.mark.django_db
@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_administrator_unlocks_an_account_in_the_admin(client, make_user, password, municipality):
    make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    admin = make_user(Role.ADMIN)
    post_login(client, "mette@testkommune.dk", "x")
    post_login(client, "mette@testkommune.dk", "x")
    lockout = LoginLockout.objects.get()

    admin_client = Client()
    admin_client.force_login(admin)
    listing = admin_client.get("/administration/accounts/loginlockout/?status=active")
    assert "mette@testkommune.dk" in listing.content.decode()
    response = admin_client.post(
        "/administration/accounts/loginlockout/",
        {"action": "lift_lockouts", "_selected_action": [lockout.pk]},
    )
    assert response.status_code == 302
    lockout.refresh_from_db()
    assert lockout.lifted_by == admin
    assert not lockout.is_active
    assert post_login(client, "mette@testkommune.dk", password).status_code == 302


@pytest.mark.django_db
def test_logout_needs_post_and_ends_the_session(client, make_user):
    client.force_login(make_user(Role.CASEWORKER))
    assert client.get("/konto/log-ud/").status_code == 405
    response = client.post("/konto/log-ud/", follow=True)
    assert "Du er logget ud." in response.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_logout_everywhere_ends_sessions_in_other_browsers(make_user, password, municipality):
    user = make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    laptop, phone = Client(), Client()
    for browser in (laptop, phone):
        assert post_login(browser, "mette@testkommune.dk", password).status_code == 302
        assert browser.get("/").status_code == 200
    laptop.post("/konto/log-ud-overalt/")
    user.refresh_from_db()
    assert user.auth_epoch == 1
    assert phone.get("/")["Location"] == "/konto/log-ind/?next=/"
    assert laptop.get("/").status_code == 302
    # a new login works as before
    assert post_login(phone, "mette@testkommune.dk", password).status_code == 302


@pytest.mark.django_db
def test_session_expires_after_inactivity(client, make_user, settings, municipality):
    assert settings.SESSION_IDLE_TIMEOUT_MINUTES == 30
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    client.force_login(make_user(Role.CASEWORKER))
    before = timezone.now()
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    assert (
        before + timedelta(minutes=29)
        < session.expire_date
        <= (timezone.now() + timedelta(minutes=30))
    )
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/")["Location"] == "/konto/log-ind/?next=/"


@pytest.mark.django_db
def test_next_only_redirects_inside_the_site(client, make_user, password):
    make_user(Role.CASEWORKER, email="mette@testkommune.dk")
    evil = post_login(client, "mette@testkommune.dk", password, next="https://evil.example/")
    assert evil["Location"] == "/"
    client.post("/konto/log-ud/")
    good = post_login(client, "mette@testkommune.dk", password, next="/konto/")
    assert good["Location"] == "/konto/"


@pytest.mark.django_db
def test_profile_lists_roles_and_teams(client, make_user):
    user = make_user(Role.TEAM_LEADER)
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Teamleder" in html
    assert user.team_memberships.get().team.name in html


@pytest.mark.django_db
def test_caseworker_sets_her_own_deadline_digest(client, make_user):
    user = make_user(Role.CASEWORKER)
    client.force_login(user)
    client.post("/konto/", {"wants_deadline_digest": "on"})
    user.refresh_from_db()
    assert user.wants_deadline_digest is True
    client.post("/konto/", {})
    user.refresh_from_db()
    assert user.wants_deadline_digest is False
